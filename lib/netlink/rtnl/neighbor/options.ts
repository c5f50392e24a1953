/**
 * What callers give `nl.neighbors` (the public option types) and its checks: caller input in, a
 * {@link CheckedNeighbor} out (every field parsed and range-checked, nothing sent yet), or a
 * ValidationError naming the field. Options are read from own properties only.
 */
import { ValidationError } from '../../core/errors.js';
import { AF_BRIDGE, AF_INET, AF_INET6, AF_UNSPEC, checkIp, ipv4Number, ipVersion, parseIp } from '../../core/inet.js';
import { macNumber } from '../../core/mac.js';
import {
  checkArray, checkBool, checkInt, checkKeys, checkLinkRef, checkObject, checkU32, isIfindex, isPlainLinkName, type LinkRef,
} from '../../core/validate.js';
import { PROTOCOLS } from '../enums.js';
import {
  NEIGHBOR_EXT_FLAGS, NEIGHBOR_FLAGS, NEIGHBOR_STATES, NTF_MASTER, NTF_PROXY, NTF_SELF, NUD_PERMANENT, parseLladdr,
  type NeighborFlagName, type NeighborStateName,
} from './codec.js';

export type { NeighborFlagName, NeighborStateName } from './codec.js';

/** The family of a neighbour request: 4 (ARP), 6 (NDP) or `'bridge'` (FDB). */
export type NeighborFamily = 4 | 6 | 'bridge';

/** What identifies a neighbour or FDB entry (the options of `del`). */
export interface NeighborKey {
  /** The link (ndm_ifindex), by name or ifindex. */
  link: LinkRef;
  /** The family; inferred from `dst` (4 or 6), or `'bridge'` when only `lladdr` is given. */
  family?: NeighborFamily;
  /** NDA_DST: the neighbour's address; for a VXLAN FDB entry, the remote (IPv4 or IPv6). */
  dst?: string;
  /**
   * NDA_LLADDR: the hardware address (`aa:bb:…`; required for FDB entries, 6 bytes), or for a
   * tunnel whose link-layer address is an IP address (GRE, SIT, ip6gre …), that address
   * (`'192.0.2.1'`: 4 bytes, `'2001:db8::1'`: 16), as `ip neigh add … lladdr 192.0.2.1` takes it.
   */
  lladdr?: string;
  /** NDA_VLAN (FDB only): 0..4094. */
  vlan?: number;
  /** NDA_VNI (VXLAN FDB only): the remote's VNI, 0..16777215. */
  vni?: number;
  /** NDA_PORT (VXLAN FDB only): the remote's UDP port. */
  port?: number;
  /** NDA_SRC_VNI (VXLAN FDB on a collect-metadata device only). */
  srcVni?: number;
  /** NDA_IFINDEX (VXLAN FDB only): the device to reach the remote through (`via DEV`). */
  via?: LinkRef;
  /**
   * A proxy entry (NTF_PROXY, `ip neigh add proxy …`): the kernel answers ARP / neighbour
   * solicitations for `dst` on the link. It has no lladdr; the state says only whether it is
   * permanent. Same as naming `'proxy'` in `flags`. The kernel applies no NLM_F_EXCL to proxy
   * entries: `add` of an existing one updates it (flags, protocol) instead of failing EEXIST.
   */
  proxy?: boolean;
  /**
   * NTF_* flags by name (`['self']`, `['master']`, `['router']`, `['extern_learn']` …; `managed`,
   * `locked`, `ext_validated` go to NDA_FLAGS_EXT), or ndm_flags as a number 0..255. An FDB entry
   * (family `'bridge'`) with neither `self` nor `master` gets `self`, as `bridge fdb add|del` does.
   */
  flags?: NeighborFlagName[] | number;
  /**
   * NDA_MASTER: the master (bridge, VRF) of the link, resolved to its ifindex and sent along. Kernel
   * 6.18 reads NDA_MASTER only in dump requests (see {@link NeighborListOptions.master}); on add and
   * delete it is accepted and ignored.
   */
  master?: LinkRef;
}

/** A neighbour or FDB entry to add, replace or append. */
export interface NeighborOptions extends NeighborKey {
  /** NUD_* state: a name, names, or the raw bits (default `'permanent'`). */
  state?: NeighborStateName | NeighborStateName[] | number;
  /** NDA_PROTOCOL: who installed the entry (RTPROT_* number or name: `'static'`, `'boot'` …). */
  protocol?: number | string;
  /** NDA_NH_ID (VXLAN FDB only): a nexthop group for the remote. */
  nhId?: number;
}

const KEYS = ['link', 'family', 'dst', 'lladdr', 'vlan', 'vni', 'port', 'srcVni', 'via', 'proxy', 'flags', 'master', 'state', 'protocol', 'nhId'];
const BRIDGE_ONLY = ['vlan', 'vni', 'port', 'srcVni', 'via', 'nhId'] as const;

/** A validated add, replace or delete request, ready to encode (its link references still to resolve). */
export interface CheckedNeighbor {
  /** ndm_family: AF_INET, AF_INET6 or AF_BRIDGE. */
  af: number;
  /** The link (ndm_ifindex). */
  link: LinkRef;
  /**
   * NDA_DST: the address as given, checked (request.ts writes its 4 or 16 bytes straight into the
   * message: a bulk call keeps no bytes per item).
   */
  dst: string | undefined;
  /** NDA_DST of IPv4 as a number ({@link ipv4Number}: parsed once, written as it is), else -1. */
  dst4: number;
  /**
   * NDA_LLADDR of a 6-byte MAC address as a number ({@link macNumber}: parsed once, written as it
   * is; a bulk call keeps no bytes per item), else -1.
   */
  mac: number;
  /** NDA_LLADDR of any other link-layer address (another length, a tunnel's IP address) as bytes; undefined with a MAC or none. */
  lladdr: Uint8Array | undefined;
  /** ndm_state: NUD_* bits. */
  state: number;
  /** ndm_flags: NTF_* bits. */
  flags: number;
  /** NDA_FLAGS_EXT: NTF_EXT_* bits, when any was named. */
  flagsExt: number | undefined;
  /** NDA_VLAN. */
  vlan: number | undefined;
  /** NDA_VNI. */
  vni: number | undefined;
  /** NDA_PORT, in host order (sent big-endian). */
  port: number | undefined;
  /** NDA_SRC_VNI. */
  srcVni: number | undefined;
  /** NDA_IFINDEX: the VXLAN remote's device. */
  via: LinkRef | undefined;
  /** NDA_MASTER. */
  master: LinkRef | undefined;
  /** NDA_PROTOCOL. */
  protocol: number | undefined;
  /** NDA_NH_ID. */
  nhId: number | undefined;
}

/** Checks a neighbour family: 4, 6 or `'bridge'`. */
export function checkFamily(field: string, value: unknown): NeighborFamily {
  if (value === 4 || value === 6 || value === 'bridge') return value;
  throw new ValidationError(field, value, "4, 6 or 'bridge' is required");
}

/** ndm_family of a checked family (AF_UNSPEC when none is given). */
export function afOf(family: NeighborFamily | undefined): number {
  return family === undefined ? AF_UNSPEC : family === 4 ? AF_INET : family === 6 ? AF_INET6 : AF_BRIDGE;
}

/** The state names for error messages (any case is accepted). */
const stateNames = (): string[] => NEIGHBOR_STATES.names().filter((name) => name === name.toLowerCase());

/** One state name, in any case (`'permanent'`, `'PERMANENT'`; the mixed ones are upper-cased first). */
function stateBit(field: string, value: unknown): number {
  const bit = typeof value === 'string' ? NEIGHBOR_STATES.value(value) ?? NEIGHBOR_STATES.value(value.toUpperCase()) : undefined;
  if (bit === undefined) throw new ValidationError(field, value, `unknown state (known: ${stateNames().join(', ')})`);
  return bit;
}

/** NUD_* bits from a name, names, or the raw bits (0..0xffff). */
export function checkState(field: string, value: unknown): number {
  if (typeof value === 'number') return checkInt(field, value, 0, 0xffff);
  if (!Array.isArray(value)) return stateBit(field, value);
  const list = checkArray(field, value, 'state names');
  let state = 0;
  for (let i = 0; i < list.length; i++) state |= stateBit(`${field}[${i}]`, list[i]);
  return state;
}

/** The flag names accepted on input, for error messages. */
const flagNames = (): string[] => [...NEIGHBOR_FLAGS.names(), ...NEIGHBOR_EXT_FLAGS.names()];

/** ndm_flags and the NDA_FLAGS_EXT bits (undefined when no extended flag is named). */
function checkFlags(field: string, value: unknown): { flags: number; ext: number | undefined } {
  if (value === undefined) return { flags: 0, ext: undefined };
  if (typeof value === 'number') return { flags: checkInt(field, value, 0, 0xff), ext: undefined };
  if (!Array.isArray(value)) throw new ValidationError(field, value, 'an array of flag names or a number 0..255 is required');
  const list = checkArray(field, value, 'flag names');
  let flags = 0;
  let ext: number | undefined;
  for (let i = 0; i < list.length; i++) {
    const name = list[i];
    const bit = typeof name === 'string' ? NEIGHBOR_FLAGS.value(name) : undefined;
    const extBit = typeof name === 'string' && bit === undefined ? NEIGHBOR_EXT_FLAGS.value(name) : undefined;
    if (bit !== undefined) flags |= bit;
    else if (extBit !== undefined) ext = (ext ?? 0) | extBit;
    else throw new ValidationError(`${field}[${i}]`, name, `unknown flag (known: ${flagNames().join(', ')})`);
  }
  return { flags, ext };
}

/** The path of option `name` inside the request at `field` (`'link'`, `'items[3].link'`); built only for errors. */
function pathOf(field: string, name: string): string {
  return field === '' ? name : `${field}.${name}`;
}

/**
 * Validates one request object completely (no I/O). `field` names it in errors (`''`, `'items[3]'`).
 *
 * Bulk calls run this once per item, most of them before the optimising compiler has seen it, so
 * the common shapes (a plain link name or ifindex, an IP address, a MAC address, a state name)
 * are recognised by fast checks that allocate no field path; anything else takes the full check of
 * the same field, which names it in its ValidationError. The order of the checks, and so which
 * error a bad request gets, is the same either way.
 */
export function checkNeighbor(field: string, value: unknown): CheckedNeighbor {
  const o = checkObject(field || 'options', value);
  checkKeys(field, o, KEYS);
  const rawLink = o.link;
  if (rawLink === undefined) throw new ValidationError(pathOf(field, 'link'), undefined, 'the link is required');
  const link = isPlainLinkName(rawLink) || isIfindex(rawLink) ? rawLink : checkLinkRef(pathOf(field, 'link'), rawLink);
  const rawFamily = o.family;
  let family = rawFamily === undefined ? undefined : checkFamily(pathOf(field, 'family'), rawFamily);
  const rawDst = o.dst;
  let version: 0 | 4 | 6 = 0;
  let dst4 = -1;
  if (rawDst !== undefined) {
    // IPv4 (the usual case) parsed once, into the number the request is written with.
    dst4 = ipv4Number(rawDst);
    version = dst4 >= 0 ? 4 : ipVersion(rawDst);
    if (version === 0) checkIp(pathOf(field, 'dst'), rawDst);
  }
  const dst = rawDst as string | undefined;
  // Read once: it decides the family, and a getter must not answer differently when it is parsed.
  const rawLladdr = o.lladdr;
  if (family === undefined) {
    if (dst !== undefined) family = version as 4 | 6;
    else if (rawLladdr !== undefined) family = 'bridge';
    else throw new ValidationError(pathOf(field, 'dst'), undefined, 'a dst (or, for an FDB entry, an lladdr) is required');
  }
  const bridge = family === 'bridge';
  if (!bridge) {
    if (dst === undefined) throw new ValidationError(pathOf(field, 'dst'), undefined, `a dst is required for family ${family}`);
    if (version !== family) throw new ValidationError(pathOf(field, 'dst'), rawDst, `an IPv${family} address is required for family ${family}`);
    if (o.vlan !== undefined || o.vni !== undefined || o.port !== undefined || o.srcVni !== undefined || o.via !== undefined || o.nhId !== undefined) {
      for (let i = 0; i < BRIDGE_ONLY.length; i++) {
        const k = BRIDGE_ONLY[i]!;
        if (o[k] !== undefined) throw new ValidationError(pathOf(field, k), o[k], "only bridge FDB entries (family 'bridge') take this option");
      }
    }
  } else if (rawLladdr === undefined) {
    throw new ValidationError(pathOf(field, 'lladdr'), undefined, 'an FDB entry needs its lladdr (MAC address)');
  }
  const mac = rawLladdr === undefined ? -1 : macNumber(rawLladdr);
  const lladdr = rawLladdr === undefined || mac >= 0 ? undefined : parseLladdr(pathOf(field, 'lladdr'), rawLladdr, bridge);
  let flags = 0;
  let flagsExt: number | undefined;
  const rawFlags = o.flags;
  if (rawFlags !== undefined) {
    const f = checkFlags(pathOf(field, 'flags'), rawFlags);
    flags = f.flags;
    flagsExt = f.ext;
  }
  const rawProxy = o.proxy;
  const proxy = rawProxy === undefined ? false : checkBool(pathOf(field, 'proxy'), rawProxy);
  if (proxy) {
    if (bridge) throw new ValidationError(pathOf(field, 'proxy'), rawProxy, 'FDB entries have no proxy table');
    flags |= NTF_PROXY;
  }
  if ((flags & NTF_PROXY) !== 0 && rawLladdr !== undefined) {
    throw new ValidationError(pathOf(field, 'lladdr'), rawLladdr, 'a proxy entry has no link-layer address');
  }
  const rawState = o.state;
  const state = rawState === undefined ? NUD_PERMANENT
    : (typeof rawState === 'string' ? NEIGHBOR_STATES.value(rawState) : undefined) ?? checkState(pathOf(field, 'state'), rawState);
  return {
    af: afOf(family),
    link,
    dst,
    dst4,
    lladdr,
    mac,
    state,
    // bridge fdb add|del "assume self": with neither NTF_SELF nor NTF_MASTER a vxlan refuses the
    // entry (EOPNOTSUPP) and a bridge port hands it to its master.
    flags: bridge && (flags & (NTF_SELF | NTF_MASTER)) === 0 ? flags | NTF_SELF : flags,
    flagsExt,
    vlan: o.vlan === undefined ? undefined : checkInt(pathOf(field, 'vlan'), o.vlan, 0, 4094),
    vni: o.vni === undefined ? undefined : checkInt(pathOf(field, 'vni'), o.vni, 0, 0xffffff),
    port: o.port === undefined ? undefined : checkInt(pathOf(field, 'port'), o.port, 0, 0xffff),
    srcVni: o.srcVni === undefined ? undefined : checkInt(pathOf(field, 'srcVni'), o.srcVni, 0, 0xffffff),
    via: o.via === undefined ? undefined : checkLinkRef(pathOf(field, 'via'), o.via),
    master: o.master === undefined ? undefined : checkLinkRef(pathOf(field, 'master'), o.master),
    protocol: o.protocol === undefined ? undefined : PROTOCOLS.check(pathOf(field, 'protocol'), o.protocol),
    nhId: o.nhId === undefined ? undefined : checkU32(pathOf(field, 'nhId'), o.nhId),
  };
}

/**
 * What `neighbors.get` looks up (RTM_GETNEIGH for one entry): a neighbour by link and `dst` (`ip
 * neigh get DST dev LINK [proxy]`), or a bridge FDB entry by `lladdr` and its port (`link`) or
 * bridge (`master`), as `bridge fdb get MAC dev PORT | br BRIDGE [vlan N]` does.
 */
export interface NeighborGetOptions {
  /** The link (ndm_ifindex); required for a neighbour, the port for an FDB entry. */
  link?: LinkRef;
  /** The family; inferred from `dst` (4 or 6), or `'bridge'` when only `lladdr` is given. */
  family?: NeighborFamily;
  /** NDA_DST: the neighbour's address. */
  dst?: string;
  /** NTF_PROXY: the proxy entry for `dst` (`ip neigh get proxy …`). */
  proxy?: boolean;
  /** NDA_LLADDR (FDB): the MAC address. */
  lladdr?: string;
  /** NDA_MASTER (FDB): the bridge, when no port is given (`bridge fdb get … br BRIDGE`). */
  master?: LinkRef;
  /** NDA_VLAN (FDB): 0..4094. */
  vlan?: number;
  /** NDA_VNI (FDB on a VXLAN device): 0..16777215. */
  vni?: number;
  /** ndm_flags (FDB): `['self']` (the device's own table) or `['master']` (its bridge's). */
  flags?: Array<'self' | 'master'>;
}

const GET_KEYS = ['link', 'family', 'dst', 'proxy', 'lladdr', 'master', 'vlan', 'vni', 'flags'];
const FDB_GET_ONLY = ['lladdr', 'master', 'vlan', 'vni', 'flags'];

/** A checked get: the ndmsg family and flags, the attributes, the links still to resolve. */
export interface CheckedNeighborGet {
  /** ndm_family: AF_INET, AF_INET6 or AF_BRIDGE. */
  af: number;
  /** ndm_flags: NTF_PROXY, NTF_SELF or NTF_MASTER (or 0). */
  flags: number;
  /** The link (ndm_ifindex). */
  link: LinkRef | undefined;
  /** NDA_DST. */
  dst: Uint8Array | undefined;
  /** NDA_LLADDR. */
  lladdr: Uint8Array | undefined;
  /** NDA_MASTER. */
  master: LinkRef | undefined;
  /** NDA_VLAN. */
  vlan: number | undefined;
  /** NDA_VNI. */
  vni: number | undefined;
}

/** ndm_flags of an FDB lookup: `self` and `master` only (the kernel refuses any other). */
function checkFdbGetFlags(field: string, value: unknown): number {
  const list = checkArray(field, value, "'self' / 'master'");
  let flags = 0;
  for (let i = 0; i < list.length; i++) {
    if (list[i] === 'self') flags |= NTF_SELF;
    else if (list[i] === 'master') flags |= NTF_MASTER;
    else throw new ValidationError(`${field}[${i}]`, list[i], "'self' or 'master' is required");
  }
  return flags;
}

/** Checks the options of `get` completely (no I/O). */
export function checkNeighborGet(value: unknown): CheckedNeighborGet {
  const o = checkObject('options', value);
  checkKeys('', o, GET_KEYS);
  let family = o.family === undefined ? undefined : checkFamily('family', o.family);
  const dst = o.dst === undefined ? undefined : parseIp('dst', o.dst, family === 4 || family === 6 ? family : undefined);
  family ??= dst?.version ?? (o.lladdr !== undefined ? 'bridge' : undefined);
  if (family === undefined) throw new ValidationError('dst', undefined, 'a dst (or, for an FDB entry, an lladdr) is required');
  const link = o.link === undefined ? undefined : checkLinkRef('link', o.link);
  if (family !== 'bridge') {
    for (const k of FDB_GET_ONLY) {
      if (o[k] !== undefined) throw new ValidationError(k, o[k], "only FDB lookups (family 'bridge') take this option");
    }
    if (dst === undefined) throw new ValidationError('dst', undefined, `a dst is required for family ${family}`);
    if (link === undefined) throw new ValidationError('link', undefined, 'the link is required (ndm_ifindex)');
    const proxy = o.proxy === undefined ? false : checkBool('proxy', o.proxy);
    return {
      af: afOf(family), flags: proxy ? NTF_PROXY : 0, link, dst: dst.bytes,
      lladdr: undefined, master: undefined, vlan: undefined, vni: undefined,
    };
  }
  if (o.dst !== undefined) throw new ValidationError('dst', o.dst, 'an FDB lookup is by lladdr (and vlan, vni), not dst');
  if (o.proxy !== undefined) throw new ValidationError('proxy', o.proxy, 'FDB entries have no proxy table');
  if (o.lladdr === undefined) throw new ValidationError('lladdr', undefined, 'an FDB lookup needs the lladdr (MAC address)');
  const master = o.master === undefined ? undefined : checkLinkRef('master', o.master);
  if (link === undefined && master === undefined) throw new ValidationError('link', undefined, 'an FDB lookup needs the port (link) or the bridge (master)');
  return {
    af: AF_BRIDGE,
    flags: o.flags === undefined ? 0 : checkFdbGetFlags('flags', o.flags),
    link,
    dst: undefined,
    lladdr: parseLladdr('lladdr', o.lladdr, true),
    master,
    vlan: o.vlan === undefined ? undefined : checkInt('vlan', o.vlan, 0, 4094),
    vni: o.vni === undefined ? undefined : checkInt('vni', o.vni, 0, 0xffffff),
  };
}
