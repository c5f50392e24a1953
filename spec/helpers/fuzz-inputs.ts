/**
 * fast-check generators of hostile netlink bytes for the fuzzer (spec/fuzz/):
 *
 * - **mutated seeds**: one to three seeds concatenated into a datagram, then up to eight mutations
 *   that know the wire layout — bit flips, byte changes, truncation, insertion and deletion; length
 *   lies in an nlmsghdr (the echoed one inside an NLMSG_ERROR too), in an rtattr at any nesting
 *   depth; wrong nlmsg_type and flags; attribute types with the nested / byte-order bits; payloads
 *   replaced, attributes duplicated or dropped with every enclosing length kept right (so the
 *   change reaches the decoder deep inside); and a nest repeated inside itself up to 2000 times.
 * - **structured messages**: a valid nlmsghdr and family header around a random tree of
 *   attributes (the kind names the link decoders branch on included), so random content gets past
 *   the outer checks.
 * - **random bytes**.
 *
 * Every generated value is a {@link FuzzInput}: a target (see spec/fuzz/targets.ts) and bytes.
 * Mutation parameters are plain numbers taken modulo what the bytes hold, so fast-check can shrink
 * them (fewer mutations, smaller seeds and numbers) towards a minimal input.
 */
import fc from 'fast-check';

/** One fuzz input: which target to run and the bytes. */
export interface FuzzInput {
  readonly target: string;
  readonly bytes: Buffer;
}

const align4 = (n: number): number => (n + 3) & ~3;

// ---- the layout of a datagram ----

/** An nlmsghdr: its offset and the offsets of the nlmsghdrs enclosing it (an echoed request). */
interface MessageNode { readonly at: number; readonly outer: readonly number[] }
/** An rtattr: its offset, the offsets of its enclosing attributes and nlmsghdrs. */
interface AttrNode { readonly at: number; readonly parents: readonly number[]; readonly messages: readonly number[] }
interface Layout { readonly messages: MessageNode[]; readonly attrs: AttrNode[] }

/** Family header size by nlmsg_type (link 16, address 8, route/neighbour/rule 12). */
function familyHeader(type: number): number | undefined {
  if (type >= 16 && type <= 19) return 16;
  if (type >= 20 && type <= 23) return 8;
  if (type >= 24 && type <= 34) return 12;
  return undefined;
}

/** True when `b[s, e)` is a list of attributes whose lengths fit exactly. */
function wellFormed(b: Buffer, s: number, e: number): boolean {
  let at = s;
  while (at + 4 <= e) {
    const len = b.readUInt16LE(at);
    if (len < 4 || at + len > e) return false;
    at += align4(len);
  }
  return at >= e;
}

function scanAttrs(b: Buffer, start: number, end: number, parents: readonly number[], messages: readonly number[], out: AttrNode[]): void {
  let at = start;
  while (at + 4 <= end) {
    const len = b.readUInt16LE(at);
    if (len < 4 || at + len > end) return;
    out.push({ at, parents, messages });
    // A payload that parses as attributes (after 0, 4 or 16 bytes of struct: rtnexthop,
    // ifinfomsg of a veth peer) is taken as a nest.
    if (parents.length < 12 && len >= 8) {
      for (const skip of [0, 4, 16]) {
        const s = at + 4 + skip;
        if (s + 4 <= at + len && wellFormed(b, s, at + len)) {
          scanAttrs(b, s, at + len, [...parents, at], messages, out);
          break;
        }
      }
    }
    at += align4(len);
  }
}

function scanMessage(b: Buffer, at: number, end: number, outer: readonly number[], layout: Layout): number {
  const len = b.readUInt32LE(at);
  layout.messages.push({ at, outer });
  if (len < 16 || len > end - at) return -1;
  const type = b.readUInt16LE(at + 4);
  const flags = b.readUInt16LE(at + 6);
  const chain = [...outer, at];
  const header = familyHeader(type);
  if (header !== undefined) scanAttrs(b, at + 16 + header, at + len, [], chain, layout.attrs);
  else if (type === 3 && len >= 20) scanAttrs(b, at + 20, at + len, [], chain, layout.attrs);
  else if (type === 2 && len >= 36) {
    let tlvs = at + 36;
    if (!(flags & 0x100)) {
      const inner = scanMessage(b, at + 20, at + len, chain, layout);
      tlvs = inner < 0 ? at + len : at + 20 + align4(inner);
    }
    scanAttrs(b, tlvs, at + len, [], chain, layout.attrs);
  }
  return len;
}

/** Finds the messages and attributes of `b` (as far as their lengths are consistent). */
function scan(b: Buffer): Layout {
  const layout: Layout = { messages: [], attrs: [] };
  let at = 0;
  while (at + 16 <= b.length) {
    const len = scanMessage(b, at, b.length, [], layout);
    if (len < 0) break;
    at += align4(len);
  }
  return layout;
}

// ---- mutations ----

/** A length to write: a name relative to the true one, or a number. */
type Len = string | number;
const LEN_NAMES = ['zero', 'one', 'three', 'header', 'minus1', 'plus1', 'minus4', 'plus4', 'rest', 'rest+1', 'half', 'max', 'sign'];

function lengthValue(choice: Len, actual: number, rest: number, bits: 16 | 32): number {
  const max = bits === 16 ? 0xffff : 0xffffffff;
  const named: Record<string, number> = {
    zero: 0, one: 1, three: 3, header: bits === 16 ? 4 : 16, minus1: actual - 1, plus1: actual + 1, minus4: actual - 4,
    plus4: actual + 4, rest, 'rest+1': rest + 1, half: actual >> 1, max, sign: bits === 16 ? 0x8000 : 0x80000000,
  };
  const v = typeof choice === 'number' ? choice : named[choice] ?? 0;
  return Math.min(Math.max(v, 0), max);
}

type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'byte'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; data: Uint8Array }
  | { op: 'delete'; at: number; count: number }
  | { op: 'msgLen'; which: number; len: Len }
  | { op: 'msgType'; which: number; type: number }
  | { op: 'msgFlags'; which: number; flags: number }
  | { op: 'attrLen'; which: number; len: Len }
  | { op: 'attrType'; which: number; type: number }
  | { op: 'payload'; which: number; data: Uint8Array }
  | { op: 'dup'; which: number }
  | { op: 'drop'; which: number }
  | { op: 'repeat'; which: number; up: number; times: number }
  | { op: 'graft'; which: number; before: number };

/** Adds `delta` to the length fields of `attrs` (u16) and `messages` (u32) of `b`, in place. */
function grow(b: Buffer, attrs: readonly number[], messages: readonly number[], delta: number): void {
  for (const a of attrs) b.writeUInt16LE((b.readUInt16LE(a) + delta) & 0xffff, a);
  for (const m of messages) b.writeUInt32LE((b.readUInt32LE(m) + delta) >>> 0, m);
}

/** Replaces `b[from, to)` by `mid` and fixes the lengths enclosing it. */
function splice(b: Buffer, from: number, to: number, mid: Uint8Array, node: AttrNode): Buffer {
  const out = Buffer.concat([b.subarray(0, from), mid, b.subarray(to)]);
  grow(out, node.parents, node.messages, mid.length - (to - from));
  return out;
}

/** The attribute at `node` (header included, padded), and its end. */
function attrBytes(b: Buffer, node: AttrNode): [start: number, end: number] {
  return [node.at, Math.min(node.at + align4(b.readUInt16LE(node.at)), b.length)];
}

/** `node` nested `times` times inside its ancestor `up` levels above it (a repeated nest). */
function repeatNest(b: Buffer, node: AttrNode, up: number, times: number): Buffer {
  const depth = node.parents.length;
  if (depth === 0) return b;
  const k = Math.min(Math.max(up, 1), depth);
  const outer = node.parents[depth - k]!;
  const chain = node.parents.slice(depth - k).map((p) => p - outer);
  const [os, oe] = attrBytes(b, { at: outer, parents: [], messages: [] });
  const [xs, xe] = attrBytes(b, node);
  const prefix = b.subarray(os, xs);
  const suffix = b.subarray(xe, oe);
  let inner = Buffer.from(b.subarray(os, oe));
  for (let i = 1; i < times && prefix.length + inner.length + suffix.length <= 0xffff; i++) {
    const next = Buffer.concat([prefix, inner, suffix]);
    const delta = inner.length - (xe - xs);
    for (const c of chain) {
      const v = next.readUInt16LE(c) + delta;
      if (v > 0xffff) return splice(b, os, oe, inner, { at: outer, parents: node.parents.slice(0, depth - k), messages: node.messages });
      next.writeUInt16LE(v, c);
    }
    inner = next;
  }
  return splice(b, os, oe, inner, { at: outer, parents: node.parents.slice(0, depth - k), messages: node.messages });
}

/** Applies one mutation to `b` (never in place). */
export function mutate(b: Buffer, m: Mutation): Buffer {
  const n = b.length;
  switch (m.op) {
    case 'flip': { if (n === 0) return b; const c = Buffer.from(b); c[m.at % n]! ^= 1 << m.bit; return c; }
    case 'byte': { if (n === 0) return b; const c = Buffer.from(b); c[m.at % n] = m.value; return c; }
    case 'truncate': return Buffer.from(b.subarray(0, m.at % (n + 1)));
    case 'insert': { const at = m.at % (n + 1); return Buffer.concat([b.subarray(0, at), m.data, b.subarray(at)]); }
    case 'delete': { if (n === 0) return b; const at = m.at % n; return Buffer.concat([b.subarray(0, at), b.subarray(at + m.count)]); }
    default: break;
  }
  const layout = scan(b);
  if (m.op === 'msgLen' || m.op === 'msgType' || m.op === 'msgFlags') {
    if (layout.messages.length === 0) return b;
    const msg = layout.messages[m.which % layout.messages.length]!;
    const c = Buffer.from(b);
    if (m.op === 'msgType') c.writeUInt16LE(m.type, msg.at + 4);
    else if (m.op === 'msgFlags') c.writeUInt16LE(m.flags, msg.at + 6);
    else c.writeUInt32LE(lengthValue(m.len, c.readUInt32LE(msg.at), n - msg.at, 32), msg.at);
    return c;
  }
  if (layout.attrs.length === 0) return b;
  const node = layout.attrs[m.which % layout.attrs.length]!;
  const [start, end] = attrBytes(b, node);
  switch (m.op) {
    case 'attrLen': {
      const c = Buffer.from(b);
      c.writeUInt16LE(lengthValue(m.len, c.readUInt16LE(node.at), n - node.at, 16), node.at);
      return c;
    }
    case 'attrType': { const c = Buffer.from(b); c.writeUInt16LE(m.type, node.at + 2); return c; }
    case 'payload': {
      const attr = Buffer.alloc(align4(4 + m.data.length));
      attr.writeUInt16LE(4 + m.data.length, 0);
      attr.writeUInt16LE(b.readUInt16LE(node.at + 2), 2);
      attr.set(m.data, 4);
      return splice(b, start, end, attr, node);
    }
    case 'dup': return splice(b, start, start, b.subarray(start, end), node);
    case 'drop': return splice(b, start, end, new Uint8Array(0), node);
    case 'repeat': return repeatNest(b, node, m.up, m.times);
    case 'graft': {
      // A copy of this attribute goes before another one, anywhere (into a nest, a nexthop …).
      const there = layout.attrs[m.before % layout.attrs.length]!;
      return splice(b, there.at, there.at, Buffer.from(b.subarray(start, end)), there);
    }
  }
}

const u16 = fc.integer({ min: 0, max: 0xffff });
const position = fc.nat({ max: 0xffff });
const len: fc.Arbitrary<Len> = fc.oneof(fc.constantFrom(...LEN_NAMES), fc.nat({ max: 0xffff }), fc.nat({ max: 0xffffffff }));
/** nlmsg_types that mean something here: control, every rtnetlink family, unknown ones. */
const msgType = fc.oneof(fc.constantFrom(1, 2, 3, 4, 16, 17, 18, 19, 20, 21, 22, 24, 25, 26, 28, 29, 30, 32, 33, 34, 64, 88), u16);
/** Attribute types: small numbers, with NLA_F_NESTED / NLA_F_NET_BYTEORDER, or anything. */
const attrType = fc.oneof(fc.nat({ max: 70 }), fc.nat({ max: 70 }).map((t) => t | 0x8000), fc.nat({ max: 70 }).map((t) => t | 0x4000), u16);
/** Payloads: the sizes fixed-size fields have, any bytes, or a kind name. */
const KIND_NAMES = ['veth', 'bridge', 'vxlan', 'macvlan', 'macvtap', 'vlan', 'ipvlan', 'ipvtap', 'tun', 'dummy', 'ifb', 'bond', 'wireguard'];
/** A small number (enum values, types) in 1, 2, 4 or 8 little-endian bytes. */
const smallNumber = fc.record({ v: fc.oneof(fc.nat({ max: 12 }), fc.constantFrom(0xff, 0xffff, 0x7fffffff, 0xffffffff)), width: fc.constantFrom(1, 2, 4, 8) })
  .map(({ v, width }) => { const b = Buffer.alloc(width); b.writeUIntLE(Math.min(v, 2 ** (8 * Math.min(width, 6)) - 1), 0, Math.min(width, 6)); return b; });
/** Long payloads (of bytes that are not UTF-8, so a string grows when decoded and encoded again). */
const bigPayload = fc.record({ size: fc.integer({ min: 0, max: 0xffff - 4 }), byte: fc.constantFrom(0, 0x41, 0x80, 0xff) })
  .map(({ size, byte }) => Buffer.alloc(size, byte));
const payload = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 8, 12, 16, 18, 20, 24, 32).chain((k) => fc.uint8Array({ minLength: k, maxLength: k })) },
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 2, arbitrary: smallNumber },
  { weight: 1, arbitrary: fc.constantFrom(...KIND_NAMES).map((k) => Buffer.from(`${k}\0`)) },
);
/** Payloads of the `payload` mutation: the above, or now and then a long one. */
const replacement = fc.oneof({ weight: 10, arbitrary: payload }, { weight: 1, arbitrary: bigPayload });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: position, bit: fc.nat({ max: 7 }) }),
  fc.record({ op: fc.constant('byte' as const), at: position, value: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff).chain((v) => fc.oneof(fc.constant(v), fc.nat({ max: 255 }))) }),
  fc.record({ op: fc.constant('truncate' as const), at: position }),
  fc.record({ op: fc.constant('insert' as const), at: position, data: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ op: fc.constant('delete' as const), at: position, count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ op: fc.constant('msgLen' as const), which: fc.nat({ max: 7 }), len }),
  fc.record({ op: fc.constant('msgType' as const), which: fc.nat({ max: 7 }), type: msgType }),
  fc.record({ op: fc.constant('msgFlags' as const), which: fc.nat({ max: 7 }), flags: fc.oneof(fc.constantFrom(0, 0x2, 0x100, 0x200, 0x300, 0x10), u16) }),
  fc.record({ op: fc.constant('attrLen' as const), which: fc.nat({ max: 255 }), len }),
  fc.record({ op: fc.constant('attrType' as const), which: fc.nat({ max: 255 }), type: attrType }),
  fc.record({ op: fc.constant('payload' as const), which: fc.nat({ max: 255 }), data: replacement }),
  fc.record({ op: fc.constant('dup' as const), which: fc.nat({ max: 255 }) }),
  fc.record({ op: fc.constant('drop' as const), which: fc.nat({ max: 255 }) }),
  fc.record({ op: fc.constant('graft' as const), which: fc.nat({ max: 255 }), before: fc.nat({ max: 255 }) }),
  fc.record({ op: fc.constant('repeat' as const), which: fc.nat({ max: 255 }), up: fc.integer({ min: 1, max: 4 }), times: fc.oneof(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 2, max: 2000 })) }),
);

// ---- structured messages ----

/** A random attribute: a leaf with a payload, or a nest (after 0, 4 or 16 bytes of struct). */
type Tree = { type: number; payload: Uint8Array } | { type: number; skip: number; children: Tree[] };

const tree = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ type: attrType, payload }),
    fc.record({ type: attrType, skip: fc.constantFrom(0, 0, 4, 16), children: fc.array(tie('node'), { maxLength: 5 }) }),
  ),
})).node;

function encodeTree(t: Tree): Buffer {
  const body = 'payload' in t ? Buffer.from(t.payload) : Buffer.concat([Buffer.alloc(t.skip), ...t.children.map(encodeTree)]);
  const out = Buffer.alloc(align4(4 + body.length));
  out.writeUInt16LE(Math.min(4 + body.length, 0xffff), 0);
  out.writeUInt16LE(t.type, 2);
  body.copy(out, 4);
  return out;
}

/** A message: nlmsghdr of the right length, a family header, random attributes. */
const structured = fc.record({
  type: msgType,
  flags: fc.oneof(fc.constantFrom(0, 0x2, 0x100, 0x200, 0x300), u16),
  header: fc.oneof(
    fc.constantFrom(0, 2, 7, 10, 28, 128, 129).chain((family) => fc.uint8Array({ minLength: 15, maxLength: 15 }).map((rest) => Buffer.concat([Buffer.from([family]), rest]))),
    fc.uint8Array({ maxLength: 24 }),
  ),
  attrs: fc.array(tree, { maxLength: 8 }),
}).map(({ type, flags, header, attrs }) => {
  const size = familyHeader(type) ?? (type === 2 ? 20 : 4);
  const head = Buffer.alloc(size);
  Buffer.from(header).copy(head, 0, 0, size);
  const body = Buffer.concat([head, ...attrs.map(encodeTree)]);
  const msg = Buffer.alloc(16 + align4(body.length));
  msg.writeUInt32LE(msg.length, 0);
  msg.writeUInt16LE(type, 4);
  msg.writeUInt16LE(flags, 6);
  body.copy(msg, 16);
  return msg;
});

// ---- inputs ----

/**
 * Fuzz inputs over `seeds` for `targets`. `familyTargets(bytes)` names the targets that fit the
 * bytes' own family (most inputs go there; the rest go to any target, the wrong decoder included).
 */
export function fuzzInputs(seeds: readonly Buffer[], targets: readonly string[], familyTargets: (bytes: Buffer) => readonly string[]): fc.Arbitrary<FuzzInput> {
  const pick = (bytes: Buffer, own: boolean, t: number): FuzzInput => {
    const fit = familyTargets(bytes);
    const list = own && fit.length > 0 ? fit : targets;
    return { target: list[t % list.length]!, bytes };
  };
  const mutated = fc.record({
    seeds: fc.array(fc.nat({ max: seeds.length - 1 }), { minLength: 1, maxLength: 3 }),
    mutations: fc.array(mutation, { maxLength: 8 }),
    own: fc.boolean(),
    target: fc.nat(),
  }).map(({ seeds: chosen, mutations, own, target }) => {
    let b: Buffer = Buffer.concat(chosen.map((i) => seeds[i]!));
    for (const m of mutations) b = mutate(b, m);
    return pick(b, own, target);
  });
  const random = fc.record({ bytes: fc.uint8Array({ maxLength: 512 }), target: fc.nat() })
    .map(({ bytes, target }) => pick(Buffer.from(bytes), false, target));
  const built = fc.record({ bytes: structured, own: fc.boolean(), target: fc.nat() })
    .map(({ bytes, own, target }) => pick(bytes, own, target));
  return fc.oneof({ weight: 7, arbitrary: mutated }, { weight: 2, arbitrary: built }, { weight: 1, arbitrary: random });
}
