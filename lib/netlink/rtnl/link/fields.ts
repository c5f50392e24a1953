/**
 * Field codecs the link attribute sets share beyond the generic ones of schema.ts: booleans sent as
 * u8, enums `ip` prints by name, bounded integers, IPv4-only / IPv6-only addresses, arrays of
 * counters, `uint` (a u32 or a u64, whichever the value needs) and the kernel structs of the link
 * family (struct ifla_bridge_id, ifla_vxlan_port_range, ifla_vlan_flags …).
 *
 * Every codec decodes exactly what the kernel sends and re-encodes it byte for byte; every encode
 * validates its value and throws a ValidationError naming the field path.
 */
import type { EnumTable } from '../../core/enum-table.js';
import { DecodeError, ValidationError } from '../../core/errors.js';
import { formatIp, parseIp } from '../../core/inet.js';
import { formatMac, parseMac } from '../../core/mac.js';
import { exactLength, struct, type Bytes, type FieldCodec } from '../../core/schema.js';
import { checkArray, checkInt, checkKeys, checkObject } from '../../core/validate.js';
import type { NlWriter } from '../../core/writer.js';

const exact = exactLength;

/** A boolean sent as a u8 0/1 (`nla_put_u8(skb, X, !!flag)`), as `ip -j` prints them (`true`). */
export const bool8: FieldCodec<boolean> = {
  kind: 'bool8',
  decode(buf, off, len, path) { exact('u8', 1, path, off, len); return buf[off] !== 0; },
  encode(w, type, v, path) {
    if (typeof v !== 'boolean') throw new ValidationError(path, v, 'true or false is required');
    w.attrU8(type, v ? 1 : 0);
  },
};

/** An integer codec whose encode accepts only `[min, max]` (the kernel policy's range). */
export function ranged(base: FieldCodec<number>, min: number, max: number): FieldCodec<number> {
  return {
    kind: base.kind,
    decode: (buf, off, len, path) => base.decode(buf, off, len, path),
    encode(w, type, v, path) { base.encode(w, type, checkInt(path, v, min, max), path); },
  };
}

/**
 * An enumeration: values with a name (the one `ip` prints) decode to the name, others stay
 * numbers; encode takes a known name or a number in the base codec's range. Names are looked up in
 * the table's Map, so `'constructor'` is an unknown name like any other.
 */
export function enumOf<N extends string>(base: FieldCodec<number>, table: EnumTable<N>): FieldCodec<N | number> {
  const known = table.names().join(', ');
  return {
    kind: `enum(${base.kind})`,
    decode: (buf, off, len, path) => table.nameOr(base.decode(buf, off, len, path)),
    encode(w, type, v, path) {
      if (typeof v === 'string') {
        const n = table.value(v);
        if (n === undefined) throw new ValidationError(path, v, `one of ${known} (or a number) is required`);
        base.encode(w, type, n, path);
      } else {
        base.encode(w, type, v, path);
      }
    },
  };
}

/** NLA_U64 decoded as bigint; encode also takes a non-negative safe integer number. */
export const u64n: FieldCodec<bigint> = {
  kind: 'u64',
  decode(buf, off, len, path) { exact('u64', 8, path, off, len); return buf.readBigUInt64LE(off); },
  encode(w, type, v: bigint | number, path) {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) v = BigInt(v);
    if (typeof v !== 'bigint' || v < 0n || v > 0xffffffffffffffffn) {
      throw new ValidationError(path, v, 'a u64 (bigint or non-negative integer) is required');
    }
    w.attrU64(type, v);
  },
};

/**
 * NLA_UINT (`nla_put_uint`): a u32 when the value fits, a u64 otherwise. Decoded as bigint; encoded
 * in the same width rule, so what the kernel sent re-encodes unchanged.
 */
export const uint: FieldCodec<bigint> = {
  kind: 'uint',
  decode(buf, off, len, path) {
    if (len === 4) return BigInt(buf.readUInt32LE(off));
    if (len === 8) return buf.readBigUInt64LE(off);
    throw new DecodeError(path, off, `uint payload of ${len} bytes, 4 or 8 expected`);
  },
  encode(w, type, v: bigint | number, path) {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) v = BigInt(v);
    if (typeof v !== 'bigint' || v < 0n || v > 0xffffffffffffffffn) throw new ValidationError(path, v, 'a u64 is required');
    if (v <= 0xffffffffn) w.attrU32(type, Number(v));
    else w.attrU64(type, v);
  },
};

/** An IPv4 address only (4 bytes, `nla_put_in_addr`). */
export const ip4: FieldCodec<string> = {
  kind: 'in_addr',
  decode(buf, off, len, path) { exact('in_addr', 4, path, off, len); return formatIp(buf, off, 4); },
  encode(w, type, v, path) { w.attrBytes(type, parseIp(path, v, 4).bytes); },
};

/** An IPv6 address only (16 bytes, `nla_put_in6_addr`). */
export const ip6: FieldCodec<string> = {
  kind: 'in6_addr',
  decode(buf, off, len, path) { exact('in6_addr', 16, path, off, len); return formatIp(buf, off, 16); },
  encode(w, type, v, path) { w.attrBytes(type, parseIp(path, v, 6).bytes); },
};

/** A 6-byte Ethernet address (`'01:80:c2:00:00:00'`). */
export const ether: FieldCodec<string> = {
  kind: 'ether',
  decode(buf, off, len, path) { exact('ether', 6, path, off, len); return formatMac(buf, off, 6); },
  encode(w, type, v, path) { w.attrBytes(type, parseMac(path, v)); },
};

/** A payload of exactly `size` bytes kept raw (e.g. struct vxlanhdr). */
export function bytesOf(kind: string, size: number): FieldCodec<Bytes> {
  return {
    kind,
    decode(buf, off, len, path) { exact(kind, size, path, off, len); return new Uint8Array(buf.subarray(off, off + len)); },
    encode(w, type, v, path) {
      if (!(v instanceof Uint8Array) || v.length !== size) throw new ValidationError(path, v, `a Uint8Array of ${size} bytes is required`);
      w.attrBytes(type, v);
    },
  };
}

/** A packed array of s32 (the devconf arrays of IFLA_INET_CONF / IFLA_INET6_CONF). */
export const s32Array: FieldCodec<number[]> = {
  kind: 's32[]',
  decode(buf, off, len, path) {
    if (len % 4 !== 0) throw new DecodeError(path, off, `s32 array payload of ${len} bytes`);
    const out: number[] = [];
    for (let i = 0; i < len; i += 4) out.push(buf.readInt32LE(off + i));
    return out;
  },
  encode(w, type, v, path) {
    if (!Array.isArray(v)) throw new ValidationError(path, v, 'an array of integers is required');
    const list = checkArray(path, v, 'integers');
    const start = w.beginAttr(type);
    list.forEach((x, i) => w.putS32(checkInt(`${path}[${i}]`, x, -0x80000000, 0x7fffffff)));
    w.endNest(start);
  },
};

/** A packed array of u64 counters (IFLA_INET6_STATS, IFLA_INET6_ICMP6STATS), as bigint. */
export const u64Array: FieldCodec<bigint[]> = {
  kind: 'u64[]',
  decode(buf, off, len, path) {
    if (len % 8 !== 0) throw new DecodeError(path, off, `u64 array payload of ${len} bytes`);
    const out: bigint[] = [];
    for (let i = 0; i < len; i += 8) out.push(buf.readBigUInt64LE(off + i));
    return out;
  },
  encode(w, type, v, path) {
    if (!Array.isArray(v)) throw new ValidationError(path, v, 'an array of bigint is required');
    const list = checkArray(path, v, 'bigint');
    const start = w.beginAttr(type);
    list.forEach((x, i) => {
      if (typeof x !== 'bigint' || x < 0n || x > 0xffffffffffffffffn) throw new ValidationError(`${path}[${i}]`, x, 'a u64 bigint is required');
      w.putU64(x);
    });
    w.endNest(start);
  },
};


/** Checks a struct member (an integer in range) for {@link struct} writers. */
export function member(path: string, name: string, value: unknown, min: number, max: number): number {
  return checkInt(`${path}.${name}`, value, min, max);
}

/** struct ifla_bridge_id: priority (2 bytes, big-endian as `ip` prints it, `8000`) and address. */
export interface BridgeId {
  /** prio[2] read as a big-endian number (32768 for `8000.…`). */
  priority: number;
  /** addr[ETH_ALEN]. */
  address: string;
}

/** IFLA_BR_ROOT_ID / IFLA_BR_BRIDGE_ID / IFLA_BRPORT_ROOT_ID / IFLA_BRPORT_BRIDGE_ID. */
export const bridgeId = struct<BridgeId>('ifla_bridge_id', 8,
  (buf, off) => ({ priority: buf.readUInt16BE(off), address: formatMac(buf, off + 2, 6) }),
  (w, v, path) => {
    const p = member(path, 'priority', v.priority, 0, 0xffff);
    w.putU8(p >> 8);
    w.putU8(p & 0xff);
    w.putBytes(parseMac(`${path}.address`, v.address));
  });

/** The members of a {@link BridgeId}. */
const BRIDGE_ID_KEYS = ['priority', 'address'];

/** The `ip -j` text of a bridge id: `8000.02:00:00:00:00:01`. */
export function formatBridgeId(id: BridgeId): string {
  const o = checkObject('id', id);
  checkKeys('id', o, BRIDGE_ID_KEYS);
  // Each member read once, as an own property.
  const priority = checkInt('priority', o.priority, 0, 0xffff);
  const address = formatMac(parseMac('address', o.address));
  return `${priority.toString(16).padStart(4, '0')}.${address}`;
}

/** `{ low, high }` of two big-endian u16 (struct ifla_vxlan_port_range). */
export interface PortRange {
  low: number;
  high: number;
}

/** struct ifla_vxlan_port_range (IFLA_VXLAN_PORT_RANGE): the UDP source port range. */
export const portRange = struct<PortRange>('ifla_vxlan_port_range', 4,
  (buf, off) => ({ low: buf.readUInt16BE(off), high: buf.readUInt16BE(off + 2) }),
  (w, v, path) => {
    const low = member(path, 'low', v.low, 0, 0xffff);
    const high = member(path, 'high', v.high, 0, 0xffff);
    w.putU8(low >> 8); w.putU8(low & 0xff); w.putU8(high >> 8); w.putU8(high & 0xff);
  });

/** `{ flags, mask }` of two u32 (struct ifla_vlan_flags, struct br_boolopt_multi's optval/optmask). */
export interface FlagsMask {
  flags: number;
  mask: number;
}

/** A struct of two u32 members, `first` then `second` (8 bytes, host byte order). */
function u32Pair<T extends object>(kind: string, first: keyof T & string, second: keyof T & string) {
  return struct<T>(kind, 8,
    (buf, off) => ({ [first]: buf.readUInt32LE(off), [second]: buf.readUInt32LE(off + 4) }) as T,
    (w, v, path) => {
      const o = v as Record<string, unknown>;
      w.putU32(member(path, first, o[first], 0, 0xffffffff));
      w.putU32(member(path, second, o[second], 0, 0xffffffff));
    });
}

/** struct ifla_vlan_flags (IFLA_VLAN_FLAGS): which VLAN_FLAG_* bits of `mask` to set to `flags`. */
export const vlanFlags = u32Pair<FlagsMask>('ifla_vlan_flags', 'flags', 'mask');

/** struct br_boolopt_multi: `optval` bits of BR_BOOLOPT_* selected by `optmask`. */
export interface BoolOptMulti {
  optval: number;
  optmask: number;
}

/** IFLA_BR_MULTI_BOOLOPT. */
export const boolOptMulti = u32Pair<BoolOptMulti>('br_boolopt_multi', 'optval', 'optmask');

/** struct ifla_vlan_qos_mapping: 802.1p priority `from` → `to`. */
export interface QosMapping {
  from: number;
  to: number;
}

/** IFLA_VLAN_QOS_MAPPING. */
export const qosMapping = u32Pair<QosMapping>('ifla_vlan_qos_mapping', 'from', 'to');

/** struct ifla_cacheinfo (IFLA_INET6_CACHEINFO), times in milliseconds. */
export interface IflaCacheinfo {
  maxReasmLen: number;
  /** ipv6InterfaceTable last change, in hundredths of a second since boot. */
  tstamp: number;
  reachableTime: number;
  retransTime: number;
}

/** IFLA_INET6_CACHEINFO. */
export const cacheinfo = struct<IflaCacheinfo>('ifla_cacheinfo', 16,
  (buf, off) => ({
    maxReasmLen: buf.readUInt32LE(off), tstamp: buf.readUInt32LE(off + 4),
    reachableTime: buf.readUInt32LE(off + 8), retransTime: buf.readUInt32LE(off + 12),
  }),
  (w, v, path) => {
    for (const k of ['maxReasmLen', 'tstamp', 'reachableTime', 'retransTime'] as const) w.putU32(member(path, k, v[k], 0, 0xffffffff));
  });

/** struct bridge_vlan_info (IFLA_BRIDGE_VLAN_INFO): BRIDGE_VLAN_INFO_* flags and the VLAN id. */
export interface BridgeVlanInfo {
  flags: number;
  vid: number;
}

/** IFLA_BRIDGE_VLAN_INFO. */
export const bridgeVlanInfo = struct<BridgeVlanInfo>('bridge_vlan_info', 4,
  (buf, off) => ({ flags: buf.readUInt16LE(off), vid: buf.readUInt16LE(off + 2) }),
  (w, v, path) => { w.putU16(member(path, 'flags', v.flags, 0, 0xffff)); w.putU16(member(path, 'vid', v.vid, 0, 0xffff)); });
