/**
 * What callers give `nl.neighbors` (the public option types) and its checks: caller input in, a
 * {@link CheckedNeighbor} out (every field parsed and range-checked, nothing sent yet), or a
 * ValidationError naming the field. Options are read from own properties only.
 */
import { ValidationError } from '../../core/errors.js';
import { AF_BRIDGE, AF_INET, AF_INET6, AF_UNSPEC, parseIp } from '../../core/inet.js';
import { parseMac } from '../../core/mac.js';
import { checkBool, checkInt, checkKeys, checkLinkRef, checkObject, checkU32, type LinkRef } from '../../core/validate.js';
import { PROTOCOLS } from '../enums.js';
import {
  NEIGHBOR_EXT_FLAGS, NEIGHBOR_FLAGS, NEIGHBOR_STATES, NTF_MASTER, NTF_SELF, NUD_PERMANENT,
  type NeighborFlagName, type NeighborStateName,
} from './codec.js';

export type { NeighborFlagName, NeighborStateName } from './codec.js';

/** The family of a neighbour request: 4 (ARP), 6 (NDP) or `'bridge'` (FDB). */
export type NeighborFamily = 4 | 6 | 'bridge';

/** Filters of `neighbors.list` and `neighbors.stream`, applied by the kernel. */
export interface NeighborListOptions {
  /** Only entries on this link (NDA_IFINDEX in the dump request). */
  link?: LinkRef;
  /** Only this family; omitted: IPv4 and IPv6 neighbours (FDB entries need `'bridge'`). */
  family?: NeighborFamily;
  /** Only entries of links enslaved to this master (NDA_MASTER in the dump request). */
  master?: LinkRef;
  /** The proxy entries (NTF_PROXY, `ip neigh show proxy`) instead of the ordinary ones. */
  proxy?: boolean;
}

/** What identifies a neighbour or FDB entry (the options of `del`). */
export interface NeighborKey {
  /** The link (ndm_ifindex), by name or ifindex. */
  link: LinkRef;
  /** The family; inferred from `dst` (4 or 6), or `'bridge'` when only `lladdr` is given. */
  family?: NeighborFamily;
  /** NDA_DST: the neighbour's address; for a VXLAN FDB entry, the remote (IPv4 or IPv6). */
  dst?: string;
  /** NDA_LLADDR: the hardware address (required for FDB entries). */
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

const KEYS = ['link', 'family', 'dst', 'lladdr', 'vlan', 'vni', 'port', 'srcVni', 'via', 'flags', 'master', 'state', 'protocol', 'nhId'];
const LIST_KEYS = ['link', 'family', 'master', 'proxy'];
const BRIDGE_ONLY = ['vlan', 'vni', 'port', 'srcVni', 'via', 'nhId'];

/** A validated add, replace or delete request, ready to encode (its link references still to resolve). */
export interface CheckedNeighbor {
  /** ndm_family: AF_INET, AF_INET6 or AF_BRIDGE. */
  af: number;
  /** The link (ndm_ifindex). */
  link: LinkRef;
  /** NDA_DST (4 or 16 bytes). */
  dst: Uint8Array | undefined;
  /** NDA_LLADDR. */
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

function checkFamily(field: string, value: unknown): NeighborFamily {
  if (value === 4 || value === 6 || value === 'bridge') return value;
  throw new ValidationError(field, value, "4, 6 or 'bridge' is required");
}

/** ndm_family of a checked family (AF_UNSPEC when none is given). */
function afOf(family: NeighborFamily | undefined): number {
  return family === undefined ? AF_UNSPEC : family === 4 ? AF_INET : family === 6 ? AF_INET6 : AF_BRIDGE;
}

/** The state names for error messages (any case is accepted). */
const STATE_NAMES = NEIGHBOR_STATES.names().filter((name) => name === name.toLowerCase());

/** One state name, in any case (`'permanent'`, `'PERMANENT'`; the mixed ones are upper-cased first). */
function stateBit(field: string, value: unknown): number {
  const bit = typeof value === 'string' ? NEIGHBOR_STATES.value(value) ?? NEIGHBOR_STATES.value(value.toUpperCase()) : undefined;
  if (bit === undefined) throw new ValidationError(field, value, `unknown state (known: ${STATE_NAMES.join(', ')})`);
  return bit;
}

function checkState(field: string, value: unknown): number {
  if (value === undefined) return NUD_PERMANENT;
  if (typeof value === 'number') return checkInt(field, value, 0, 0xffff);
  if (!Array.isArray(value)) return stateBit(field, value);
  let state = 0;
  for (let i = 0; i < value.length; i++) state |= stateBit(`${field}[${i}]`, value[i]);
  return state;
}

/** The flag names accepted on input, for error messages. */
const FLAG_NAMES = [...NEIGHBOR_FLAGS.names(), ...NEIGHBOR_EXT_FLAGS.names()];

/** ndm_flags and the NDA_FLAGS_EXT bits (undefined when no extended flag is named). */
function checkFlags(field: string, value: unknown): { flags: number; ext: number | undefined } {
  if (value === undefined) return { flags: 0, ext: undefined };
  if (typeof value === 'number') return { flags: checkInt(field, value, 0, 0xff), ext: undefined };
  if (!Array.isArray(value)) throw new ValidationError(field, value, 'an array of flag names or a number 0..255 is required');
  let flags = 0;
  let ext: number | undefined;
  for (let i = 0; i < value.length; i++) {
    const name: unknown = value[i];
    const bit = typeof name === 'string' ? NEIGHBOR_FLAGS.value(name) : undefined;
    const extBit = typeof name === 'string' && bit === undefined ? NEIGHBOR_EXT_FLAGS.value(name) : undefined;
    if (bit !== undefined) flags |= bit;
    else if (extBit !== undefined) ext = (ext ?? 0) | extBit;
    else throw new ValidationError(`${field}[${i}]`, name, `unknown flag (known: ${FLAG_NAMES.join(', ')})`);
  }
  return { flags, ext };
}

/**
 * A hardware address `aa:bb:…` of 1..32 bytes; FDB entries need exactly 6. The length comes from
 * the text, the parsing from core/mac.ts (a char-code loop: this runs once per bulk item).
 */
function checkLladdr(field: string, value: unknown, bridge: boolean): Uint8Array {
  const n = typeof value === 'string' ? (value.length + 1) / 3 : 0;
  if (Number.isInteger(n) && n >= 1 && n <= 32 && (!bridge || n === 6)) {
    try {
      return parseMac(field, value, n);
    } catch {
      // Said below, with what a neighbour entry takes.
    }
  }
  throw new ValidationError(field, value, bridge ? 'a 6-byte MAC address (aa:bb:cc:dd:ee:ff) is required'
    : 'a link-layer address (aa:bb:…, 1 to 32 bytes) is required');
}

/** Validates one request object completely (no I/O). `field` names it in errors (`''`, `'items[3]'`). */
export function checkNeighbor(field: string, value: unknown): CheckedNeighbor {
  const o = checkObject(field || 'options', value);
  const p = field === '' ? '' : `${field}.`;
  checkKeys(field, o, KEYS);
  if (o.link === undefined) throw new ValidationError(`${p}link`, undefined, 'the link is required');
  const link = checkLinkRef(`${p}link`, o.link);
  let family = o.family === undefined ? undefined : checkFamily(`${p}family`, o.family);
  const dst = o.dst === undefined ? undefined : parseIp(`${p}dst`, o.dst);
  if (family === undefined) {
    if (dst !== undefined) family = dst.version;
    else if (o.lladdr !== undefined) family = 'bridge';
    else throw new ValidationError(`${p}dst`, undefined, 'a dst (or, for an FDB entry, an lladdr) is required');
  }
  const bridge = family === 'bridge';
  if (!bridge) {
    if (dst === undefined) throw new ValidationError(`${p}dst`, undefined, `a dst is required for family ${family}`);
    if (dst.version !== family) throw new ValidationError(`${p}dst`, o.dst, `an IPv${family} address is required for family ${family}`);
    for (const k of BRIDGE_ONLY) {
      if (o[k] !== undefined) throw new ValidationError(`${p}${k}`, o[k], "only bridge FDB entries (family 'bridge') take this option");
    }
  } else if (o.lladdr === undefined) {
    throw new ValidationError(`${p}lladdr`, undefined, 'an FDB entry needs its lladdr (MAC address)');
  }
  const lladdr = o.lladdr === undefined ? undefined : checkLladdr(`${p}lladdr`, o.lladdr, bridge);
  const flags = checkFlags(`${p}flags`, o.flags);
  return {
    af: afOf(family),
    link,
    dst: dst?.bytes,
    lladdr,
    state: checkState(`${p}state`, o.state),
    // bridge fdb add|del "assume self": with neither NTF_SELF nor NTF_MASTER a vxlan refuses the
    // entry (EOPNOTSUPP) and a bridge port hands it to its master.
    flags: bridge && (flags.flags & (NTF_SELF | NTF_MASTER)) === 0 ? flags.flags | NTF_SELF : flags.flags,
    flagsExt: flags.ext,
    vlan: o.vlan === undefined ? undefined : checkInt(`${p}vlan`, o.vlan, 0, 4094),
    vni: o.vni === undefined ? undefined : checkInt(`${p}vni`, o.vni, 0, 0xffffff),
    port: o.port === undefined ? undefined : checkInt(`${p}port`, o.port, 0, 0xffff),
    srcVni: o.srcVni === undefined ? undefined : checkInt(`${p}srcVni`, o.srcVni, 0, 0xffffff),
    via: o.via === undefined ? undefined : checkLinkRef(`${p}via`, o.via),
    master: o.master === undefined ? undefined : checkLinkRef(`${p}master`, o.master),
    protocol: o.protocol === undefined ? undefined : PROTOCOLS.check(`${p}protocol`, o.protocol),
    nhId: o.nhId === undefined ? undefined : checkU32(`${p}nhId`, o.nhId),
  };
}

/** Checked list filters: the dump request's ndmsg family and flags, and the links still to resolve. */
export interface CheckedNeighborList {
  /** ndm_family: AF_UNSPEC (IPv4 and IPv6), AF_INET, AF_INET6 or AF_BRIDGE. */
  af: number;
  /** List the proxy entries (NTF_PROXY in ndm_flags). */
  proxy: boolean;
  /** NDA_IFINDEX filter. */
  link: LinkRef | undefined;
  /** NDA_MASTER filter. */
  master: LinkRef | undefined;
}

/** Checks the options of `list` / `stream`. */
export function checkNeighborList(options: unknown): CheckedNeighborList {
  const o = checkObject('options', options);
  checkKeys('', o, LIST_KEYS);
  const family = o.family === undefined ? undefined : checkFamily('family', o.family);
  const proxy = o.proxy === undefined ? false : checkBool('proxy', o.proxy);
  if (proxy && family === 'bridge') throw new ValidationError('proxy', o.proxy, 'FDB entries have no proxy table');
  return {
    af: afOf(family),
    proxy,
    link: o.link === undefined ? undefined : checkLinkRef('link', o.link),
    master: o.master === undefined ? undefined : checkLinkRef('master', o.master),
  };
}
