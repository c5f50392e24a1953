// Bulk calls in the request engine when things go wrong: the items of one call are kept as one range
// of sequence numbers, and every way a request can end without its reply must still settle each
// item exactly once, in order, without touching the items that were answered.
import test from 'ava';
import type { BulkResult, Connection } from '../../../lib/netlink/transport/connection.js';
import { NetlinkError, ProtocolError } from '../../../lib/netlink/core/errors.js';
import { nldone, nlerror } from '../../helpers/bytes.js';
import { FakeKernel, type SentMessage } from '../../helpers/fake-kernel.js';

const RTM_NEWLINK = 16;
const NLM_F_ACK = 4;

// Tests share the module-level binding slot, so they run one after another.
const serial = test.serial;

function open(kernel: FakeKernel, options = {}): Connection {
  return kernel.connection(options);
}

/** rtnetlink's answers to one datagram: an NLMSG_ERROR for each message that failed or asked for an ACK. */
function answers(msgs: SentMessage[], errnoFor: (m: SentMessage) => number = () => 0): Buffer[] {
  return msgs.flatMap((m) => {
    const errno = errnoFor(m);
    return errno !== 0 || m.flags & NLM_F_ACK ? [nlerror(m.seq, errno, { type: m.type, flags: m.flags })] : [];
  });
}

/** The error code of a rejected item (undefined when it was fulfilled). */
function codeOf(r: BulkResult | undefined): string | undefined {
  return r?.status === 'rejected' ? (r.reason as NetlinkError | ProtocolError).code : undefined;
}

/** The item index a test wrote into a message's payload. */
const itemOf = (m: SentMessage): number => m.payload.readUInt32LE(0);

serial('lost replies (ENOBUFS) fail only the items of the datagram they belonged to', async (t) => {
  let datagram = 0;
  const k = new FakeKernel((msgs, kk) => {
    if (++datagram === 2) kk.queue.push({ errno: 105 });
    else kk.deliver(...answers(msgs, (m) => (itemOf(m) === 1 ? 17 : 0)));
  });
  k.rcvbuf = 16 * 1024; // about a dozen ACKs per datagram
  const conn = open(k);
  const results = await conn.bulk(RTM_NEWLINK, 0, 40, (w, i) => w.putU32(i));
  t.true(k.datagrams.length >= 3, `${k.datagrams.length} datagrams`);
  const inSecond = (i: number): boolean => {
    let at = 0;
    for (let d = 0; d < k.datagrams.length; d++) {
      const n = countMessages(k.datagrams[d]!);
      if (i < at + n) return d === 1;
      at += n;
    }
    return false;
  };
  results.forEach((r, i) => {
    if (i === 1) {
      t.is(codeOf(r), 'EEXIST', 'answered before the loss: keeps its own error');
    } else if (inSecond(i)) {
      t.is(codeOf(r), 'ENOBUFS', `item ${i}`);
    } else {
      t.is(r.status, 'fulfilled', `item ${i}`);
    }
  });
  // The handle goes on working.
  k.respond = (msgs, kk) => kk.deliver(...answers(msgs));
  t.deepEqual((await conn.bulk(RTM_NEWLINK, 0, 3, (w, i) => w.putU32(i))).map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled']);
  conn.close();
});

function countMessages(d: Buffer): number {
  let n = 0;
  for (let at = 0; at + 16 <= d.length; at += (d.readUInt32LE(at) + 3) & ~3) n++;
  return n;
}

serial('items without a reply time out; items answered keep their result', async (t) => {
  let datagram = 0;
  const k = new FakeKernel((msgs, kk) => {
    if (++datagram === 1) kk.deliver(...answers(msgs));
  });
  k.rcvbuf = 16 * 1024;
  const conn = open(k, { timeout: 50 });
  const results = await conn.bulk(RTM_NEWLINK, 0, 30, (w, i) => w.putU32(i));
  const first = countMessages(k.datagrams[0]!);
  results.forEach((r, i) => {
    if (i < first) t.is(r.status, 'fulfilled', `item ${i}`);
    else t.is(codeOf(r), 'ERR_NL_TIMEOUT', `item ${i}`);
  });
  conn.close();
});

serial('a failed send rejects the items of that datagram with its errno, the others are sent', async (t) => {
  let sends = 0;
  const k = new FakeKernel((msgs, kk) => kk.deliver(...answers(msgs)));
  const send = k.socketSend.bind(k);
  k.socketSend = (fd, buf, off, len) => (++sends === 2 ? -90 : send(fd, buf, off, len));
  k.rcvbuf = 16 * 1024;
  const conn = open(k);
  const results = await conn.bulk(RTM_NEWLINK, 0, 40, (w, i) => w.putU32(i));
  const first = countMessages(k.datagrams[0]!);
  const failed = results.filter((r) => r.status === 'rejected');
  t.true(failed.length > 0);
  for (const r of failed) t.is(codeOf(r), 'EMSGSIZE');
  results.forEach((r, i) => { if (i < first) t.is(r.status, 'fulfilled', `item ${i}`); });
  t.is(results.filter((r) => r.status === 'fulfilled').length + failed.length, 40);
  t.is(k.sent.length + failed.length, 40, 'every item either left or failed with the send');
  conn.close();
});

serial('close() settles every waiting item of a bulk call with ERR_NL_CLOSED', async (t) => {
  const k = new FakeKernel(() => {});
  const conn = open(k);
  const p = conn.bulk(RTM_NEWLINK, 0, 5, (w, i) => w.putU32(i));
  await new Promise((r) => setImmediate(r));
  conn.close();
  const results = await p;
  t.is(results.length, 5);
  for (const r of results) t.is(codeOf(r), 'ERR_NL_CLOSED');
});

serial('a bulk call never wraps its sequence numbers around 0: each reply reaches its own item', async (t) => {
  const k = new FakeKernel((msgs, kk) => kk.deliver(...answers(msgs, (m) => (itemOf(m) === 2 ? 22 : 0))));
  const conn = open(k);
  // Move the sequence counter next to its end (the engine's private counter; 4 billion requests otherwise).
  (conn as unknown as { outbox: { seq: number } }).outbox.seq = 0xfffffffd;
  const results = await conn.bulk(RTM_NEWLINK, 0, 5, (w, i) => w.putU32(i));
  t.deepEqual(k.sent.map((m) => m.seq), [1, 2, 3, 4, 5]);
  t.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  t.is(((results[2] as { reason: Error }).reason as NetlinkError).seq, 3);
  // Single requests go on from there, and one that fits before the end still wraps to 1 only after it.
  await conn.ack(RTM_NEWLINK, 0, (w) => w.putU32(99));
  t.is(k.sent.at(-1)!.seq, 6);
  (conn as unknown as { outbox: { seq: number } }).outbox.seq = 0xfffffffc;
  await conn.bulk(RTM_NEWLINK, 0, 3, (w, i) => w.putU32(i));
  t.deepEqual(k.sent.slice(-3).map((m) => m.seq), [0xfffffffd, 0xfffffffe, 0xffffffff]);
  conn.close();
});

serial('singles and bulk items in one datagram each get their own reply; stray replies are ignored', async (t) => {
  const k = new FakeKernel((msgs, kk) => {
    const replies = answers(msgs, (m) => (itemOf(m) === 101 || itemOf(m) === 1 ? 17 : 0));
    // A second reply for an item already answered, and one for a sequence number nobody sent.
    replies.push(nlerror(msgs[2]!.seq, 1, msgs[2]!), nlerror(9999, 1, { type: RTM_NEWLINK, flags: 5 }));
    kk.deliver(...replies);
  });
  const conn = open(k);
  const [a, bulk, b] = await Promise.allSettled([
    conn.ack(RTM_NEWLINK, 0, (w) => w.putU32(100)),
    conn.bulk(RTM_NEWLINK, 0, 4, (w, i) => w.putU32(i)),
    conn.ack(RTM_NEWLINK, 0, (w) => w.putU32(101)),
  ]);
  t.is(k.datagrams.length, 1);
  t.is(a.status, 'fulfilled');
  t.is(((b as PromiseRejectedResult).reason as NetlinkError).code, 'EEXIST');
  const items = (bulk as PromiseFulfilledResult<Array<{ status: string; reason?: NetlinkError }>>).value;
  t.deepEqual(items.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  t.is(items[1]!.reason!.code, 'EEXIST');
  conn.close();
});

serial('each run of a bulk call in a datagram asks for one ACK, on its last item; singles keep theirs', async (t) => {
  const k = new FakeKernel((msgs, kk) => kk.deliver(...answers(msgs)));
  const conn = open(k);
  const [a, one, b, two] = await Promise.all([
    conn.ack(RTM_NEWLINK, 0, (w) => w.putU32(100)),
    conn.bulk(RTM_NEWLINK, 0, 1, (w, i) => w.putU32(i)),
    conn.ack(RTM_NEWLINK, 0, (w) => w.putU32(101)),
    conn.bulk(RTM_NEWLINK, 0, 3, (w, i) => w.putU32(10 + i)),
  ]);
  t.is(k.datagrams.length, 1);
  t.deepEqual(k.sent.map((m) => [itemOf(m), (m.flags & NLM_F_ACK) !== 0]), [[100, true], [0, true], [101, true], [10, false], [11, false], [12, true]]);
  t.is(a, undefined);
  t.is(b, undefined);
  t.deepEqual([...one, ...two].map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
  conn.close();
});

serial('a datagram holds at most maxDatagramSize bytes; a run cut by it asks for an ACK in each part', async (t) => {
  const k = new FakeKernel((msgs, kk) => kk.deliver(...answers(msgs)));
  const conn = open(k, { maxDatagramSize: 4096 });
  // 200-byte messages: 20 fit in 4096 bytes.
  const results = await conn.bulk(RTM_NEWLINK, 0, 50, (w, i) => { w.putU32(i); w.putZeros(180); });
  t.deepEqual(k.datagrams.map((d) => d.length), [4000, 4000, 2000]);
  t.deepEqual(k.datagrams.map((d) => countMessages(d)), [20, 20, 10]);
  const acked = k.sent.filter((m) => (m.flags & NLM_F_ACK) !== 0).map(itemOf);
  t.deepEqual(acked, [19, 39, 49]);
  t.true(results.every((r) => r.status === 'fulfilled'));
  conn.close();
});

serial('a dump queued among other requests ends its datagram', async (t) => {
  const k = new FakeKernel((msgs, kk) => {
    const replies: Buffer[] = [];
    for (const m of msgs) {
      if (m.flags & 0x300) replies.push(nldone(m.seq));
      else if (m.flags & NLM_F_ACK) replies.push(nlerror(m.seq, 0, m));
    }
    kk.deliver(...replies);
  });
  const conn = open(k);
  const [items, dumped, after] = await Promise.all([
    conn.bulk(RTM_NEWLINK, 0, 3, (w, i) => w.putU32(i)),
    conn.dump(18, 0, (w) => w.putU32(200), () => 1),
    conn.bulk(RTM_NEWLINK, 0, 2, (w, i) => w.putU32(300 + i)),
  ]);
  t.deepEqual(k.datagrams.map((d) => countMessages(d)), [4, 2]);
  t.deepEqual(dumped, []);
  t.deepEqual([...items, ...after].map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
  conn.close();
});
