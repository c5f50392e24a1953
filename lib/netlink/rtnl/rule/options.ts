/**
 * What callers give `nl.rules` (the public option types) and its checks: caller input in, a
 * {@link CheckedRule} out (every field parsed and range-checked, `ip rule add`'s defaults applied
 * for an add, nothing sent yet), or a ValidationError naming the field. Options are read from own
 * properties only.
 */
import { ValidationError } from '../../core/errors.js';
import { AF_INET, AF_INET6, parsePrefix, type Prefix } from '../../core/inet.js';
import { checkBool, checkInt, checkKeys, checkLinkName, checkObject, checkU32 } from '../../core/validate.js';
import { IP_PROTOCOLS, PROTOCOLS, RT_TABLE_MAIN, RT_TABLE_UNSPEC, checkTable } from '../enums.js';
import { FIB_RULE_INVERT, FR_ACT_GOTO, FR_ACT_TO_TBL, FR_ACT_UNSPEC, RULE_ACTIONS, type FibRuleHdr, type RuleRange } from './codec.js';

/** A rule's action: `'lookup'` (FR_ACT_TO_TBL, `'to_tbl'` is accepted too), `'goto'`, `'nop'`, `'blackhole'`, `'unreachable'`, `'prohibit'`. */
export type RuleAction = 'lookup' | 'to_tbl' | 'goto' | 'nop' | 'blackhole' | 'unreachable' | 'prohibit';

/** A routing table by id (1..2^32-1) or name (`'main'`, `'local'`, `'default'`). */
export type RuleTable = number | 'main' | 'local' | 'default';

/** A port or uid range; a single number means start = end. */
export type RuleRangeInput = number | {
  /** The first port or uid of the range. */
  start: number;
  /** The last port or uid of the range (inclusive). */
  end: number;
};

/** The selectors and action of a rule (`add` takes them all; `del` matches the ones given). */
export interface RuleOptions {
  /** 4 or 6; inferred from `src` / `dst`, else 4. */
  family?: 4 | 6;
  /** FRA_PRIORITY (the preference, 0..2^32-1). Omitted in `add`: the kernel picks one below the last. */
  priority?: number;
  /** The table to look up (`add` default: `'main'` when the action is `lookup`). */
  table?: RuleTable;
  /** The action (`add` default: `'goto'` when `goto` is given, else `'lookup'`). */
  action?: RuleAction;
  /** FRA_SRC: the source prefix (`'10.0.0.0/8'`; a bare address is a host prefix). */
  src?: string;
  /** FRA_DST: the destination prefix. */
  dst?: string;
  /** The TOS byte to match (fib_rule_hdr.tos). */
  tos?: number;
  /** FRA_DSCP (kernel 6.12+): the DSCP to match, 0..63. */
  dscp?: number;
  /** FRA_FWMARK. */
  fwmark?: number;
  /** FRA_FWMASK; without `fwmark`, the mark is 0 (`ip rule add fwmark 0/MASK`). */
  fwmask?: number;
  /** FRA_IIFNAME: the input interface name. */
  iif?: string;
  /** FRA_OIFNAME: the output interface name. */
  oif?: string;
  /** FRA_SUPPRESS_PREFIXLEN: ignore lookup results with a prefix this long or shorter. */
  suppressPrefixlen?: number;
  /** FRA_SUPPRESS_IFGROUP: ignore lookup results through devices of this group. */
  suppressIfgroup?: number;
  /** FIB_RULE_INVERT: negate the selectors (`ip rule add not …`). */
  not?: boolean;
  /** FRA_IP_PROTO: the IP protocol, by number or name (`'tcp'`, `'udp'` …). */
  ipProto?: number | string;
  /** FRA_SPORT_RANGE: a source port or range. */
  sport?: RuleRangeInput;
  /** FRA_DPORT_RANGE: a destination port or range. */
  dport?: RuleRangeInput;
  /** FRA_UID_RANGE: the socket owner's uid range. */
  uidRange?: RuleRangeInput;
  /** FRA_GOTO: the priority to jump to (action `goto`). */
  goto?: number;
  /** FRA_PROTOCOL: who installs the rule (RTPROT_* number or name). */
  protocol?: number | string;
  /** FRA_FLOW: the realms, `to | from << 16` (IPv4). */
  flow?: number;
  /** FRA_TUN_ID. */
  tunId?: bigint;
  /** FRA_L3MDEV: look up the table of the VRF the packet is in. */
  l3mdev?: boolean;
  /** FRA_FLOWLABEL (kernel 6.13+, IPv6). */
  flowlabel?: number;
  /** FRA_FLOWLABEL_MASK (with `flowlabel`). */
  flowlabelMask?: number;
}

const KEYS = ['family', 'priority', 'table', 'action', 'src', 'dst', 'tos', 'dscp', 'fwmark', 'fwmask', 'iif', 'oif',
  'suppressPrefixlen', 'suppressIfgroup', 'not', 'ipProto', 'sport', 'dport', 'uidRange', 'goto', 'protocol', 'flow',
  'tunId', 'l3mdev', 'flowlabel', 'flowlabelMask'];

/** A validated add or delete request: the header, and the FRA_* values to send (undefined: absent). */
export interface CheckedRule {
  /** fib_rule_hdr: family, prefix lengths, tos, a table id below 256, action, FIB_RULE_INVERT. */
  hdr: FibRuleHdr;
  /** FRA_SRC. */
  src: Prefix | undefined;
  /** FRA_DST. */
  dst: Prefix | undefined;
  /** FRA_TABLE: a table id of 256 or more (a smaller one travels in the header). */
  table32: number | undefined;
  /** FRA_PRIORITY. */
  priority: number | undefined;
  /** FRA_FWMARK. */
  fwmark: number | undefined;
  /** FRA_FWMASK. */
  fwmask: number | undefined;
  /** FRA_IIFNAME. */
  iif: string | undefined;
  /** FRA_OIFNAME. */
  oif: string | undefined;
  /** FRA_SUPPRESS_PREFIXLEN, in bits. */
  suppressPrefixlen: number | undefined;
  /** FRA_SUPPRESS_IFGROUP. */
  suppressIfgroup: number | undefined;
  /** FRA_IP_PROTO. */
  ipProto: number | undefined;
  /** FRA_SPORT_RANGE. */
  sport: RuleRange | undefined;
  /** FRA_DPORT_RANGE. */
  dport: RuleRange | undefined;
  /** FRA_UID_RANGE. */
  uidRange: RuleRange | undefined;
  /** FRA_GOTO. */
  goto: number | undefined;
  /** FRA_PROTOCOL. */
  protocol: number | undefined;
  /** FRA_FLOW. */
  flow: number | undefined;
  /** FRA_TUN_ID. */
  tunId: bigint | undefined;
  /** FRA_L3MDEV. */
  l3mdev: boolean | undefined;
  /** FRA_DSCP. */
  dscp: number | undefined;
  /** FRA_FLOWLABEL. */
  flowlabel: number | undefined;
  /** FRA_FLOWLABEL_MASK. */
  flowlabelMask: number | undefined;
}

/** A port or uid range: a number (start = end) or `{ start, end }` within `min..max`. */
export function checkRange(field: string, value: unknown, min: number, max: number): RuleRange {
  if (typeof value === 'number') {
    const v = checkInt(field, value, min, max);
    return { start: v, end: v };
  }
  const o = checkObject(field, value);
  checkKeys(field, o, ['start', 'end']);
  const start = checkInt(`${field}.start`, o.start, min, max);
  const end = checkInt(`${field}.end`, o.end, min, max);
  if (start > end) throw new ValidationError(field, value, 'start must not be above end');
  return { start, end };
}

/** A rule family: 4, 6 or undefined. */
export function checkFamily(value: unknown): 4 | 6 | undefined {
  if (value !== undefined && value !== 4 && value !== 6) throw new ValidationError('family', value, '4 or 6 is required');
  return value;
}

/** The action and goto target; `forAdd` refuses a `goto` without target. */
function checkAction(o: Record<string, unknown>, forAdd: boolean): { action: number | undefined; goto: number | undefined } {
  let action: number | undefined;
  if (o.action !== undefined) {
    action = typeof o.action === 'string' && o.action !== 'unspec' ? RULE_ACTIONS.value(o.action) : undefined;
    if (action === undefined) throw new ValidationError('action', o.action, `unknown action (known: lookup, goto, nop, blackhole, unreachable, prohibit)`);
  }
  const goto = o.goto === undefined ? undefined : checkU32('goto', o.goto);
  if (goto !== undefined) {
    if (action !== undefined && action !== FR_ACT_GOTO) throw new ValidationError('goto', o.goto, `a goto target needs action 'goto'`);
    action = FR_ACT_GOTO;
  } else if (action === FR_ACT_GOTO && forAdd) {
    throw new ValidationError('goto', undefined, `action 'goto' needs a goto target (a priority)`);
  }
  return { action, goto };
}

/** FRA_TUN_ID: a u64 bigint, or undefined. */
export function checkTunId(value: unknown): bigint | undefined {
  if (value !== undefined && (typeof value !== 'bigint' || value < 0n || value > 0xffffffffffffffffn)) {
    throw new ValidationError('tunId', value, 'a u64 bigint is required');
  }
  return value;
}

/** Validates a rule (no I/O). `forAdd` applies `ip rule add`'s defaults (action lookup, table main). */
export function checkRule(value: unknown, forAdd: boolean): CheckedRule {
  const o = checkObject('options', value);
  checkKeys('', o, KEYS);
  let family = checkFamily(o.family);
  const src = o.src === undefined ? undefined : parsePrefix('src', o.src, family === undefined ? {} : { version: family });
  const dstVersion = family ?? src?.version;
  const dst = o.dst === undefined ? undefined : parsePrefix('dst', o.dst, dstVersion === undefined ? {} : { version: dstVersion });
  family ??= src?.version ?? dst?.version ?? 4;

  const checked = checkAction(o, forAdd);
  let action = checked.action;
  let table = o.table === undefined ? undefined : checkTable('table', o.table);
  const l3mdev = o.l3mdev === undefined ? undefined : checkBool('l3mdev', o.l3mdev);
  if (l3mdev === true && table !== undefined) throw new ValidationError('l3mdev', o.l3mdev, 'l3mdev and table are mutually exclusive');
  if (forAdd) {
    action ??= FR_ACT_TO_TBL;
    // An l3mdev rule looks up the VRF's table: no default table.
    if (action === FR_ACT_TO_TBL && l3mdev !== true) table ??= RT_TABLE_MAIN;
  }
  const tos = o.tos === undefined ? 0 : checkInt('tos', o.tos, 0, 255);
  const dscp = o.dscp === undefined ? undefined : checkInt('dscp', o.dscp, 0, 63);
  if (dscp !== undefined && tos !== 0) throw new ValidationError('dscp', o.dscp, 'tos and dscp cannot be combined');
  const fwmask = o.fwmask === undefined ? undefined : checkU32('fwmask', o.fwmask);
  // A mask alone matches mark 0 under it (`ip rule add fwmark 0/MASK`, which sends both).
  const fwmark = o.fwmark === undefined ? (fwmask === undefined ? undefined : 0) : checkU32('fwmark', o.fwmark);
  const flowlabel = o.flowlabel === undefined ? undefined : checkInt('flowlabel', o.flowlabel, 0, 0xfffff);
  const flowlabelMask = o.flowlabelMask === undefined ? undefined : checkInt('flowlabelMask', o.flowlabelMask, 0, 0xfffff);
  if (flowlabelMask !== undefined && flowlabel === undefined) throw new ValidationError('flowlabelMask', o.flowlabelMask, 'a flowlabelMask needs a flowlabel');
  if (flowlabel !== undefined && family !== 6) throw new ValidationError('flowlabel', o.flowlabel, 'flow labels are IPv6 only');
  const ipProto = o.ipProto === undefined ? undefined : IP_PROTOCOLS.check('ipProto', o.ipProto);
  const tunId = checkTunId(o.tunId);
  const not = o.not === undefined ? false : checkBool('not', o.not);
  const c: CheckedRule = {
    hdr: {
      family: family === 4 ? AF_INET : AF_INET6,
      dstLen: dst?.prefixlen ?? 0,
      srcLen: src?.prefixlen ?? 0,
      tos,
      // fib_rule_hdr.table is a u8: larger ids go in FRA_TABLE with RT_TABLE_UNSPEC here.
      table: table !== undefined && table < 256 ? table : RT_TABLE_UNSPEC,
      action: action ?? FR_ACT_UNSPEC,
      flags: not ? FIB_RULE_INVERT : 0,
    },
    src,
    dst,
    table32: table !== undefined && table >= 256 ? table : undefined,
    priority: o.priority === undefined ? undefined : checkU32('priority', o.priority),
    fwmark,
    fwmask,
    iif: o.iif === undefined ? undefined : checkLinkName('iif', o.iif),
    oif: o.oif === undefined ? undefined : checkLinkName('oif', o.oif),
    suppressPrefixlen: o.suppressPrefixlen === undefined ? undefined : checkInt('suppressPrefixlen', o.suppressPrefixlen, 0, family === 4 ? 32 : 128),
    suppressIfgroup: o.suppressIfgroup === undefined ? undefined : checkU32('suppressIfgroup', o.suppressIfgroup),
    ipProto,
    sport: o.sport === undefined ? undefined : checkRange('sport', o.sport, 1, 0xffff),
    dport: o.dport === undefined ? undefined : checkRange('dport', o.dport, 1, 0xffff),
    uidRange: o.uidRange === undefined ? undefined : checkRange('uidRange', o.uidRange, 0, 0xffffffff),
    goto: checked.goto,
    protocol: o.protocol === undefined ? undefined : PROTOCOLS.check('protocol', o.protocol),
    flow: o.flow === undefined ? undefined : checkU32('flow', o.flow),
    tunId,
    l3mdev,
    dscp,
    flowlabel,
    flowlabelMask,
  };
  if (!forAdd && Object.keys(o).every((k) => k === 'family' || o[k] === undefined)) {
    // The kernel deletes the first rule matching the selectors given: an empty selector would
    // delete the first rule of the family (the `local` lookup at priority 0).
    throw new ValidationError('options', value, 'a rule to delete needs at least one selector (priority, table, src …)');
  }
  return c;
}
