/**
 * The selectors of `rules.list` / `rules.stream` (`ip rule show SELECTOR`): caller input in, a
 * {@link RuleFilter} out, and the test of one dumped rule against it. The kernel filters a rule
 * dump by family only (strict checking refuses any other field or attribute), so every other
 * selector is applied here, with iproute2 6.1's meaning (iprule.c filter_nlmsg): a prefix selects
 * the rules whose prefix lies inside it, a mark or mask compares with 0 when the rule has none, the
 * table is FRA_TABLE or the header's table.
 */
import { ValidationError } from '../../core/errors.js';
import { AF_INET, AF_INET6, AF_UNSPEC, parseIp, parsePrefix, prefixContains, type Prefix } from '../../core/inet.js';
import { checkBool, checkInt, checkKeys, checkLinkName, checkObject, checkU32 } from '../../core/validate.js';
import { IP_PROTOCOLS, PROTOCOLS, checkTable } from '../enums.js';
import { RULE_ACTIONS, ruleActionName, type RuleRange } from './codec.js';
import { checkFamily, checkRange, checkTunId, type RuleAction, type RuleRangeInput, type RuleTable } from './options.js';
import type { Rule } from './view.js';

/** Selectors of `rules.list` and `rules.stream`; a rule is listed when it matches every one given. */
export interface RuleListOptions {
  /** Only IPv4 (4) or IPv6 (6) rules; omitted: every family the kernel has rules for. */
  family?: 4 | 6;
  /** Only the rules of this priority (preference; a rule without FRA_PRIORITY has 0). */
  priority?: number;
  /** Only the rules looking up this table (FRA_TABLE, else the header's table). */
  table?: RuleTable;
  /** Only the rules with this action. */
  action?: RuleAction;
  /**
   * Only the rules whose source prefix lies inside this one (`ip rule show from PREFIX`): `'10.0.0.0/8'`
   * lists `from 10.1.0.0/16` too, never `from all`. Implies the family of the address.
   */
  src?: string;
  /** Only the rules whose destination prefix lies inside this one (`ip rule show to PREFIX`). */
  dst?: string;
  /** Only the rules matching this TOS byte (0: those without a TOS selector). */
  tos?: number;
  /** Only the rules with this firewall mark (0 for rules without FRA_FWMARK). */
  fwmark?: number;
  /** Only the rules with this mark mask (0 for rules without FRA_FWMASK). */
  fwmask?: number;
  /** Only the rules naming this input interface. */
  iif?: string;
  /** Only the rules naming this output interface. */
  oif?: string;
  /** `true`: only the negated rules (`ip rule show not`); `false`: only the others. */
  not?: boolean;
  /** `true`: only the l3mdev rules; `false`: only the others. */
  l3mdev?: boolean;
  /** Only the rules matching this IP protocol (number or name). */
  ipProto?: number | string;
  /** Only the rules with exactly this source port range. */
  sport?: RuleRangeInput;
  /** Only the rules with exactly this destination port range. */
  dport?: RuleRangeInput;
  /** Only the rules with exactly this uid range. */
  uidRange?: RuleRangeInput;
  /** Only the rules installed by this protocol (RTPROT_* number or name; 0 for rules without one). */
  protocol?: number | string;
  /** Only the rules matching this tunnel id. */
  tunId?: bigint;
}

const KEYS = ['family', 'priority', 'table', 'action', 'src', 'dst', 'tos', 'fwmark', 'fwmask', 'iif', 'oif', 'not',
  'l3mdev', 'ipProto', 'sport', 'dport', 'uidRange', 'protocol', 'tunId'];

/** Checked selectors: the dump request's family and the selectors applied to each rule (undefined: any). */
export interface RuleFilter {
  /** The dump request's family: AF_INET, AF_INET6 or AF_UNSPEC (all). */
  af: number;
  /** The family a rule must have (4 or 6), or undefined for any. */
  family: 4 | 6 | undefined;
  /** Whether any selector besides the family is given (else every dumped rule is listed). */
  any: boolean;
  /** FRA_PRIORITY (0 when absent). */
  priority: number | undefined;
  /** The table id (FRA_TABLE, else the header's). */
  table: number | undefined;
  /** The action, by the name the {@link Rule} view gives (`'lookup'` …). */
  action: string | undefined;
  /** The prefix the rule's FRA_SRC prefix must lie in. */
  src: Prefix | undefined;
  /** The prefix the rule's FRA_DST prefix must lie in. */
  dst: Prefix | undefined;
  /** The header's TOS byte. */
  tos: number | undefined;
  /** FRA_FWMARK (0 when absent). */
  fwmark: number | undefined;
  /** FRA_FWMASK (0 when absent). */
  fwmask: number | undefined;
  /** FRA_IIFNAME. */
  iif: string | undefined;
  /** FRA_OIFNAME. */
  oif: string | undefined;
  /** FIB_RULE_INVERT set (true) or clear (false). */
  not: boolean | undefined;
  /** FRA_L3MDEV set (true) or not (false). */
  l3mdev: boolean | undefined;
  /** FRA_IP_PROTO (0 when absent). */
  ipProto: number | undefined;
  /** FRA_SPORT_RANGE, exactly. */
  sport: RuleRange | undefined;
  /** FRA_DPORT_RANGE, exactly. */
  dport: RuleRange | undefined;
  /** FRA_UID_RANGE, exactly. */
  uidRange: RuleRange | undefined;
  /** FRA_PROTOCOL (0 when absent). */
  protocol: number | undefined;
  /** FRA_TUN_ID (0 when absent). */
  tunId: bigint | undefined;
}

/** An action name, as the {@link Rule} view names it (`'to_tbl'` is `'lookup'`). */
function checkAction(value: unknown): string {
  const action = typeof value === 'string' && value !== 'unspec' ? RULE_ACTIONS.value(value) : undefined;
  if (action === undefined) throw new ValidationError('action', value, 'unknown action (known: lookup, goto, nop, blackhole, unreachable, prohibit)');
  return ruleActionName(action);
}

/** Checks the options of `list` / `stream` (own properties only; no I/O). */
export function checkRuleFilter(options: unknown): RuleFilter {
  const o = checkObject('options', options);
  checkKeys('', o, KEYS);
  let family = checkFamily(o.family);
  const src = o.src === undefined ? undefined : parsePrefix('src', o.src, family === undefined ? {} : { version: family });
  family ??= src?.version;
  const dst = o.dst === undefined ? undefined : parsePrefix('dst', o.dst, family === undefined ? {} : { version: family });
  family ??= dst?.version;
  return {
    af: family === 4 ? AF_INET : family === 6 ? AF_INET6 : AF_UNSPEC,
    family,
    any: Object.keys(o).some((k) => k !== 'family' && o[k] !== undefined),
    priority: o.priority === undefined ? undefined : checkU32('priority', o.priority),
    table: o.table === undefined ? undefined : checkTable('table', o.table),
    action: o.action === undefined ? undefined : checkAction(o.action),
    src,
    dst,
    tos: o.tos === undefined ? undefined : checkInt('tos', o.tos, 0, 255),
    fwmark: o.fwmark === undefined ? undefined : checkU32('fwmark', o.fwmark),
    fwmask: o.fwmask === undefined ? undefined : checkU32('fwmask', o.fwmask),
    iif: o.iif === undefined ? undefined : checkLinkName('iif', o.iif),
    oif: o.oif === undefined ? undefined : checkLinkName('oif', o.oif),
    not: o.not === undefined ? undefined : checkBool('not', o.not),
    l3mdev: o.l3mdev === undefined ? undefined : checkBool('l3mdev', o.l3mdev),
    ipProto: o.ipProto === undefined ? undefined : IP_PROTOCOLS.check('ipProto', o.ipProto),
    sport: o.sport === undefined ? undefined : checkRange('sport', o.sport, 1, 0xffff),
    dport: o.dport === undefined ? undefined : checkRange('dport', o.dport, 1, 0xffff),
    uidRange: o.uidRange === undefined ? undefined : checkRange('uidRange', o.uidRange, 0, 0xffffffff),
    protocol: o.protocol === undefined ? undefined : PROTOCOLS.check('protocol', o.protocol),
    tunId: checkTunId(o.tunId),
  };
}

/** Whether the rule's prefix (address and length) lies inside the selector's prefix. */
function prefixInside(selector: Prefix, address: string | undefined, prefixlen: number): boolean {
  if (address === undefined || selector.prefixlen > prefixlen) return false;
  return prefixContains(selector, parseIp('', address).bytes);
}

function sameRange(selector: RuleRange, range: RuleRange | undefined): boolean {
  return range !== undefined && range.start === selector.start && range.end === selector.end;
}

/** Whether a dumped rule matches every selector of `f` (the family is the kernel's filter). */
export function ruleMatches(f: RuleFilter, r: Rule): boolean {
  // A kernel without strict checking ignores the dump's family: check it here too.
  if (f.family !== undefined && r.family !== f.family) return false;
  if (!f.any) return true;
  return (f.priority === undefined || r.priority === f.priority)
    && (f.table === undefined || r.tableId === f.table)
    && (f.action === undefined || r.action === f.action)
    && (f.src === undefined || prefixInside(f.src, r.src, r.srcLen))
    && (f.dst === undefined || prefixInside(f.dst, r.dst, r.dstLen))
    && (f.tos === undefined || r.tos === f.tos)
    && (f.fwmark === undefined || (r.fwmark ?? 0) === f.fwmark)
    && (f.fwmask === undefined || (r.fwmask ?? 0) === f.fwmask)
    && (f.iif === undefined || r.iif === f.iif)
    && (f.oif === undefined || r.oif === f.oif)
    && (f.not === undefined || r.not === f.not)
    && (f.l3mdev === undefined || r.l3mdev === f.l3mdev)
    && (f.ipProto === undefined || (r.ipProto ?? 0) === f.ipProto)
    && (f.sport === undefined || sameRange(f.sport, r.sport))
    && (f.dport === undefined || sameRange(f.dport, r.dport))
    && (f.uidRange === undefined || sameRange(f.uidRange, r.uidRange))
    && (f.protocol === undefined || (r.protocolId ?? 0) === f.protocol)
    && (f.tunId === undefined || (r.tunId ?? 0n) === f.tunId);
}
