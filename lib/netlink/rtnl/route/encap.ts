/**
 * Lightweight-tunnel encapsulations of routes (RTA_ENCAP, typed by RTA_ENCAP_TYPE: `ip route add …
 * encap ip|ip6|mpls …`): the numbers of include/uapi/linux/lwtunnel.h and mpls_iptunnel.h, the
 * attribute sets of the ip, ip6 and mpls encaps, and {@link writeEncap}, the one encoder requests
 * use. The Route view decodes RTA_ENCAP with the same sets ({@link decodeEncap}).
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
import { AttrSet, attr, binary, ip, u16be, u64be, u8, type AttrValues, type FieldCodec } from '../../core/schema.js';
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

/** LWTUNNEL_IP_* (RTA_ENCAP of type ip). */
export const encapIpAttrs = new AttrSet('encap_ip', {
  id: attr(LWTUNNEL_IP_ID, u64be),
  dst: attr(LWTUNNEL_IP_DST, ip),
  src: attr(LWTUNNEL_IP_SRC, ip),
  ttl: attr(LWTUNNEL_IP_TTL, u8),
  tos: attr(LWTUNNEL_IP_TOS, u8),
  flags: attr(LWTUNNEL_IP_FLAGS, u16be),
  pad: attr(LWTUNNEL_IP_PAD, binary),
  opts: attr(LWTUNNEL_IP_OPTS, binary),
});

/** LWTUNNEL_IP6_* (RTA_ENCAP of type ip6). */
export const encapIp6Attrs = new AttrSet('encap_ip6', {
  id: attr(LWTUNNEL_IP6_ID, u64be),
  dst: attr(LWTUNNEL_IP6_DST, ip),
  src: attr(LWTUNNEL_IP6_SRC, ip),
  hoplimit: attr(LWTUNNEL_IP6_HOPLIMIT, u8),
  tc: attr(LWTUNNEL_IP6_TC, u8),
  flags: attr(LWTUNNEL_IP6_FLAGS, u16be),
  pad: attr(LWTUNNEL_IP6_PAD, binary),
  opts: attr(LWTUNNEL_IP6_OPTS, binary),
});

/** MPLS_IPTUNNEL_* (RTA_ENCAP of type mpls). */
export const encapMplsAttrs = new AttrSet('encap_mpls', {
  dst: attr(MPLS_IPTUNNEL_DST, mplsLabelStack),
  ttl: attr(MPLS_IPTUNNEL_TTL, u8),
});

/** The attributes of an ip encap (tunnel id, addresses, ttl, tos …). */
export type EncapIpAttributes = AttrValues<typeof encapIpAttrs.defs>;
/** The attributes of an ip6 encap (tunnel id, addresses, hoplimit, tc …). */
export type EncapIp6Attributes = AttrValues<typeof encapIp6Attrs.defs>;
/** The attributes of an mpls encap (the label stack to push, ttl). */
export type EncapMplsAttributes = AttrValues<typeof encapMplsAttrs.defs>;

/** An encap to write: its RTA_ENCAP_TYPE and the attributes of RTA_ENCAP. */
export type RouteEncap =
  | { type: typeof LWTUNNEL_ENCAP_IP; attributes: EncapIpAttributes }
  | { type: typeof LWTUNNEL_ENCAP_IP6; attributes: EncapIp6Attributes }
  | { type: typeof LWTUNNEL_ENCAP_MPLS; attributes: EncapMplsAttributes };

/** Writes the attributes of an encap (the payload of RTA_ENCAP / NHA_ENCAP), in their key order. */
function writeEncapAttributes(w: NlWriter, encap: RouteEncap, path: string): void {
  if (encap.type === LWTUNNEL_ENCAP_IP) encapIpAttrs.encode(w, encap.attributes, path);
  else if (encap.type === LWTUNNEL_ENCAP_IP6) encapIp6Attrs.encode(w, encap.attributes, path);
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

/** Decodes an RTA_ENCAP payload according to its RTA_ENCAP_TYPE (ip, ip6, mpls); others stay raw bytes. */
export function decodeEncap(type: number, data: Buffer, path = 'route.encap'): Record<string, unknown> | Uint8Array {
  const set = type === LWTUNNEL_ENCAP_IP ? encapIpAttrs : type === LWTUNNEL_ENCAP_IP6 ? encapIp6Attrs
    : type === LWTUNNEL_ENCAP_MPLS ? encapMplsAttrs : undefined;
  if (set === undefined) return Uint8Array.prototype.slice.call(data);
  return set.decode(data, 0, data.length, path) as Record<string, unknown>;
}
