// nl.monitor against the real kernel: typed events, overrun reporting, nsid, closing.
import type { ExecutionContext } from 'ava';
import type { Monitor, MonitorEvent } from '../../../lib/netlink/rtnl/monitor.js';
import { Link, ValidationError } from '../../../lib/netlink/index.js';
import { readdirSync } from 'node:fs';
import { ip, liveSerial, liveTest, tempNetns } from '../../helpers/netns.js';

/** Collects events until `pred` matched one, or fails after `ms`. */
async function waitFor(t: ExecutionContext, m: Monitor, pred: (e: MonitorEvent) => boolean, ms = 5000): Promise<MonitorEvent[]> {
  const seen: MonitorEvent[] = [];
  const timer = setTimeout(() => m.close(), ms);
  try {
    for (;;) {
      const r = await m.next();
      if (r.done) {
        t.fail(`no matching event within ${ms} ms; saw ${seen.length}`);
        return seen;
      }
      seen.push(r.value);
      if (pred(r.value)) return seen;
    }
  } finally {
    clearTimeout(timer);
  }
}

const linkNamed = (name: string, type: 'new' | 'del') => (e: MonitorEvent): boolean =>
  e.type === type && e.kind === 'link' && (e.object as Link).name === name;

liveTest('link events: new and del with decoded Link objects', async (t) => {
  const { name, nl } = await tempNetns(t);
  const m = nl.monitor({ groups: ['link'] });
  t.teardown(() => m.close());
  ip(['-n', name, 'link', 'add', 'ev0', 'type', 'bridge']);
  const seen = await waitFor(t, m, linkNamed('ev0', 'new'));
  const ev = seen[seen.length - 1]!;
  t.true(ev.type === 'new' && ev.object instanceof Link && ev.object.kind === 'bridge');
  ip(['-n', name, 'link', 'del', 'ev0']);
  await waitFor(t, m, linkNamed('ev0', 'del'));
});

liveSerial('a flooded small receive buffer yields an overrun event and the stream goes on', async (t) => {
  const { name, nl } = await tempNetns(t);
  const m = nl.monitor({ groups: ['link'], receiveBufferSize: 4096 });
  t.teardown(() => m.close());
  // Nobody reads while 200 links are created: the kernel drops notifications.
  ip(['-n', name, '-batch', '-'], Array.from({ length: 200 }, (_, i) => `link add f${i} type bridge`).join('\n') + '\n');
  const first = await waitFor(t, m, (e) => e.type === 'overrun');
  t.true(first.length < 200, 'events were lost and reported');
  // Read what survived until the socket is idle: the kernel keeps dropping (without a second
  // ENOBUFS) until its queue has drained once, which is why a consumer resynchronises after an
  // overrun. Then new events flow again.
  let pending = m.next();
  let survivors = 0;
  for (;;) {
    const r = await Promise.race([pending, new Promise<'idle'>((res) => setTimeout(() => res('idle'), 300))]);
    if (r === 'idle') break;
    survivors++;
    pending = m.next();
  }
  t.true(survivors < 200);
  ip(['-n', name, 'link', 'add', 'after0', 'type', 'bridge']);
  const r = await pending;
  t.true(!r.done && linkNamed('after0', 'new')(r.value));
});

liveTest('events of other namespaces carry their nsid with allNamespaces', async (t) => {
  const a = await tempNetns(t);
  const b = await tempNetns(t);
  ip(['-n', a.name, 'netns', 'set', b.name, '7']);
  const m = a.nl.monitor({ groups: ['link'], allNamespaces: true });
  t.teardown(() => m.close());
  ip(['-n', b.name, 'link', 'add', 'far0', 'type', 'bridge']);
  const seen = await waitFor(t, m, linkNamed('far0', 'new'));
  const ev = seen[seen.length - 1]!;
  t.is(ev.type === 'new' ? ev.nsid : undefined, 7);
});

liveSerial('return() closes the socket and ends the iteration', async (t) => {
  const { name, nl } = await tempNetns(t);
  const before = new Set(readdirSync('/proc/self/fd'));
  const m = nl.monitor({ groups: ['link', 'rules'] });
  const opened = readdirSync('/proc/self/fd').filter((fd) => !before.has(fd));
  t.is(opened.length, 1, 'the monitor has one socket');
  const pending = m.next();
  await m.return?.();
  t.deepEqual(await pending, { value: undefined, done: true });
  t.deepEqual(await m.next(), { value: undefined, done: true });
  t.false(readdirSync('/proc/self/fd').includes(opened[0]!), 'its socket is closed');
  ip(['-n', name, 'link', 'add', 'late0', 'type', 'bridge']);
  t.deepEqual(await m.next(), { value: undefined, done: true });
});

liveTest('bad groups are refused before a socket is opened', async (t) => {
  const { nl } = await tempNetns(t);
  t.throws(() => nl.monitor({ groups: [] }), { instanceOf: ValidationError });
  t.throws(() => nl.monitor({ groups: ['links' as never] }), { instanceOf: ValidationError, message: /groups\[0\]: unknown group/ });
});

liveTest('address, route, neighbour and rule events carry their typed objects', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'link', 'add', 'e0', 'type', 'bridge']);
  ip(['-n', name, 'link', 'set', 'e0', 'up']);
  const m = nl.monitor({ groups: ['ipv4-ifaddr', 'ipv4-route', 'neigh', 'rules'] });
  t.teardown(() => m.close());
  ip(['-n', name, 'addr', 'add', '10.9.0.1/24', 'dev', 'e0']);
  let seen = await waitFor(t, m, (e) => e.type === 'new' && e.kind === 'address');
  let ev = seen[seen.length - 1]!;
  t.true(ev.type === 'new' && ev.kind === 'address' && ev.object.cidr === '10.9.0.1/24', `address event`);
  ip(['-n', name, 'route', 'add', '10.77.0.0/16', 'via', '10.9.0.2']);
  seen = await waitFor(t, m, (e) => e.type === 'new' && e.kind === 'route' && e.object.dst === '10.77.0.0/16');
  ev = seen[seen.length - 1]!;
  t.true(ev.type === 'new' && ev.kind === 'route' && ev.object.gateway === '10.9.0.2', `route event`);
  // What the change was, in the notification's nlmsg_flags: created (CREATE | EXCL), replaced, appended, deleted.
  const lastFlags = (events: typeof seen): number => {
    const e = events[events.length - 1]!;
    return e.type === 'overrun' ? -1 : e.object.messageFlags;
  };
  t.is(lastFlags(seen), 0x600);
  ip(['-n', name, 'route', 'replace', '10.77.0.0/16', 'via', '10.9.0.3']);
  seen = await waitFor(t, m, (e) => e.type === 'new' && e.kind === 'route' && e.object.gateway === '10.9.0.3');
  t.is(lastFlags(seen), 0x100);
  ip(['-n', name, 'route', 'append', '10.77.0.0/16', 'via', '10.9.0.4']);
  seen = await waitFor(t, m, (e) => e.type === 'new' && e.kind === 'route' && e.object.gateway === '10.9.0.4');
  t.is(lastFlags(seen), 0x800 | 0x400);
  ip(['-n', name, 'route', 'del', '10.77.0.0/16', 'via', '10.9.0.4']);
  seen = await waitFor(t, m, (e) => e.type === 'del' && e.kind === 'route' && e.object.gateway === '10.9.0.4');
  t.is(lastFlags(seen), 0);
  ip(['-n', name, 'neigh', 'add', '10.9.0.7', 'lladdr', '02:00:00:00:00:07', 'dev', 'e0', 'nud', 'permanent']);
  seen = await waitFor(t, m, (e) => e.type === 'new' && e.kind === 'neighbor');
  ev = seen[seen.length - 1]!;
  t.true(ev.type === 'new' && ev.kind === 'neighbor' && ev.object.lladdr === '02:00:00:00:00:07', `neighbor event`);
  ip(['-n', name, 'rule', 'add', 'fwmark', '7', 'table', '100', 'priority', '500']);
  seen = await waitFor(t, m, (e) => e.type === 'new' && e.kind === 'rule');
  ev = seen[seen.length - 1]!;
  t.true(ev.type === 'new' && ev.kind === 'rule' && ev.object.priority === 500, `rule event`);
  ip(['-n', name, 'neigh', 'del', '10.9.0.7', 'dev', 'e0']);
  await waitFor(t, m, (e) => e.type === 'del' && e.kind === 'neighbor');
});
