/**
 * The policy-routing rule message (RTM_NEWRULE / RTM_DELRULE / RTM_GETRULE): struct fib_rule_hdr,
 * the FRA_* attribute set, FR_ACT_* actions and FIB_RULE_* flags (tables, protocols and IP protocols
 * are shared enums: ../enums.ts).
 *
 * ```
 *  struct fib_rule_hdr (12 bytes)
 *  0       1       2       3       4       5       6       7       8               12
 *  +-------+-------+-------+-------+-------+-------+-------+-------+---------------+
 *  |family |dst_len|src_len| tos   | table | res1  | res2  |action | flags         |  FRA_* …
 *  +-------+-------+-------+-------+-------+-------+-------+-------+---------------+
 *  table is the id when < 256 (252, RT_TABLE_COMPAT, in replies for larger ids: see FRA_TABLE).
 * ```
 * The header writer and attribute schema here encode the requests (request.ts) and re-encode
 * replies. Numbers from include/uapi/linux/fib_rules.h (6.1); FRA_DSCP (6.12), FRA_FLOWLABEL and
 * FRA_FLOWLABEL_MASK (6.13), FRA_SPORT_MASK, FRA_DPORT_MASK and FRA_DSCP_MASK (6.15) are newer than
 * those headers and come from the kernel's newer uapi.
 */
import { EnumTable } from '../../core/enum-table.js';
import { AttrSet, attr, binary, ip, u64be, string, struct, u16, u32, u32be, u8, type AttrValues } from '../../core/schema.js';
import type { NlWriter } from '../../core/writer.js';
import { MessageCodec } from '../../core/message-codec.js';

/** Size of struct fib_rule_hdr, in bytes. */
export const FIB_RULE_HDR_SIZE = 12;

/** Byte offsets of the fib_rule_hdr fields in the struct (its layout, used by every reader and the writer). */
export const FIB_RULE_HDR = { family: 0, dstLen: 1, srcLen: 2, tos: 3, table: 4, action: 7, flags: 8 } as const;

// enum FRA_* (the attributes of a rule message).
/** Unused attribute number 0. */
export const FRA_UNSPEC = 0;
/** The destination prefix's address (its length is fib_rule_hdr.dst_len). */
export const FRA_DST = 1;
/** The source prefix's address (its length is fib_rule_hdr.src_len). */
export const FRA_SRC = 2;
/** The input interface's name (string: the device need not exist). */
export const FRA_IIFNAME = 3;
/** u32: the priority a `goto` rule jumps to. */
export const FRA_GOTO = 4;
/** u32: the rule's priority (preference). */
export const FRA_PRIORITY = 6;
/** u32: the firewall mark to match. */
export const FRA_FWMARK = 10;
/** u32: the realms to match (IPv4), `to | from << 16`. */
export const FRA_FLOW = 11;
/** be64: the tunnel id to match. */
export const FRA_TUN_ID = 12;
/** u32: ignore lookup results through devices of this group (-1: unset). */
export const FRA_SUPPRESS_IFGROUP = 13;
/** u32: ignore lookup results with a prefix this long or shorter (-1: unset). */
export const FRA_SUPPRESS_PREFIXLEN = 14;
/** u32: the table id (any id; fib_rule_hdr.table holds ids below 256 only). */
export const FRA_TABLE = 15;
/** u32: the mask of FRA_FWMARK. */
export const FRA_FWMASK = 16;
/** The output interface's name (string). */
export const FRA_OIFNAME = 17;
/** Padding for 64-bit alignment. */
export const FRA_PAD = 18;
/** u8: look up the table of the L3 master device (VRF). */
export const FRA_L3MDEV = 19;
/** struct fib_rule_uid_range: the socket owner's uid range. */
export const FRA_UID_RANGE = 20;
/** u8: who installed the rule (RTPROT_*). */
export const FRA_PROTOCOL = 21;
/** u8: the IP protocol to match. */
export const FRA_IP_PROTO = 22;
/** struct fib_rule_port_range: source ports. */
export const FRA_SPORT_RANGE = 23;
/** struct fib_rule_port_range: destination ports. */
export const FRA_DPORT_RANGE = 24;
/** u8: the DSCP to match. Newer than the 6.1 headers (6.12). */
export const FRA_DSCP = 25;
/** be32: the IPv6 flow label to match. Newer than the 6.1 headers (6.13). */
export const FRA_FLOWLABEL = 26;
/** be32: the mask of FRA_FLOWLABEL. Newer than the 6.1 headers (6.13). */
export const FRA_FLOWLABEL_MASK = 27;
/** u16: the mask of the source port. Newer than the 6.1 headers (6.15). */
export const FRA_SPORT_MASK = 28;
/** u16: the mask of the destination port. Newer than the 6.1 headers (6.15). */
export const FRA_DPORT_MASK = 29;
/** u8: the mask of FRA_DSCP. Newer than the 6.1 headers (6.15). */
export const FRA_DSCP_MASK = 30;
/** The highest FRA_* a 6.18 kernel knows. */
export const FRA_MAX = 30;

// enum FR_ACT_* (fib_rule_hdr.action).
/** No action; in a delete request, any action matches. */
export const FR_ACT_UNSPEC = 0;
/** Look up a table (`ip rule … lookup`). */
export const FR_ACT_TO_TBL = 1;
/** Jump to the rule of priority FRA_GOTO. */
export const FR_ACT_GOTO = 2;
/** Do nothing (go on with the next rule). */
export const FR_ACT_NOP = 3;
/** Drop the packet silently. */
export const FR_ACT_BLACKHOLE = 6;
/** Drop the packet: network unreachable. */
export const FR_ACT_UNREACHABLE = 7;
/** Drop the packet: communication prohibited. */
export const FR_ACT_PROHIBIT = 8;

// fib_rule_hdr.flags (FIB_RULE_*).
/** A rule the kernel made and will not delete. */
export const FIB_RULE_PERMANENT = 0x00000001;
/** Negate the selectors (`ip rule add not …`). */
export const FIB_RULE_INVERT = 0x00000002;
/** A `goto` whose target does not exist (yet). */
export const FIB_RULE_UNRESOLVED = 0x00000004;
/** The input interface does not exist (now). */
export const FIB_RULE_IIF_DETACHED = 0x00000008;
/** The output interface does not exist (now). */
export const FIB_RULE_OIF_DETACHED = 0x00000010;
/** Try to find a source address in the table (kernel-internal). */
export const FIB_RULE_FIND_SADDR = 0x00010000;

/**
 * Rule actions by name: `lookup` is FR_ACT_TO_TBL (`ip rule … lookup TABLE`), the others are the
 * FR_ACT_* names as `ip rule` spells them (`to_tbl` is accepted for `lookup`).
 */
export const RULE_ACTIONS = new EnumTable('rule action', [
  ['unspec', FR_ACT_UNSPEC], ['lookup', FR_ACT_TO_TBL], ['goto', FR_ACT_GOTO], ['nop', FR_ACT_NOP],
  ['blackhole', FR_ACT_BLACKHOLE], ['unreachable', FR_ACT_UNREACHABLE], ['prohibit', FR_ACT_PROHIBIT],
], [['to_tbl', FR_ACT_TO_TBL]]);

/** The name of an FR_ACT_* number (`'lookup'`, `'prohibit'` …; unknown ones as `'action N'`). */
export function ruleActionName(action: number): string {
  return RULE_ACTIONS.name(action) ?? `action ${action}`;
}

/** struct fib_rule_hdr. */
export interface FibRuleHdr {
  /** AF_INET or AF_INET6. */
  family: number;
  /** Length of the FRA_DST prefix. */
  dstLen: number;
  /** Length of the FRA_SRC prefix. */
  srcLen: number;
  /** TOS to match (IPv4 TOS byte / IPv6 traffic class). */
  tos: number;
  /** The table id when < 256 (else FRA_TABLE). */
  table: number;
  /** FR_ACT_*. */
  action: number;
  /** FIB_RULE_* bits. */
  flags: number;
}

/** Reads the fib_rule_hdr at `off` (just after the nlmsghdr). */
export function readFibRuleHdr(buf: Buffer, off: number): FibRuleHdr {
  return {
    family: buf[off + FIB_RULE_HDR.family]!, dstLen: buf[off + FIB_RULE_HDR.dstLen]!, srcLen: buf[off + FIB_RULE_HDR.srcLen]!,
    tos: buf[off + FIB_RULE_HDR.tos]!, table: buf[off + FIB_RULE_HDR.table]!, action: buf[off + FIB_RULE_HDR.action]!,
    flags: buf.readUInt32LE(off + FIB_RULE_HDR.flags),
  };
}

/** Writes a fib_rule_hdr field by field in struct order (res1 and res2 zero): the one header writer. */
export function writeFibRuleHdr(w: NlWriter, h: FibRuleHdr): void {
  w.putU8(h.family);
  w.putU8(h.dstLen);
  w.putU8(h.srcLen);
  w.putU8(h.tos);
  w.putU8(h.table);
  w.putU8(0);
  w.putU8(0);
  w.putU8(h.action);
  w.putU32(h.flags);
}

/** A start..end range (struct fib_rule_uid_range, struct fib_rule_port_range). */
export interface RuleRange {
  /** The first port or uid of the range. */
  start: number;
  /** The last one (included). */
  end: number;
}

/** FRA_UID_RANGE: struct fib_rule_uid_range (two u32). */
export const uidRange = struct<RuleRange>('fib_rule_uid_range', 8,
  (buf, off) => ({ start: buf.readUInt32LE(off), end: buf.readUInt32LE(off + 4) }),
  (w, v) => { w.putU32(v.start); w.putU32(v.end); });

/** FRA_SPORT_RANGE / FRA_DPORT_RANGE: struct fib_rule_port_range (two u16, host order). */
export const portRange = struct<RuleRange>('fib_rule_port_range', 4,
  (buf, off) => ({ start: buf.readUInt16LE(off), end: buf.readUInt16LE(off + 2) }),
  (w, v) => { w.putU16(v.start); w.putU16(v.end); });

/** The FRA_* attribute set; field names follow `ip -j rule` in camelCase. */
export const ruleAttrs = new AttrSet('rule', () => ({
  dst: attr(FRA_DST, ip),
  src: attr(FRA_SRC, ip),
  iifname: attr(FRA_IIFNAME, string),
  goto: attr(FRA_GOTO, u32),
  priority: attr(FRA_PRIORITY, u32),
  fwmark: attr(FRA_FWMARK, u32),
  flow: attr(FRA_FLOW, u32),
  tunId: attr(FRA_TUN_ID, u64be),
  suppressIfgroup: attr(FRA_SUPPRESS_IFGROUP, u32),
  suppressPrefixlen: attr(FRA_SUPPRESS_PREFIXLEN, u32),
  table: attr(FRA_TABLE, u32),
  fwmask: attr(FRA_FWMASK, u32),
  oifname: attr(FRA_OIFNAME, string),
  pad: attr(FRA_PAD, binary),
  l3mdev: attr(FRA_L3MDEV, u8),
  uidRange: attr(FRA_UID_RANGE, uidRange),
  protocol: attr(FRA_PROTOCOL, u8),
  ipProto: attr(FRA_IP_PROTO, u8),
  sportRange: attr(FRA_SPORT_RANGE, portRange),
  dportRange: attr(FRA_DPORT_RANGE, portRange),
  dscp: attr(FRA_DSCP, u8),
  flowlabel: attr(FRA_FLOWLABEL, u32be),
  flowlabelMask: attr(FRA_FLOWLABEL_MASK, u32be),
  sportMask: attr(FRA_SPORT_MASK, u16),
  dportMask: attr(FRA_DPORT_MASK, u16),
  dscpMask: attr(FRA_DSCP_MASK, u8),
}));

/** The decoded FRA_* attributes of a rule message. */
export type RuleAttributes = AttrValues<typeof ruleAttrs.defs>;

/** A rule message's body: fib_rule_hdr plus attributes. */
export interface RuleBody {
  /** The fixed header after the nlmsghdr. */
  header: FibRuleHdr;
  /** The attributes, in wire order (unknown ones kept raw). */
  attributes: RuleAttributes;
}

/** Rule messages: fib_rule_hdr + FRA_* (the one encoder of requests and re-encoded replies alike). */
export const ruleMessage = new MessageCodec('rule', { size: FIB_RULE_HDR_SIZE, read: readFibRuleHdr, write: writeFibRuleHdr }, ruleAttrs);

/** Decodes a whole rule message (`buf[off, off + len)`, nlmsghdr included). */
export function decodeRuleMessage(buf: Buffer, off = 0, len = buf.length - off): RuleBody {
  return ruleMessage.decode(buf, off, len);
}

/** Writes a rule message body (fib_rule_hdr + attributes) after an nlmsghdr begun by the writer. */
export function encodeRuleBody(w: NlWriter, body: RuleBody): void {
  ruleMessage.encode(w, body);
}
