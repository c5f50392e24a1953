// The request engine against a fake kernel (spec/helpers/fake-kernel.ts): no privileges needed.
import test from 'ava';
import { Connection } from '../../../lib/netlink/transport/connection.js';
import { DecodeError, NetlinkError, ProtocolError } from '../../../lib/netlink/core/errors.js';
import { attr, cstr, nldone, nlerror, nlmsg, u32 } from '../../helpers/bytes.js';
import { FakeKernel, type SentMessage } from '../../helpers/fake-kernel.js';
import { NLMSG_HDRLEN } from '../../../lib/netlink/core/protocol.js';

const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const NLM_F_REQUEST = 1;
const NLM_F_ACK = 4;
const NLM_F_MULTI = 2;
const NLM_F_DUMP_INTR = 0x10;

// Tests share the module-level binding slot, so they run one after another.
const serial = test.serial;

function open(kernel: FakeKernel, options = {}): Connection {
  return kernel.connection(options);
}

/**
 * Answers like rtnetlink's netlink_rcv_skb: an NLMSG_ERROR for every message that failed or asked
 * for an ACK, in order, in one reply datagram per request datagram.
 */
function acker(errnoFor: (m: SentMessage) => number = () => 0) {
  return (msgs: SentMessage[], k: FakeKernel) => {
    const replies = msgs.flatMap((m) => {
      const errno = errnoFor(m);
      return errno !== 0 || m.flags & NLM_F_ACK ? [nlerror(m.seq, errno, { type: m.type, flags: m.flags })] : [];
    });
    if (replies.length > 0) k.deliver(...replies);
  };
}

serial('an ACKed request resolves; the request carries REQUEST|ACK and a sequence number', async (t) => {
  const k = new FakeKernel(acker());
  const conn = open(k);
  await conn.ack(RTM_NEWLINK, 0x400, (w) => w.putU32(7));
  t.is(k.sent.length, 1);
  const m = k.sent[0]!;
  t.is(m.type, RTM_NEWLINK);
  t.is(m.flags, NLM_F_REQUEST | NLM_F_ACK | 0x400);
  t.true(m.seq > 0);
  t.deepEqual([...m.payload], [7, 0, 0, 0]);
  conn.close();
});

serial('a kernel error keeps errno, code, request type, sequence and the extended ack', async (t) => {
  const k = new FakeKernel((msgs, kk) => {
    const m = msgs[0]!;
    kk.deliver(nlerror(m.seq, 17, { type: m.type, flags: m.flags }, [attr(1, cstr('File exists here')), attr(2, u32(20))]));
  });
  const conn = open(k);
  const e = await t.throwsAsync(conn.ack(RTM_NEWLINK, 0, () => {}), { instanceOf: NetlinkError });
  t.is(e.errno, 17);
  t.is(e.code, 'EEXIST');
  t.is(e.op, 'RTM_NEWLINK');
  t.is(e.requestType, RTM_NEWLINK);
  t.is(e.seq, k.sent[0]!.seq);
  t.deepEqual(e.extack, { message: 'File exists here', offset: 20 });
  t.is(e.message, 'RTM_NEWLINK: EEXIST (File exists): File exists here');
  conn.close();
});

serial('an ACK carrying an extended-ack message resolves and reports it as a warning; one without resolves quietly', async (t) => {
  const k = new FakeKernel((msgs, kk) => {
    for (const m of msgs) kk.deliver(nlerror(m.seq, 0, m, m.payload[0] === 1 ? [attr(1, cstr('be warned'))] : []));
  });
  const warnings: unknown[] = [];
  const conn = open(k, { onWarning: (w: unknown) => warnings.push(w) });
  await conn.ack(RTM_NEWLINK, 0, (w) => w.putU32(0));
  await conn.ack(RTM_NEWLINK, 0, (w) => w.putU32(1));
  t.deepEqual(warnings, [{ op: 'RTM_NEWLINK', message: 'be warned', seq: k.sent[1]!.seq }]);
  conn.close();
});

serial('a lone ACK of a sequence number nobody waits for is dropped, and the next datagram still answers', async (t) => {
  const k = new FakeKernel((msgs, kk) => {
    const m = msgs[0]!;
    kk.deliver(nlerror(m.seq + 1000, 17, m));
    kk.deliver(nlerror(m.seq, 0, m));
  });
  const conn = open(k);
  await t.notThrowsAsync(conn.ack(RTM_NEWLINK, 0, () => {}));
  t.is(k.queue.length, 0);
  conn.close();
});

serial('a lone error message whose length runs past its datagram fails the request with a DecodeError', async (t) => {
  const k = new FakeKernel((msgs, kk) => {
    const reply = nlerror(msgs[0]!.seq, 0, msgs[0]!);
    reply.writeUInt32LE(reply.length + 8, 0);
    kk.deliver(reply);
  });
  const conn = open(k);
  await t.throwsAsync(conn.ack(RTM_NEWLINK, 0, () => {}), { instanceOf: DecodeError });
  conn.close();
});

serial('a lone error message too short for its status fails the request with a DecodeError', async (t) => {
  const k = new FakeKernel((msgs, kk) => {
    kk.deliver(nlmsg(2, 0, msgs[0]!.seq, 0));
  });
  const conn = open(k);
  await t.throwsAsync(conn.ack(RTM_NEWLINK, 0, () => {}), { instanceOf: DecodeError });
  conn.close();
});

serial('requests made in the same tick leave in one datagram', async (t) => {
  const k = new FakeKernel(acker((m) => (m.payload[0] === 2 ? 22 : 0)));
  const conn = open(k);
  const results = await Promise.allSettled([1, 2, 3].map((v) => conn.ack(RTM_NEWLINK, 0, (w) => w.putU32(v))));
  t.is(k.datagrams.length, 1);
  t.is(k.sent.length, 3);
  t.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  conn.close();
});

serial('a single request and a bulk call made after it in the same tick leave together, the single one first', async (t) => {
  const k = new FakeKernel(acker());
  const conn = open(k);
  const one = conn.ack(RTM_NEWLINK, 0, (w) => w.putU32(1));
  const many = conn.bulk(RTM_NEWLINK, 0, 2, (w, i) => w.putU32(10 + i));
  await one;
  t.deepEqual((await many).map((r) => r.status), ['fulfilled', 'fulfilled']);
  t.is(k.datagrams.length, 1);
  t.deepEqual(k.sent.map((m) => m.payload[0]), [1, 10, 11]);
  t.deepEqual(k.sent.map((m) => m.seq), [k.sent[0]!.seq, k.sent[0]!.seq + 1, k.sent[0]!.seq + 2]);
  conn.close();
});

serial('a request closed before it was sent is rejected with ERR_NL_CLOSED and never reaches the kernel', async (t) => {
  const k = new FakeKernel(acker());
  const conn = open(k);
  const p = conn.ack(RTM_NEWLINK, 0, (w) => w.putU32(1));
  conn.close();
  const e = await t.throwsAsync(p, { instanceOf: ProtocolError });
  t.is(e.code, 'ERR_NL_CLOSED');
  await new Promise((r) => setImmediate(r));
  t.is(k.datagrams.length, 0);
});

serial('a request alone whose reply was dropped (ENOBUFS) fails with ENOBUFS, and the handle still works, three times in a row', async (t) => {
  const k = new FakeKernel((_msgs, kk) => { kk.queue.push({ errno: 105 }); });
  const conn = open(k);
  for (let round = 0; round < 3; round++) {
    k.respond = (_msgs, kk) => { kk.queue.push({ errno: 105 }); };
    const e = await t.throwsAsync(conn.ack(RTM_NEWLINK, 0, () => {}), { instanceOf: NetlinkError });
    t.is(e.code, 'ENOBUFS');
    k.respond = acker();
    await t.notThrowsAsync(conn.ack(RTM_NEWLINK, 0, () => {}));
  }
  t.is(k.queue.length, 0);
  conn.close();
});

serial('a GET resolves to its decoded reply', async (t) => {
  const k = new FakeKernel((msgs, kk) => kk.deliver(nlmsg(RTM_NEWLINK, 0, msgs[0]!.seq, 4242, u32(99))));
  const conn = open(k);
  const v = await conn.get(RTM_GETLINK, 0, () => {}, (buf, off) => buf.readUInt32LE(off + NLMSG_HDRLEN));
  t.is(v, 99);
  t.is(k.sent[0]!.flags, NLM_F_REQUEST);
  conn.close();
});

serial('a dump collects messages over several datagrams until DONE', async (t) => {
  const k = new FakeKernel((msgs, kk) => {
    const seq = msgs[0]!.seq;
    kk.deliver(nlmsg(RTM_NEWLINK, NLM_F_MULTI, seq, 4242, u32(1)), nlmsg(RTM_NEWLINK, NLM_F_MULTI, seq, 4242, u32(2)));
    kk.deliver(nlmsg(RTM_NEWLINK, NLM_F_MULTI, seq, 4242, u32(3)));
    kk.deliver(nldone(seq));
  });
  const conn = open(k);
  const items = await conn.dump(RTM_GETLINK, 0, () => {}, (buf, off) => buf.readUInt32LE(off + NLMSG_HDRLEN));
  t.deepEqual(items, [1, 2, 3]);
  t.is(k.sent[0]!.flags, NLM_F_REQUEST | 0x300);
  conn.close();
});

serial('what a dump or a GET yields holds a small block, never the receive buffer, and stays intact when it is reused', async (t) => {
  const body = (n: number): Buffer => Buffer.alloc(900, n);
  const k = new FakeKernel((msgs, kk) => {
    const m = msgs[0]!;
    if (m.flags & 0x300) {
      kk.deliver(...Array.from({ length: 30 }, (_, i) => nlmsg(RTM_NEWLINK, NLM_F_MULTI, m.seq, 4242, body(i))));
      kk.deliver(nldone(m.seq));
    } else {
      kk.deliver(nlmsg(RTM_NEWLINK, 0, m.seq, 4242, body(200)));
    }
  });
  const conn = open(k);
  const keep = (buf: Buffer, off: number, len: number): { buf: Buffer; off: number; len: number } => ({ buf, off, len });
  const items = await conn.dump(RTM_GETLINK, 0, () => {}, keep);
  const got = await conn.get(RTM_GETLINK, 0, () => {}, keep);
  // More traffic through the receive buffer.
  for (let i = 0; i < 3; i++) await conn.dump(RTM_GETLINK, 0, () => {}, keep);
  const rbuf = conn.socket.rbuf;
  t.is(items.length, 30);
  items.forEach((x, i) => {
    t.not(x.buf.buffer, rbuf.buffer);
    t.true(x.buf.buffer.byteLength <= 8192, `item ${i} holds ${x.buf.buffer.byteLength} bytes`);
    t.deepEqual(Buffer.from(x.buf.subarray(x.off + NLMSG_HDRLEN, x.off + x.len)), body(i));
  });
  t.not(got.buf.buffer, rbuf.buffer);
  t.deepEqual(Buffer.from(got.buf.subarray(got.off + NLMSG_HDRLEN, got.off + got.len)), body(200));
  conn.close();
});

serial('a dump that fails reports the error carried in NLMSG_DONE with its extended ack', async (t) => {
  const k = new FakeKernel((msgs, kk) => kk.deliver(nldone(msgs[0]!.seq, -22, [attr(1, cstr('bad filter'))])));
  const conn = open(k);
  const e = await t.throwsAsync(conn.dump(RTM_GETLINK, 0, () => {}, () => 0), { instanceOf: NetlinkError });
  t.is(e.code, 'EINVAL');
  t.is(e.op, 'RTM_GETLINK');
  t.is(e.kernelMessage, 'bad filter');
  conn.close();
});

serial('an interrupted dump (NLM_F_DUMP_INTR) is retried and its first attempt discarded', async (t) => {
  let attempt = 0;
  const k = new FakeKernel((msgs, kk) => {
    const seq = msgs[0]!.seq;
    attempt++;
    const flags = NLM_F_MULTI | (attempt === 1 ? NLM_F_DUMP_INTR : 0);
    kk.deliver(nlmsg(RTM_NEWLINK, flags, seq, 4242, u32(attempt)), nldone(seq));
  });
  const conn = open(k);
  t.deepEqual(await conn.dump(RTM_GETLINK, 0, () => {}, (b, o) => b.readUInt32LE(o + NLMSG_HDRLEN)), [2]);
  t.is(attempt, 2);
  conn.close();
});

serial('a dump that stays inconsistent fails with ERR_NL_DUMP_INTERRUPTED and the partial result', async (t) => {
  let attempts = 0;
  const k = new FakeKernel((msgs, kk) => {
    attempts++;
    const seq = msgs[0]!.seq;
    kk.deliver(nlmsg(RTM_NEWLINK, NLM_F_MULTI | NLM_F_DUMP_INTR, seq, 4242, u32(attempts)), nldone(seq, 0, [], NLM_F_MULTI | NLM_F_DUMP_INTR));
  });
  const conn = open(k, { dumpRetries: 2 });
  const e = await t.throwsAsync(conn.dump(RTM_GETLINK, 0, () => {}, (b, o) => b.readUInt32LE(o + NLMSG_HDRLEN)), { instanceOf: ProtocolError });
  t.is(e.code, 'ERR_NL_DUMP_INTERRUPTED');
  t.is(attempts, 3);
  t.deepEqual(e.partial, [3]);
  conn.close();
});

serial('ENOBUFS fails the requests whose replies were lost and keeps the ones that arrived', async (t) => {
  const k = new FakeKernel((msgs, kk) => {
    kk.deliver(nlerror(msgs[0]!.seq, 0, msgs[0]!));
    kk.queue.push({ errno: 105 });
  });
  const conn = open(k);
  const results = await Promise.allSettled([1, 2, 3].map(() => conn.ack(RTM_NEWLINK, 0, () => {})));
  t.is(results[0]!.status, 'fulfilled');
  for (const r of results.slice(1)) {
    t.is(r.status, 'rejected');
    t.is(((r as PromiseRejectedResult).reason as NetlinkError).code, 'ENOBUFS');
  }
  // The handle still works afterwards.
  k.respond = acker();
  await conn.ack(RTM_NEWLINK, 0, () => {});
  conn.close();
});

serial('a missing reply times out with ERR_NL_TIMEOUT instead of hanging', async (t) => {
  const k = new FakeKernel(() => {});
  const conn = open(k, { timeout: 50 });
  const e = await t.throwsAsync(conn.ack(RTM_NEWLINK, 0, () => {}), { instanceOf: ProtocolError });
  t.is(e.code, 'ERR_NL_TIMEOUT');
  conn.close();
});

serial('a reply that arrives later is read when the socket becomes readable, several times in a row', async (t) => {
  let seq = 0;
  const k = new FakeKernel((msgs) => { seq = msgs[0]!.seq; });
  const conn = open(k);
  for (let round = 0; round < 3; round++) {
    let settled = false;
    const p = conn.ack(RTM_NEWLINK, 0, () => {}).then(() => { settled = true; });
    await new Promise((r) => setTimeout(r, 10));
    t.false(settled, 'still waiting: nothing was queued');
    t.true(k.pollers.some((q) => q.active), 'waiting through the readiness watcher');
    k.deliver(nlerror(seq, 0, { type: RTM_NEWLINK, flags: 5 }));
    k.wake();
    await p;
    t.true(settled);
    t.false(k.pollers.some((q) => q.active), 'the watcher stops once nothing is pending');
  }
  conn.close();
});

serial('datagrams not sent by the kernel are ignored: neither a forged error nor a forged ACK settles the request', async (t) => {
  // A forged error, then the kernel's ACK: the request succeeds.
  const k = new FakeKernel((msgs, kk) => {
    kk.queue.push({ data: nlerror(msgs[0]!.seq, 1, msgs[0]!), pid: 999 });
    kk.deliver(nlerror(msgs[0]!.seq, 0, msgs[0]!));
  });
  const conn = open(k);
  await t.notThrowsAsync(conn.ack(RTM_NEWLINK, 0, () => {}));
  // A forged ACK, then the kernel's error: the request fails with the kernel's errno.
  k.respond = (msgs, kk) => {
    kk.queue.push({ data: nlerror(msgs[0]!.seq, 0, msgs[0]!), pid: 999 });
    kk.deliver(nlerror(msgs[0]!.seq, 22, msgs[0]!));
  };
  const e = await t.throwsAsync(conn.ack(RTM_NEWLINK, 0, () => {}), { instanceOf: NetlinkError });
  t.is(e.code, 'EINVAL');
  conn.close();
});

serial('bulk gives one result per item, in order, and a failing item does not affect the others', async (t) => {
  const k = new FakeKernel(acker((m) => (m.payload.readUInt32LE(0) % 3 === 0 ? 17 : 0)));
  const conn = open(k);
  const results = await conn.bulk(RTM_NEWLINK, 0, 10, (w, i) => w.putU32(i));
  t.is(results.length, 10);
  results.forEach((r, i) => {
    t.is(r.status, i % 3 === 0 ? 'rejected' : 'fulfilled', `item ${i}`);
    if (r.status === 'rejected') t.is((r.reason as NetlinkError).code, 'EEXIST');
  });
  conn.close();
});

serial('bulk asks for an ACK only on the last item of each datagram; errors still come per item', async (t) => {
  const k = new FakeKernel(acker((m) => (m.payload.readUInt32LE(0) === 4 ? 22 : 0)));
  const conn = open(k);
  const results = await conn.bulk(RTM_NEWLINK, 0, 6, (w, i) => w.putU32(i));
  t.is(k.datagrams.length, 1);
  t.deepEqual(k.sent.map((m) => (m.flags & NLM_F_ACK) !== 0), [false, false, false, false, false, true]);
  t.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  conn.close();
});

serial('bulk splits into datagrams so the replies fit the receive buffer', async (t) => {
  const k = new FakeKernel(acker());
  k.rcvbuf = 16 * 1024; // room for about a dozen ACKs
  const conn = open(k);
  const results = await conn.bulk(RTM_NEWLINK, 0, 100, (w, i) => w.putU32(i));
  t.true(results.every((r) => r.status === 'fulfilled'));
  t.true(k.datagrams.length >= 8, `${k.datagrams.length} datagrams`);
  t.is(k.sent.length, 100);
  conn.close();
});

serial('a bulk item that fails validation sends nothing at all', async (t) => {
  const k = new FakeKernel(acker());
  const conn = open(k);
  await t.throwsAsync(conn.bulk(RTM_NEWLINK, 0, 5, (w, i) => {
    if (i === 3) throw new TypeError('bad item');
    w.putU32(i);
  }), { message: 'bad item' });
  await conn.ack(RTM_NEWLINK, 0, () => {});
  t.is(k.sent.length, 1);
  conn.close();
});

serial('a stream reads one datagram at a time and return() drains the rest of the dump', async (t) => {
  let seq = 0;
  const k = new FakeKernel((msgs, kk) => {
    seq = msgs[0]!.seq;
    for (let d = 0; d < 5; d++) kk.deliver(nlmsg(RTM_NEWLINK, NLM_F_MULTI, seq, 4242, u32(2 * d)), nlmsg(RTM_NEWLINK, NLM_F_MULTI, seq, 4242, u32(2 * d + 1)));
    kk.deliver(nldone(seq));
  });
  const conn = open(k);
  const got: number[] = [];
  for await (const v of conn.stream(RTM_GETLINK, 0, () => {}, (b, o) => b.readUInt32LE(o + NLMSG_HDRLEN))) {
    got.push(v);
    if (got.length === 1) t.is(k.queue.length, 5, 'only the first datagram was read');
    if (got.length === 3) break;
  }
  t.deepEqual(got, [0, 1, 2]);
  t.is(k.queue.length, 0, 'the rest of the dump was drained');
  // A later dump works: the socket is free again.
  k.respond = (msgs, kk) => kk.deliver(nldone(msgs[0]!.seq));
  t.deepEqual(await conn.dump(RTM_GETLINK, 0, () => {}, () => 0), []);
  conn.close();
});

serial('a second dump waits for the first one to finish', async (t) => {
  const k = new FakeKernel((msgs, kk) => {
    const seq = msgs[0]!.seq;
    kk.deliver(nlmsg(RTM_NEWLINK, NLM_F_MULTI, seq, 4242, u32(seq)), nldone(seq));
  });
  const conn = open(k);
  const [a, b] = await Promise.all([
    conn.dump(RTM_GETLINK, 0, () => {}, (bb, o) => bb.readUInt32LE(o + NLMSG_HDRLEN)),
    conn.dump(RTM_GETLINK, 0, () => {}, (bb, o) => bb.readUInt32LE(o + NLMSG_HDRLEN)),
  ]);
  t.is(k.datagrams.length, 2);
  t.not(a[0], b[0]);
  conn.close();
});

serial('a truncated datagram fails the requests it carried with ERR_NL_TRUNCATED', async (t) => {
  const k = new FakeKernel((msgs, kk) => kk.deliver(nlmsg(RTM_NEWLINK, 0, msgs[0]!.seq, 0, Buffer.alloc(600_000))));
  const conn = open(k);
  const e = await t.throwsAsync(conn.get(RTM_GETLINK, 0, () => {}, () => 1), { instanceOf: ProtocolError });
  t.is(e.code, 'ERR_NL_TRUNCATED');
  conn.close();
});

serial('close() fails pending and later requests with ERR_NL_CLOSED', async (t) => {
  const k = new FakeKernel(() => {});
  const conn = open(k);
  const p = conn.ack(RTM_NEWLINK, 0, () => {});
  await new Promise((r) => setImmediate(r));
  conn.close();
  const e = await t.throwsAsync(p, { instanceOf: ProtocolError });
  t.is(e.code, 'ERR_NL_CLOSED');
  await t.throwsAsync(conn.ack(RTM_NEWLINK, 0, () => {}), { instanceOf: ProtocolError });
  t.deepEqual(k.closedFds, [7]);
});

serial('a send failure rejects the requests of that datagram with the errno', async (t) => {
  const k = new FakeKernel(() => {});
  k.sendErrno = 90;
  const conn = open(k);
  const e = await t.throwsAsync(conn.ack(RTM_NEWLINK, 0, () => {}), { instanceOf: NetlinkError });
  t.is(e.code, 'EMSGSIZE');
  t.is(e.op, 'sendmsg');
  conn.close();
});

serial('the transport knows no family: without a namer, requests are named by number; with one, by its names', async (t) => {
  const k = new FakeKernel((msgs, kk) => kk.deliver(nlerror(msgs[0]!.seq, 17, msgs[0]!)));
  k.install();
  const plain = Connection.open(0);
  const e1 = await t.throwsAsync(plain.ack(RTM_NEWLINK, 0, () => {}), { instanceOf: NetlinkError });
  t.is(e1.op, 'message type 16');
  t.is(e1.requestType, RTM_NEWLINK);
  plain.close();
  const named = Connection.open(0, {}, (type) => `FAMILY_${type}`);
  const e2 = await t.throwsAsync(named.ack(RTM_NEWLINK, 0, () => {}), { instanceOf: NetlinkError });
  t.is(e2.op, 'FAMILY_16');
  named.close();
  const closed = await t.throwsAsync(named.ack(RTM_GETLINK, 0, () => {}), { instanceOf: ProtocolError });
  t.is(closed.op, 'FAMILY_18');
});

serial('an echoed request resolves on its ACK with the echoed message, whose bytes outlive later replies', async (t) => {
  const NLM_F_ECHO = 8;
  const k = new FakeKernel((msgs, kk) => {
    for (const m of msgs) {
      // The kernel unicasts its notification of the change (one datagram), then the ACK.
      if (m.flags & NLM_F_ECHO) kk.deliver(nlmsg(RTM_NEWLINK, 0, m.seq, 0, u32(m.seq), attr(3, cstr(`echo${m.seq}`))));
      if (m.flags & NLM_F_ACK) kk.deliver(nlerror(m.seq, 0, { type: m.type, flags: m.flags }));
    }
  });
  const conn = open(k);
  // The decoder keeps the buffer it was given: it must not be overwritten by the next reads.
  const decode = (buf: Buffer, off: number, len: number) => ({ buf, off, len });
  const first = await conn.echo(RTM_NEWLINK, 0, (w) => w.putU32(1), decode);
  const kept = Buffer.from(first!.buf.subarray(first!.off, first!.off + first!.len));
  for (let i = 0; i < 20; i++) await conn.echo(RTM_NEWLINK, 0, (w) => w.putU32(2), decode);
  t.deepEqual(first!.buf.subarray(first!.off, first!.off + first!.len), kept);
  t.true(kept.includes(Buffer.from('echo1')));
  t.true((k.sent[0]!.flags & (NLM_F_ECHO | NLM_F_ACK)) === (NLM_F_ECHO | NLM_F_ACK));
  // A kernel that does not echo: undefined on the ACK.
  k.respond = acker();
  t.is(await conn.echo(RTM_NEWLINK, 0, (w) => w.putU32(3), decode), undefined);
  conn.close();
});

/** A connection whose first dump loses its replies (ENOBUFS), as in a broken dump. */
async function breakDump(t: { throwsAsync: (p: Promise<unknown>) => Promise<unknown> }, k: FakeKernel, conn: Connection): Promise<void> {
  const respond = k.respond;
  k.respond = (msgs, kk) => { if (!msgs.some((m) => (m.flags & 0x300) !== 0)) respond(msgs, kk); };
  const dump = conn.dump(RTM_GETLINK, 0, () => {}, () => 1);
  await new Promise((r) => setImmediate(r));
  k.queue.unshift({ errno: 105 });
  k.wake();
  await t.throwsAsync(dump);
  k.respond = respond;
}

serial('a broken dump reopens the socket in the namespace the old one belongs to (SIOCGSKNS), never by its path', async (t) => {
  const k = new FakeKernel((msgs, kk) => { for (const m of msgs) if ((m.flags & NLM_F_ACK) !== 0) kk.deliver(nlerror(m.seq, 0, m)); });
  k.namespaceErrno = 0;
  const conn = open(k, { netns: '/run/netns/blue' });
  await breakDump(t, k, conn);
  t.deepEqual(k.openedIn, ['/run/netns/blue', 1000], 'the new socket is opened in the old socket\'s namespace fd, not by path');
  t.true(k.closedFds.includes(7), 'the old socket is closed');
  t.true(k.closedFds.includes(1000), 'the namespace fd is closed once used');
  await conn.ack(RTM_NEWLINK, 0, () => {});
  conn.close();
});

serial('without SIOCGSKNS (no CAP_NET_ADMIN) a broken dump keeps the old socket rather than reopen by path', async (t) => {
  const k = new FakeKernel((msgs, kk) => { for (const m of msgs) if ((m.flags & NLM_F_ACK) !== 0) kk.deliver(nlerror(m.seq, 0, m)); });
  const conn = open(k, { netns: '/run/netns/blue' });
  await breakDump(t, k, conn);
  t.deepEqual(k.openedIn, ['/run/netns/blue'], 'no socket opened by path again');
  t.false(k.closedFds.includes(7));
  await conn.ack(RTM_NEWLINK, 0, () => {});
  conn.close();
});
