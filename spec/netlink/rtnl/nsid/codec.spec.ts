// The namespace-id codec on golden bytes captured from a 6.18 kernel and from iproute2 6.1 (the
// fixtures in spec/fixtures/nsid/, made by spec/fixtures/nsid/capture.mjs; each file names its
// command), and the request encoder of nl.nsids against iproute2's request bytes, through the fake
// kernel (no privileges needed).
import { readFileSync } from 'node:fs';
import test from 'ava';
import { ValidationError, NetlinkError } from '../../../../lib/netlink/core/errors.js';
import { NlWriter } from '../../../../lib/netlink/core/writer.js';
import { Connection } from '../../../../lib/netlink/transport/connection.js';
import { decodeNsidMessage, encodeNsidBody, nsidAttrs, type NsidBody } from '../../../../lib/netlink/rtnl/nsid/codec.js';
import { writeNsidDump, writeNsidGet, writeNsidSet } from '../../../../lib/netlink/rtnl/nsid/request.js';
import { Nsids } from '../../../../lib/netlink/rtnl/nsid/service.js';
import { nsidView } from '../../../../lib/netlink/rtnl/nsid/view.js';
import { attr, bytes, cstr, nldone, nlerror, s32, u16, u32 } from '../../../helpers/bytes.js';
import { FakeKernel, type SentMessage } from '../../../helpers/fake-kernel.js';
import { fixturesUrl } from '../../../helpers/fixtures.js';
import { asReply, checkReencode, checkTruncations } from '../../../helpers/golden.js';
import { messageTypeName } from '../../../../lib/netlink/rtnl/rtm.js';

const FIXTURES = fixturesUrl('nsid');

/** A fixture's message bytes (comment lines dropped). */
function fixture(name: string): Buffer {
  const text = readFileSync(new URL(`${name}.hex`, FIXTURES), 'utf8');
  return Buffer.from(text.split('\n').filter((l) => !l.startsWith('#')).join('').replace(/\s/g, ''), 'hex');
}

/** The kernel's messages, and what they decode to (written from the hex, not from the decoder). */
const GOLDEN: Record<string, NsidBody> = {
  'nsid-5': { family: 0, attributes: { nsid: 5 } },
  'nsid-target': { family: 0, attributes: { nsid: 7, currentNsid: 5 } },
  'get-not-assigned': { family: 0, attributes: { nsid: -1 } },
};

/** What the lazy view says (-1 is "no nsid": undefined). */
const VIEWS: Record<string, object> = {
  'nsid-5': { nsid: 5, family: 0, messageType: 88 },
  'nsid-target': { nsid: 7, currentNsid: 5 },
  'get-not-assigned': { nsid: undefined, currentNsid: undefined },
};

for (const [name, expected] of Object.entries(GOLDEN)) {
  test(`golden ${name}: decode gives the fields, encode gives the kernel's bytes back`, (t) => {
    const raw = fixture(name);
    const body = decodeNsidMessage(raw);
    t.deepEqual(body, expected);
    t.is(body.attributes.unknown, undefined);
    checkReencode(t, raw, encodeNsidBody, expected);
  });

  test(`golden ${name}: the lazy view agrees`, (t) => {
    const raw = fixture(name);
    const view = nsidView(raw, 0, raw.length);
    t.like(view, VIEWS[name]!);
    t.deepEqual(view.attributes, expected.attributes);
    // Ids the message lacks are left out, as JSON leaves them out.
    const ids = VIEWS[name] as { nsid?: number; currentNsid?: number };
    t.deepEqual(view.toJSON(), JSON.parse(JSON.stringify({ nsid: ids.nsid, currentNsid: ids.currentNsid })));
  });

  test(`golden ${name}: every truncation is a DecodeError, never a crash or a wrong value`, (t) => {
    checkTruncations(t, fixture(name), decodeNsidMessage, expected, 20);
  });
}

test('unknown NETNSA attributes are kept and re-encoded', (t) => {
  const raw = bytes(attr(1, s32(3)), attr(2, u32(42)), attr(3, u32(7)), attr(4, s32(1)), attr(9, cstr('future')));
  const v = nsidAttrs.decode(raw, 0, raw.length);
  t.like(v, { nsid: 3, pid: 42, fd: 7, targetNsid: 1 });
  t.is(v.unknown?.[0]?.type, 9);
  const w = new NlWriter();
  nsidAttrs.encode(w, v);
  t.deepEqual(w.bytes(), raw);
});

// ---- requests, against iproute2's bytes ----

const RTM_NEWNSID = 88;
const RTM_GETNSID = 90;
const NLM_F_DUMP = 0x300;

/** ACKs, answers a get with the nsid-5 golden, a dump with the nsid-5 and nsid-target goldens. */
function fakeKernel(errnoFor: (m: SentMessage) => number = () => 0): FakeKernel {
  return new FakeKernel((msgs, k) => {
    k.deliver(...msgs.flatMap((m) => {
      const errno = errnoFor(m);
      if (errno !== 0) return [nlerror(m.seq, errno, { type: m.type, flags: m.flags }, [attr(1, cstr('Peer netns reference is invalid'))])];
      if (m.type !== RTM_GETNSID) return [nlerror(m.seq, 0, { type: m.type, flags: m.flags })];
      const reply = (name: string, flags: number): Buffer => asReply(fixture(name), m.seq, flags);
      if ((m.flags & NLM_F_DUMP) === 0) return [reply('nsid-5', 0)];
      return [reply('nsid-5', 2), reply('nsid-target', 2), nldone(m.seq)];
    }));
  });
}

function open(kernel: FakeKernel): { nsids: Nsids; conn: Connection } {
  kernel.install();
  const conn = Connection.open(0, {}, messageTypeName);
  return { nsids: new Nsids(conn), conn };
}

/** iproute2's requests (peers as the fd 6 iproute2 had open), and the calls that send the same. */
const REQUESTS: Array<[string, (n: Nsids) => Promise<unknown>, (w: NlWriter) => void]> = [
  ['req-set', (n) => n.set(6, 5), (w) => writeNsidSet(w, { fd: 6 }, 5)],
  ['req-set-auto', (n) => n.set(6, 'auto'), (w) => writeNsidSet(w, { fd: 6 }, -1)],
  ['req-get-fd', (n) => n.get(6), (w) => writeNsidGet(w, { fd: 6 }, undefined)],
  ['req-dump', (n) => n.list(), (w) => writeNsidDump(w, undefined)],
  ['req-dump-target', (n) => n.list({ target: 0 }), (w) => writeNsidDump(w, 0)],
];

for (const [name, call, write] of REQUESTS) {
  test.serial(`request ${name}: the same message iproute2 sends`, async (t) => {
    const k = fakeKernel();
    const { nsids, conn } = open(k);
    await call(nsids);
    const golden = fixture(name);
    const ours = k.sent[0]!;
    t.is(ours.type, golden.readUInt16LE(4), 'nlmsg_type');
    t.is(ours.flags, golden.readUInt16LE(6), 'nlmsg_flags');
    t.deepEqual(ours.payload, golden.subarray(16), 'rtgenmsg and attributes, byte for byte');
    conn.close();
  });

  test(`request ${name}: request.ts writes it, and the reply codec decodes and re-encodes it unchanged`, (t) => {
    const golden = fixture(name);
    const w = new NlWriter();
    const start = w.beginMessage(golden.readUInt16LE(4), golden.readUInt16LE(6), golden.readUInt32LE(8), golden.readUInt32LE(12));
    write(w);
    w.endMessage(start);
    const ours = Buffer.from(w.bytes());
    t.deepEqual(ours, golden);
    checkReencode(t, ours, encodeNsidBody, decodeNsidMessage(ours));
  });
}

test.serial('set auto asks for the id the kernel picked; get, list and stream decode the answers', async (t) => {
  const k = fakeKernel();
  const { nsids, conn } = open(k);
  t.is(await nsids.set(6, 'auto'), 5);
  t.deepEqual(k.sent.map((m) => [m.type, m.flags]), [[RTM_NEWNSID, 0x5], [RTM_GETNSID, 0x1]]);
  t.is(await nsids.get({ pid: 1234 }), 5);
  t.deepEqual(k.sent[2]!.payload, bytes([0, 0, 0, 0], attr(2, u32(1234))), 'NETNSA_PID');
  await nsids.get(6, { target: 3 });
  t.deepEqual(k.sent[3]!.payload, bytes([0, 0, 0, 0], attr(3, u32(6)), attr(4, s32(3))), 'NETNSA_FD, NETNSA_TARGET_NSID');
  t.deepEqual((await nsids.list()).map((n) => n.toObject()), [{ nsid: 5 }, { nsid: 7, currentNsid: 5 }]);
  const streamed: Array<number | undefined> = [];
  for await (const n of nsids.stream({ target: 1 })) streamed.push(n.nsid);
  t.deepEqual(streamed, [5, 7]);
  t.deepEqual(k.sent.at(-1)!.payload, bytes([0, 0, 0, 0], attr(4, s32(1))));
  conn.close();
});

test.serial('a kernel refusal is a NetlinkError with the errno and the kernel message', async (t) => {
  const k = fakeKernel(() => 22);
  const { nsids, conn } = open(k);
  const e = await t.throwsAsync(nsids.get(6), { instanceOf: NetlinkError });
  t.is(e.code, 'EINVAL');
  t.is(e.op, 'RTM_GETNSID');
  t.is(e.kernelMessage, 'Peer netns reference is invalid');
  conn.close();
});

test.serial('bad input is a ValidationError and nothing is opened or sent', async (t) => {
  const k = fakeKernel();
  const { nsids, conn } = open(k);
  const badPeers: Array<[unknown, RegExp]> = [
    ['', /^peer: /], ['relative/path', /^peer: an absolute path/], ['/run/netns/../x', /^peer: a path cannot contain "\.\."/],
    ['/run/netns/a\0b', /^peer: a path cannot contain NUL/], [-1, /^peer: an open file descriptor/], [1.5, /^peer: /],
    [2 ** 31, /^peer: /], [NaN, /^peer: /], [Infinity, /^peer: /], [null, /^peer: /], [[6], /^peer: /],
    [{}, /^peer\.pid: a process id is required/], [{ pid: 0 }, /^peer\.pid: /], [{ pid: -5 }, /^peer\.pid: /],
    [{ pid: 2 ** 23 }, /^peer\.pid: /], [{ pid: '1' }, /^peer\.pid: /], [{ pid: 1, fd: 3 }, /^peer\.fd: unknown option/],
    [Object.create({ pid: 1 }), /^peer: a plain object/],
  ];
  for (const [peer, message] of badPeers) {
    await t.throwsAsync(nsids.get(peer as never), { instanceOf: ValidationError, message }, String(peer));
    await t.throwsAsync(nsids.set(peer as never, 1), { instanceOf: ValidationError, message }, String(peer));
  }
  const badIds: Array<[unknown, RegExp]> = [
    [-1, /^nsid: /], [2 ** 31, /^nsid: /], [1.5, /^nsid: /], ['5', /^nsid: /], ['AUTO', /^nsid: /], [null, /^nsid: /],
    ...['constructor', 'toString', '__proto__', 'valueOf'].map((name): [unknown, RegExp] => [name, /^nsid: /]),
  ];
  for (const [nsid, message] of badIds) {
    await t.throwsAsync(nsids.set(6, nsid as never), { instanceOf: ValidationError, message }, String(nsid));
  }
  const badOptions: Array<[unknown, RegExp]> = [
    [{ target: -1 }, /^target: /], [{ target: 'red' }, /^target: /], [{ tgt: 1 }, /^tgt: unknown option/], [null, /^options: /],
    [Object.create({ target: 1 }), /^options: a plain object/],
  ];
  for (const [options, message] of badOptions) {
    await t.throwsAsync(nsids.get(6, options as never), { instanceOf: ValidationError, message }, JSON.stringify(options));
    await t.throwsAsync(nsids.list(options as never), { instanceOf: ValidationError, message }, JSON.stringify(options));
    await t.throwsAsync(nsids.stream(options as never).next(), { instanceOf: ValidationError, message }, JSON.stringify(options));
  }
  for (const [nsid, message] of [[-1, /^nsid: /], ['5', /^nsid: /], [2 ** 31, /^nsid: /]] as const) {
    await t.throwsAsync(nsids.resolve(nsid as never), { instanceOf: ValidationError, message });
  }
  await t.throwsAsync(nsids.resolve(5, { dir: 'netns' }), { instanceOf: ValidationError, message: /^dir: an absolute path/ });
  await t.throwsAsync(nsids.resolve(5, { dir: '/run/../etc' }), { instanceOf: ValidationError, message: /^dir: / });
  await t.throwsAsync(nsids.resolve(5, { directory: '/run/netns' } as never), { instanceOf: ValidationError, message: /^directory: unknown option/ });
  t.is(k.datagrams.length, 0, 'nothing was sent');
  conn.close();
});

test('a view of a message too short for its rtgenmsg is a DecodeError', (t) => {
  t.throws(() => nsidView(bytes(u32(18), u16(88), u16(0), u32(0), u32(0), [0, 0]), 0, 18), { message: /header/ });
});
