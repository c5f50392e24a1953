// The rule codec on golden bytes captured from a 6.18 kernel and from iproute2 6.1 (the fixtures
// in spec/fixtures/rule/, made by spec/fixtures/rule/capture.mjs; each file names its command), and
// the request encoder of nl.rules against iproute2's request bytes, through the fake kernel.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { forEachAttr } from '../../../../lib/netlink/core/attributes.js';
import { Connection } from '../../../../lib/netlink/transport/connection.js';
import { ValidationError } from '../../../../lib/netlink/core/errors.js';
import { Links } from '../../../../lib/netlink/rtnl/link/service.js';
import { decodeRuleMessage, encodeRuleBody, ruleAttrs, type RuleBody } from '../../../../lib/netlink/rtnl/rule/codec.js';
import { ruleView } from '../../../../lib/netlink/rtnl/rule/view.js';
import { Rules } from '../../../../lib/netlink/rtnl/rule/service.js';
import { checkRule, type RuleOptions } from '../../../../lib/netlink/rtnl/rule/options.js';
import { checkRuleFilter, type RuleListOptions } from '../../../../lib/netlink/rtnl/rule/filter.js';
import { writeRule, writeRuleDump } from '../../../../lib/netlink/rtnl/rule/request.js';
import { NlWriter } from '../../../../lib/netlink/core/writer.js';
import { attr, bytes, nldone, nlerror, u16, u32, u64 } from '../../../helpers/bytes.js';
import { asReply, checkReencode, checkTruncations } from '../../../helpers/golden.js';
import { FakeKernel, type SentMessage } from '../../../helpers/fake-kernel.js';
import { fixturesUrl } from '../../../helpers/fixtures.js';

const FIXTURES = fixturesUrl('rule');

/** A fixture's message bytes (comment lines dropped). */
function fixture(name: string): Buffer {
  const text = readFileSync(new URL(`${name}.hex`, FIXTURES), 'utf8');
  return Buffer.from(text.split('\n').filter((l) => !l.startsWith('#')).join('').replace(/\s/g, ''), 'hex');
}

const NONE = 0xffffffff; // FRA_SUPPRESS_PREFIXLEN when unset (-1)
const hdr = (family: number, dstLen: number, srcLen: number, tos: number, table: number, action: number, flags: number) =>
  ({ family, dstLen, srcLen, tos, table, action, flags });

/** The kernel's messages and what they decode to (written from the hex, in wire order). */
const GOLDEN: Record<string, RuleBody> = {
  'default-inet4-0': { header: hdr(2, 0, 0, 0, 255, 1, 0), attributes: { table: 255, suppressPrefixlen: NONE, protocol: 2 } },
  'default-inet4-32766': { header: hdr(2, 0, 0, 0, 254, 1, 0), attributes: { table: 254, suppressPrefixlen: NONE, protocol: 2, priority: 32766 } },
  'default-inet4-32767': { header: hdr(2, 0, 0, 0, 253, 1, 0), attributes: { table: 253, suppressPrefixlen: NONE, protocol: 2, priority: 32767 } },
  'default-inet6-0': { header: hdr(10, 0, 0, 0, 255, 1, 0), attributes: { table: 255, suppressPrefixlen: NONE, protocol: 2 } },
  'default-inet6-32766': { header: hdr(10, 0, 0, 0, 254, 1, 0), attributes: { table: 254, suppressPrefixlen: NONE, protocol: 2, priority: 32766 } },
  fwmark: {
    header: hdr(2, 0, 0, 0, 252, 1, 0),
    attributes: { table: 1000, suppressPrefixlen: NONE, protocol: 0, priority: 100, fwmark: 0x10, fwmask: 0xff },
  },
  // Mark 0 under a mask: the kernel reports FRA_FWMASK alone.
  'fwmask-only': {
    header: hdr(2, 0, 0, 0, 1, 1, 0),
    attributes: { table: 1, suppressPrefixlen: NONE, protocol: 0, priority: 110, fwmask: 5 },
  },
  'uid-ports': {
    header: hdr(2, 0, 0, 0, 100, 1, 0),
    attributes: {
      table: 100, suppressPrefixlen: NONE, protocol: 0, priority: 200, uidRange: { start: 1000, end: 2000 },
      sportRange: { start: 1000, end: 2000 }, dportRange: { start: 80, end: 80 }, dportMask: 0xffff, ipProto: 6,
    },
  },
  'not-prohibit': {
    header: hdr(2, 16, 8, 0, 0, 8, 2),
    attributes: {
      table: 0, suppressPrefixlen: NONE, protocol: 0, iifname: 'lo', oifname: 'v0', priority: 300, dst: '192.168.0.0', src: '10.0.0.0',
    },
  },
  goto: { header: hdr(2, 0, 0, 0, 0, 2, 0), attributes: { table: 0, suppressPrefixlen: NONE, protocol: 0, priority: 350, goto: 400 } },
  nop: { header: hdr(2, 0, 0, 0, 0, 3, 0), attributes: { table: 0, suppressPrefixlen: NONE, protocol: 4, priority: 400 } },
  suppress: {
    header: hdr(2, 0, 0, 0, 254, 1, 0),
    attributes: { table: 254, suppressPrefixlen: 0, protocol: 0, priority: 500, suppressIfgroup: 5 },
  },
  inet6: {
    header: hdr(10, 48, 32, 0x10, 200, 1, 0),
    attributes: { table: 200, suppressPrefixlen: NONE, protocol: 0, priority: 50, dst: '2001:db8:1::', src: '2001:db8::' },
  },
};

/** What the lazy view says, with `ip -j rule`'s names. */
const VIEWS: Record<string, object> = {
  'default-inet4-0': { family: 4, priority: 0, table: 'local', tableId: 255, action: 'lookup', protocol: 'kernel', src: undefined, srcLen: 0, suppressPrefixlen: undefined },
  'default-inet4-32766': { family: 4, priority: 32766, table: 'main', tableId: 254, action: 'lookup' },
  'default-inet4-32767': { family: 4, priority: 32767, table: 'default', tableId: 253, action: 'lookup' },
  'default-inet6-0': { family: 6, priority: 0, table: 'local', tableId: 255, action: 'lookup' },
  'default-inet6-32766': { family: 6, priority: 32766, table: 'main', tableId: 254, action: 'lookup' },
  fwmark: { priority: 100, table: 1000, fwmark: 16, fwmask: 255, not: false, protocol: 'unspec', iif: undefined },
  'fwmask-only': { priority: 110, table: 1, fwmark: undefined, fwmask: 5 },
  'uid-ports': {
    uidRange: { start: 1000, end: 2000 }, ipProto: 6, sport: { start: 1000, end: 2000 }, dport: { start: 80, end: 80 },
    dportMask: 0xffff, sportMask: undefined, table: 100,
  },
  'not-prohibit': {
    not: true, src: '10.0.0.0', srcLen: 8, dst: '192.168.0.0', dstLen: 16, iif: 'lo', oif: 'v0', action: 'prohibit', table: undefined,
    iifDetached: false, oifDetached: false, flags: 2,
  },
  goto: { action: 'goto', goto: 400, table: undefined },
  nop: { action: 'nop', protocol: 'static', table: undefined },
  suppress: { suppressPrefixlen: 0, suppressIfgroup: 5, table: 'main', tableId: 254 },
  inet6: { family: 6, src: '2001:db8::', srcLen: 32, dst: '2001:db8:1::', dstLen: 48, tos: 0x10, table: 200, flow: undefined },
};

for (const [name, expected] of Object.entries(GOLDEN)) {
  test(`golden ${name}: decode gives the fields, encode gives the kernel's bytes back`, (t) => {
    const raw = fixture(name);
    const body = decodeRuleMessage(raw);
    t.deepEqual(body, expected);
    t.is(body.attributes.unknown, undefined, 'a 6.18 kernel sends no attribute we do not know');
    checkReencode(t, raw, encodeRuleBody, expected);
  });

  test(`golden ${name}: the lazy view agrees`, (t) => {
    const raw = fixture(name);
    const view = ruleView(raw, 0, raw.length) as unknown as Record<string, unknown>;
    for (const [field, value] of Object.entries(VIEWS[name]!)) t.deepEqual(view[field], value, field);
    t.deepEqual(view.attributes, expected.attributes);
    t.deepEqual(view.header, expected.header);
  });

  test(`golden ${name}: every truncation is a DecodeError, never a crash or a wrong value`, (t) => {
    const raw = fixture(name);
    checkTruncations(t, raw, decodeRuleMessage, expected, 28);
  });
}

test('attributes newer than the 6.1 headers (dscp, flow label, port masks, dscp mask) and tun_id decode and re-encode', (t) => {
  const raw = bytes(
    attr(25, [10]),
    attr(26, [0x00, 0x01, 0x23, 0x45]),
    attr(27, [0x00, 0x0f, 0xff, 0xff]),
    attr(28, u16(0xff00)),
    attr(29, u16(0xffff)),
    attr(30, [0x3f]),
    attr(12, [0, 0, 0, 0, 0, 0, 0x12, 0x34]),
    attr(19, [1]),
    attr(11, u32(0x00030004)),
    attr(18, u64(0n)),
  );
  const v = ruleAttrs.decode(raw, 0, raw.length);
  t.deepEqual({ ...v, pad: [...v.pad!] }, {
    dscp: 10, flowlabel: 0x12345, flowlabelMask: 0xfffff, sportMask: 0xff00, dportMask: 0xffff, dscpMask: 0x3f,
    tunId: 0x1234n, l3mdev: 1, flow: 0x00030004, pad: [0, 0, 0, 0, 0, 0, 0, 0],
  });
  const w = new NlWriter();
  ruleAttrs.encode(w, v);
  t.deepEqual(w.bytes(), raw);
  const view = ruleView(bytes(u32(16 + 12 + raw.length), u16(32), u16(0), u32(0), u32(0), [10, 0, 0, 0, 100, 0, 0, 1], u32(0), raw), 0, 28 + raw.length);
  t.like(view, { dscp: 10, flowlabel: 0x12345, flowlabelMask: 0xfffff, sportMask: 0xff00, dscpMask: 0x3f, tunId: 0x1234n, l3mdev: true, flow: 0x30004 });
});

// ---- requests, against iproute2's bytes, through the fake kernel ----

const RTM_GETRULE = 34;

function open(): { rules: Rules; conn: Connection; kernel: FakeKernel } {
  const kernel = new FakeKernel((msgs, k) => {
    k.deliver(...msgs.map((m) => (m.type === RTM_GETRULE ? nldone(m.seq) : nlerror(m.seq, 0, { type: m.type, flags: m.flags }))));
  });
  kernel.install();
  const conn = Connection.open(0);
  return { rules: new Rules(conn, new Links(conn)), conn, kernel };
}

function sortedAttrs(payload: Buffer, header: number): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  forEachAttr(payload, header, payload.length, 'req', (_t, off, len, rawType) => {
    out.push([rawType, payload.toString('hex', off, off + len)]);
  });
  return out.sort((a, b) => a[0] - b[0]);
}

/** Our request vs iproute2's: type, flags, header bytes, attributes modulo their order. */
function sameRequest(t: import('ava').ExecutionContext, ours: SentMessage, golden: Buffer): void {
  t.is(ours.type, golden.readUInt16LE(4), 'nlmsg_type');
  t.is(ours.flags, golden.readUInt16LE(6), 'nlmsg_flags');
  const theirs = golden.subarray(16, golden.readUInt32LE(0));
  t.deepEqual(ours.payload.subarray(0, 12), theirs.subarray(0, 12), 'fib_rule_hdr');
  t.deepEqual(sortedAttrs(ours.payload, 12), sortedAttrs(theirs, 12), 'attributes');
  t.is(ours.payload.length, theirs.length, 'length');
}

const serial = test.serial;

/** iproute2's requests and the calls that must send the same message. */
const REQUESTS: Array<[string, 'add' | 'del' | 'list', RuleOptions | RuleListOptions]> = [
  ['req-add-fwmark', 'add', { fwmark: 0x10, fwmask: 0xff, table: 1000, priority: 100 }],
  ['req-add-fwmask-only', 'add', { fwmask: 5, table: 1, priority: 110 }],
  ['req-add-uid-ports', 'add', { uidRange: { start: 1000, end: 2000 }, ipProto: 'tcp', sport: { start: 1000, end: 2000 }, dport: 80, table: 100, priority: 200 }],
  ['req-add-not-prohibit', 'add', { not: true, src: '10.0.0.0/8', dst: '192.168.0.0/16', iif: 'lo', oif: 'v0', action: 'prohibit', priority: 300 }],
  ['req-add-goto', 'add', { goto: 400, priority: 350 }],
  ['req-add-nop', 'add', { action: 'nop', priority: 400, protocol: 'static' }],
  ['req-add-suppress', 'add', { table: 'main', suppressPrefixlen: 0, suppressIfgroup: 5, priority: 500 }],
  ['req-add-inet6', 'add', { src: '2001:db8::/32', dst: '2001:db8:1::/48', tos: 0x10, flow: (3 << 16) | 4, table: 200, priority: 50 }],
  ['req-del-pref', 'del', { priority: 100 }],
  ['req-dump-inet4', 'list', { family: 4 }],
];

for (const [name, method, options] of REQUESTS) {
  serial(`request ${name}: the same message iproute2 sends`, async (t) => {
    const { rules, conn, kernel } = open();
    await (method === 'list' ? rules.list(options) : rules[method](options));
    t.is(kernel.sent.length, 1);
    sameRequest(t, kernel.sent[0]!, fixture(name));
    conn.close();
  });

  test(`request ${name}: request.ts writes it with the encoder that re-encodes the reply goldens`, (t) => {
    const golden = fixture(name);
    const w = new NlWriter();
    const start = w.beginMessage(golden.readUInt16LE(4), golden.readUInt16LE(6), golden.readUInt32LE(8), golden.readUInt32LE(12));
    if (method === 'list') writeRuleDump(w, checkRuleFilter(options).af);
    else writeRule(w, checkRule(options, method === 'add'));
    w.endMessage(start);
    const ours = Buffer.from(w.bytes());
    sameRequest(t, { type: ours.readUInt16LE(4), flags: ours.readUInt16LE(6), seq: 0, payload: ours.subarray(16) }, golden);
    checkReencode(t, ours, encodeRuleBody, decodeRuleMessage(ours));
  });
}

serial('list without a family dumps AF_UNSPEC; a table above 255 travels in FRA_TABLE, below in the header', async (t) => {
  const { rules, conn, kernel } = open();
  await rules.list();
  await rules.add({ table: 255, priority: 1 });
  await rules.add({ table: 256, priority: 2, family: 6 });
  await rules.add({ action: 'to_tbl', table: 'local', priority: 3 });
  const [dump, small, big, local] = kernel.sent;
  t.is(dump!.flags, 0x301);
  t.deepEqual(dump!.payload, Buffer.alloc(12));
  t.deepEqual(small!.payload, bytes([2, 0, 0, 0, 255, 0, 0, 1], u32(0), attr(6, u32(1))));
  t.deepEqual(big!.payload, bytes([10, 0, 0, 0, 0, 0, 0, 1], u32(0), attr(15, u32(256)), attr(6, u32(2))));
  t.deepEqual(local!.payload, bytes([2, 0, 0, 0, 255, 0, 0, 1], u32(0), attr(6, u32(3))));
  conn.close();
});

serial('bad input is a ValidationError and nothing is sent', async (t) => {
  const { rules, conn, kernel } = open();
  const bad: Array<[unknown, RegExp]> = [
    [{ src: '10.0.0.0/8', family: 6 }, /^src: an IPv6 address is required/],
    [{ src: '10.0.0.0/8', dst: 'fe80::/64' }, /^dst: an IPv4 address is required/],
    [{ src: '10.0.0.0/33' }, /^src: prefix length/],
    [{ table: 'nope' }, /^table: unknown routing table/],
    // Object.prototype member names are no enum names: `table: 'constructor'` once installed `lookup 1`.
    ...['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty'].flatMap((name): Array<[unknown, RegExp]> => [
      [{ table: name }, /^table: unknown routing table/],
      [{ action: name }, /^action: unknown action/],
      [{ ipProto: name }, /^ipProto: unknown IP protocol/],
      [{ protocol: name }, /^protocol: unknown protocol/],
    ]),
    [{ table: 0 }, /^table: /],
    [{ action: 'jump' }, /^action: unknown action/],
    [{ action: 'prohibit', goto: 5 }, /^goto: /],
    [{ fwmark: -1 }, /^fwmark: /],
    [{ sport: 0 }, /^sport: /],
    [{ dport: { start: 90, end: 80 } }, /^dport: start must not be above end/],
    [{ dport: { start: 80, stop: 90 } }, /^dport\.stop: unknown option/],
    [{ uidRange: { start: -1, end: 5 } }, /^uidRange\.start: /],
    [{ ipProto: 'tcpp' }, /^ipProto: unknown IP protocol/],
    [{ ipProto: 256 }, /^ipProto: /],
    [{ iif: 'a very long name!' }, /^iif: /],
    [{ tos: 0x10, dscp: 4 }, /^dscp: tos and dscp cannot be combined/],
    [{ dscp: 64 }, /^dscp: /],
    [{ flowlabel: 5 }, /^flowlabel: flow labels are IPv6 only/],
    [{ suppressPrefixlen: 33 }, /^suppressPrefixlen: /],
    [{ priority: 2 ** 32 }, /^priority: /],
    [{ protocol: 'nope' }, /^protocol: /],
    [{ not: 'yes' }, /^not: /],
    [{ tunId: 5 }, /^tunId: /],
    [{ family: 5 }, /^family: /],
    [{ l3mdev: true, table: 5 }, /^l3mdev: l3mdev and table are mutually exclusive/],
    [{ pref: 100 }, /^pref: unknown option/],
    [null, /^options: /],
  ];
  for (const [options, message] of bad) {
    await t.throwsAsync(rules.add(options as never), { instanceOf: ValidationError, message }, JSON.stringify(options));
    await t.throwsAsync(rules.del(options as never), { instanceOf: ValidationError }, JSON.stringify(options));
  }
  await t.throwsAsync(rules.add({ action: 'goto' }), { instanceOf: ValidationError, message: /^goto: action 'goto' needs a goto target/ });
  await t.throwsAsync(rules.del({}), { instanceOf: ValidationError, message: /at least one selector/ });
  await t.throwsAsync(rules.del({ family: 6 }), { instanceOf: ValidationError, message: /at least one selector/ });
  await t.throwsAsync(rules.list({ family: 7 } as never), { instanceOf: ValidationError, message: /^family: / });
  await t.throwsAsync(rules.stream({ family: 7 } as never).next(), { instanceOf: ValidationError, message: /^family: / });
  t.is(kernel.datagrams.length, 0, 'nothing was sent');
  conn.close();
});

/** A golden reply as part of a dump: this request's sequence number and NLM_F_MULTI. */
const inDump = (name: string, seq: number): Buffer => asReply(fixture(name), seq, 0x2);

serial('list selectors pick the dumped rules that match every one (the kernel filters by family only)', async (t) => {
  const names = ['default-inet4-0', 'fwmark', 'fwmask-only', 'uid-ports', 'not-prohibit', 'goto', 'inet6', 'default-inet4-32766'];
  const kernel = new FakeKernel((msgs, k) => {
    k.deliver(...msgs.map((m) => bytes(...names.map((n) => inDump(n, m.seq)), nldone(m.seq))));
  });
  kernel.install();
  const conn = Connection.open(0);
  const rules = new Rules(conn, new Links(conn));
  const pick = async (o: RuleListOptions): Promise<number[]> => (await rules.list(o)).map((r) => r.priority);
  t.deepEqual(await pick({}), [0, 100, 110, 200, 300, 350, 50, 32766]);
  t.deepEqual(await pick({ family: 4 }), [0, 100, 110, 200, 300, 350, 32766], 'a kernel without strict checking sends both families');
  t.deepEqual(await pick({ family: 6 }), [50]);
  t.deepEqual(await pick({ fwmask: 5 }), [110]);
  t.deepEqual(await pick({ fwmark: 0 }), [0, 110, 200, 300, 350, 50, 32766], 'no FRA_FWMARK is mark 0');
  t.deepEqual(await pick({ fwmark: 0x10, fwmask: 0xff }), [100]);
  t.deepEqual(await pick({ table: 'main' }), [32766]);
  t.deepEqual(await pick({ table: 1000 }), [100], 'FRA_TABLE, not the header byte 252');
  t.deepEqual(await pick({ src: '10.0.0.0/7' }), [300]);
  t.deepEqual(await pick({ src: '10.0.0.0/9' }), [], 'a longer selector than the rule prefix selects nothing');
  t.deepEqual(await pick({ src: '2001:db8::/16' }), [50], 'the family follows from the prefix');
  t.deepEqual(await pick({ dst: '192.168.0.0/16', not: true, iif: 'lo', oif: 'v0', action: 'prohibit' }), [300]);
  t.deepEqual(await pick({ not: false, action: 'goto' }), [350]);
  t.deepEqual(await pick({ ipProto: 'tcp', sport: { start: 1000, end: 2000 }, dport: 80, uidRange: { start: 1000, end: 2000 } }), [200]);
  t.deepEqual(await pick({ dport: { start: 80, end: 81 } }), [], 'ranges compare exactly');
  t.deepEqual(await pick({ protocol: 'kernel' }), [0, 32766]);
  t.deepEqual(await pick({ priority: 0, tos: 0, l3mdev: false, tunId: 0n }), [0]);
  t.deepEqual(await pick({ tos: 0x10 }), [50]);
  const streamed: number[] = [];
  for await (const r of rules.stream({ table: 1 })) streamed.push(r.priority);
  t.deepEqual(streamed, [110]);
  const dumps = kernel.sent.filter((m) => m.type === RTM_GETRULE);
  t.deepEqual(dumps.map((m) => m.payload[0]), [0, 2, 10, 0, 0, 0, 0, 0, 2, 2, 10, 2, 0, 0, 0, 0, 0, 0, 0], 'the family (given, or of a prefix) and nothing else is sent');
  t.true(dumps.every((m) => m.payload.length === 12), 'no attribute in a dump request');
  conn.close();
});

serial('bad list selectors are a ValidationError before anything is sent', async (t) => {
  const { rules, conn, kernel } = open();
  const bad: Array<[unknown, RegExp]> = [
    [{ src: '10.0.0.0/8', family: 6 }, /^src: /], [{ src: '10.0.0.0/8', dst: '::/0' }, /^dst: /], [{ priority: -1 }, /^priority: /],
    [{ table: 0 }, /^table: /], [{ tos: 256 }, /^tos: /], [{ fwmark: 2 ** 32 }, /^fwmark: /], [{ iif: 'a/b' }, /^iif: /],
    [{ not: 1 }, /^not: /], [{ sport: 0 }, /^sport: /], [{ uidRange: { start: 2, end: 1 } }, /^uidRange: /],
    [{ tunId: 1 }, /^tunId: /], [{ pref: 1 }, /^pref: unknown option/], [{ action: 'unspec' }, /^action: /],
    ...['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty'].flatMap((n): Array<[unknown, RegExp]> => [
      [{ table: n }, /^table: unknown routing table/], [{ action: n }, /^action: unknown action/],
      [{ ipProto: n }, /^ipProto: unknown IP protocol/], [{ protocol: n }, /^protocol: unknown protocol/],
    ]),
    [Object.create({ priority: 5 }), /^options: a plain object/],
  ];
  for (const [options, message] of bad) {
    await t.throwsAsync(rules.list(options as never), { instanceOf: ValidationError, message }, JSON.stringify(options));
    await t.throwsAsync(rules.stream(options as never).next(), { instanceOf: ValidationError, message }, JSON.stringify(options));
  }
  t.is(kernel.datagrams.length, 0, 'nothing was sent');
  conn.close();
});
