/**
 * What the fuzzer runs each input through, and what counts as an escape.
 *
 * A target takes bytes as the kernel (or anyone on the socket) could send them:
 * - `datagram`: the receive path of the transport and of the monitor — forEachMessage over the
 *   datagram; NLMSG_ERROR / NLMSG_DONE through the ack parsers (with and without NLM_F_ACK_TLVS and
 *   NLM_F_CAPPED, whatever the header says); every notification type through the monitor's
 *   eventDecoder and then every getter of the object it made.
 * - `<family>-message`: decodeXxxMessage(), then encodeXxxBody() of what it decoded, then the
 *   decoder again on those bytes.
 * - `<family>-view`: the family's lazy view over the message placed between garbage bytes, every
 *   getter found on its prototype chain (so new getters are covered without listing them),
 *   toObject(), toJSON(), JSON.stringify() and util.inspect(); then the same with the garbage
 *   changed, which must give the same result (a view reads its own message and nothing else); and
 *   each getter read first on a fresh view, which must give what it gave after the others.
 *
 * Allowed: a DecodeError from decoding; a ValidationError from encoding a decoded value. Anything
 * else thrown (RangeError, TypeError, a stack overflow …) is an {@link Escape}.
 */
import { inspect, isDeepStrictEqual } from 'node:util';
import { DecodeError, ValidationError } from '../../lib/netlink/core/errors.js';
import { forEachMessage, parseDoneMessage, parseErrorMessage } from '../../lib/netlink/core/message.js';
import type { MessageView } from '../../lib/netlink/core/message-view.js';
import { NLM_F_ACK_TLVS, NLM_F_CAPPED, NLMSG_DONE, NLMSG_ERROR } from '../../lib/netlink/core/protocol.js';
import { NlWriter } from '../../lib/netlink/core/writer.js';
import { decodeAddressMessage, encodeAddressBody } from '../../lib/netlink/rtnl/address/codec.js';
import { addressView } from '../../lib/netlink/rtnl/address/view.js';
import { decodeLinkMessage, encodeLinkBody } from '../../lib/netlink/rtnl/link/codec.js';
import { linkView } from '../../lib/netlink/rtnl/link/view.js';
import { eventDecoder } from '../../lib/netlink/rtnl/monitor-decoders.js';
import { decodeNeighborMessage, encodeNeighborBody } from '../../lib/netlink/rtnl/neighbor/codec.js';
import { neighborView } from '../../lib/netlink/rtnl/neighbor/view.js';
import { decodeNexthopMessage, encodeNexthopBody } from '../../lib/netlink/rtnl/nexthop/codec.js';
import { nexthopView } from '../../lib/netlink/rtnl/nexthop/view.js';
import { decodeRouteMessage, encodeRouteBody } from '../../lib/netlink/rtnl/route/codec.js';
import { routeView } from '../../lib/netlink/rtnl/route/view.js';
import { decodeRuleMessage, encodeRuleBody } from '../../lib/netlink/rtnl/rule/codec.js';
import { ruleView } from '../../lib/netlink/rtnl/rule/view.js';

/** One message family: its decoder and encoder, its lazy view, its nlmsg_types and fixed header size. */
export interface Family {
  readonly name: string;
  readonly decode: (buf: Buffer) => unknown;
  readonly encode: (w: NlWriter, body: never) => void;
  readonly view: (buf: Buffer, off: number, len: number) => MessageView;
  readonly types: readonly number[];
  readonly header: number;
}

/** The families, in a fixed order (the fuzz inputs index into it). */
export const FAMILIES: readonly Family[] = [
  { name: 'link', decode: decodeLinkMessage, encode: encodeLinkBody, view: linkView, types: [16, 17, 18, 19], header: 16 },
  { name: 'address', decode: decodeAddressMessage, encode: encodeAddressBody, view: addressView, types: [20, 21, 22], header: 8 },
  { name: 'route', decode: decodeRouteMessage, encode: encodeRouteBody, view: routeView, types: [24, 25, 26], header: 12 },
  { name: 'neighbor', decode: decodeNeighborMessage, encode: encodeNeighborBody, view: neighborView, types: [28, 29, 30], header: 12 },
  { name: 'rule', decode: decodeRuleMessage, encode: encodeRuleBody, view: ruleView, types: [32, 33, 34], header: 12 },
  { name: 'nexthop', decode: decodeNexthopMessage, encode: encodeNexthopBody, view: nexthopView, types: [104, 105, 106], header: 8 },
];

/** Target names: `datagram`, then `<family>-message` and `<family>-view` for each family. */
export const TARGETS: readonly string[] = ['datagram', ...FAMILIES.flatMap((f) => [`${f.name}-message`, `${f.name}-view`])];

/** The family whose nlmsg_type this is, if any. */
export function familyOfType(type: number): Family | undefined {
  return FAMILIES.find((f) => f.types.includes(type));
}

/** Something other than the allowed error escaped, at `step` of `target`. */
export class Escape extends Error {
  readonly target: string;
  readonly step: string;
  readonly error: unknown;

  constructor(target: string, step: string, error: unknown, detail?: string) {
    const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    super(`${target} / ${step}: ${detail ?? what}${error instanceof Error && error.stack ? `\n${error.stack}` : ''}`);
    this.name = 'Escape';
    this.target = target;
    this.step = step;
    this.error = error;
  }
}

/** Runs `fn`; an allowed error gives `undefined`, anything else is an Escape. */
function guarded<T>(target: string, step: string, allowed: ReadonlyArray<abstract new (...a: never[]) => Error>, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Escape) throw e;
    if (allowed.some((k) => e instanceof k)) return undefined;
    throw new Escape(target, step, e);
  }
}

const DECODE_ONLY = [DecodeError] as const;

const gettersByPrototype = new WeakMap<object, string[]>();

/** The getter names of `obj`'s prototype chain (below Object.prototype), each once. */
export function gettersOf(obj: object): string[] {
  const proto = Object.getPrototypeOf(obj) as object;
  const known = gettersByPrototype.get(proto);
  if (known !== undefined) return known;
  const names = new Set<string>();
  for (let p = Object.getPrototypeOf(obj) as object | null; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (name !== 'constructor' && Object.getOwnPropertyDescriptor(p, name)?.get !== undefined) names.add(name);
    }
  }
  const list = [...names].sort();
  gettersByPrototype.set(proto, list);
  return list;
}

/**
 * Reads everything a user can read from `view`: each getter on a fresh read order, toObject(),
 * toJSON(), JSON.stringify(), util.inspect(). Returns what it saw (values, or the DecodeError
 * message), to compare two views of the same message.
 */
export function readView(target: string, view: MessageView): Record<string, unknown> {
  const seen: Record<string, unknown> = {};
  const read = (name: string, fn: () => unknown): void => {
    try {
      seen[name] = fn();
    } catch (e) {
      if (e instanceof Escape) throw e;
      if (!(e instanceof DecodeError)) throw new Escape(target, name, e);
      seen[name] = `DecodeError: ${e.message}`;
    }
  };
  for (const name of gettersOf(view)) read(`get ${name}`, () => Reflect.get(view, name));
  read('toObject()', () => view.toObject());
  read('toJSON()', () => view.toJSON());
  read('JSON.stringify()', () => JSON.stringify(view));
  read('util.inspect()', () => inspect(view, { depth: Infinity }));
  return seen;
}

/** `datagram`: the transport's and the monitor's receive path. */
function runDatagram(bytes: Buffer): void {
  const target = 'datagram';
  guarded(target, 'forEachMessage', DECODE_ONLY, () => forEachMessage(bytes, 0, bytes.length, (off, len, type, flags) => {
    if (type === NLMSG_ERROR || type === NLMSG_DONE) {
      const parse = type === NLMSG_ERROR ? parseErrorMessage : parseDoneMessage;
      for (const f of [flags, flags | NLM_F_ACK_TLVS, flags | NLM_F_ACK_TLVS | NLM_F_CAPPED, flags & ~(NLM_F_ACK_TLVS | NLM_F_CAPPED)]) {
        guarded(target, `${parse.name}(flags 0x${f.toString(16)})`, DECODE_ONLY, () => parse(bytes, off, len, f));
      }
      return;
    }
    const decoder = eventDecoder(type);
    if (decoder === undefined) return;
    const view = guarded(target, `eventDecoder(${type}).decode`, DECODE_ONLY, () => decoder.decode(bytes, off, len));
    if (view !== undefined) readView(target, view);
  }));
}

/** `<family>-message`: decode, re-encode what was decoded, decode that again. */
function runMessage(family: Family, bytes: Buffer): void {
  const target = `${family.name}-message`;
  const body = guarded(target, 'decode', DECODE_ONLY, () => family.decode(bytes));
  if (body === undefined) return;
  const again = guarded(target, 'encode', [ValidationError], () => {
    const w = new NlWriter(64);
    const start = w.beginMessage(bytes.readUInt16LE(4), bytes.readUInt16LE(6), bytes.readUInt32LE(8), bytes.readUInt32LE(12));
    family.encode(w, body as never);
    w.endMessage(start);
    return Buffer.from(w.bytes());
  });
  if (again === undefined) return;
  // What the encoder wrote from a decoded value must decode: anything else is a bug in one of them.
  guarded(target, 'decode(encode(decode(bytes)))', [], () => family.decode(again));
}

/** Fills `buf` outside `[from, to)` with `byte`. */
function fillAround(buf: Buffer, from: number, to: number, byte: number): void {
  buf.fill(byte, 0, from);
  buf.fill(byte, to);
}

/**
 * Each getter read first, on a fresh view, gives what it gave when read after all the others (a
 * view walks the attributes for its first reads and indexes them after a few: both must agree).
 */
function checkFirstReads(target: string, fresh: () => MessageView, after: Record<string, unknown>): void {
  for (const name of gettersOf(fresh())) {
    let first: unknown;
    try {
      first = Reflect.get(fresh(), name);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw new Escape(target, `get ${name} (first read)`, e);
      first = `DecodeError: ${e.message}`;
    }
    if (!isDeepStrictEqual(first, after[`get ${name}`])) {
      throw new Escape(target, 'consistency', undefined, `${name} read first gives ${inspect(first).slice(0, 200)}, after the other getters ${inspect(after[`get ${name}`]).slice(0, 200)}`);
    }
  }
}

/** `<family>-view`: the view between garbage, read twice with different garbage. */
function runView(family: Family, bytes: Buffer): void {
  const target = `${family.name}-view`;
  // Where the message sits in the receive buffer varies (4-byte aligned, as in a datagram).
  const before = 4 * (bytes.length % 3);
  const buf = Buffer.alloc(before + bytes.length + 32);
  bytes.copy(buf, before);
  const outcomes: unknown[] = [];
  for (const garbage of [0x00, 0xff]) {
    fillAround(buf, before, before + bytes.length, garbage);
    const view = guarded(target, 'view', DECODE_ONLY, () => family.view(buf, before, bytes.length));
    outcomes.push(view === undefined ? 'DecodeError at construction' : readView(target, view));
  }
  if (!isDeepStrictEqual(outcomes[0], outcomes[1])) {
    const [a, b] = outcomes as Array<Record<string, unknown>>;
    const differ = typeof a === 'object' && typeof b === 'object'
      ? Object.keys(a).filter((k) => !isDeepStrictEqual(a[k], b[k])).join(', ')
      : 'construction';
    throw new Escape(target, 'containment', undefined, `the view read bytes outside its message (differs in: ${differ})`);
  }
  const all = outcomes[1];
  if (typeof all === 'object' && all !== null) checkFirstReads(target, () => family.view(buf, before, bytes.length), all as Record<string, unknown>);
}

/** Runs `bytes` through target `name`; throws an {@link Escape} when something other than the allowed errors escapes. */
export function exercise(name: string, bytes: Buffer): void {
  if (name === 'datagram') return runDatagram(bytes);
  const [familyName, kind] = name.split('-');
  const family = FAMILIES.find((f) => f.name === familyName);
  if (family === undefined || (kind !== 'message' && kind !== 'view')) throw new Error(`unknown fuzz target ${name}`);
  return kind === 'message' ? runMessage(family, bytes) : runView(family, bytes);
}

/** Runs `bytes` through every target (the replay of saved regression inputs). */
export function exerciseAll(bytes: Buffer): void {
  for (const name of TARGETS) exercise(name, bytes);
}
