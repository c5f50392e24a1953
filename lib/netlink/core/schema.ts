/**
 * Attribute schemas: hand-written tables that say, for one attribute set (IFLA_*, RTA_* …), which
 * number has which name and value codec. One generic decoder and encoder walk them, so a family
 * file is a table plus its fixed header, and every family gets the same guarantees:
 *
 * - known attributes decode to typed fields, inserted in wire order;
 * - unknown ones are kept raw in `unknown`, with their position, so decode → encode gives back the
 *   same bytes (nests are re-encoded with the NLA_F_NESTED bit their definition declares);
 * - lengths are checked: a wrong size is a DecodeError naming the attribute path.
 */
import { DecodeError, ValidationError } from './errors.js';
import { forEachAttr, readString } from './attributes.js';
import { formatIp, parseIp } from './inet.js';
import { checkArray, checkInt, checkObject } from './validate.js';
import { formatMac } from './mac.js';
import { NLA_F_NESTED } from './protocol.js';
import type { NlWriter } from './writer.js';

/** How one attribute's payload becomes a value and back. Methods, so codecs are covariant-friendly. */
export interface FieldCodec<T> {
  /** A short name for messages (`'u32'`, `'mac'`, `'nest(link_info)'`). */
  readonly kind: string;
  /** Decodes the payload `buf[off, off + len)`. */
  decode(buf: Buffer, off: number, len: number, path: string): T;
  /** Writes the whole attribute (header and payload) of type `type`. */
  encode(w: NlWriter, type: number, value: T, path: string): void;
}

/** An attribute this library has no definition for, kept byte for byte. */
export interface UnknownAttr {
  /** The raw nla_type, flag bits included. */
  type: number;
  /** The payload. */
  data: Uint8Array;
  /** Position among the attributes of its set, in wire order (0-based). */
  index: number;
}

/** The definition of one attribute in a set. `T` is the decoded value type. */
export interface AttrDef<T> {
  /** The attribute number (IFLA_MTU …). */
  readonly type: number;
  /** Encode with NLA_F_NESTED. */
  readonly flagged: boolean;
  /** The attribute may repeat; the field is an array of element values. */
  readonly multi: boolean;
  /** Codec of one value (of one element, for `multi`). */
  readonly element: FieldCodec<unknown>;
  /** Type carrier only; never set. */
  readonly valueType?: T;
}

/** Defines an attribute. */
export function attr<T>(type: number, codec: FieldCodec<T>, options: { flagged?: boolean } = {}): AttrDef<T> {
  return { type, flagged: options.flagged ?? false, multi: false, element: codec as FieldCodec<unknown> };
}

/** Defines an attribute that may appear several times; it decodes to an array. */
export function multi<T>(type: number, codec: FieldCodec<T>, options: { flagged?: boolean } = {}): AttrDef<T[]> {
  return { type, flagged: options.flagged ?? false, multi: true, element: codec as FieldCodec<unknown> };
}

/** The definitions of a set, by field name. */
export type AttrDefs = Record<string, AttrDef<unknown>>;

/** The decoded value of a set: every field optional, plus the unknown attributes. */
export type AttrValues<D extends AttrDefs> = {
  -readonly [K in keyof D]?: D[K] extends AttrDef<infer T> ? T : never;
} & {
  /** Attributes the set has no name for, kept raw with their type and position (encoding writes them back). */
  unknown?: UnknownAttr[];
};

/**
 * How deep attribute sets may nest in one decode. Real messages nest a handful (a veth request:
 * link, link_info, veth, the peer's link; a bridge: link, link_info, bridge, querier state).
 */
export const MAX_NEST_DEPTH = 32;

/** Sets being decoded right now, one inside the other (decoding is synchronous). */
let nestDepth = 0;

/** One attribute set (`link`, `link_info`, `route` …) with its generic decoder and encoder. */
export class AttrSet<D extends AttrDefs> {
  /** The set's name, used in error paths. */
  readonly name: string;
  /** Makes the definitions; dropped once they are made. */
  #make: (() => D) | undefined;
  /** The definitions by field name, made on first use (`defs`). */
  #defs: D | undefined;
  /** The definitions by attribute number, built on first use (~50 sets are made at import). */
  #byType: Array<{ key: string; def: AttrDef<unknown> } | undefined> | undefined;

  /**
   * A set named `name` whose definitions `make` returns. They are made on first use, not at import:
   * a process pays for the sets of the messages and link kinds it handles (the ~55 sets and their
   * codecs cost a fresh process ~1.5 ms and ~230 KB of young objects to build).
   */
  constructor(name: string, make: () => D) {
    this.name = name;
    this.#make = make;
  }

  /** The definitions by field name. */
  get defs(): D {
    return this.#defs ?? this.makeDefs();
  }

  private makeDefs(): D {
    const defs = this.#make!();
    this.#defs = defs;
    this.#make = undefined;
    return defs;
  }

  /** The definitions by attribute number. */
  private get byType(): Array<{ key: string; def: AttrDef<unknown> } | undefined> {
    return this.#byType ?? this.indexByType();
  }

  private indexByType(): Array<{ key: string; def: AttrDef<unknown> } | undefined> {
    const byType: Array<{ key: string; def: AttrDef<unknown> } | undefined> = [];
    for (const [key, def] of Object.entries(this.defs)) {
      if (byType[def.type] !== undefined) throw new Error(`${this.name}: attribute ${def.type} defined twice`);
      byType[def.type] = { key, def };
    }
    this.#byType = byType;
    return byType;
  }

  /** The field name of attribute number `type`, if known. */
  fieldOf(type: number): string | undefined {
    return this.byType[type]?.key;
  }

  /**
   * Decodes the attributes in `buf[start, end)`. Sets nested more than {@link MAX_NEST_DEPTH} deep
   * (only a veth peer's link body can nest itself: a hostile message could repeat it until the stack
   * overflows) are a DecodeError.
   */
  decode(buf: Buffer, start: number, end: number, path: string = this.name): AttrValues<D> {
    if (nestDepth >= MAX_NEST_DEPTH) throw new DecodeError(path, start, `attribute sets nested more than ${MAX_NEST_DEPTH} deep`);
    nestDepth++;
    try {
      return this.decodeFlat(buf, start, end, path);
    } finally {
      nestDepth--;
    }
  }

  private decodeFlat(buf: Buffer, start: number, end: number, path: string): AttrValues<D> {
    const out: Record<string, unknown> = {};
    const unknown: UnknownAttr[] = [];
    let index = 0;
    const byType = this.byType;
    forEachAttr(buf, start, end, path, (type, off, len, rawType) => {
      const entry = byType[type];
      if (entry === undefined || (!entry.def.multi && entry.key in out)) {
        // Not ours, or a repeat of a single-valued attribute: keep it raw, in place.
        unknown.push({ type: rawType, data: Uint8Array.prototype.slice.call(buf, off, off + len), index });
      } else {
        const value = entry.def.element.decode(buf, off, len, `${path}.${entry.key}`);
        if (entry.def.multi) {
          const list = (out[entry.key] ??= []) as unknown[];
          list.push(value);
        } else {
          out[entry.key] = value;
        }
      }
      index++;
    });
    if (unknown.length > 0) out.unknown = unknown;
    return out as AttrValues<D>;
  }

  /**
   * Writes the attributes of `value` in the order of its keys (decode inserts them in wire order),
   * with unknown attributes back at their positions. Undefined fields are skipped.
   */
  encode(w: NlWriter, value: AttrValues<D>, path: string = this.name): void {
    // An own `unknown` only: a polluted Object.prototype.unknown must not add attributes.
    const unknown = Object.hasOwn(value, 'unknown') && value.unknown !== undefined ? checkUnknown(`${path}.unknown`, value.unknown) : undefined;
    // Without unknown attributes to put back (requests built from options): one loop, no closure
    // and no array per call or per single-valued attribute (link requests run through here on every add).
    if (unknown === undefined || unknown.length === 0) {
      for (const key of Object.keys(value)) {
        if (key === 'unknown') continue;
        const v = (value as Record<string, unknown>)[key];
        if (v === undefined) continue;
        const def = this.ownDef(key, v, path);
        const type = def.flagged ? def.type | NLA_F_NESTED : def.type;
        if (!def.multi) {
          def.element.encode(w, type, v, `${path}.${key}`);
          continue;
        }
        for (const item of checkArray(`${path}.${key}`, v, `${def.element.kind} values`)) def.element.encode(w, type, item, `${path}.${key}`);
      }
      return;
    }
    let next = 0;
    let written = 0;
    const flushUnknown = (): void => {
      while (next < unknown.length && unknown[next]!.index <= written) {
        const u = unknown[next++]!;
        w.attrBytes(u.type, u.data);
        written++;
      }
    };
    for (const key of Object.keys(value)) {
      if (key === 'unknown') continue;
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined) continue;
      const def = this.ownDef(key, v, path);
      const type = def.flagged ? def.type | NLA_F_NESTED : def.type;
      const values = def.multi ? checkArray(`${path}.${key}`, v, `${def.element.kind} values`) : [v];
      for (const item of values) {
        flushUnknown();
        def.element.encode(w, type, item, `${path}.${key}`);
        written++;
      }
    }
    while (next < unknown.length) {
      const u = unknown[next++]!;
      w.attrBytes(u.type, u.data);
    }
  }

  /**
   * The definition of field `key`, read from the set's own definitions only ('constructor' or
   * 'toString' must not find Object.prototype's members); ValidationError when there is none.
   */
  private ownDef(key: string, v: unknown, path: string): AttrDef<unknown> {
    const def = Object.hasOwn(this.defs, key) ? this.defs[key] : undefined;
    if (def === undefined) throw new ValidationError(`${path}.${key}`, v, `not an attribute of ${this.name}`);
    return def as AttrDef<unknown>;
  }
}

/** Checks the `unknown` attributes of a value to encode: raw attributes with their type, payload and position. */
function checkUnknown(path: string, value: unknown): UnknownAttr[] {
  return checkArray(path, value, 'raw attributes').map((item, i) => {
    const u = checkObject(`${path}[${i}]`, item);
    for (const key of Object.keys(u)) {
      if (key !== 'type' && key !== 'data' && key !== 'index') throw new ValidationError(`${path}[${i}].${key}`, u[key], 'unknown member (known: type, data, index)');
    }
    const type = checkInt(`${path}[${i}].type`, u.type, 0, 0xffff);
    if (!(u.data instanceof Uint8Array) || u.data.length > 0xffff - 4) {
      throw new ValidationError(`${path}[${i}].data`, u.data, 'a Uint8Array of at most 65531 bytes is required');
    }
    const index = checkInt(`${path}[${i}].index`, u.index, 0, 0x7fffffff);
    return { type, data: u.data, index };
  });
}

/** A nested attribute holding set `set`. */
export function nest<D extends AttrDefs>(set: AttrSet<D>): FieldCodec<AttrValues<D>> {
  return {
    kind: `nest(${set.name})`,
    decode: (buf, off, len, path) => set.decode(buf, off, off + len, path),
    encode(w, type, value, path) {
      // A plain object of the set's attributes (5 or null would write an empty nest, or throw a TypeError).
      const own = checkObject(path, value) as AttrValues<D>;
      const start = w.beginAttr(type);
      set.encode(w, own, path);
      w.endNest(start);
    },
  };
}

/** Checks a fixed-size payload: DecodeError unless it is exactly `size` bytes. */
export function exactLength(kind: string, size: number, path: string, off: number, len: number): void {
  if (len !== size) throw new DecodeError(path, off, `${kind} payload of ${len} bytes, ${size} expected`);
}

const exact = exactLength;

/** NLA_U8. */
export const u8: FieldCodec<number> = {
  kind: 'u8',
  decode(buf, off, len, path) { exact('u8', 1, path, off, len); return buf[off]!; },
  encode(w, type, v, path) { w.attrU8(type, checkInt(path, v, 0, 0xff)); },
};

/** NLA_U16. */
export const u16: FieldCodec<number> = {
  kind: 'u16',
  decode(buf, off, len, path) { exact('u16', 2, path, off, len); return buf.readUInt16LE(off); },
  encode(w, type, v, path) { w.attrU16(type, checkInt(path, v, 0, 0xffff)); },
};

/** NLA_BE16 (ports). */
export const u16be: FieldCodec<number> = {
  kind: 'be16',
  decode(buf, off, len, path) { exact('be16', 2, path, off, len); return buf.readUInt16BE(off); },
  encode(w, type, v, path) { w.attrU16Be(type, checkInt(path, v, 0, 0xffff)); },
};

/** NLA_U32. */
export const u32: FieldCodec<number> = {
  kind: 'u32',
  decode(buf, off, len, path) { exact('u32', 4, path, off, len); return buf.readUInt32LE(off); },
  encode(w, type, v, path) { w.attrU32(type, checkInt(path, v, 0, 0xffffffff)); },
};

/** NLA_BE32. */
export const u32be: FieldCodec<number> = {
  kind: 'be32',
  decode(buf, off, len, path) { exact('be32', 4, path, off, len); return buf.readUInt32BE(off); },
  encode(w, type, v, path) { w.attrU32Be(type, checkInt(path, v, 0, 0xffffffff)); },
};

/** NLA_S32. */
export const s32: FieldCodec<number> = {
  kind: 's32',
  decode(buf, off, len, path) { exact('s32', 4, path, off, len); return buf.readInt32LE(off); },
  encode(w, type, v, path) { w.attrS32(type, checkInt(path, v, -0x80000000, 0x7fffffff)); },
};

/** NLA_U64, as bigint. */
export const u64: FieldCodec<bigint> = {
  kind: 'u64',
  decode(buf, off, len, path) { exact('u64', 8, path, off, len); return buf.readBigUInt64LE(off); },
  encode(w, type, v, path) {
    if (typeof v !== 'bigint' || v < 0n || v > 0xffffffffffffffffn) throw new ValidationError(path, v, 'a u64 bigint is required');
    w.attrU64(type, v);
  },
};

/** A u64 in network byte order (tunnel ids: LWTUNNEL_IP_ID, FRA_TUN_ID), as bigint. */
export const u64be: FieldCodec<bigint> = {
  kind: 'be64',
  decode(buf, off, len, path) { exact('be64', 8, path, off, len); return buf.readBigUInt64BE(off); },
  encode(w, type, v, path) {
    if (typeof v !== 'bigint' || v < 0n || v > 0xffffffffffffffffn) throw new ValidationError(path, v, 'a u64 bigint is required');
    const bytes = Buffer.alloc(8);
    bytes.writeBigUInt64BE(v);
    w.attrBytes(type, bytes);
  },
};

/** NLA_NUL_STRING / NLA_STRING: decoded up to the first NUL, encoded NUL-terminated. */
export const string: FieldCodec<string> = {
  kind: 'string',
  decode: (buf, off, len) => readString(buf, off, len),
  encode(w, type, v, path) {
    if (typeof v !== 'string') throw new ValidationError(path, v, 'a string is required');
    w.attrString(type, v);
  },
};

/** NLA_BINARY: a copy of the payload. */
/**
 * Raw attribute bytes. An interface rather than `Uint8Array` itself so that declarations inferred
 * from attribute tables print this one name: TypeScript >= 5.7 would print the generic
 * `Uint8Array<ArrayBufferLike>`, which older TypeScript rejects ("Type 'Uint8Array' is not generic").
 */
export interface Bytes extends Uint8Array {}

export const binary: FieldCodec<Bytes> = {
  kind: 'binary',
  decode: (buf, off, len) => Uint8Array.prototype.slice.call(buf, off, off + len),
  encode(w, type, v, path) {
    if (!(v instanceof Uint8Array)) throw new ValidationError(path, v, 'a Uint8Array is required');
    w.attrBytes(type, v);
  },
};

/** NLA_FLAG: present means true. */
export const flag: FieldCodec<true> = {
  kind: 'flag',
  decode(_buf, off, len, path) { exact('flag', 0, path, off, len); return true; },
  encode(w, type, v, path) {
    if (v !== true) throw new ValidationError(path, v, 'true is required for a flag attribute');
    w.attrFlag(type);
  },
};

/** A hardware address of any length, as `aa:bb:…`. */
export const mac: FieldCodec<string> = {
  kind: 'mac',
  decode: (buf, off, len) => formatMac(buf, off, len),
  encode(w, type, v, path) {
    if (typeof v !== 'string' || !/^([0-9a-fA-F]{2})(:[0-9a-fA-F]{2})*$/.test(v)) {
      throw new ValidationError(path, v, 'a MAC address (aa:bb:…) is required');
    }
    w.attrBytes(type, Uint8Array.from(v.split(':'), (p) => parseInt(p, 16)));
  },
};

/** An IPv4 or IPv6 address (4 or 16 bytes) as text. */
export const ip: FieldCodec<string> = {
  kind: 'ip',
  decode(buf, off, len, path) {
    if (len !== 4 && len !== 16) throw new DecodeError(path, off, `IP address payload of ${len} bytes`);
    return formatIp(buf, off, len);
  },
  encode(w, type, v, path) { w.attrBytes(type, parseIp(path, v).bytes); },
};

/**
 * A fixed-layout C struct payload. `size` is the smallest payload accepted; longer payloads
 * (a newer kernel's longer struct) keep their extra bytes in `tail` so they re-encode unchanged.
 */
export function struct<T extends object>(kind: string, size: number,
  read: (buf: Buffer, off: number) => T,
  write: (w: NlWriter, value: T, path: string) => void): FieldCodec<T & {
  /** Bytes past the struct's known size (a newer kernel's fields), kept as they came. */
  tail?: Uint8Array;
}> {
  return {
    kind,
    decode(buf, off, len, path) {
      if (len < size) throw new DecodeError(path, off, `${kind} payload of ${len} bytes, at least ${size} expected`);
      const value: T & { tail?: Uint8Array } = read(buf, off);
      if (len > size) value.tail = Uint8Array.prototype.slice.call(buf, off + size, off + len);
      return value;
    },
    encode(w, type, value, path) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ValidationError(path, value, `a ${kind} object is required`);
      // Own members only, each read once: `{ __proto__: { low, high } }` has no members.
      const v = checkObject(path, value) as T & { tail?: unknown };
      const start = w.beginAttr(type);
      write(w, v, path);
      if (v.tail !== undefined) {
        if (!(v.tail instanceof Uint8Array)) throw new ValidationError(`${path}.tail`, v.tail, 'a Uint8Array is required');
        w.putBytes(v.tail);
      }
      w.endNest(start);
    },
  };
}
