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
 * Numbers from include/uapi/linux/fib_rules.h (6.1); FRA_DSCP (6.12), FRA_FLOWLABEL and
 * FRA_FLOWLABEL_MASK (6.13), FRA_SPORT_MASK, FRA_DPORT_MASK and FRA_DSCP_MASK (6.15) are newer than
 * those headers and come from the kernel's newer uapi.
 */
import { EnumTable } from '../../core/enum-table.js';
import { checkMessageLength } from '../../core/message.js';
import { AttrSet, attr, binary, ip, u64be, string, struct, u16, u32, u32be, u8, type AttrValues, type FieldCodec } from '../../core/schema.js';
import type { NlWriter } from '../../core/writer.js';

/** Size of struct fib_rule_hdr. */
export const FIB_RULE_HDR_SIZE = 12;

// enum FRA_*
export const FRA_UNSPEC = 0;
export const FRA_DST = 1;
export const FRA_SRC = 2;
export const FRA_IIFNAME = 3;
export const FRA_GOTO = 4;
export const FRA_PRIORITY = 6;
export const FRA_FWMARK = 10;
export const FRA_FLOW = 11;
export const FRA_TUN_ID = 12;
export const FRA_SUPPRESS_IFGROUP = 13;
export const FRA_SUPPRESS_PREFIXLEN = 14;
export const FRA_TABLE = 15;
export const FRA_FWMASK = 16;
export const FRA_OIFNAME = 17;
export const FRA_PAD = 18;
export const FRA_L3MDEV = 19;
export const FRA_UID_RANGE = 20;
export const FRA_PROTOCOL = 21;
export const FRA_IP_PROTO = 22;
export const FRA_SPORT_RANGE = 23;
export const FRA_DPORT_RANGE = 24;
/** Newer than the 6.1 headers (6.12). */
export const FRA_DSCP = 25;
/** Newer than the 6.1 headers (6.13). */
export const FRA_FLOWLABEL = 26;
/** Newer than the 6.1 headers (6.13). */
export const FRA_FLOWLABEL_MASK = 27;
/** Newer than the 6.1 headers (6.15). */
export const FRA_SPORT_MASK = 28;
/** Newer than the 6.1 headers (6.15). */
export const FRA_DPORT_MASK = 29;
/** Newer than the 6.1 headers (6.15). */
export const FRA_DSCP_MASK = 30;
/** The highest FRA_* a 6.18 kernel knows. */
export const FRA_MAX = 30;

// enum FR_ACT_*
export const FR_ACT_UNSPEC = 0;
export const FR_ACT_TO_TBL = 1;
export const FR_ACT_GOTO = 2;
export const FR_ACT_NOP = 3;
export const FR_ACT_BLACKHOLE = 6;
export const FR_ACT_UNREACHABLE = 7;
export const FR_ACT_PROHIBIT = 8;

// fib_rule_hdr.flags (FIB_RULE_*)
export const FIB_RULE_PERMANENT = 0x00000001;
export const FIB_RULE_INVERT = 0x00000002;
export const FIB_RULE_UNRESOLVED = 0x00000004;
export const FIB_RULE_IIF_DETACHED = 0x00000008;
export const FIB_RULE_OIF_DETACHED = 0x00000010;
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
    family: buf[off]!, dstLen: buf[off + 1]!, srcLen: buf[off + 2]!, tos: buf[off + 3]!,
    table: buf[off + 4]!, action: buf[off + 7]!, flags: buf.readUInt32LE(off + 8),
  };
}

/** Writes a fib_rule_hdr (res1 and res2 zero). */
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
  start: number;
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
export const ruleAttrs = new AttrSet('rule', {
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
});

/** The decoded FRA_* attributes of a rule message. */
export type RuleAttributes = AttrValues<typeof ruleAttrs.defs>;

/** A rule message's body: fib_rule_hdr plus attributes. */
export interface RuleBody {
  header: FibRuleHdr;
  attributes: RuleAttributes;
}

/** Decodes a whole rule message (`buf[off, off + len)`, nlmsghdr included). */
export function decodeRuleMessage(buf: Buffer, off = 0, len = buf.length - off): RuleBody {
  const msgLen = checkMessageLength('rule', buf, off, len, FIB_RULE_HDR_SIZE);
  return {
    header: readFibRuleHdr(buf, off + 16),
    attributes: ruleAttrs.decode(buf, off + 16 + FIB_RULE_HDR_SIZE, off + msgLen, 'rule'),
  };
}

/** Writes a rule message body (fib_rule_hdr + attributes) after an nlmsghdr begun by the writer. */
export function encodeRuleBody(w: NlWriter, body: RuleBody): void {
  writeFibRuleHdr(w, body.header);
  ruleAttrs.encode(w, body.attributes, 'rule');
}
