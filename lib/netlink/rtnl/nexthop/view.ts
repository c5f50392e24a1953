/**
 * Nexthop: one nexthop object as the kernel reported it (RTM_NEWNEXTHOP), decoded lazily. Field
 * names follow `ip -j -d nexthop` in camelCase (`id`, `gateway`, `group`, `type`, `resilientArgs`,
 * `blackhole`, `fdb`, `scope`, `protocol`, `flags`); the device is `oif`, an ifindex (a name
 * needs a link lookup). Times are in seconds (the kernel's clock_t / 100).
 */
import { attrLength } from '../../core/attributes.js';
import { AF_INET, AF_INET6 } from '../../core/inet.js';
import { MessageView } from '../../core/message-view.js';
import { NLMSG_HDRLEN } from '../../core/protocol.js';
import { ip, nest, u16, u32, type AttrValues } from '../../core/schema.js';
import * as E from '../enums.js';
import { RTNH_F_ONLINK, USER_HZ, routeFlagNames } from '../route/constants.js';
import { ENCAP_TYPES, decodeEncap } from '../route/encap.js';
import * as N from './codec.js';

/** The parameters of a resilient group (NHA_RES_GROUP), in seconds. */
export interface NexthopResilientArgs {
  /** NHA_RES_GROUP_BUCKETS: the number of buckets. */
  buckets?: number;
  /** NHA_RES_GROUP_IDLE_TIMER, in seconds. */
  idleTimer?: number;
  /** NHA_RES_GROUP_UNBALANCED_TIMER, in seconds (0: no limit). */
  unbalancedTimer?: number;
  /** NHA_RES_GROUP_UNBALANCED_TIME: how long the group has been unbalanced, in seconds. */
  unbalancedTime?: number;
}

/** One member's packet counters (NHA_GROUP_STATS, with `stats: true`). */
export interface NexthopGroupStats {
  /** The member's id. */
  id: number | undefined;
  /** Packets forwarded through it. */
  packets: bigint | undefined;
  /** Of those, in hardware. */
  packetsHw: bigint | undefined;
}

/** Where struct nhmsg starts in a message. */
const NHMSG_AT = NLMSG_HDRLEN;

/** Seconds of a clock_t value. */
function seconds(ticks: number | bigint | undefined): number | undefined {
  return ticks === undefined ? undefined : Number(ticks) / USER_HZ;
}

/** A nexthop object, decoded lazily from its RTM_NEWNEXTHOP message. */
export class Nexthop extends MessageView {
  protected get headerSize(): number { return N.NHMSG_SIZE; }
  protected get setName(): string { return 'nexthop'; }

  /** The fixed header (struct nhmsg). */
  get header(): N.NhMsg {
    return N.readNhMsg(this.buffer(), this.offset() + NHMSG_AT);
  }

  /** NHA_ID. */
  get id(): number {
    return this.attr(N.NHA_ID, u32, 'id') ?? 0;
  }

  /** 4 or 6; undefined for a group (AF_UNSPEC). */
  get family(): 4 | 6 | undefined {
    const f = this.byteAt(NHMSG_AT);
    return f === AF_INET ? 4 : f === AF_INET6 ? 6 : undefined;
  }

  /** nh_scope as `ip` names it (`'link'` with a gateway, `'host'` for a device only, `'global'`). */
  get scope(): string | number {
    return E.SCOPES.nameOr(this.byteAt(NHMSG_AT + 1));
  }

  /** nh_protocol as `ip` names it (`'unspec'`, `'static'`, `'bgp'` …), or its number. */
  get protocol(): string | number {
    return E.PROTOCOLS.nameOr(this.byteAt(NHMSG_AT + 2));
  }

  /** nh_flags, raw (RTNH_F_*). */
  get rawFlags(): number {
    return this.u32At(NHMSG_AT + 4);
  }

  /** nh_flags as `ip -j` names them (`'onlink'`, `'dead'`, `'linkdown'` …). */
  get flags(): string[] {
    return routeFlagNames(this.rawFlags);
  }

  /** RTNH_F_ONLINK. */
  get onlink(): boolean {
    return (this.rawFlags & RTNH_F_ONLINK) !== 0;
  }

  /** NHA_OIF: the device's ifindex. */
  get oif(): number | undefined {
    return this.attr(N.NHA_OIF, u32, 'oif');
  }

  /** NHA_GATEWAY. */
  get gateway(): string | undefined {
    return this.attr(N.NHA_GATEWAY, ip, 'gateway');
  }

  /** NHA_BLACKHOLE. */
  get blackhole(): boolean {
    return this.locate(N.NHA_BLACKHOLE) >= 0;
  }

  /** NHA_FDB: a nexthop (or group) of bridge FDB entries. */
  get fdb(): boolean {
    return this.locate(N.NHA_FDB) >= 0;
  }

  /** NHA_GROUP: the members of a group with their weights; undefined for a single nexthop. */
  get group(): N.NexthopGroupMember[] | undefined {
    return this.attr(N.NHA_GROUP, N.nexthopGroup, 'group');
  }

  /** NHA_GROUP_TYPE of a group: `'mpath'` or `'resilient'` (ip prints `type` for resilient ones). */
  get type(): 'mpath' | 'resilient' | number | undefined {
    const t = this.attr(N.NHA_GROUP_TYPE, u16, 'groupType');
    return t === undefined ? undefined : N.GROUP_TYPES.nameOr(t);
  }

  /** NHA_RES_GROUP of a resilient group (`ip -j`'s `resilient_args`), times in seconds. */
  get resilientArgs(): NexthopResilientArgs | undefined {
    const r = this.attr(N.NHA_RES_GROUP, nest(N.resGroupAttrs), 'resGroup');
    if (r === undefined) return undefined;
    // Timers the kernel did not report are left out (as JSON leaves them out).
    const out: NexthopResilientArgs = {};
    if (r.buckets !== undefined) out.buckets = r.buckets;
    const idleTimer = seconds(r.idleTimer);
    if (idleTimer !== undefined) out.idleTimer = idleTimer;
    const unbalancedTimer = seconds(r.unbalancedTimer);
    if (unbalancedTimer !== undefined) out.unbalancedTimer = unbalancedTimer;
    const unbalancedTime = seconds(r.unbalancedTime);
    if (unbalancedTime !== undefined) out.unbalancedTime = unbalancedTime;
    return out;
  }

  /** NHA_ENCAP_TYPE as `ip` names it (`'mpls'`, `'ip'`, `'ip6'` …). */
  get encapType(): string | number | undefined {
    const t = this.attr(N.NHA_ENCAP_TYPE, u16, 'encapType');
    return t === undefined ? undefined : ENCAP_TYPES.nameOr(t);
  }

  /** NHA_ENCAP decoded by its type (ip, ip6, mpls, seg6 and seg6local as fields; other types raw bytes). */
  get encap(): Record<string, unknown> | Uint8Array | undefined {
    const at = this.locate(N.NHA_ENCAP);
    if (at < 0) return undefined;
    const type = this.attr(N.NHA_ENCAP_TYPE, u16, 'encapType') ?? 0;
    return decodeEncap(type, this.buffer().subarray(at, at + attrLength(this.buffer(), at)), 'nexthop.encap');
  }

  /** NHA_HW_STATS_ENABLE of a group (Linux 6.10+). */
  get hwStats(): boolean | undefined {
    const v = this.attr(N.NHA_HW_STATS_ENABLE, u32, 'hwStatsEnable');
    return v === undefined ? undefined : v !== 0;
  }

  /** NHA_GROUP_STATS: per-member counters, when asked for with `stats: true` (Linux 6.9+). */
  get groupStats(): NexthopGroupStats[] | undefined {
    const s = this.attr(N.NHA_GROUP_STATS, nest(N.groupStatsAttrs), 'groupStats');
    return s?.entries?.map((e) => ({ id: e.id, packets: e.packets, packetsHw: e.packetsHw }));
  }

  /** Every NHA_* attribute, fully decoded (unknown ones kept raw). */
  get attributes(): AttrValues<typeof N.nexthopAttrs.defs> {
    return N.nexthopAttrs.decode(this.buffer(), this.attrStart(), this.end(), 'nexthop');
  }

  /**
   * Every field as the getters return it, in a new plain object; fields the message does not carry
   * are left out (as JSON leaves them out). Not included: `header`, `attributes`, `raw`, `rawFlags`
   * (it is `flags`), `onlink` (the `'onlink'` flag).
   */
  toObject(): NexthopObject {
    this.indexed();
    const o: NexthopObject = { id: this.id, scope: this.scope, protocol: this.protocol, flags: this.flags, blackhole: this.blackhole, fdb: this.fdb };
    const family = this.family;
    if (family !== undefined) o.family = family;
    const group = this.group;
    if (group !== undefined) o.group = group;
    const type = this.type;
    if (type !== undefined) o.type = type;
    const resilientArgs = this.resilientArgs;
    if (resilientArgs !== undefined) o.resilientArgs = resilientArgs;
    const gateway = this.gateway;
    if (gateway !== undefined) o.gateway = gateway;
    const oif = this.oif;
    if (oif !== undefined) o.oif = oif;
    const encapType = this.encapType;
    if (encapType !== undefined) o.encapType = encapType;
    const encap = this.encap;
    if (encap !== undefined) o.encap = encap;
    const hwStats = this.hwStats;
    if (hwStats !== undefined) o.hwStats = hwStats;
    const groupStats = this.groupStats;
    if (groupStats !== undefined) o.groupStats = groupStats;
    return o;
  }

  /** `ip nexthop`'s line, shortened: `id 1 via 10.0.0.1 dev 2 scope link proto static`, `id 3 group 1,2/2`, `id 4 blackhole`. */
  toString(): string {
    const group = this.group;
    const gateway = this.gateway;
    const oif = this.oif;
    const scope = this.scope;
    const protocol = this.protocol;
    let line = `id ${this.id}`;
    if (group !== undefined) line += ` group ${group.map((m) => (m.weight === 1 ? `${m.id}` : `${m.id},${m.weight}`)).join('/')}`;
    if (gateway !== undefined) line += ` via ${gateway}`;
    if (oif !== undefined) line += ` dev ${oif}`;
    if (this.blackhole) line += ' blackhole';
    if (this.fdb) line += ' fdb';
    if (group === undefined && scope !== 'global' && scope !== 'universe') line += ` scope ${scope}`;
    if (protocol !== 'unspec') line += ` proto ${protocol}`;
    return line;
  }
}

/** What {@link Nexthop.toObject} returns: the getters' values; a field the message lacks is absent. */
export interface NexthopObject {
  /** NHA_ID. */
  id: number;
  /** nh_scope as `ip` names it (`'link'` with a gateway, `'host'` for a device only, `'global'`). */
  scope: string | number;
  /** nh_protocol as `ip` names it (`'unspec'`, `'static'`, `'bgp'` …), or its number. */
  protocol: string | number;
  /** nh_flags as `ip -j` names them (`'onlink'`, `'dead'`, `'linkdown'` …). */
  flags: string[];
  /** 4 or 6; undefined for a group (AF_UNSPEC). */
  family?: 4 | 6;
  /** NHA_GROUP: the members of a group with their weights; undefined for a single nexthop. */
  group?: N.NexthopGroupMember[];
  /** NHA_GROUP_TYPE of a group: `'mpath'` or `'resilient'` (ip prints `type` for resilient ones). */
  type?: 'mpath' | 'resilient' | number;
  /** NHA_RES_GROUP of a resilient group (`ip -j`'s `resilient_args`), times in seconds. */
  resilientArgs?: NexthopResilientArgs;
  /** NHA_GATEWAY. */
  gateway?: string;
  /** NHA_OIF: the device's ifindex. */
  oif?: number;
  /** NHA_BLACKHOLE. */
  blackhole: boolean;
  /** NHA_FDB: a nexthop (or group) of bridge FDB entries. */
  fdb: boolean;
  /** NHA_ENCAP_TYPE as `ip` names it (`'mpls'`, `'ip'`, `'ip6'` …). */
  encapType?: string | number;
  /** NHA_ENCAP decoded by its type (ip, ip6, mpls, seg6 and seg6local as fields; other types raw bytes). */
  encap?: Record<string, unknown> | Uint8Array;
  /** NHA_HW_STATS_ENABLE of a group (Linux 6.10+). */
  hwStats?: boolean;
  /** NHA_GROUP_STATS: per-member counters, when asked for with `stats: true` (Linux 6.9+). */
  groupStats?: NexthopGroupStats[];
}

/** Decodes a nexthop message into a lazy {@link Nexthop} (the message's bytes are referenced, not copied).
 * A DecodeError when `buf[off, off + len)` cannot hold the message its nlmsg_len announces (see MessageView). */
export function nexthopView(buf: Buffer, off: number, len: number): Nexthop {
  return new Nexthop(buf, off, len);
}
