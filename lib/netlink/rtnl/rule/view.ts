/**
 * Rule: one policy-routing rule as the kernel reported it (RTM_NEWRULE), decoded lazily. Field
 * names follow `ip -j rule` in camelCase (`srcLen`, `suppressPrefixlen`, `ipProto`, `uidRange`).
 */
import { AF_INET, AF_INET6 } from '../../core/inet.js';
import { MessageView } from '../../core/message-view.js';
import { NLMSG_HDRLEN } from '../../core/protocol.js';
import { PROTOCOLS, ROUTE_TABLES } from '../enums.js';
import type { RouteTableValue } from '../route/view.js';
import * as R from './codec.js';
import { ip, string, u16, u32, u32be, u64be, u8 } from '../../core/schema.js';

/** Where the fib_rule_hdr fields lie in a message: the struct follows the nlmsghdr. */
const FAMILY = NLMSG_HDRLEN + R.FIB_RULE_HDR.family;
const DST_LEN = NLMSG_HDRLEN + R.FIB_RULE_HDR.dstLen;
const SRC_LEN = NLMSG_HDRLEN + R.FIB_RULE_HDR.srcLen;
const TOS = NLMSG_HDRLEN + R.FIB_RULE_HDR.tos;
const TABLE = NLMSG_HDRLEN + R.FIB_RULE_HDR.table;
const ACTION = NLMSG_HDRLEN + R.FIB_RULE_HDR.action;
const FLAGS = NLMSG_HDRLEN + R.FIB_RULE_HDR.flags;

/** A range as the API gives it: start and end only (a longer struct's extra bytes are left out). */
function range(v: (R.RuleRange & { tail?: Uint8Array }) | undefined): R.RuleRange | undefined {
  return v === undefined ? undefined : { start: v.start, end: v.end };
}

/** A policy-routing rule, decoded lazily from its RTM_NEWRULE message. */
export class Rule extends MessageView {
  protected get headerSize(): number { return R.FIB_RULE_HDR_SIZE; }
  protected get setName(): string { return 'rule'; }

  /** The fixed header (struct fib_rule_hdr). */
  get header(): R.FibRuleHdr {
    return R.readFibRuleHdr(this.buffer(), this.offset() + NLMSG_HDRLEN);
  }

  /** The family: 4 or 6 (another AF_* number for other families). */
  get family(): 4 | 6 | number {
    const af = this.byteAt(FAMILY);
    return af === AF_INET ? 4 : af === AF_INET6 ? 6 : af;
  }

  /** FRA_PRIORITY (the preference; 0 when absent, as `ip rule` shows it). */
  get priority(): number {
    return this.attr(R.FRA_PRIORITY, u32, 'priority') ?? 0;
  }

  /** FRA_SRC: the source prefix's address (undefined: from all). */
  get src(): string | undefined {
    return this.attr(R.FRA_SRC, ip, 'src');
  }

  /** The source prefix length. */
  get srcLen(): number {
    return this.byteAt(SRC_LEN);
  }

  /** FRA_DST: the destination prefix's address. */
  get dst(): string | undefined {
    return this.attr(R.FRA_DST, ip, 'dst');
  }

  /** The destination prefix length. */
  get dstLen(): number {
    return this.byteAt(DST_LEN);
  }

  /** The TOS byte to match (0: any). */
  get tos(): number {
    return this.byteAt(TOS);
  }

  /**
   * The table looked up, as `ip rule` names it and the inputs take it: `'main'`, `'local'`,
   * `'default'` for the reserved ids, else the id (as Route.table); undefined for rules without
   * one. {@link tableId} is the number.
   */
  get table(): RouteTableValue | undefined {
    const t = this.tableId;
    return t === undefined ? undefined : ROUTE_TABLES.nameOr(t);
  }

  /** The table id: FRA_TABLE, else the header's table; undefined for rules without one. */
  get tableId(): number | undefined {
    const t = this.attr(R.FRA_TABLE, u32, 'table') ?? this.byteAt(TABLE);
    return t === 0 ? undefined : t;
  }

  /** The action by name: `'lookup'` (FR_ACT_TO_TBL), `'goto'`, `'nop'`, `'blackhole'`, `'unreachable'`, `'prohibit'`. */
  get action(): string {
    return R.ruleActionName(this.byteAt(ACTION));
  }

  /** fib_rule_hdr.flags: the FIB_RULE_* bits. */
  get flags(): number {
    return this.u32At(FLAGS);
  }

  /** FIB_RULE_INVERT: the selector is negated (`ip rule add not …`). */
  get not(): boolean {
    return (this.flags & R.FIB_RULE_INVERT) !== 0;
  }

  /** FRA_GOTO: the priority a `goto` rule jumps to. */
  get goto(): number | undefined {
    return this.attr(R.FRA_GOTO, u32, 'goto');
  }

  /** FRA_FWMARK. */
  get fwmark(): number | undefined {
    return this.attr(R.FRA_FWMARK, u32, 'fwmark');
  }

  /** FRA_FWMASK. */
  get fwmask(): number | undefined {
    return this.attr(R.FRA_FWMASK, u32, 'fwmask');
  }

  /** FRA_IIFNAME: the input interface's name. */
  get iif(): string | undefined {
    return this.attr(R.FRA_IIFNAME, string, 'iifname');
  }

  /** FRA_OIFNAME: the output interface's name. */
  get oif(): string | undefined {
    return this.attr(R.FRA_OIFNAME, string, 'oifname');
  }

  /** FIB_RULE_IIF_DETACHED: the input interface does not exist (now). */
  get iifDetached(): boolean {
    return (this.flags & R.FIB_RULE_IIF_DETACHED) !== 0;
  }

  /** FIB_RULE_OIF_DETACHED: the output interface does not exist (now). */
  get oifDetached(): boolean {
    return (this.flags & R.FIB_RULE_OIF_DETACHED) !== 0;
  }

  /** FRA_SUPPRESS_PREFIXLEN; undefined when unset (the kernel reports -1). */
  get suppressPrefixlen(): number | undefined {
    const v = this.attr(R.FRA_SUPPRESS_PREFIXLEN, u32, 'suppressPrefixlen');
    return v === undefined || v === 0xffffffff ? undefined : v;
  }

  /** FRA_SUPPRESS_IFGROUP; undefined when unset (-1). */
  get suppressIfgroup(): number | undefined {
    const v = this.attr(R.FRA_SUPPRESS_IFGROUP, u32, 'suppressIfgroup');
    return v === undefined || v === 0xffffffff ? undefined : v;
  }

  /** FRA_FLOW: the realms (IPv4 only), `to | from << 16`. */
  get flow(): number | undefined {
    return this.attr(R.FRA_FLOW, u32, 'flow');
  }

  /** FRA_TUN_ID. */
  get tunId(): bigint | undefined {
    return this.attr(R.FRA_TUN_ID, u64be, 'tunId');
  }

  /** FRA_L3MDEV: look up the table of the L3 master device (VRF). */
  get l3mdev(): boolean {
    return (this.attr(R.FRA_L3MDEV, u8, 'l3mdev') ?? 0) !== 0;
  }

  /** FRA_UID_RANGE. */
  get uidRange(): R.RuleRange | undefined {
    return range(this.attr(R.FRA_UID_RANGE, R.uidRange, 'uidRange'));
  }

  /** FRA_PROTOCOL: who installed the rule, as `ip` names it (`'kernel'`, `'static'`, `'unspec'` …), or its number. */
  get protocol(): string | number | undefined {
    const v = this.protocolId;
    return v === undefined ? undefined : PROTOCOLS.nameOr(v);
  }

  /** The protocol as a number (RTPROT_*: 3 boot, 4 static …); {@link protocol} names it. */
  get protocolId(): number | undefined {
    return this.attrU8(R.FRA_PROTOCOL, 'protocol');
  }

  /** FRA_IP_PROTO: the IP protocol number to match (6 tcp, 17 udp …). */
  get ipProto(): number | undefined {
    return this.attr(R.FRA_IP_PROTO, u8, 'ipProto');
  }

  /** FRA_SPORT_RANGE. */
  get sport(): R.RuleRange | undefined {
    return range(this.attr(R.FRA_SPORT_RANGE, R.portRange, 'sportRange'));
  }

  /** FRA_DPORT_RANGE. */
  get dport(): R.RuleRange | undefined {
    return range(this.attr(R.FRA_DPORT_RANGE, R.portRange, 'dportRange'));
  }

  /** FRA_SPORT_MASK (6.15+). */
  get sportMask(): number | undefined {
    return this.attr(R.FRA_SPORT_MASK, u16, 'sportMask');
  }

  /** FRA_DPORT_MASK (6.15+; the kernel reports 0xffff for a single port). */
  get dportMask(): number | undefined {
    return this.attr(R.FRA_DPORT_MASK, u16, 'dportMask');
  }

  /** FRA_DSCP (6.12+): the DSCP to match. */
  get dscp(): number | undefined {
    return this.attr(R.FRA_DSCP, u8, 'dscp');
  }

  /** FRA_DSCP_MASK (6.15+). */
  get dscpMask(): number | undefined {
    return this.attr(R.FRA_DSCP_MASK, u8, 'dscpMask');
  }

  /** FRA_FLOWLABEL (6.13+, IPv6). */
  get flowlabel(): number | undefined {
    return this.attr(R.FRA_FLOWLABEL, u32be, 'flowlabel');
  }

  /** FRA_FLOWLABEL_MASK (6.13+, IPv6). */
  get flowlabelMask(): number | undefined {
    return this.attr(R.FRA_FLOWLABEL_MASK, u32be, 'flowlabelMask');
  }

  /** Every FRA_* attribute, fully decoded (unknown ones kept raw). */
  get attributes(): R.RuleAttributes {
    return R.ruleAttrs.decode(this.buffer(), this.attrStart(), this.end(), 'rule');
  }

  /**
   * Every field as the getters return it, in a new plain object; fields the message does not carry
   * are left out (as JSON leaves them out). Not included: `header`, `attributes`, `raw`, and what
   * the object holds otherwise (`tableId` is `table`; `iifDetached`/`oifDetached` and `not` are
   * bits of `flags`).
   */
  toObject(): RuleObject {
    this.indexed();
    const o: RuleObject = {
      family: this.family, priority: this.priority, not: this.not, srcLen: this.srcLen, dstLen: this.dstLen, tos: this.tos,
      action: this.action, l3mdev: this.l3mdev, flags: this.flags,
    };
    const src = this.src;
    if (src !== undefined) o.src = src;
    const dst = this.dst;
    if (dst !== undefined) o.dst = dst;
    const dscp = this.dscp;
    if (dscp !== undefined) o.dscp = dscp;
    const fwmark = this.fwmark;
    if (fwmark !== undefined) o.fwmark = fwmark;
    const fwmask = this.fwmask;
    if (fwmask !== undefined) o.fwmask = fwmask;
    const iif = this.iif;
    if (iif !== undefined) o.iif = iif;
    const oif = this.oif;
    if (oif !== undefined) o.oif = oif;
    const uidRange = this.uidRange;
    if (uidRange !== undefined) o.uidRange = uidRange;
    const ipProto = this.ipProto;
    if (ipProto !== undefined) o.ipProto = ipProto;
    const sport = this.sport;
    if (sport !== undefined) o.sport = sport;
    const dport = this.dport;
    if (dport !== undefined) o.dport = dport;
    const table = this.table;
    if (table !== undefined) o.table = table;
    const goto = this.goto;
    if (goto !== undefined) o.goto = goto;
    const suppressPrefixlen = this.suppressPrefixlen;
    if (suppressPrefixlen !== undefined) o.suppressPrefixlen = suppressPrefixlen;
    const suppressIfgroup = this.suppressIfgroup;
    if (suppressIfgroup !== undefined) o.suppressIfgroup = suppressIfgroup;
    const flow = this.flow;
    if (flow !== undefined) o.flow = flow;
    const tunId = this.tunId;
    if (tunId !== undefined) o.tunId = tunId;
    const flowlabel = this.flowlabel;
    if (flowlabel !== undefined) o.flowlabel = flowlabel;
    const flowlabelMask = this.flowlabelMask;
    if (flowlabelMask !== undefined) o.flowlabelMask = flowlabelMask;
    const protocol = this.protocol;
    if (protocol !== undefined) o.protocol = protocol;
    const sportMask = this.sportMask;
    if (sportMask !== undefined) o.sportMask = sportMask;
    const dportMask = this.dportMask;
    if (dportMask !== undefined) o.dportMask = dportMask;
    const dscpMask = this.dscpMask;
    if (dscpMask !== undefined) o.dscpMask = dscpMask;
    return o;
  }

  /**
   * `ip rule show`'s line for the rule, field for field in ip's order and format (`100: not from
   * 10.0.0.0/8 to 10.1.0.0/16 tos 0x10 fwmark 0x1/0xff iif eth0 oif eth1 uidrange 5-9 ipproto 6
   * sport 80 dport 1000-1024 tun_id 7 lookup 100 suppress_prefixlength 0 realms 1/2 proto static`;
   * `from all` without a source, an address without `/len` for a host prefix), with one space after
   * the priority where ip prints a tab, and numbers where ip prints a name it looks up in a file
   * (/etc/iproute2's DS fields, realms and tables other than main, local and default; /etc/protocols).
   */
  toString(): string {
    const host = this.byteAt(FAMILY) === AF_INET6 ? 128 : 32;
    const prefix = (address: string | undefined, len: number): string =>
      address === undefined ? `0/${len}` : len === host ? address : `${address}/${len}`;
    const hex = (n: number): string => (n === 0 ? '0' : `0x${n.toString(16)}`);
    const range = (r: R.RuleRange): string => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`);
    const src = this.src;
    const srcLen = this.srcLen;
    const dst = this.dst;
    const dstLen = this.dstLen;
    let line = `${this.priority}: ${this.not ? 'not ' : ''}from ${src === undefined && srcLen === 0 ? 'all' : prefix(src, srcLen)}`;
    if (dst !== undefined || dstLen !== 0) line += ` to ${prefix(dst, dstLen)}`;
    const tos = this.tos;
    if (tos !== 0) line += ` tos 0x${tos.toString(16).padStart(2, '0')}`;
    const fwmark = this.fwmark;
    const fwmask = this.fwmask;
    if (fwmark !== undefined || fwmask !== undefined) {
      line += ` fwmark ${hex(fwmark ?? 0)}${fwmask === undefined || fwmask === 0xffffffff ? '' : `/${hex(fwmask)}`}`;
    }
    const iif = this.iif;
    if (iif !== undefined) line += ` iif ${iif}${this.iifDetached ? ' [detached]' : ''}`;
    const oif = this.oif;
    if (oif !== undefined) line += ` oif ${oif}${this.oifDetached ? ' [detached]' : ''}`;
    if (this.l3mdev) line += ' lookup [l3mdev-table]';
    const uid = this.uidRange;
    if (uid !== undefined) line += ` uidrange ${uid.start}-${uid.end}`;
    const ipProto = this.ipProto;
    if (ipProto !== undefined) line += ` ipproto ${ipProto}`;
    const sport = this.sport;
    if (sport !== undefined) line += ` sport ${range(sport)}`;
    const dport = this.dport;
    if (dport !== undefined) line += ` dport ${range(dport)}`;
    const tunId = this.tunId;
    if (tunId !== undefined) line += ` tun_id ${tunId}`;
    const table = this.table;
    if (table !== undefined && table !== 0) {
      line += ` lookup ${table}`;
      const suppressPrefixlen = this.suppressPrefixlen;
      if (suppressPrefixlen !== undefined) line += ` suppress_prefixlength ${suppressPrefixlen}`;
      const suppressIfgroup = this.suppressIfgroup;
      if (suppressIfgroup !== undefined) line += ` suppress_ifgroup ${suppressIfgroup}`;
    }
    const flow = this.flow;
    if (flow !== undefined) line += ` realms ${flow >>> 16 === 0 ? '' : `${flow >>> 16}/`}${flow & 0xffff}`;
    const action = this.action;
    if (action === 'goto') line += ` goto ${this.goto ?? 'none'}${(this.flags & R.FIB_RULE_UNRESOLVED) !== 0 ? ' [unresolved]' : ''}`;
    else if (action !== 'lookup') line += ` ${action}`;
    const protocol = this.protocol;
    if (protocol !== undefined && protocol !== 'unspec' && protocol !== 'kernel') line += ` proto ${protocol}`;
    return line;
  }


}

/** What {@link Rule.toObject} returns: the getters' values; a field the message lacks is absent. */
export interface RuleObject {
  /** The family: 4 or 6 (another AF_* number for other families). */
  family: 4 | 6 | number;
  /** FRA_PRIORITY (the preference; 0 when absent, as `ip rule` shows it). */
  priority: number;
  /** FIB_RULE_INVERT: the selector is negated (`ip rule add not …`). */
  not: boolean;
  /** The source prefix length. */
  srcLen: number;
  /** The destination prefix length. */
  dstLen: number;
  /** The TOS byte to match (0: any). */
  tos: number;
  /** The action by name: `'lookup'` (FR_ACT_TO_TBL), `'goto'`, `'nop'`, `'blackhole'`, `'unreachable'`, `'prohibit'`. */
  action: string;
  /** FRA_L3MDEV: look up the table of the L3 master device (VRF). */
  l3mdev: boolean;
  /** fib_rule_hdr.flags: the FIB_RULE_* bits. */
  flags: number;
  /** FRA_SRC: the source prefix's address (undefined: from all). */
  src?: string;
  /** FRA_DST: the destination prefix's address. */
  dst?: string;
  /** FRA_DSCP (6.12+): the DSCP to match. */
  dscp?: number;
  /** FRA_FWMARK. */
  fwmark?: number;
  /** FRA_FWMASK. */
  fwmask?: number;
  /** FRA_IIFNAME: the input interface's name. */
  iif?: string;
  /** FRA_OIFNAME: the output interface's name. */
  oif?: string;
  /** FRA_UID_RANGE. */
  uidRange?: R.RuleRange;
  /** FRA_IP_PROTO: the IP protocol number to match (6 tcp, 17 udp …). */
  ipProto?: number;
  /** FRA_SPORT_RANGE. */
  sport?: R.RuleRange;
  /** FRA_DPORT_RANGE. */
  dport?: R.RuleRange;
  /** The table looked up, as `ip rule` names it and the inputs take it: `'main'`, `'local'`, `'default'` for the reserved ids, else the id (as Route.table); undefined for rules without one. `tableId` is the number. */
  table?: RouteTableValue;
  /** FRA_GOTO: the priority a `goto` rule jumps to. */
  goto?: number;
  /** FRA_SUPPRESS_PREFIXLEN; undefined when unset (the kernel reports -1). */
  suppressPrefixlen?: number;
  /** FRA_SUPPRESS_IFGROUP; undefined when unset (-1). */
  suppressIfgroup?: number;
  /** FRA_FLOW: the realms (IPv4 only), `to | from << 16`. */
  flow?: number;
  /** FRA_TUN_ID. */
  tunId?: bigint;
  /** FRA_FLOWLABEL (6.13+, IPv6). */
  flowlabel?: number;
  /** FRA_FLOWLABEL_MASK (6.13+, IPv6). */
  flowlabelMask?: number;
  /** FRA_PROTOCOL: who installed the rule, as `ip` names it (`'kernel'`, `'static'`, `'unspec'` …), or its number. */
  protocol?: string | number;
  /** FRA_SPORT_MASK (6.15+). */
  sportMask?: number;
  /** FRA_DPORT_MASK (6.15+; the kernel reports 0xffff for a single port). */
  dportMask?: number;
  /** FRA_DSCP_MASK (6.15+). */
  dscpMask?: number;
}

/** Decodes a rule message into a lazy {@link Rule} (the bytes are referenced, not copied).
 * A DecodeError when `buf[off, off + len)` cannot hold the message its nlmsg_len announces (see MessageView). */
export function ruleView(buf: Buffer, off: number, len: number): Rule {
  return new Rule(buf, off, len);
}
