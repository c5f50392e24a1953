// The monitor's iterator against the fake kernel (no privileges): every next() that waits for an
// event settles when it arrives, however many waits came before; return()/close() settle a waiting
// next(); bad options are ValidationErrors before any socket is opened.
import test from 'ava';
import { openMonitor, type ListingEvent, type Monitor, type MonitorOptions } from '../../../lib/netlink/rtnl/monitor.js';
import { ValidationError } from '../../../lib/netlink/core/errors.js';
import { attr, bytes, cstr, nlmsg, u32 } from '../../helpers/bytes.js';
import { stillPending, within } from '../../helpers/waiting.js';
import { FakeKernel } from '../../helpers/fake-kernel.js';

const RTM_NEWLINK = 16;
const RTM_DELLINK = 17;
const serial = test.serial;

/** A fake kernel that counts the sockets opened through it. */
class CountingKernel extends FakeKernel {
  opened = 0;
  override socketOpen(): number {
    this.opened++;
    return 7;
  }
}

/** An RTM_NEWLINK/DELLINK notification for ifindex `index` named `name`. */
function linkEvent(type: number, index: number, name: string): Buffer {
  const ifinfomsg = bytes([0, 0, 1, 0], u32(index), u32(0), u32(0));
  return nlmsg(type, 0, 0, 0, ifinfomsg, attr(3, cstr(name)));
}


function describe(e: ListingEvent): string {
  if (e.type === 'overrun' || e.type === 'synced') return e.type;
  return `${e.type} ${e.kind} ${e.kind === 'link' ? e.object.name : ''}${e.existing ? ' (existing)' : ''}`;
}

function open(k: FakeKernel, options: MonitorOptions = { groups: ['link'] }): Monitor<ListingEvent> {
  k.install();
  return openMonitor(undefined, options);
}

serial('every next() that waits settles when its event arrives, ten times in a row', async (t) => {
  const k = new FakeKernel();
  const m = open(k);
  for (let i = 0; i < 10; i++) {
    const p = m.next();
    t.true(await stillPending(p), `wait ${i}: nothing queued yet`);
    k.deliver(linkEvent(i % 2 === 0 ? RTM_NEWLINK : RTM_DELLINK, 10 + i, `w${i}`));
    k.wake();
    const r = await within(p);
    t.false(r.done);
    t.is(describe(r.value as ListingEvent), `${i % 2 === 0 ? 'new' : 'del'} link w${i}`);
  }
  m.close();
});

serial('next() calls made before any event arrives settle in order, one event each', async (t) => {
  const k = new FakeKernel();
  const m = open(k);
  const waits = [m.next(), m.next(), m.next()];
  t.true(await stillPending(waits[0]!));
  k.deliver(linkEvent(RTM_NEWLINK, 1, 'a0'));
  k.wake();
  t.is(describe((await within(waits[0]!)).value as ListingEvent), 'new link a0');
  t.true(await stillPending(waits[1]!), 'the second still waits');
  k.deliver(linkEvent(RTM_NEWLINK, 2, 'a1'), linkEvent(RTM_NEWLINK, 3, 'a2'));
  k.wake();
  t.deepEqual((await within(Promise.all(waits.slice(1)))).map((r) => describe(r.value as ListingEvent)), ['new link a1', 'new link a2']);
  m.close();
});

serial('a for await loop sees every event that arrives while it waits', async (t) => {
  const k = new FakeKernel();
  const m = open(k);
  const names: string[] = [];
  let waiting: () => void = () => {};
  const loop = (async () => {
    for await (const e of m) {
      if (e.type !== 'overrun' && e.type !== 'synced' && e.kind === 'link') names.push(e.object.name);
      if (names.length === 3) break;
      waiting();
    }
  })();
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 5));
    k.deliver(linkEvent(RTM_NEWLINK, i + 1, `l${i}`));
    k.wake();
    if (i < 2) await within(new Promise<void>((r) => { waiting = r; }));
  }
  await within(loop);
  t.deepEqual(names, ['l0', 'l1', 'l2']);
  t.true(k.pollers.every((p) => p.closed), 'leaving the loop closed the socket and its watcher');
  t.deepEqual(k.closedFds, [7]);
});

for (const how of ['return', 'close'] as const) {
  serial(`${how}() settles every waiting next() as done, also after earlier waits`, async (t) => {
    const k = new FakeKernel();
    const m = open(k);
    for (let i = 0; i < 2; i++) {
      const p = m.next();
      t.true(await stillPending(p));
      k.deliver(linkEvent(RTM_NEWLINK, i + 1, `c${i}`));
      k.wake();
      t.false((await within(p)).done);
    }
    const waits = [m.next(), m.next()];
    t.true(await stillPending(waits[0]!));
    if (how === 'return') t.deepEqual(await within(m.return!()), { value: undefined, done: true });
    else m.close();
    t.deepEqual(await within(Promise.all(waits)), [{ value: undefined, done: true }, { value: undefined, done: true }]);
    t.deepEqual(await m.next(), { value: undefined, done: true });
    t.deepEqual(k.closedFds, [7]);
    t.false(k.pollers.some((p) => p.active), 'no watcher left polling');
  });
}

serial('bad options are ValidationErrors and open no socket', (t) => {
  const k = new CountingKernel();
  k.install();
  const inherited = Object.create({ groups: ['link'] }) as MonitorOptions;
  const bad: unknown[] = [
    undefined, null, 5, 'link', [], ['link'],
    {}, { groups: [] }, { groups: 'link' }, { groups: [5] }, { groups: ['links'] }, { groups: [''] },
    { groups: ['toString'] }, { groups: ['constructor'] }, { groups: ['__proto__'] }, { groups: ['hasOwnProperty'] },
    { groups: ['valueOf'] }, { groups: ['link', 'toString'] }, { groups: ['link\0'] }, { groups: [, 'link'] },
    { groups: ['link'], allNamespaces: 'yes' }, { groups: ['link'], allNamespaces: 1 },
    { groups: ['link'], receiveBufferSize: NaN }, { groups: ['link'], receiveBufferSize: Infinity },
    { groups: ['link'], receiveBufferSize: -1 }, { groups: ['link'], receiveBufferSize: 1.5 },
    { groups: ['link'], receiveBufferSize: '4096' }, { groups: ['link'], receiveBufferSize: 2 ** 40 },
    { groups: ['link'], gruops: ['neigh'] }, { groups: ['link'], constructor: 1 },
    inherited, Object.assign(Object.create({ allNamespaces: 'x' }), { groups: ['link'] }),
    new (class { groups = ['link']; })(), new Map([['groups', ['link']]]),
  ];
  for (const options of bad) {
    const label = JSON.stringify(options, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) ?? String(options);
    t.throws(() => openMonitor(undefined, options as MonitorOptions), { instanceOf: ValidationError }, label);
  }
  t.is(k.opened, 0, 'no socket was opened');
});

serial('an inherited option is not read: Object.prototype pollution does not reach the monitor', (t) => {
  const k = new CountingKernel();
  k.install();
  const proto = Object.prototype as Record<string, unknown>;
  proto.allNamespaces = 'polluted';
  try {
    const m = openMonitor(undefined, { groups: ['link'] });
    m.close();
  } finally {
    delete proto.allNamespaces;
  }
  t.is(k.opened, 1);
  t.false(k.options.has('270:8'), 'NETLINK_LISTEN_ALL_NSID was not set');
});

serial('a malformed datagram rejects one next() after the events before it; its events stay readable', async (t) => {
  const k = new FakeKernel();
  const m = open(k);
  const broken = Buffer.alloc(20);
  broken.writeUInt32LE(400, 0); // nlmsg_len beyond the datagram
  k.deliver(linkEvent(RTM_NEWLINK, 1, 'good0'), broken);
  const first = await within(m.next());
  t.is(describe(first.value as ListingEvent), 'new link good0');
  await t.throwsAsync(within(m.next()), { name: 'DecodeError' });
  const p = m.next();
  t.true(await stillPending(p));
  k.deliver(linkEvent(RTM_NEWLINK, 2, 'after0'));
  k.wake();
  t.is(describe((await within(p)).value as ListingEvent), 'new link after0');
  t.is(describe(first.value as ListingEvent), 'new link good0', 'the first view still reads its own bytes');
  m.close();
});

serial('a receive error other than a lost event fails the waiting next() and ends the monitor', async (t) => {
  const k = new FakeKernel();
  const m = open(k);
  k.queue.push({ errno: 105 }); // ENOBUFS: an overrun, and the monitor goes on
  t.is(describe((await within(m.next())).value as ListingEvent), 'overrun');
  k.queue.push({ errno: 9 }); // EBADF: the socket is broken
  await t.throwsAsync(within(m.next()), { code: 'EBADF' });
  t.deepEqual(await m.next(), { value: undefined, done: true });
  t.deepEqual(k.closedFds, [7]);
});
