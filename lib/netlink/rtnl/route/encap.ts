/**
 * Lightweight-tunnel encapsulations of routes (RTA_ENCAP, typed by RTA_ENCAP_TYPE: `ip route add …
 * encap ip|ip6|mpls|seg6|seg6local …`): the numbers of include/uapi/linux/lwtunnel.h,
 * mpls_iptunnel.h, seg6_iptunnel.h and seg6_local.h, the attribute sets of those encaps, and
 * {@link writeEncap}, the one encoder requests use. The Route view decodes RTA_ENCAP with the same
 * sets ({@link decodeEncap}).
 *
 * ```
 *  MPLS label stack entry (MPLS_IPTUNNEL_DST, RTA_NEWDST: one per label, network byte order)
 *  0                   20    23 24       32
 *  +--------------------+-----+--+--------+
 *  | label              | TC  |S | TTL    |   S (bottom of stack) is set on the last entry
 *  +--------------------+-----+--+--------+
 * ```
 */
import { DecodeError, ValidationError } from '../../core/errors.js';
import { EnumTable } from '../../core/enum-table.js';
import { formatIp, parseIp } from '../../core/inet.js';
import { AttrSet, attr, binary, ip, u16be, u32, u64be, u8, type AttrValues, type FieldCodec } from '../../core/schema.js';
import { checkInt } from '../../core/validate.js';
import { NlWriter } from '../../core/writer.js';
import { RTA_ENCAP, RTA_ENCAP_TYPE } from './constants.js';

// ---- RTA_ENCAP_TYPE: LWTUNNEL_ENCAP_* ----

/** RTA_ENCAP_TYPE values: LWTUNNEL_ENCAP_* (include/uapi/linux/lwtunnel.h). */
export const LWTUNNEL_ENCAP_NONE = 0;
export const LWTUNNEL_ENCAP_MPLS = 1;
export const LWTUNNEL_ENCAP_IP = 2;
export const LWTUNNEL_ENCAP_ILA = 3;
export const LWTUNNEL_ENCAP_IP6 = 4;
export const LWTUNNEL_ENCAP_SEG6 = 5;
export const LWTUNNEL_ENCAP_BPF = 6;
export const LWTUNNEL_ENCAP_SEG6_LOCAL = 7;
export const LWTUNNEL_ENCAP_RPL = 8;
export const LWTUNNEL_ENCAP_IOAM6 = 9;
export const LWTUNNEL_ENCAP_XFRM = 10;

/** RTA_ENCAP_TYPE (LWTUNNEL_ENCAP_*) by iproute2's lwt encap names. */
export const ENCAP_TYPES = new EnumTable('encap type', [
  ['none', LWTUNNEL_ENCAP_NONE], ['mpls', LWTUNNEL_ENCAP_MPLS], ['ip', LWTUNNEL_ENCAP_IP], ['ila', LWTUNNEL_ENCAP_ILA],
  ['ip6', LWTUNNEL_ENCAP_IP6], ['seg6', LWTUNNEL_ENCAP_SEG6], ['bpf', LWTUNNEL_ENCAP_BPF],
  ['seg6local', LWTUNNEL_ENCAP_SEG6_LOCAL], ['rpl', LWTUNNEL_ENCAP_RPL], ['ioam6', LWTUNNEL_ENCAP_IOAM6],
  ['xfrm', LWTUNNEL_ENCAP_XFRM],
]);

// ---- attributes inside RTA_ENCAP ----

/** LWTUNNEL_IP_* (encap ip). */
export const LWTUNNEL_IP_ID = 1;
export const LWTUNNEL_IP_DST = 2;
export const LWTUNNEL_IP_SRC = 3;
export const LWTUNNEL_IP_TTL = 4;
export const LWTUNNEL_IP_TOS = 5;
export const LWTUNNEL_IP_FLAGS = 6;
export const LWTUNNEL_IP_PAD = 7;
export const LWTUNNEL_IP_OPTS = 8;

/** LWTUNNEL_IP6_* (encap ip6). */
export const LWTUNNEL_IP6_ID = 1;
export const LWTUNNEL_IP6_DST = 2;
export const LWTUNNEL_IP6_SRC = 3;
export const LWTUNNEL_IP6_HOPLIMIT = 4;
export const LWTUNNEL_IP6_TC = 5;
export const LWTUNNEL_IP6_FLAGS = 6;
export const LWTUNNEL_IP6_PAD = 7;
export const LWTUNNEL_IP6_OPTS = 8;

/** MPLS_IPTUNNEL_* (encap mpls). */
export const MPLS_IPTUNNEL_DST = 1;
export const MPLS_IPTUNNEL_TTL = 2;

/** The largest MPLS label (20 bits). */
export const MPLS_LABEL_MAX = 0xfffff;
/** MPLS_LS_LABEL_SHIFT: where the label sits in a label stack entry. */
const MPLS_LS_LABEL_SHIFT = 12;
/** MPLS_LS_S_MASK: the bottom-of-stack bit. */
const MPLS_LS_S_MASK = 0x100;

/**
 * An MPLS label stack (MPLS_IPTUNNEL_DST, RTA_NEWDST) as label numbers. Decoding keeps the labels
 * only; encoding writes TC and TTL 0 and the bottom-of-stack bit on the last entry, as iproute2's
 * mpls_pton does.
 */
export const mplsLabelStack: FieldCodec<number[]> = {
  kind: 'mpls_label_stack',
  decode(buf, off, len, path) {
    if (len % 4 !== 0) throw new DecodeError(path, off, `MPLS label stack of ${len} bytes`);
    const out: number[] = [];
    for (let i = 0; i < len; i += 4) out.push(buf.readUInt32BE(off + i) >>> MPLS_LS_LABEL_SHIFT);
    return out;
  },
  encode(w, type, labels, path) {
    if (!Array.isArray(labels)) throw new ValidationError(path, labels, 'an array of MPLS labels is required');
    const stack = Buffer.alloc(4 * labels.length);
    for (let i = 0; i < labels.length; i++) {
      const label = checkInt(`${path}[${i}]`, labels[i], 0, MPLS_LABEL_MAX);
      const bottom = i === labels.length - 1 ? MPLS_LS_S_MASK : 0;
      stack.writeUInt32BE(((label << MPLS_LS_LABEL_SHIFT) | bottom) >>> 0, 4 * i);
    }
    w.attrBytes(type, stack);
  },
};

// ---- SRv6: seg6 (SEG6_IPTUNNEL_*) and seg6local (SEG6_LOCAL_*) ----

/** SEG6_IPTUNNEL_SRH: struct seg6_iptunnel_encap (the mode, then the segment routing header). */
export const SEG6_IPTUNNEL_SRH = 1;

/** SEG6_IPTUN_MODE_INLINE: the header is inserted into the packet, whose destination becomes the last segment. */
export const SEG6_IPTUN_MODE_INLINE = 0;

/** SEG6_IPTUN_MODE_* by iproute2's names (`encap seg6 mode …`). */
export const SEG6_MODES = new EnumTable('seg6 mode', [
  ['inline', SEG6_IPTUN_MODE_INLINE], ['encap', 1], ['l2encap', 2], ['encap.red', 3], ['l2encap.red', 4],
]);

/** SEG6_LOCAL_* (RTA_ENCAP of type seg6local). */
export const SEG6_LOCAL_ACTION = 1;
export const SEG6_LOCAL_SRH = 2;
export const SEG6_LOCAL_TABLE = 3;
export const SEG6_LOCAL_NH4 = 4;
export const SEG6_LOCAL_NH6 = 5;
export const SEG6_LOCAL_IIF = 6;
export const SEG6_LOCAL_OIF = 7;
export const SEG6_LOCAL_BPF = 8;
export const SEG6_LOCAL_VRFTABLE = 9;
export const SEG6_LOCAL_COUNTERS = 10;
export const SEG6_LOCAL_FLAVORS = 11;

/** SEG6_LOCAL_ACTION_END_B6: inserts a header whose last segment is left for the packet's destination. */
export const SEG6_LOCAL_ACTION_END_B6 = 9;

/** SEG6_LOCAL_ACTION_* by iproute2's names (`encap seg6local action …`). */
export const SEG6_LOCAL_ACTIONS = new EnumTable('seg6local action', [
  ['End', 1], ['End.X', 2], ['End.T', 3], ['End.DX2', 4], ['End.DX6', 5], ['End.DX4', 6], ['End.DT6', 7], ['End.DT4', 8],
  ['End.B6', SEG6_LOCAL_ACTION_END_B6], ['End.B6.Encaps', 10], ['End.BM', 11], ['End.S', 12], ['End.AS', 13], ['End.AM', 14],
  ['End.BPF', 15], ['End.DT46', 16],
]);

/** IPV6_SRCRT_TYPE_4: the segment routing header's routing type. */
const IPV6_SRCRT_TYPE_4 = 4;
/** The most segments a header holds (hdrlen, a u8, counts 8-byte units after the first 8). */
export const SRH_MAX_SEGMENTS = 127;

/**
 * Writes a segment routing header (struct ipv6_sr_hdr) for `segments` (first hop first), as
 * iproute2's parse_srh does: the segments stored last hop first, segments_left and first_segment
 * at the last index; no flags, tag or TLVs. (A header for insertion — inline mode, End.B6 — ends
 * with a `::` segment for the packet's own destination: the caller's check adds it, as iproute2.)
 */
function srhBytes(segments: readonly string[], path: string): Buffer {
  if (!Array.isArray(segments) || segments.length === 0 || segments.length > SRH_MAX_SEGMENTS) {
    throw new ValidationError(path, segments, `an array of 1..${SRH_MAX_SEGMENTS} IPv6 segments is required`);
  }
  const n = segments.length;
  const out = Buffer.alloc(8 + 16 * n);
  out[1] = 2 * n; // hdrlen: (8 + 16n) / 8 - 1
  out[2] = IPV6_SRCRT_TYPE_4;
  out[3] = n - 1; // segments_left
  out[4] = n - 1; // first_segment (last_entry)
  for (let i = 0; i < n; i++) out.set(parseIp(`${path}[${i}]`, segments[i], 6).bytes, 8 + 16 * (n - 1 - i));
  return out;
}

/** Reads a segment routing header's segments, first hop first (the stored order reversed). */
function readSrh(buf: Buffer, off: number, len: number, path: string): string[] {
  if (len < 8) throw new DecodeError(path, off, `segment routing header of ${len} bytes`);
  const total = 8 * (buf[off + 1]! + 1);
  const n = buf[off + 4]! + 1;
  if (total > len || 8 + 16 * n > total) throw new DecodeError(path, off, `segment routing header of ${len} bytes for ${n} segments`);
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(formatIp(buf, off + 8 + 16 * i, 16));
  return out;
}

/** SEG6_IPTUNNEL_SRH: the mode (a host-order int) and the header, as `{ mode, segments }`. */
export const seg6Tunnel: FieldCodec<{ mode: number; segments: string[] }> = {
  kind: 'seg6_iptunnel_encap',
  decode(buf, off, len, path) {
    if (len < 4) throw new DecodeError(path, off, `seg6 encap of ${len} bytes`);
    return { mode: buf.readInt32LE(off), segments: readSrh(buf, off + 4, len - 4, path) };
  },
  encode(w, type, v, path) {
    const srh = srhBytes(v.segments, `${path}.segments`);
    const payload = Buffer.alloc(4 + srh.length);
    payload.writeInt32LE(v.mode, 0);
    payload.set(srh, 4);
    w.attrBytes(type, payload);
  },
};

/** SEG6_LOCAL_SRH: a header (no mode) as its segments. */
export const seg6LocalSrh: FieldCodec<string[]> = {
  kind: 'ipv6_sr_hdr',
  decode: readSrh,
  encode(w, type, segments, path) { w.attrBytes(type, srhBytes(segments, path)); },
};

/** SEG6_IPTUNNEL_* (RTA_ENCAP of type seg6). */
export const encapSeg6Attrs = new AttrSet('encap_seg6', () => ({
  srh: attr(SEG6_IPTUNNEL_SRH, seg6Tunnel),
}));

/** SEG6_LOCAL_* (RTA_ENCAP of type seg6local), in the order iproute2 writes them. */
export const encapSeg6LocalAttrs = new AttrSet('encap_seg6local', () => ({
  action: attr(SEG6_LOCAL_ACTION, u32),
  srh: attr(SEG6_LOCAL_SRH, seg6LocalSrh),
  table: attr(SEG6_LOCAL_TABLE, u32),
  nh4: attr(SEG6_LOCAL_NH4, ip),
  nh6: attr(SEG6_LOCAL_NH6, ip),
  iif: attr(SEG6_LOCAL_IIF, u32),
  oif: attr(SEG6_LOCAL_OIF, u32),
  bpf: attr(SEG6_LOCAL_BPF, binary, { flagged: true }),
  vrftable: attr(SEG6_LOCAL_VRFTABLE, u32),
  counters: attr(SEG6_LOCAL_COUNTERS, binary, { flagged: true }),
  flavors: attr(SEG6_LOCAL_FLAVORS, binary, { flagged: true }),
}));

/** LWTUNNEL_IP_* (RTA_ENCAP of type ip). */
export const encapIpAttrs = new AttrSet('encap_ip', () => ({
  id: attr(LWTUNNEL_IP_ID, u64be),
  dst: attr(LWTUNNEL_IP_DST, ip),
  src: attr(LWTUNNEL_IP_SRC, ip),
  ttl: attr(LWTUNNEL_IP_TTL, u8),
  tos: attr(LWTUNNEL_IP_TOS, u8),
  flags: attr(LWTUNNEL_IP_FLAGS, u16be),
  pad: attr(LWTUNNEL_IP_PAD, binary),
  opts: attr(LWTUNNEL_IP_OPTS, binary),
}));

/** LWTUNNEL_IP6_* (RTA_ENCAP of type ip6). */
export const encapIp6Attrs = new AttrSet('encap_ip6', () => ({
  id: attr(LWTUNNEL_IP6_ID, u64be),
  dst: attr(LWTUNNEL_IP6_DST, ip),
  src: attr(LWTUNNEL_IP6_SRC, ip),
  hoplimit: attr(LWTUNNEL_IP6_HOPLIMIT, u8),
  tc: attr(LWTUNNEL_IP6_TC, u8),
  flags: attr(LWTUNNEL_IP6_FLAGS, u16be),
  pad: attr(LWTUNNEL_IP6_PAD, binary),
  opts: attr(LWTUNNEL_IP6_OPTS, binary),
}));

/** MPLS_IPTUNNEL_* (RTA_ENCAP of type mpls). */
export const encapMplsAttrs = new AttrSet('encap_mpls', () => ({
  dst: attr(MPLS_IPTUNNEL_DST, mplsLabelStack),
  ttl: attr(MPLS_IPTUNNEL_TTL, u8),
}));

/** The attributes of an ip encap (tunnel id, addresses, ttl, tos …). */
export type EncapIpAttributes = AttrValues<typeof encapIpAttrs.defs>;
/** The attributes of an ip6 encap (tunnel id, addresses, hoplimit, tc …). */
export type EncapIp6Attributes = AttrValues<typeof encapIp6Attrs.defs>;
/** The attributes of an mpls encap (the label stack to push, ttl). */
export type EncapMplsAttributes = AttrValues<typeof encapMplsAttrs.defs>;
/** The attributes of a seg6 encap (the mode and the segments). */
export type EncapSeg6Attributes = AttrValues<typeof encapSeg6Attrs.defs>;
/** The attributes of a seg6local encap (the action and its parameters). */
export type EncapSeg6LocalAttributes = AttrValues<typeof encapSeg6LocalAttrs.defs>;

/** An encap to write: its RTA_ENCAP_TYPE and the attributes of RTA_ENCAP. */
export type RouteEncap =
  | { type: typeof LWTUNNEL_ENCAP_IP; attributes: EncapIpAttributes }
  | { type: typeof LWTUNNEL_ENCAP_IP6; attributes: EncapIp6Attributes }
  | { type: typeof LWTUNNEL_ENCAP_MPLS; attributes: EncapMplsAttributes }
  | { type: typeof LWTUNNEL_ENCAP_SEG6; attributes: EncapSeg6Attributes }
  | { type: typeof LWTUNNEL_ENCAP_SEG6_LOCAL; attributes: EncapSeg6LocalAttributes };

/** Writes the attributes of an encap (the payload of RTA_ENCAP / NHA_ENCAP), in their key order. */
function writeEncapAttributes(w: NlWriter, encap: RouteEncap, path: string): void {
  if (encap.type === LWTUNNEL_ENCAP_IP) encapIpAttrs.encode(w, encap.attributes, path);
  else if (encap.type === LWTUNNEL_ENCAP_IP6) encapIp6Attrs.encode(w, encap.attributes, path);
  else if (encap.type === LWTUNNEL_ENCAP_SEG6) encapSeg6Attrs.encode(w, encap.attributes, path);
  else if (encap.type === LWTUNNEL_ENCAP_SEG6_LOCAL) encapSeg6LocalAttrs.encode(w, encap.attributes, path);
  else encapMplsAttrs.encode(w, encap.attributes, path);
}

/**
 * Writes RTA_ENCAP, then RTA_ENCAP_TYPE, as iproute2 does (its nest flagged NLA_F_NESTED). The
 * attributes go in their key order.
 */
export function writeEncap(w: NlWriter, encap: RouteEncap): void {
  const at = w.beginNest(RTA_ENCAP, true);
  writeEncapAttributes(w, encap, 'route.encap');
  w.endNest(at);
  w.attrU16(RTA_ENCAP_TYPE, encap.type);
}

/** The payload of an encap's nest as bytes of their own (for nexthop requests, whose codec takes it raw). */
export function encapPayload(encap: RouteEncap, path: string): Uint8Array {
  const w = new NlWriter(64);
  writeEncapAttributes(w, encap, path);
  return Uint8Array.prototype.slice.call(w.bytes());
}

/**
 * Decodes an RTA_ENCAP payload according to its RTA_ENCAP_TYPE: ip, ip6 and mpls as their
 * attributes; seg6 as `{ mode, segments }` (mode by name); seg6local as its attributes with the
 * action by name and the header as its segments; other types stay raw bytes.
 */
export function decodeEncap(type: number, data: Buffer, path = 'route.encap'): Record<string, unknown> | Uint8Array {
  if (type === LWTUNNEL_ENCAP_SEG6) {
    const a = encapSeg6Attrs.decode(data, 0, data.length, path);
    const out: Record<string, unknown> = a.srh === undefined ? {} : { mode: SEG6_MODES.nameOr(a.srh.mode), segments: a.srh.segments };
    if (a.unknown !== undefined) out.unknown = a.unknown;
    return out;
  }
  if (type === LWTUNNEL_ENCAP_SEG6_LOCAL) {
    const a = encapSeg6LocalAttrs.decode(data, 0, data.length, path) as Record<string, unknown>;
    const { action, srh, ...rest } = a;
    const out: Record<string, unknown> = {};
    if (typeof action === 'number') out.action = SEG6_LOCAL_ACTIONS.nameOr(action);
    if (srh !== undefined) out.segments = srh;
    return Object.assign(out, rest);
  }
  const set = type === LWTUNNEL_ENCAP_IP ? encapIpAttrs : type === LWTUNNEL_ENCAP_IP6 ? encapIp6Attrs
    : type === LWTUNNEL_ENCAP_MPLS ? encapMplsAttrs : undefined;
  if (set === undefined) return Uint8Array.prototype.slice.call(data);
  return set.decode(data, 0, data.length, path) as Record<string, unknown>;
}
