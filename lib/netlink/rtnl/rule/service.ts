/**
 * `nl.rules`: list, add and delete policy-routing rules (RTM_*RULE), as `ip rule` does.
 *
 * Every method validates its input completely before sending anything. Interface names in rules
 * (`iif`, `oif`) are sent as names and not resolved: a rule may name a device that does not exist
 * (yet); the kernel marks it detached.
 */
import { ValidationError } from '../../core/errors.js';
import type { Connection } from '../../transport/connection.js';
import { AF_INET, AF_INET6, AF_UNSPEC, parsePrefix, type Prefix } from '../../core/inet.js';
import type { Links } from '../link/service.js';
import * as R from './codec.js';
import * as E from '../enums.js';
import { Rule, ruleView } from './view.js';
import { NLM_F_CREATE, NLM_F_EXCL } from '../../core/protocol.js';
import { RTM_DELRULE, RTM_GETRULE, RTM_NEWRULE } from '../rtm.js';
import { u64be } from '../../core/schema.js';
import { checkBool, checkInt, checkKeys, checkLinkName, checkObject, checkU32 } from '../../core/validate.js';
import type { NlWriter } from '../../core/writer.js';

/** A rule's action: `'lookup'` (FR_ACT_TO_TBL, `'to_tbl'` is accepted too), `'goto'`, `'nop'`, `'blackhole'`, `'unreachable'`, `'prohibit'`. */
export type RuleAction = 'lookup' | 'to_tbl' | 'goto' | 'nop' | 'blackhole' | 'unreachable' | 'prohibit';

/** A routing table by id (1..2^32-1) or name (`'main'`, `'local'`, `'default'`). */
export type RuleTable = number | 'main' | 'local' | 'default';

/** A port or uid range; a single number means start = end. */
export type RuleRangeInput = number | { start: number; end: number };

/** Filters of `rules.list` and `rules.stream`. */
export interface RuleListOptions {
  /** Only IPv4 (4) or IPv6 (6) rules; omitted: every family the kernel has rules for. */
  family?: 4 | 6;
}

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
  /** FRA_FWMASK (with `fwmark`). */
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

/** A validated rule request. */
interface Checked {
  hdr: R.FibRuleHdr;
  src: Prefix | undefined;
  dst: Prefix | undefined;
  table32: number | undefined;
  priority: number | undefined;
  fwmark: number | undefined;
  fwmask: number | undefined;
  iif: string | undefined;
  oif: string | undefined;
  suppressPrefixlen: number | undefined;
  suppressIfgroup: number | undefined;
  ipProto: number | undefined;
  sport: R.RuleRange | undefined;
  dport: R.RuleRange | undefined;
  uidRange: R.RuleRange | undefined;
  goto: number | undefined;
  protocol: number | undefined;
  flow: number | undefined;
  tunId: bigint | undefined;
  l3mdev: boolean | undefined;
  dscp: number | undefined;
  flowlabel: number | undefined;
  flowlabelMask: number | undefined;
}

function checkRange(field: string, value: unknown, min: number, max: number): R.RuleRange {
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

/** Validates a rule (no I/O). `forAdd` applies `ip rule add`'s defaults (action lookup, table main). */
function checkRule(value: unknown, forAdd: boolean): Checked {
  const o = checkObject('options', value);
  checkKeys('', o, KEYS);
  let family = o.family === undefined ? undefined : o.family;
  if (family !== undefined && family !== 4 && family !== 6) throw new ValidationError('family', family, '4 or 6 is required');
  const src = o.src === undefined ? undefined : parsePrefix('src', o.src, family === undefined ? {} : { version: family });
  const dstVersion = family ?? src?.version;
  const dst = o.dst === undefined ? undefined : parsePrefix('dst', o.dst, dstVersion === undefined ? {} : { version: dstVersion });
  family ??= src?.version ?? dst?.version ?? 4;

  let action: number | undefined;
  if (o.action !== undefined) {
    action = typeof o.action === 'string' && o.action !== 'unspec' ? R.RULE_ACTIONS.value(o.action) : undefined;
    if (action === undefined) throw new ValidationError('action', o.action, `unknown action (known: lookup, goto, nop, blackhole, unreachable, prohibit)`);
  }
  const goto = o.goto === undefined ? undefined : checkU32('goto', o.goto);
  if (goto !== undefined) {
    if (action !== undefined && action !== R.FR_ACT_GOTO) throw new ValidationError('goto', o.goto, `a goto target needs action 'goto'`);
    action = R.FR_ACT_GOTO;
  } else if (action === R.FR_ACT_GOTO && forAdd) {
    throw new ValidationError('goto', undefined, `action 'goto' needs a goto target (a priority)`);
  }
  let table = o.table === undefined ? undefined : E.checkTable('table', o.table);
  const l3mdev = o.l3mdev === undefined ? undefined : checkBool('l3mdev', o.l3mdev);
  if (l3mdev === true && table !== undefined) throw new ValidationError('l3mdev', o.l3mdev, 'l3mdev and table are mutually exclusive');
  if (forAdd) {
    action ??= R.FR_ACT_TO_TBL;
    // An l3mdev rule looks up the VRF's table: no default table.
    if (action === R.FR_ACT_TO_TBL && l3mdev !== true) table ??= E.RT_TABLE_MAIN;
  }
  const tos = o.tos === undefined ? 0 : checkInt('tos', o.tos, 0, 255);
  const dscp = o.dscp === undefined ? undefined : checkInt('dscp', o.dscp, 0, 63);
  if (dscp !== undefined && tos !== 0) throw new ValidationError('dscp', o.dscp, 'tos and dscp cannot be combined');
  const fwmark = o.fwmark === undefined ? undefined : checkU32('fwmark', o.fwmark);
  const fwmask = o.fwmask === undefined ? undefined : checkU32('fwmask', o.fwmask);
  if (fwmask !== undefined && fwmark === undefined) throw new ValidationError('fwmask', o.fwmask, 'a fwmask needs a fwmark');
  const flowlabel = o.flowlabel === undefined ? undefined : checkInt('flowlabel', o.flowlabel, 0, 0xfffff);
  const flowlabelMask = o.flowlabelMask === undefined ? undefined : checkInt('flowlabelMask', o.flowlabelMask, 0, 0xfffff);
  if (flowlabelMask !== undefined && flowlabel === undefined) throw new ValidationError('flowlabelMask', o.flowlabelMask, 'a flowlabelMask needs a flowlabel');
  if (flowlabel !== undefined && family !== 6) throw new ValidationError('flowlabel', o.flowlabel, 'flow labels are IPv6 only');
  let ipProto: number | undefined;
  if (o.ipProto !== undefined) {
    ipProto = E.IP_PROTOCOLS.check('ipProto', o.ipProto);
  }
  const tunId = o.tunId;
  if (tunId !== undefined && (typeof tunId !== 'bigint' || tunId < 0n || tunId > 0xffffffffffffffffn)) {
    throw new ValidationError('tunId', tunId, 'a u64 bigint is required');
  }
  const not = o.not === undefined ? false : checkBool('not', o.not);
  const c: Checked = {
    hdr: {
      family: family === 4 ? AF_INET : AF_INET6,
      dstLen: dst?.prefixlen ?? 0,
      srcLen: src?.prefixlen ?? 0,
      tos,
      table: table !== undefined && table < 256 ? table : E.RT_TABLE_UNSPEC,
      action: action ?? R.FR_ACT_UNSPEC,
      flags: not ? R.FIB_RULE_INVERT : 0,
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
    goto,
    protocol: o.protocol === undefined ? undefined : E.PROTOCOLS.check('protocol', o.protocol),
    flow: o.flow === undefined ? undefined : checkU32('flow', o.flow),
    tunId: tunId as bigint | undefined,
    l3mdev,
    dscp,
    flowlabel,
    flowlabelMask,
  };
  if (!forAdd && Object.keys(o).every((k) => k === 'family' || o[k] === undefined)) {
    // An empty selector would delete the first rule of the family (the `local` lookup at 0).
    throw new ValidationError('options', value, 'a rule to delete needs at least one selector (priority, table, src …)');
  }
  return c;
}

function writeRule(w: NlWriter, c: Checked): void {
  R.writeFibRuleHdr(w, c.hdr);
  if (c.src !== undefined) w.attrBytes(R.FRA_SRC, c.src.bytes);
  if (c.dst !== undefined) w.attrBytes(R.FRA_DST, c.dst.bytes);
  if (c.iif !== undefined) w.attrString(R.FRA_IIFNAME, c.iif);
  if (c.oif !== undefined) w.attrString(R.FRA_OIFNAME, c.oif);
  if (c.fwmark !== undefined) w.attrU32(R.FRA_FWMARK, c.fwmark);
  if (c.fwmask !== undefined) w.attrU32(R.FRA_FWMASK, c.fwmask);
  if (c.flow !== undefined) w.attrU32(R.FRA_FLOW, c.flow);
  if (c.tunId !== undefined) u64be.encode(w, R.FRA_TUN_ID, c.tunId, 'tunId');
  if (c.table32 !== undefined) w.attrU32(R.FRA_TABLE, c.table32);
  if (c.suppressPrefixlen !== undefined) w.attrU32(R.FRA_SUPPRESS_PREFIXLEN, c.suppressPrefixlen);
  if (c.suppressIfgroup !== undefined) w.attrU32(R.FRA_SUPPRESS_IFGROUP, c.suppressIfgroup);
  if (c.goto !== undefined) w.attrU32(R.FRA_GOTO, c.goto);
  if (c.l3mdev !== undefined) w.attrU8(R.FRA_L3MDEV, c.l3mdev ? 1 : 0);
  if (c.uidRange !== undefined) R.uidRange.encode(w, R.FRA_UID_RANGE, c.uidRange, 'uidRange');
  if (c.ipProto !== undefined) w.attrU8(R.FRA_IP_PROTO, c.ipProto);
  if (c.sport !== undefined) R.portRange.encode(w, R.FRA_SPORT_RANGE, c.sport, 'sport');
  if (c.dport !== undefined) R.portRange.encode(w, R.FRA_DPORT_RANGE, c.dport, 'dport');
  if (c.dscp !== undefined) w.attrU8(R.FRA_DSCP, c.dscp);
  if (c.flowlabel !== undefined) w.attrU32Be(R.FRA_FLOWLABEL, c.flowlabel);
  if (c.flowlabelMask !== undefined) w.attrU32Be(R.FRA_FLOWLABEL_MASK, c.flowlabelMask);
  if (c.protocol !== undefined) w.attrU8(R.FRA_PROTOCOL, c.protocol);
  if (c.priority !== undefined) w.attrU32(R.FRA_PRIORITY, c.priority);
}

/** The policy-routing rules of one netlink handle. Obtain it as `nl.rules`. */
export class Rules {
  /** @internal */
  constructor(protected readonly conn: Connection, protected readonly links: Links) {}

  /** All rules (one RTM_GETRULE dump), in priority order per family. */
  list(options: RuleListOptions = {}): Promise<Rule[]> {
    try {
      return this.conn.dump(RTM_GETRULE, 0, this.dumpRequest(options), ruleView);
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  /** Like {@link list}, one rule at a time, reading from the kernel as the loop advances. */
  stream(options: RuleListOptions = {}): AsyncIterableIterator<Rule> {
    let build: (w: NlWriter) => void;
    try {
      build = this.dumpRequest(options);
    } catch (e) {
      const error = e as Error;
      const failed: AsyncIterableIterator<Rule> = {
        [Symbol.asyncIterator]: () => failed,
        next: () => Promise.reject(error),
        return: () => Promise.resolve({ value: undefined, done: true }),
      };
      return failed;
    }
    return this.conn.stream(RTM_GETRULE, 0, build, ruleView);
  }

  private dumpRequest(options: RuleListOptions): (w: NlWriter) => void {
    const o = checkObject('options', options);
    checkKeys('', o, ['family']);
    if (o.family !== undefined && o.family !== 4 && o.family !== 6) throw new ValidationError('family', o.family, '4 or 6 is required');
    const af = o.family === 4 ? AF_INET : o.family === 6 ? AF_INET6 : AF_UNSPEC;
    // Strict checking: only the family may be set in a rule dump request.
    return (w) => R.writeFibRuleHdr(w, { family: af, dstLen: 0, srcLen: 0, tos: 0, table: 0, action: 0, flags: 0 });
  }

  /**
   * Adds a rule (RTM_NEWRULE with NLM_F_CREATE | NLM_F_EXCL), with `ip rule add`'s defaults: action
   * `lookup` of table `main`. An identical rule is a NetlinkError EEXIST.
   */
  async add(options: RuleOptions): Promise<void> {
    const c = checkRule(options, true);
    return this.conn.ack(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, (w) => writeRule(w, c));
  }

  /**
   * Deletes the first rule matching every selector given (RTM_DELRULE); omitted fields match
   * anything. At least one selector is required. No match is a NetlinkError ENOENT.
   */
  async del(options: RuleOptions): Promise<void> {
    const c = checkRule(options, false);
    return this.conn.ack(RTM_DELRULE, 0, (w) => writeRule(w, c));
  }
}

export { Rule };
