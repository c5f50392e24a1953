/**
 * The nexthop message (RTM_NEWNEXTHOP / RTM_DELNEXTHOP / RTM_GETNEXTHOP, include/uapi/linux/
 * nexthop.h): struct nhmsg and the NHA_* attribute set with its special payloads (the struct
 * nexthop_grp array of a group, the resilient-group and bucket nests, group statistics), decoded
 * completely and encoded. request.ts builds every request of `nl.nexthops` from this codec; the
 * lazy Nexthop view (view.ts) reads replies with it.
 *
 * Nexthop objects belong to the routing subsystem (net/ipv4/nexthop.c): their flags are RTNH_F_*
 * and their encapsulations the routes' lightweight tunnels, so those come from the route family
 * (route/constants.ts, route/encap.ts) rather than being defined twice.
 *
 * ```
 *  struct nhmsg (8 bytes)                     struct nexthop_grp (8 bytes, an array in NHA_GROUP)
 *  0        1        2         3      4  8    0       4        5             6        8
 *  +--------+--------+---------+------+----+  +-------+--------+-------------+--------+
 *  | family | scope  |protocol | resvd|flags| | id    | weight | weight_high | resvd2 |
 *  +--------+--------+---------+------+----+  +-------+--------+-------------+--------+
 *  scope is reported only; flags are RTNH_F_*  weight on the wire is (weight - 1), 16 bits since 6.12
 * ```
 */
import { EnumTable } from '../../core/enum-table.js';
import { DecodeError, ValidationError } from '../../core/errors.js';
import { MessageCodec } from '../../core/message-codec.js';
import { AttrSet, attr, binary, flag, ip, multi, nest, u16, u32, u64, type AttrValues, type FieldCodec } from '../../core/schema.js';
import { checkInt } from '../../core/validate.js';
import type { NlWriter } from '../../core/writer.js';
// NLA_UINT (a u32 or a u64, whichever the value needs): the generic codec the link sets also use.
import { uint } from '../link/fields.js';

// ---- numbers (include/uapi/linux/nexthop.h; 14 and up are newer than the 6.1 headers here) ----

export const NHA_ID = 1;
export const NHA_GROUP = 2;
export const NHA_GROUP_TYPE = 3;
export const NHA_BLACKHOLE = 4;
export const NHA_OIF = 5;
export const NHA_GATEWAY = 6;
export const NHA_ENCAP_TYPE = 7;
export const NHA_ENCAP = 8;
export const NHA_GROUPS = 9;
export const NHA_MASTER = 10;
export const NHA_FDB = 11;
export const NHA_RES_GROUP = 12;
export const NHA_RES_BUCKET = 13;
/** Newer than the installed headers (Linux 6.9). */
export const NHA_OP_FLAGS = 14;
/** Newer than the installed headers (Linux 6.9). */
export const NHA_GROUP_STATS = 15;
/** Newer than the installed headers (Linux 6.10). */
export const NHA_HW_STATS_ENABLE = 16;
/** Newer than the installed headers (Linux 6.10). */
export const NHA_HW_STATS_USED = 17;
/** The highest NHA_* this library knows. */
export const NHA_MAX = NHA_HW_STATS_USED;

export const NHA_RES_GROUP_BUCKETS = 1;
export const NHA_RES_GROUP_IDLE_TIMER = 2;
export const NHA_RES_GROUP_UNBALANCED_TIMER = 3;
export const NHA_RES_GROUP_UNBALANCED_TIME = 4;

export const NHA_RES_BUCKET_INDEX = 1;
export const NHA_RES_BUCKET_IDLE_TIME = 2;
export const NHA_RES_BUCKET_NH_ID = 3;

export const NHA_GROUP_STATS_ENTRY = 1;
export const NHA_GROUP_STATS_ENTRY_ID = 1;
export const NHA_GROUP_STATS_ENTRY_PACKETS = 2;
export const NHA_GROUP_STATS_ENTRY_PACKETS_HW = 3;

/** NHA_OP_FLAGS bits: ask a GET or dump for group statistics (software, hardware). */
export const NHA_OP_FLAG_DUMP_STATS = 1 << 0;
export const NHA_OP_FLAG_DUMP_HW_STATS = 1 << 1;

/** NEXTHOP_GRP_TYPE_*: how a group spreads flows (`ip nexthop … type mpath|resilient`). */
export const NEXTHOP_GRP_TYPE_MPATH = 0;
export const NEXTHOP_GRP_TYPE_RES = 1;
/** NEXTHOP_GRP_TYPE_* by the names `ip nexthop` uses. */
export const GROUP_TYPES = new EnumTable<'mpath' | 'resilient'>('nexthop group type', [
  ['mpath', NEXTHOP_GRP_TYPE_MPATH], ['resilient', NEXTHOP_GRP_TYPE_RES],
], [], { max: 0xffff });

/**
 * The largest weight of a group member: 256 before Linux 6.12, 65535 since (weight_high; the wire
 * could say 65536, but the kernel refuses it: "Invalid value for weight").
 */
export const NEXTHOP_WEIGHT_MAX = 65535;

// ---- struct nhmsg ----

/** Size of struct nhmsg. */
export const NHMSG_SIZE = 8;

/** struct nhmsg: the fixed header of every nexthop message. */
export interface NhMsg {
  /** nh_family: AF_INET, AF_INET6, or AF_UNSPEC for groups (and dumps of both families). */
  family: number;
  /** nh_scope: RT_SCOPE_* (reported by the kernel; 0 in requests). */
  scope: number;
  /** nh_protocol: RTPROT_*. */
  protocol: number;
  /** nh_flags: RTNH_F_* (RTNH_F_ONLINK in requests). */
  flags: number;
}

/** Reads the nhmsg at `off` (just after the nlmsghdr). */
export function readNhMsg(buf: Buffer, off: number): NhMsg {
  return { family: buf[off]!, scope: buf[off + 1]!, protocol: buf[off + 2]!, flags: buf.readUInt32LE(off + 4) };
}

/** Writes an nhmsg (the reserved byte is zero). */
export function writeNhMsg(w: NlWriter, h: NhMsg): void {
  w.putU8(h.family);
  w.putU8(h.scope);
  w.putU8(h.protocol);
  w.putU8(0);
  w.putU32(h.flags);
}

// ---- special payloads ----

/** One member of a group (struct nexthop_grp). */
export interface NexthopGroupMember {
  /** The member nexthop's id. */
  id: number;
  /** Its weight, 1..65535 (the wire holds weight - 1). */
  weight: number;
}

const NH_GRP_SIZE = 8;

/**
 * NHA_GROUP: an array of struct nexthop_grp. The weight is `((weight_high << 8) | weight) + 1`
 * (weight_high was a reserved zero byte before Linux 6.12, so older kernels read the same value).
 */
export const nexthopGroup: FieldCodec<NexthopGroupMember[]> = {
  kind: 'nexthop_grp[]',
  decode(buf, off, len, path) {
    if (len % NH_GRP_SIZE !== 0) throw new DecodeError(path, off, `nexthop group of ${len} bytes, a multiple of ${NH_GRP_SIZE} expected`);
    const out: NexthopGroupMember[] = [];
    for (let at = off; at < off + len; at += NH_GRP_SIZE) {
      out.push({ id: buf.readUInt32LE(at), weight: ((buf[at + 5]! << 8) | buf[at + 4]!) + 1 });
    }
    return out;
  },
  encode(w, type, members, path) {
    if (!Array.isArray(members)) throw new ValidationError(path, members, 'an array of group members is required');
    const start = w.beginAttr(type);
    members.forEach((m: NexthopGroupMember, i) => {
      if (typeof m !== 'object' || m === null) throw new ValidationError(`${path}[${i}]`, m, 'a group member object is required');
      const id = checkInt(`${path}[${i}].id`, m.id, 1, 0xffffffff);
      const weight = checkInt(`${path}[${i}].weight`, m.weight, 1, NEXTHOP_WEIGHT_MAX) - 1;
      w.putU32(id);
      w.putU8(weight & 0xff);
      w.putU8(weight >> 8);
      w.putU16(0);
    });
    w.endNest(start);
  },
};

/** NHA_RES_GROUP: a resilient group's parameters (times in clock_t, 1/100 s). */
export const resGroupAttrs = new AttrSet('nexthop_res_group', () => ({
  /** NHA_RES_GROUP_BUCKETS: the number of buckets of the resilient group. */
  buckets: attr(NHA_RES_GROUP_BUCKETS, u16),
  /** NHA_RES_GROUP_IDLE_TIMER: how long a bucket must be idle before it may move, in hundredths of a second (clock_t). */
  idleTimer: attr(NHA_RES_GROUP_IDLE_TIMER, u32),
  /** NHA_RES_GROUP_UNBALANCED_TIMER: how long the group may stay unbalanced before buckets are forced to move, in hundredths of a second (0: forever). */
  unbalancedTimer: attr(NHA_RES_GROUP_UNBALANCED_TIMER, u32),
  /** NHA_RES_GROUP_UNBALANCED_TIME (reported): how long the group has been unbalanced, u64 clock_t. */
  unbalancedTime: attr(NHA_RES_GROUP_UNBALANCED_TIME, u64),
}));

/** NHA_RES_BUCKET: one bucket of a resilient group (RTM_*NEXTHOPBUCKET; times in clock_t). */
export const resBucketAttrs = new AttrSet('nexthop_res_bucket', () => ({
  /** NHA_RES_BUCKET_INDEX: the bucket's index. */
  index: attr(NHA_RES_BUCKET_INDEX, u16),
  /** NHA_RES_BUCKET_IDLE_TIME: how long the bucket has been idle, in hundredths of a second (clock_t). */
  idleTime: attr(NHA_RES_BUCKET_IDLE_TIME, u64),
  /** NHA_RES_BUCKET_NH_ID: the nexthop the bucket points at. */
  nhId: attr(NHA_RES_BUCKET_NH_ID, u32),
}));

/** One member's counters in NHA_GROUP_STATS. */
export const groupStatsEntryAttrs = new AttrSet('nexthop_group_stats_entry', () => ({
  /** NHA_GROUP_STATS_ENTRY_ID: the member's nexthop id. */
  id: attr(NHA_GROUP_STATS_ENTRY_ID, u32),
  /** NHA_GROUP_STATS_ENTRY_PACKETS: packets forwarded through the member. */
  packets: attr(NHA_GROUP_STATS_ENTRY_PACKETS, uint),
  /** NHA_GROUP_STATS_ENTRY_PACKETS_HW: of those, packets forwarded by the hardware. */
  packetsHw: attr(NHA_GROUP_STATS_ENTRY_PACKETS_HW, uint),
}));

/** NHA_GROUP_STATS: per-member packet counters (with NHA_OP_FLAG_DUMP_STATS, Linux 6.9+). */
export const groupStatsAttrs = new AttrSet('nexthop_group_stats', () => ({
  /** NHA_GROUP_STATS_ENTRY: one per member. */
  entries: multi(NHA_GROUP_STATS_ENTRY, nest(groupStatsEntryAttrs), { flagged: true }),
}));

// ---- the NHA_* sets ----

/**
 * The NHA_* definitions; `encapNested` says whether NHA_ENCAP carries NLA_F_NESTED (iproute2's
 * requests set it, the kernel's replies do not: two sets, so both re-encode byte for byte).
 */
function defs(encapNested: boolean) {
  return {
    /** NHA_ID: the nexthop's id (1..2^32-1). */
    id: attr(NHA_ID, u32),
    /** NHA_GROUP: the members of a group, `{ id, weight }` each. */
    group: attr(NHA_GROUP, nexthopGroup),
    /** NHA_GROUP_TYPE: NEXTHOP_GRP_TYPE_*. */
    groupType: attr(NHA_GROUP_TYPE, u16),
    /** NHA_BLACKHOLE: a nexthop that drops packets. */
    blackhole: attr(NHA_BLACKHOLE, flag),
    /** NHA_OIF: the output device's ifindex. */
    oif: attr(NHA_OIF, u32),
    /** NHA_GATEWAY: the gateway address (IPv4 or IPv6). */
    gateway: attr(NHA_GATEWAY, ip),
    /** NHA_ENCAP_TYPE: LWTUNNEL_ENCAP_*. */
    encapType: attr(NHA_ENCAP_TYPE, u16),
    /** NHA_ENCAP: the encap's attributes, raw (typed by NHA_ENCAP_TYPE in the view). */
    encap: attr(NHA_ENCAP, binary, { flagged: encapNested }),
    /** NHA_GROUPS (dump requests): groups only. */
    groups: attr(NHA_GROUPS, flag),
    /** NHA_MASTER (dump requests): only nexthops whose device has this master. */
    master: attr(NHA_MASTER, u32),
    /** NHA_FDB: a nexthop for bridge FDB entries (VXLAN remotes). */
    fdb: attr(NHA_FDB, flag),
    /** NHA_RES_GROUP: the parameters of a resilient group. */
    resGroup: attr(NHA_RES_GROUP, nest(resGroupAttrs), { flagged: true }),
    /** NHA_RES_BUCKET: a bucket of a resilient group (bucket dumps). */
    resBucket: attr(NHA_RES_BUCKET, nest(resBucketAttrs), { flagged: true }),
    /** NHA_OP_FLAGS: NHA_OP_FLAG_* in requests; the kernel's replies carry bit 31 (group reserved bytes are defined). */
    opFlags: attr(NHA_OP_FLAGS, u32),
    /** NHA_GROUP_STATS: per-member packet counters. */
    groupStats: attr(NHA_GROUP_STATS, nest(groupStatsAttrs), { flagged: true }),
    /** NHA_HW_STATS_ENABLE: 1 asks the hardware to count the group's packets. */
    hwStatsEnable: attr(NHA_HW_STATS_ENABLE, u32),
    /** NHA_HW_STATS_USED: 1 when the hardware counters are in use. */
    hwStatsUsed: attr(NHA_HW_STATS_USED, u32),
  };
}

/** The NHA_* attribute set as the kernel reports it. */
export const nexthopAttrs = new AttrSet('nexthop', () => defs(false));
/** The NHA_* attribute set of requests (NHA_ENCAP nested-flagged, as iproute2 sends it). */
export const nexthopRequestAttrs = new AttrSet('nexthop', () => defs(true));

/** The decoded NHA_* attributes of a nexthop message. */
export type NexthopAttributes = AttrValues<typeof nexthopAttrs.defs>;

/** A nexthop message's body: nhmsg plus attributes. */
export interface NexthopBody {
  /** The fixed header (struct nhmsg). */
  header: NhMsg;
  /** The NHA_* attributes. */
  attributes: NexthopAttributes;
}

const header = { size: NHMSG_SIZE, read: readNhMsg, write: writeNhMsg };

/** Nexthop messages as the kernel sends them: nhmsg + NHA_*. */
export const nexthopMessage = new MessageCodec('nexthop', header, nexthopAttrs);
/** Nexthop requests: the same header and attributes, NHA_ENCAP flagged nested. */
export const nexthopRequestMessage = new MessageCodec('nexthop', header, nexthopRequestAttrs as unknown as AttrSet<typeof nexthopAttrs.defs>);

/** Decodes a whole nexthop message (`buf[off, off + len)`, nlmsghdr included) into its body. */
export function decodeNexthopMessage(buf: Buffer, off = 0, len = buf.length - off): NexthopBody {
  return nexthopMessage.decode(buf, off, len);
}

/** Writes a nexthop message body (nhmsg + attributes, as the kernel lays them out) after an nlmsghdr begun by the writer. */
export function encodeNexthopBody(w: NlWriter, body: NexthopBody): void {
  nexthopMessage.encode(w, body);
}

