// The readiness watcher's waiting paths, against the fake kernel: the consumer waits first, the
// reply or data comes after, several times in a row on the same socket. The fake's poller keeps the
// callback it was created with, exactly as the native one does (native/rtnetlink.c stores it on the
// poller object once), so a caller that relies on a later watch() callback is caught here.
import test from 'ava';
import { Connection } from '../../../lib/netlink/transport/connection.js';
import { NetlinkSocket } from '../../../lib/netlink/transport/socket.js';
import { ProtocolError } from '../../../lib/netlink/core/errors.js';
import { nldone, nlerror, nlmsg, u32 } from '../../helpers/bytes.js';
import { stillPending, within } from '../../helpers/waiting.js';
import { FakeKernel } from '../../helpers/fake-kernel.js';
import { NLMSG_HDRLEN } from '../../../lib/netlink/core/protocol.js';

const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const NLM_F_MULTI = 2;

const serial = test.serial;

function open(kernel: FakeKernel, options = {}): Connection {
  kernel.install();
  return Connection.open(0, options);
}


serial('socket.watch(): the callback given last is the one called, however many times it is replaced', (t) => {
  const k = new FakeKernel();
  k.install();
  const socket = NetlinkSocket.open(0);
  const calls: string[] = [];
  for (const name of ['first', 'second', 'third']) {
    socket.watch(() => { calls.push(name); socket.unwatch(); });
    k.wake();
  }
  t.deepEqual(calls, ['first', 'second', 'third']);
  t.is(k.pollers.length, 1, 'one native poller for the socket');
  socket.close();
});

serial('late ACKs: an awaited request that waits for its reply settles, five times in a row', async (t) => {
  let seq = 0;
  const k = new FakeKernel((msgs) => { seq = msgs[0]!.seq; });
  const conn = open(k);
  for (let round = 0; round < 5; round++) {
    const p = conn.ack(RTM_NEWLINK, 0, () => {});
    t.true(await stillPending(p), `round ${round}: waiting`);
    t.true(k.pollers.some((q) => q.active), `round ${round}: through the watcher`);
    k.deliver(nlerror(seq, 0, { type: RTM_NEWLINK, flags: 5 }));
    k.wake();
    await within(p);
    t.false(k.pollers.some((q) => q.active), `round ${round}: the watcher stops once nothing is pending`);
  }
  conn.close();
});

serial('late GET replies and errors alternate on one connection, each settling when it arrives', async (t) => {
  let seq = 0;
  const k = new FakeKernel((msgs) => { seq = msgs[0]!.seq; });
  const conn = open(k);
  for (let round = 0; round < 4; round++) {
    const p = conn.get(RTM_GETLINK, 0, () => {}, (b, o) => b.readUInt32LE(o + NLMSG_HDRLEN));
    t.true(await stillPending(p));
    if (round % 2 === 0) {
      k.deliver(nlmsg(RTM_NEWLINK, 0, seq, 0, u32(round)));
      k.wake();
      t.is(await within(p), round);
    } else {
      k.deliver(nlerror(seq, 19, { type: RTM_GETLINK, flags: 1 }));
      k.wake();
      await t.throwsAsync(within(p), { code: 'ENODEV' });
    }
  }
  conn.close();
});

serial('a stream waiting for its next datagram resumes each time one arrives', async (t) => {
  let seq = 0;
  const k = new FakeKernel((msgs) => { seq = msgs[0]!.seq; });
  const conn = open(k);
  const it = conn.stream(RTM_GETLINK, 0, () => {}, (b, o) => b.readUInt32LE(o + NLMSG_HDRLEN));
  for (let round = 0; round < 4; round++) {
    const p = it.next();
    t.true(await stillPending(p), `round ${round}: waiting`);
    k.deliver(nlmsg(RTM_NEWLINK, NLM_F_MULTI, seq, 0, u32(round)));
    k.wake();
    t.deepEqual(await within(p), { value: round, done: false });
  }
  const end = it.next();
  t.true(await stillPending(end));
  k.deliver(nldone(seq));
  k.wake();
  t.deepEqual(await within(end), { value: undefined, done: true });
  conn.close();
});

serial('two streams in a row on one connection both read through the watcher', async (t) => {
  let seq = 0;
  const k = new FakeKernel((msgs) => { seq = msgs[0]!.seq; });
  const conn = open(k);
  for (let s = 0; s < 2; s++) {
    const it = conn.stream(RTM_GETLINK, 0, () => {}, (b, o) => b.readUInt32LE(o + NLMSG_HDRLEN));
    const p = it.next();
    t.true(await stillPending(p));
    k.deliver(nlmsg(RTM_NEWLINK, NLM_F_MULTI, seq, 0, u32(s)), nldone(seq));
    k.wake();
    t.deepEqual(await within(p), { value: s, done: false });
    t.deepEqual(await within(it.next()), { value: undefined, done: true });
  }
  conn.close();
});

serial('close() settles a stream that is waiting for data', async (t) => {
  const k = new FakeKernel(() => {});
  const conn = open(k);
  const it = conn.stream(RTM_GETLINK, 0, () => {}, () => 0);
  const p = it.next();
  t.true(await stillPending(p));
  conn.close();
  const e = await t.throwsAsync(within(p), { instanceOf: ProtocolError });
  t.is(e.code, 'ERR_NL_CLOSED');
});
