/**
 * What callers give `nl.nexthops` (the public option types: `ip nexthop add` in object form, list
 * filters) and their checks. Each check turns caller input into a checked form built in one object
 * literal (every field present, undefined when absent), or throws a ValidationError naming the
 * field before anything is sent. Only own properties of plain objects are read; names go through
 * EnumTables (Maps), so `'constructor'` is no protocol or group type.
 *
 * The rules are the kernel's (rtm_to_nh_config), checked here so a mistake is named before it is
 * sent: a group takes no device, gateway, encap or blackhole and has no family; a blackhole takes
 * no device, gateway or encap; an fdb nexthop takes no device or encap; any other nexthop needs a
 * device.
 */
import { ValidationError } from '../../core/errors.js';
import { AF_INET, AF_INET6, AF_UNSPEC, familyOf, parseIp, type IpVersion } from '../../core/inet.js';
import { checkArray, checkBool, checkInt, checkKeys, checkLinkRef, checkObject, type LinkRef } from '../../core/validate.js';
import * as E from '../enums.js';
import { RTNH_F_ONLINK, USER_HZ } from '../route/constants.js';
import type { RouteEncap } from '../route/encap.js';
import type { RouteEncapSpec } from '../route/options.js';
import { checkEncap } from '../route/validate.js';
import { GROUP_TYPES, NEXTHOP_GRP_TYPE_RES, NEXTHOP_WEIGHT_MAX, NHA_OP_FLAG_DUMP_STATS, type NexthopGroupMember } from './codec.js';

/** A member of a group in {@link NexthopSpec.group}. */
export interface NexthopGroupSpec {
  /** The member's id (it must exist). */
  id: number;
  /** Its weight, 1..256 (up to 65535 on Linux 6.12+); default 1. */
  weight?: number;
}

/** What `nexthops.add` / `replace` describe: `ip nexthop add` in object form. */
export interface NexthopSpec {
  /** NHA_ID, 1..2^32-1; omitted, the kernel picks one (read it back with `list`). */
  id?: number;
  /** 4 or 6 (nh_family): needed only when nothing else tells it (a device-only or blackhole nexthop; default 4, as ip). */
  family?: 4 | 6;
  /** NHA_GATEWAY. */
  gateway?: string;
  /** NHA_OIF: the device (name or ifindex); needed unless a group, blackhole or fdb nexthop. */
  oif?: LinkRef;
  /** RTNH_F_ONLINK: the gateway is on the link even if no prefix says so. */
  onlink?: boolean;
  /** NHA_BLACKHOLE: drop the packets. */
  blackhole?: boolean;
  /** NHA_FDB: a nexthop of bridge FDB entries (vxlan), not of routes. */
  fdb?: boolean;
  /** NHA_GROUP: the members of a group, with weights. */
  group?: NexthopGroupSpec[];
  /** NHA_GROUP_TYPE: `'mpath'` (hash-threshold, default) or `'resilient'`. */
  type?: 'mpath' | 'resilient';
  /** Resilient groups: the number of buckets (NHA_RES_GROUP_BUCKETS, 1..65535; kernel default 128). */
  buckets?: number;
  /** Resilient groups: seconds a bucket stays idle before it may move (NHA_RES_GROUP_IDLE_TIMER, 1/100 s resolution). */
  idleTimer?: number;
  /** Resilient groups: seconds the group may stay unbalanced (NHA_RES_GROUP_UNBALANCED_TIMER, 1/100 s resolution; 0: forever). */
  unbalancedTimer?: number;
  /** NHA_HW_STATS_ENABLE (groups, Linux 6.10+): collect hardware statistics. */
  hwStats?: boolean;
  /** nh_protocol (default `'unspec'`, as `ip nexthop add`). */
  protocol?: string | number;
  /** NHA_ENCAP / NHA_ENCAP_TYPE: a lightweight-tunnel encapsulation, as for routes. */
  encap?: RouteEncapSpec;
}

/** Filters of `nexthops.list` / `nexthops.stream`. */
export interface NexthopListOptions {
  /** Only IPv4 or IPv6 nexthops (kernel filter: nh_family; groups have none and are left out). */
  family?: 4 | 6;
  /** Only nexthops through this device (kernel filter: NHA_OIF). */
  oif?: LinkRef;
  /** Only nexthops whose device has this master, e.g. a VRF (kernel filter: NHA_MASTER). */
  master?: LinkRef;
  /** Only groups (kernel filter: NHA_GROUPS). */
  groups?: boolean;
  /** Only fdb nexthops and groups (NHA_FDB: asked of the kernel, which lets others through; filtered here). */
  fdb?: boolean;
  /** Only this nh_protocol (filtered here). */
  protocol?: string | number;
  /** Ask for group statistics (NHA_OP_FLAGS, Linux 6.9+; older kernels refuse it with EINVAL). */
  stats?: boolean;
}

/** Options of `nexthops.get`. */
export interface NexthopGetOptions {
  /** Ask for group statistics (NHA_OP_FLAGS, Linux 6.9+). */
  stats?: boolean;
}

/** A nexthop request, checked; its device names still to resolve. */
export interface CheckedNexthop {
  /** nh_family: AF_INET, AF_INET6, or AF_UNSPEC for a group. */
  family: number;
  /** nh_protocol. */
  protocol: number;
  /** nh_flags (RTNH_F_ONLINK). */
  flags: number;
  /** NHA_ID (0: the kernel picks; sent as 0, as ip does). */
  id: number;
  /** NHA_GATEWAY, as given (checked). */
  gateway: string | undefined;
  /** NHA_OIF, by name or ifindex. */
  oif: LinkRef | undefined;
  /** NHA_BLACKHOLE. */
  blackhole: boolean;
  /** NHA_FDB. */
  fdb: boolean;
  /** NHA_GROUP. */
  group: NexthopGroupMember[] | undefined;
  /** NHA_GROUP_TYPE (resilient only: mpath is the kernel's default and ip does not send it). */
  groupType: number | undefined;
  /** NHA_RES_GROUP_BUCKETS. */
  buckets: number | undefined;
  /** NHA_RES_GROUP_IDLE_TIMER, clock_t. */
  idleTimer: number | undefined;
  /** NHA_RES_GROUP_UNBALANCED_TIMER, clock_t. */
  unbalancedTimer: number | undefined;
  /** NHA_HW_STATS_ENABLE. */
  hwStats: number | undefined;
  /** NHA_ENCAP / NHA_ENCAP_TYPE. */
  encap: RouteEncap | undefined;
}

/** The filters of a nexthop dump, checked. */
export interface CheckedNexthopList {
  /** nh_family (0: both, groups included). */
  family: number;
  /** NHA_OIF to resolve. */
  oif: LinkRef | undefined;
  /** NHA_MASTER to resolve. */
  master: LinkRef | undefined;
  /** NHA_GROUPS. */
  groups: boolean;
  /** NHA_FDB. */
  fdb: boolean;
  /** nh_protocol to keep (filtered here). */
  protocol: number | undefined;
  /** NHA_OP_FLAGS. */
  opFlags: number | undefined;
}

const SPEC_KEYS = [
  'id', 'family', 'gateway', 'oif', 'onlink', 'blackhole', 'fdb', 'group', 'type', 'buckets', 'idleTimer', 'unbalancedTimer',
  'hwStats', 'protocol', 'encap',
];
const MEMBER_KEYS = ['id', 'weight'];
const LIST_KEYS = ['family', 'oif', 'master', 'groups', 'fdb', 'protocol', 'stats'];
const GET_KEYS = ['stats'];
const RESILIENT_KEYS = ['buckets', 'idleTimer', 'unbalancedTimer'] as const;

/** The object's name in messages: `nexthop`, or `nexthops[3]` in a bulk call. */
function objectField(p: string): string {
  return p === '' ? 'nexthop' : p.slice(0, -1);
}

/** A nexthop id: 1..2^32-1. */
export function checkNexthopId(field: string, value: unknown): number {
  return checkInt(field, value, 1, 0xffffffff);
}

/** Seconds with 1/100 s resolution, as clock_t (u32). */
function checkClock(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValidationError(field, value, 'a non-negative number of seconds is required');
  }
  const ticks = Math.round(value * USER_HZ);
  if (Math.abs(ticks - value * USER_HZ) > 1e-6 || ticks > 0xffffffff) {
    throw new ValidationError(field, value, `seconds in 1/${USER_HZ} s steps, at most ${Math.floor(0xffffffff / USER_HZ)}, are required`);
  }
  return ticks;
}

/** The members of a group: a non-empty array of distinct ids with weights. */
function checkGroup(p: string, value: unknown): NexthopGroupMember[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 0xffff) {
    throw new ValidationError(`${p}group`, value, 'a non-empty array of group members ({ id, weight }) is required');
  }
  const seen = new Set<number>();
  return checkArray(`${p}group`, value, 'group members').map((m, i) => {
    const f = `${p}group[${i}]`;
    const o = checkObject(f, m);
    checkKeys(f, o, MEMBER_KEYS);
    const id = checkNexthopId(`${f}.id`, o.id);
    if (seen.has(id)) throw new ValidationError(`${f}.id`, id, 'a nexthop can be a member of a group once (the kernel refuses duplicates)');
    seen.add(id);
    const weight = o.weight === undefined ? 1 : checkInt(`${f}.weight`, o.weight, 1, NEXTHOP_WEIGHT_MAX);
    return { id, weight };
  });
}

/** Checks a {@link NexthopSpec} (field names prefixed with `p`, e.g. `'nexthops[3].'`). */
export function checkNexthop(p: string, spec: unknown): CheckedNexthop {
  const o = checkObject(objectField(p), spec);
  checkKeys(p.slice(0, -1), o, SPEC_KEYS);
  const id = o.id === undefined ? 0 : checkNexthopId(`${p}id`, o.id);
  if (o.family !== undefined && o.family !== 4 && o.family !== 6) throw new ValidationError(`${p}family`, o.family, '4 or 6 is required');
  let version = o.family as IpVersion | undefined;
  let gateway: string | undefined;
  if (o.gateway !== undefined) {
    const a = parseIp(`${p}gateway`, o.gateway, version);
    version = a.version;
    gateway = o.gateway as string;
  }
  const oif = o.oif === undefined ? undefined : checkLinkRef(`${p}oif`, o.oif);
  const blackhole = o.blackhole === undefined ? false : checkBool(`${p}blackhole`, o.blackhole);
  const fdb = o.fdb === undefined ? false : checkBool(`${p}fdb`, o.fdb);
  const onlink = o.onlink === undefined ? false : checkBool(`${p}onlink`, o.onlink);
  const encap = o.encap === undefined ? undefined : checkEncap(`${p}encap`, o.encap);
  const group = o.group === undefined ? undefined : checkGroup(p, o.group);
  const protocol = o.protocol === undefined ? E.RTPROT_UNSPEC : E.PROTOCOLS.check(`${p}protocol`, o.protocol);
  let groupType: number | undefined;
  if (o.type !== undefined) {
    if (group === undefined) throw new ValidationError(`${p}type`, o.type, 'a group type goes with a group');
    groupType = GROUP_TYPES.check(`${p}type`, o.type);
  }
  const resilient = groupType === NEXTHOP_GRP_TYPE_RES;
  for (const key of RESILIENT_KEYS) {
    if (o[key] !== undefined && !resilient) throw new ValidationError(`${p}${key}`, o[key], `${key} belongs to a resilient group (type: 'resilient')`);
  }
  const hwStats = o.hwStats === undefined ? undefined : checkBool(`${p}hwStats`, o.hwStats) ? 1 : 0;
  // What each kind of nexthop cannot take, by the checked values (false switches are absent).
  const given = { gateway: gateway !== undefined, oif: oif !== undefined, blackhole, encap: encap !== undefined, onlink, fdb };
  const refuse = (keys: ReadonlyArray<keyof typeof given | 'family'>, why: string): void => {
    for (const key of keys) if (key === 'family' ? o.family !== undefined : given[key]) throw new ValidationError(`${p}${key}`, o[key], why);
  };
  if (group !== undefined) {
    refuse(['gateway', 'oif', 'blackhole', 'encap', 'onlink', 'family'], 'a group takes no gateway, oif, blackhole, encap, onlink or family (its members have them)');
  } else {
    if (hwStats !== undefined) throw new ValidationError(`${p}hwStats`, o.hwStats, 'hardware statistics are a group option');
    if (blackhole) {
      refuse(['gateway', 'oif', 'encap', 'fdb', 'onlink'], 'a blackhole nexthop takes no gateway, oif, encap, fdb or onlink');
    } else if (fdb) {
      if (oif !== undefined) throw new ValidationError(`${p}oif`, o.oif, 'an fdb nexthop takes no oif');
      if (encap !== undefined) throw new ValidationError(`${p}encap`, o.encap, 'an fdb nexthop takes no encap');
      if (gateway === undefined) throw new ValidationError(`${p}gateway`, undefined, 'an fdb nexthop needs a gateway');
    } else if (oif === undefined) {
      throw new ValidationError(`${p}oif`, undefined, 'a nexthop needs an oif (or is a group, a blackhole or an fdb nexthop)');
    }
  }
  if (encap !== undefined && version === undefined) version = 4;
  return {
    // A group has no family (AF_UNSPEC); other nexthops default to IPv4, as `ip nexthop add`.
    family: group !== undefined ? AF_UNSPEC : familyOf(version ?? 4),
    protocol,
    flags: onlink ? RTNH_F_ONLINK : 0,
    id,
    gateway,
    oif,
    blackhole,
    fdb,
    group,
    // mpath is the kernel's default: ip sends NHA_GROUP_TYPE for resilient groups only.
    groupType: resilient ? groupType : undefined,
    buckets: o.buckets === undefined ? undefined : checkInt(`${p}buckets`, o.buckets, 1, 0xffff),
    idleTimer: o.idleTimer === undefined ? undefined : checkClock(`${p}idleTimer`, o.idleTimer),
    unbalancedTimer: o.unbalancedTimer === undefined ? undefined : checkClock(`${p}unbalancedTimer`, o.unbalancedTimer),
    hwStats,
    encap,
  };
}

/** Checks the filters of `list` / `stream`. */
export function checkNexthopList(options: unknown): CheckedNexthopList {
  const o = checkObject('options', options);
  checkKeys('', o, LIST_KEYS);
  if (o.family !== undefined && o.family !== 4 && o.family !== 6) throw new ValidationError('family', o.family, '4 or 6 is required');
  const stats = o.stats === undefined ? false : checkBool('stats', o.stats);
  return {
    family: o.family === undefined ? AF_UNSPEC : o.family === 4 ? AF_INET : AF_INET6,
    oif: o.oif === undefined ? undefined : checkLinkRef('oif', o.oif),
    master: o.master === undefined ? undefined : checkLinkRef('master', o.master),
    groups: o.groups === undefined ? false : checkBool('groups', o.groups),
    fdb: o.fdb === undefined ? false : checkBool('fdb', o.fdb),
    protocol: o.protocol === undefined ? undefined : E.PROTOCOLS.check('protocol', o.protocol),
    opFlags: stats ? NHA_OP_FLAG_DUMP_STATS : undefined,
  };
}

/** Checks `get(id, options)`: the id and NHA_OP_FLAGS. */
export function checkNexthopGet(id: unknown, options: unknown): { id: number; opFlags: number | undefined } {
  const checked = checkNexthopId('id', id);
  const o = checkObject('options', options);
  checkKeys('', o, GET_KEYS);
  const stats = o.stats === undefined ? false : checkBool('stats', o.stats);
  return { id: checked, opFlags: stats ? NHA_OP_FLAG_DUMP_STATS : undefined };
}
