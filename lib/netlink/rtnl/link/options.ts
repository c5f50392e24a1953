/**
 * What callers give `nl.links` (the public option types) and their checks: each turns caller input
 * into a checked form with every field present (undefined when absent), or throws a ValidationError
 * naming the field, before anything is sent. Only own properties of plain objects are read, and
 * the checked forms are built in one object literal each, so a polluted Object.prototype can
 * neither add a field nor change one.
 */
import { checkNamespaceRef } from '../../../netns/checks.js';
import { ValidationError } from '../../core/errors.js';
import { parseMac } from '../../core/mac.js';
import {
  checkBool, checkIfindex, checkInt, checkKeys, checkLinkName, checkLinkRef, checkObject, checkU32, hasLoneSurrogate,
  snapshotPlainData, type LinkRef,
} from '../../core/validate.js';
import { IN6_ADDR_GEN_MODES } from './af-spec.js';
import { checkAlias } from './names.js';
import { LINK_KINDS } from './kinds/index.js';
import { IFF_MULTI_QUEUE, checkTunOptions, type CheckedTun, type TunOptions } from './kinds/tun.js';
import type { Link } from './view.js';
import {
  checkKindData, type BondPortOptions, type BridgePortOptions, type CheckedKindData, type LinkKindOptions, type LinkKindOptionsMap,
} from './kinds/options.js';

/**
 * Link kinds this library accepts in `add`. Kinds with typed IFLA_INFO_DATA are in LINK_KINDS;
 * the others are created without kind data (the kernel may still refuse them: EOPNOTSUPP when the
 * driver is not built in).
 */
export const KNOWN_KINDS: readonly string[] = [...new Set([
  ...LINK_KINDS, 'veth', 'bridge', 'vxlan', 'macvlan', 'macvtap', 'vlan', 'ipvlan', 'ipvtap', 'dummy', 'ifb',
  'bond', 'team', 'wireguard', 'vrf', 'geneve', 'gre', 'gretap', 'ip6gre', 'ip6gretap', 'ipip', 'sit',
  'ip6tnl', 'vti', 'vti6', 'nlmon', 'netkit', 'bareudp', 'xfrm', 'hsr', 'macsec', 'virt_wifi',
])];

/** Settings shared by `add` and `set`. */
export interface LinkSettings {
  /** IFLA_MTU, in bytes. */
  mtu?: number;
  /** IFLA_ADDRESS: the hardware address, `'02:00:00:00:00:01'`. */
  mac?: string;
  /** IFLA_BROADCAST. */
  broadcast?: string;
  /** IFLA_TXQLEN, in packets. */
  txqlen?: number;
  /** IFLA_GROUP. */
  group?: number;
  /** IFLA_IFALIAS. */
  alias?: string;
  /** Administrative state (IFF_UP through ifi_flags / ifi_change). */
  up?: boolean;
  /** Promiscuous mode (IFF_PROMISC, `ip link set … promisc on`): counted once per caller, as ip's. */
  promisc?: boolean;
  /** All-multicast mode (IFF_ALLMULTI, `ip link set … allmulticast on`). */
  allmulticast?: boolean;
  /** Multicast capability (IFF_MULTICAST, `ip link set … multicast on`). */
  multicast?: boolean;
  /** ARP (false sets IFF_NOARP, as `ip link set … arp off`). */
  arp?: boolean;
  /** IFLA_GSO_MAX_SIZE: the largest GSO packet the stack builds for the link, in bytes. */
  gsoMaxSize?: number;
  /** IFLA_GSO_MAX_SEGS: the most segments of a GSO packet. */
  gsoMaxSegs?: number;
  /** IFLA_GRO_MAX_SIZE: the largest packet GRO builds, in bytes. */
  groMaxSize?: number;
  /** IFLA_GSO_IPV4_MAX_SIZE (Linux 6.3+): {@link gsoMaxSize} for IPv4, in bytes. */
  gsoIpv4MaxSize?: number;
  /** IFLA_GRO_IPV4_MAX_SIZE (Linux 6.3+): {@link groMaxSize} for IPv4, in bytes. */
  groIpv4MaxSize?: number;
  /** IFLA_MASTER: the bridge or bond to enslave the link to; `null` releases it. */
  master?: LinkRef | null;
  /**
   * IFLA_NET_NS_FD: move the link into this namespace (a path such as `/run/netns/red`, or an open
   * namespace fd). Moving costs the kernel ~17 ms; creating a link in place is much cheaper.
   */
  netns?: string | number;
}

/**
 * The far end of a veth pair (VETH_INFO_PEER): every setting of a new link but `master` (the
 * kernel does not enslave a peer at creation).
 */
export interface VethPeer extends Omit<LinkSettings, 'master' | 'up' | 'alias'> {
  /** The peer's name (the kernel picks `vethN` if omitted). */
  name?: string;
  /** The peer's ifindex (ifi_index of the peer; the kernel picks one if omitted). */
  index?: number;
  /** Create the peer directly inside this namespace (path or fd). */
  netns?: string | number;
  /** The peer's IFLA_NUM_TX_QUEUES (1..4096). */
  numTxQueues?: number;
  /** The peer's IFLA_NUM_RX_QUEUES (1..4096). */
  numRxQueues?: number;
  /**
   * The peer's IFLA_IFALIAS. The kernel ignores an alias in a creation request, so it is set by a
   * request after the creation; it needs the peer in the same namespace as the handle.
   */
  alias?: string;
  /**
   * Bring the peer up once the pair exists. The kernel cannot open a veth end before its peer is
   * registered (ENOTCONN), so this is a second request after the creation; it needs the peer in
   * the same namespace as the handle.
   */
  up?: boolean;
}

/** What `links.add` needs whatever the kind. */
export interface LinkAddBase extends LinkSettings {
  /** IFLA_IFNAME (1..15 bytes, no `/`, `:` or whitespace). */
  name: string;
  /**
   * The new link's ifindex (ifi_index, `ip link add … index N`), 1..2^31-1; omitted, the kernel
   * picks the next free one. A taken index is a NetlinkError EEXIST.
   */
  index?: number;
  /** IFLA_LINK: the lower device of stacked kinds (macvlan, vlan, ipvlan …). */
  link?: LinkRef;
  /** IFLA_NUM_TX_QUEUES (1..4096). */
  numTxQueues?: number;
  /** IFLA_NUM_RX_QUEUES (1..4096). */
  numRxQueues?: number;
}

/**
 * The kind (IFLA_INFO_KIND) and its options (IFLA_INFO_DATA): typed per kind (`{ kind: 'vxlan',
 * data: { id: 42, port: 4789 } }`), a `peer` for veth, raw bytes for kinds without a table.
 */
export type LinkAddKind =
  | {
    /** IFLA_INFO_KIND `veth`: a pair of linked interfaces. */
    kind: 'veth';
    /** The other end of the pair (VETH_INFO_PEER). */
    peer?: VethPeer;
    /** A veth takes its options as `peer`. */
    data?: never;
  }
  | { [K in keyof LinkKindOptionsMap]: {
    /** IFLA_INFO_KIND: a kind with typed options. */
    kind: K;
    /** IFLA_INFO_DATA: the kind's options. */
    data?: LinkKindOptionsMap[K];
  } }[keyof LinkKindOptionsMap]
  | {
    /** IFLA_INFO_KIND: any other kind the kernel knows (`ifb`, `dummy`, `bond` …). */
    kind: string;
    /** IFLA_INFO_DATA as raw bytes (attributes already encoded). */
    data?: Uint8Array;
  };

/**
 * What `links.add` creates. A tun or tap device may go without a name: the kernel names it `tun0`,
 * `tap0` … (the first free number).
 */
export type LinkAddOptions = (LinkAddBase & LinkAddKind) | (Omit<LinkAddBase, 'name'> & {
  /** IFLA_IFNAME; omitted, the kernel picks `tun<N>` or `tap<N>`. */
  name?: string;
  /** A tun or tap device, made with TUNSETIFF. */
  kind: 'tun';
  /** Its options (TUNSETIFF flags, owner and group). */
  data: TunOptions;
});

/**
 * What `links.openTun` makes: a tun or tap device as `links.add` takes one (`kind: 'tun'`, `data`,
 * settings), with the files it stays open in.
 */
export interface TunOpenOptions extends Omit<LinkAddBase, 'name' | 'index' | 'link' | 'numTxQueues' | 'numRxQueues'> {
  /** IFLA_IFNAME; omitted, the kernel picks `tun<N>` or `tap<N>`. */
  name?: string;
  /** Always `'tun'`: the device is made with TUNSETIFF, not RTM_NEWLINK. */
  kind: 'tun';
  /** The device's options (TUNSETIFF flags, owner and group). */
  data: TunOptions;
  /** How many files (queues) to open, 1..256 (default 1); more than one needs `data.multiQueue`. */
  queues?: number;
  /** Open the files O_NONBLOCK: a read with no packet waiting fails with EAGAIN (default false). */
  nonBlocking?: boolean;
}

/** What `links.openTun` resolves to. */
export interface TunFiles {
  /** The device, as the kernel reports it (undefined when made in another namespace). */
  link: Link | undefined;
  /** One fd per queue (close-on-exec), the caller's to close; the device goes with the last. */
  fds: number[];
}

/** What `links.set` changes. */
export interface LinkSetOptions extends LinkSettings {
  /** A new name (IFLA_IFNAME). */
  name?: string;
  /**
   * IFLA_AF_SPEC / IFLA_INET6_ADDR_GEN_MODE: how the kernel makes the link's IPv6 link-local
   * address (`ip link set … addrgenmode`). Only in `set`: the kernel refuses it at creation
   * (EAFNOSUPPORT).
   */
  addrGenMode?: 'eui64' | 'none' | 'stable_secret' | 'random';
  /**
   * With `netns` only: the ifindex the link takes in its new namespace (IFLA_NEW_IFINDEX, 1..2^31-1;
   * a taken one is a NetlinkError EEXIST). Applied by recent kernels (seen on 6.18); older ones
   * ignore it (the link keeps its index, or gets a free one there) or refuse it.
   */
  index?: number;
  /**
   * The link's kind, for `data`: given, `data` is validated before anything is sent (and the
   * kernel refuses a wrong kind with EOPNOTSUPP); omitted, the kind is read from the kernel first.
   */
  kind?: string;
  /** IFLA_INFO_DATA changes for the link's kind (sent in IFLA_LINKINFO with the kind). */
  data?: LinkKindOptions | Uint8Array;
  /**
   * The kind of the master the link is a port of, for `slaveData`: `'bridge'` (default) or
   * `'bond'` (sent as IFLA_INFO_SLAVE_KIND). With `slaveData`, the link is read first and a port
   * of another master's kind is a ValidationError: the kernel would read the data with its actual
   * master's attribute numbers (bond port options on a bridge port set bridge flags). A link with
   * no master gets the kernel's EOPNOTSUPP.
   */
  slaveKind?: 'bridge' | 'bond';
  /**
   * IFLA_INFO_SLAVE_DATA changes of a bridge port (IFLA_BRPORT_*, e.g. `{ cost: 10, learning: false }`)
   * or, with `slaveKind: 'bond'`, of a bond port (IFLA_BOND_SLAVE_*, e.g. `{ queueId: 5, prio: 7 }`).
   */
  slaveData?: BridgePortOptions | BondPortOptions;
}

/** Filters of `links.list` and `links.stream`. */
export interface LinkListOptions {
  /** Only links of this kind (kernel filter: IFLA_LINKINFO / IFLA_INFO_KIND in the dump request). */
  kind?: string;
  /** Only ports of this master (kernel filter: IFLA_MASTER in the dump request). */
  master?: LinkRef;
  /**
   * Only links with this alias (IFLA_IFALIAS; filtered here: the kernel filters link dumps by
   * master and kind only).
   */
  alias?: string;
  /**
   * false sets RTEXT_FILTER_SKIP_STATS (default true): the kernel then leaves out the per-protocol
   * counters of IFLA_AF_SPEC (IPv6's IFLA_INET6_STATS and IFLA_INET6_ICMP6STATS, ~370 bytes a
   * link) and VF counters; it sends the link's own IFLA_STATS64 either way (Linux 6.18), so
   * `link.stats` is still there.
   */
  stats?: boolean;
}

/**
 * A link named by its alias (IFLA_IFALIAS), for `links.get({ alias })`. Aliases are not unique:
 * the first link with the alias in ifindex order is the one.
 */
export interface LinkAliasRef {
  /** The alias, as `ip link set … alias` set it. */
  alias: string;
}

const SETTINGS_KEYS = [
  'mtu', 'mac', 'broadcast', 'txqlen', 'group', 'alias', 'up', 'promisc', 'allmulticast', 'multicast', 'arp', 'gsoMaxSize',
  'gsoMaxSegs', 'groMaxSize', 'gsoIpv4MaxSize', 'groIpv4MaxSize', 'master', 'netns',
] as const;
const ADD_KEYS = [...SETTINGS_KEYS, 'name', 'index', 'kind', 'peer', 'link', 'data', 'numTxQueues', 'numRxQueues'];
const SET_KEYS = [...SETTINGS_KEYS, 'name', 'index', 'addrGenMode', 'kind', 'data', 'slaveKind', 'slaveData'];
/** The slave kinds whose port options `links.set` writes. */
const SLAVE_DATA_KINDS = new Set(['bridge', 'bond']);
const PEER_KEYS = [...SETTINGS_KEYS.filter((k) => k !== 'master'), 'name', 'index', 'numTxQueues', 'numRxQueues'];
const LIST_KEYS = ['kind', 'master', 'alias', 'stats'];

/**
 * Settings of links.add / links.set / a veth peer, checked. Every field is present (undefined when
 * not given): a fixed shape reads no property through the prototype chain, however polluted.
 */
export interface CheckedSettings {
  /** IFLA_MTU in bytes. */
  mtu: number | undefined;
  /** IFLA_ADDRESS, a valid 6-byte MAC. */
  mac: string | undefined;
  /** IFLA_BROADCAST, a valid 6-byte MAC. */
  broadcast: string | undefined;
  /** IFLA_TXQLEN in packets. */
  txqlen: number | undefined;
  /** IFLA_GROUP. */
  group: number | undefined;
  /** IFLA_IFALIAS. */
  alias: string | undefined;
  /** IFF_UP in ifi_flags / ifi_change. */
  up: boolean | undefined;
  /** IFF_PROMISC in ifi_flags / ifi_change. */
  promisc: boolean | undefined;
  /** IFF_ALLMULTI in ifi_flags / ifi_change. */
  allmulticast: boolean | undefined;
  /** IFF_MULTICAST in ifi_flags / ifi_change. */
  multicast: boolean | undefined;
  /** ARP on: IFF_NOARP cleared (false sets it) in ifi_flags / ifi_change. */
  arp: boolean | undefined;
  /** IFLA_GSO_MAX_SIZE, bytes. */
  gsoMaxSize: number | undefined;
  /** IFLA_GSO_MAX_SEGS. */
  gsoMaxSegs: number | undefined;
  /** IFLA_GRO_MAX_SIZE, bytes. */
  groMaxSize: number | undefined;
  /** IFLA_GSO_IPV4_MAX_SIZE, bytes. */
  gsoIpv4MaxSize: number | undefined;
  /** IFLA_GRO_IPV4_MAX_SIZE, bytes. */
  groIpv4MaxSize: number | undefined;
  /** IFLA_MASTER to resolve (`null`: release, sent as 0). */
  master: LinkRef | null | undefined;
  /** IFLA_NET_NS_FD to open (a path) or use (an fd). */
  netns: string | number | undefined;
}

/** A veth peer, checked. */
export interface CheckedPeer {
  /** The peer's IFLA_IFNAME. */
  name: string | undefined;
  /** The peer's ifi_index (0: the kernel picks). */
  index: number;
  /** The peer's IFLA_NUM_TX_QUEUES. */
  numTxQueues: number | undefined;
  /** The peer's IFLA_NUM_RX_QUEUES. */
  numRxQueues: number | undefined;
  /** The peer's settings (master never set: no key for it). */
  settings: CheckedSettings;
}

/** The options of `links.add`, checked. */
export interface CheckedAdd {
  /** IFLA_IFNAME ('' only for a tun device the kernel names). */
  name: string;
  /** ifi_index of the new link (0: the kernel picks). */
  index: number;
  /** IFLA_INFO_KIND, one of {@link KNOWN_KINDS}. */
  kind: string;
  /** The settings of the new link. */
  settings: CheckedSettings;
  /** IFLA_LINK to resolve. */
  link: LinkRef | undefined;
  /** IFLA_NUM_TX_QUEUES. */
  numTxQueues: number | undefined;
  /** IFLA_NUM_RX_QUEUES. */
  numRxQueues: number | undefined;
  /** The veth peer (kind `veth` only). */
  peer: CheckedPeer | undefined;
  /** IFLA_INFO_DATA (never for a veth: its data is the peer; never for a tun: see `tun`). */
  data: CheckedKindData | undefined;
  /** Kind `tun`: the device's TUNSETIFF flags, owner and group (it is made by ioctl, not by RTM_NEWLINK). */
  tun: CheckedTun | undefined;
}

/** The changes of `links.set`, checked. */
export interface CheckedSet {
  /** The link to change. */
  target: LinkRef;
  /** A new IFLA_IFNAME. */
  name: string | undefined;
  /** IFLA_NEW_IFINDEX: the ifindex in the namespace the link moves to. */
  newIndex: number | undefined;
  /** IFLA_INET6_ADDR_GEN_MODE (IN6_ADDR_GEN_MODE_*). */
  addrGenMode: number | undefined;
  /** The settings to change. */
  settings: CheckedSettings;
  /** The kind given with `data`. */
  kind: string | undefined;
  /** IFLA_INFO_DATA, checked against `kind`. */
  data: CheckedKindData | undefined;
  /**
   * `data` given without a kind, as it was at the call (a deep copy of its plain data): checked once
   * the link's kind is read from the kernel.
   */
  uncheckedData: unknown;
  /** IFLA_INFO_SLAVE_KIND with `slaveData`. */
  slaveKind: string;
  /** IFLA_INFO_SLAVE_DATA of a bridge or bond port. */
  slaveData: CheckedKindData | undefined;
}

/** The filters of `links.list` / `links.stream`, checked. */
export interface CheckedList {
  /** IFLA_INFO_KIND to filter by. */
  kind: string | undefined;
  /** IFLA_MASTER to filter by, to resolve. */
  master: LinkRef | undefined;
  /** IFLA_IFALIAS to filter by (here, not by the kernel). */
  alias: string | undefined;
  /** false: RTEXT_FILTER_SKIP_STATS. */
  stats: boolean;
}


/** A MAC checked by parseMac, kept as the string the attribute codec writes. */
function checkMac(field: string, value: unknown): string {
  parseMac(field, value);
  return value as string;
}

function checkSettings(field: string, o: Record<string, unknown>): CheckedSettings {
  const p = field === '' ? '' : `${field}.`;
  return {
    mtu: o.mtu === undefined ? undefined : checkInt(`${p}mtu`, o.mtu, 0, 0x7fffffff),
    mac: o.mac === undefined ? undefined : checkMac(`${p}mac`, o.mac),
    broadcast: o.broadcast === undefined ? undefined : checkMac(`${p}broadcast`, o.broadcast),
    txqlen: o.txqlen === undefined ? undefined : checkU32(`${p}txqlen`, o.txqlen),
    group: o.group === undefined ? undefined : checkU32(`${p}group`, o.group),
    alias: o.alias === undefined ? undefined : checkAlias(`${p}alias`, o.alias),
    up: o.up === undefined ? undefined : checkBool(`${p}up`, o.up),
    promisc: o.promisc === undefined ? undefined : checkBool(`${p}promisc`, o.promisc),
    allmulticast: o.allmulticast === undefined ? undefined : checkBool(`${p}allmulticast`, o.allmulticast),
    multicast: o.multicast === undefined ? undefined : checkBool(`${p}multicast`, o.multicast),
    arp: o.arp === undefined ? undefined : checkBool(`${p}arp`, o.arp),
    gsoMaxSize: o.gsoMaxSize === undefined ? undefined : checkU32(`${p}gsoMaxSize`, o.gsoMaxSize),
    gsoMaxSegs: o.gsoMaxSegs === undefined ? undefined : checkU32(`${p}gsoMaxSegs`, o.gsoMaxSegs),
    groMaxSize: o.groMaxSize === undefined ? undefined : checkU32(`${p}groMaxSize`, o.groMaxSize),
    gsoIpv4MaxSize: o.gsoIpv4MaxSize === undefined ? undefined : checkU32(`${p}gsoIpv4MaxSize`, o.gsoIpv4MaxSize),
    groIpv4MaxSize: o.groIpv4MaxSize === undefined ? undefined : checkU32(`${p}groIpv4MaxSize`, o.groIpv4MaxSize),
    master: o.master === undefined ? undefined : o.master === null ? null : checkLinkRef(`${p}master`, o.master),
    netns: o.netns === undefined ? undefined : checkNamespaceRef(`${p}netns`, o.netns),
  };
}

function checkKind(value: unknown): string {
  if (typeof value !== 'string' || !KNOWN_KINDS.includes(value)) {
    throw new ValidationError('kind', value, `unknown link kind (known: ${KNOWN_KINDS.join(', ')})`);
  }
  return value;
}

/** An ifindex to create a link with, or 0 (the kernel picks). */
function checkNewIndex(field: string, value: unknown): number {
  return value === undefined ? 0 : checkIfindex(field, value);
}

/** IFLA_NUM_TX_QUEUES / IFLA_NUM_RX_QUEUES: the kernel refuses 0 and more than 4096 (EINVAL). */
function checkQueues(field: string, value: unknown): number | undefined {
  return value === undefined ? undefined : checkInt(field, value, 1, 4096);
}

function checkPeer(value: unknown, settings: CheckedSettings): CheckedPeer {
  const po = checkObject('peer', value);
  checkKeys('peer', po, PEER_KEYS);
  const peer = checkSettings('peer', po);
  const name = po.name === undefined ? undefined : checkLinkName('peer.name', po.name);
  const elsewhere = peer.netns !== undefined || settings.netns !== undefined;
  if (peer.up === true && elsewhere) {
    throw new ValidationError('peer.up', po.up, 'a peer in another namespace is brought up from a handle in that namespace');
  }
  if (peer.alias !== undefined && elsewhere) {
    throw new ValidationError('peer.alias', po.alias, 'the alias of a peer in another namespace is set from a handle in that namespace');
  }
  return {
    name, index: checkNewIndex('peer.index', po.index), numTxQueues: checkQueues('peer.numTxQueues', po.numTxQueues),
    numRxQueues: checkQueues('peer.numRxQueues', po.numRxQueues), settings: peer,
  };
}

/** Checks the options of `links.add` completely. */
export function checkAdd(options: unknown): CheckedAdd {
  const o = checkObject('options', options);
  checkKeys('', o, ADD_KEYS);
  // A tun device may go unnamed: TUNSETIFF with no name makes the kernel pick tun0, tap0 …
  const name = o.name === undefined && o.kind === 'tun' ? '' : checkLinkName('name', o.name);
  const kind = checkKind(o.kind);
  const settings = checkSettings('', o);
  if (settings.master === null) throw new ValidationError('master', null, 'null (release) only makes sense in set');
  if (settings.alias !== undefined && settings.netns !== undefined) {
    // The kernel ignores IFLA_IFALIAS when it creates a link: it is set by a second request, here.
    throw new ValidationError('alias', o.alias, 'the alias of a link created in another namespace is set from a handle in that namespace');
  }
  const index = checkNewIndex('index', o.index);
  const numTxQueues = checkQueues('numTxQueues', o.numTxQueues);
  const numRxQueues = checkQueues('numRxQueues', o.numRxQueues);
  const link = o.link === undefined ? undefined : checkLinkRef('link', o.link);
  if (o.peer !== undefined && kind !== 'veth') throw new ValidationError('peer', o.peer, 'only a veth has a peer');
  const peer = o.peer === undefined ? undefined : checkPeer(o.peer, settings);
  if (o.data !== undefined && kind === 'veth') throw new ValidationError('data', o.data, 'give the veth peer as the peer option');
  const tun = kind === 'tun' ? checkTunAdd(o, index, numTxQueues, numRxQueues, link) : undefined;
  const data = o.data === undefined || tun !== undefined ? undefined : checkKindData('data', kind, o.data);
  return { name, index, kind, settings, link, numTxQueues, numRxQueues, peer, data, tun };
}

/** Checks the options of `links.openTun`: those of `links.add` for kind `tun`, and the files'. */
export function checkOpenTun(options: unknown): { add: CheckedAdd; tun: CheckedTun; files: { queues: number; nonBlocking: boolean } } {
  const o = checkObject('options', options);
  const queues = o.queues === undefined ? 1 : checkInt('queues', o.queues, 1, 256);
  const nonBlocking = o.nonBlocking === undefined ? false : checkBool('nonBlocking', o.nonBlocking);
  const rest: Record<string, unknown> = { ...o };
  delete rest.queues;
  delete rest.nonBlocking;
  const add = checkAdd(rest);
  if (add.tun === undefined) throw new ValidationError('kind', o.kind, "openTun makes tun and tap devices: kind 'tun' is required");
  if (queues > 1 && (add.tun.flags & IFF_MULTI_QUEUE) === 0) throw new ValidationError('queues', o.queues, 'more than one queue needs data.multiQueue');
  return { add, tun: add.tun, files: { queues, nonBlocking } };
}

/** The options of a tun device to create, and what TUNSETIFF cannot do refused. */
function checkTunAdd(o: Record<string, unknown>, index: number, numTxQueues: number | undefined, numRxQueues: number | undefined,
  link: LinkRef | undefined): CheckedTun {
  const tun = checkTunOptions('data', o.data);
  if (index !== 0) throw new ValidationError('index', o.index, 'a tun device takes the ifindex the kernel gives it (TUNSETIFF has none)');
  if (numTxQueues !== undefined || numRxQueues !== undefined) {
    const field = numTxQueues !== undefined ? 'numTxQueues' : 'numRxQueues';
    throw new ValidationError(field, o[field], 'a tun device gets its queues as they are attached (see data.multiQueue)');
  }
  if (link !== undefined) throw new ValidationError('link', o.link, 'a tun device has no lower device');
  return tun;
}

/**
 * The settings of a link made outside RTM_NEWLINK (a tun device) as `links.set` changes, for the
 * request that follows its creation: every checked setting but `netns` (where it was made);
 * undefined when there is none.
 */
export function settingsAsChanges(s: CheckedSettings): LinkSetOptions | undefined {
  const changes: Record<string, unknown> = {};
  let any = false;
  for (const [key, value] of Object.entries(s)) {
    if (value === undefined || key === 'netns') continue;
    changes[key] = value;
    any = true;
  }
  return any ? changes as LinkSetOptions : undefined;
}

/** Checks the target and changes of `links.set` completely (data without a kind: see {@link CheckedSet}). */
export function checkSet(ref: unknown, changes: unknown): CheckedSet {
  const target = checkLinkRef('link', ref);
  const o = checkObject('changes', changes);
  checkKeys('', o, SET_KEYS);
  const settings = checkSettings('', o);
  const name = o.name === undefined ? undefined : checkLinkName('name', o.name);
  const newIndex = o.index === undefined ? undefined : checkIfindex('index', o.index);
  if (newIndex !== undefined && settings.netns === undefined) {
    throw new ValidationError('index', o.index, 'an ifindex only changes with a move to another namespace (give netns)');
  }
  const addrGenMode = o.addrGenMode === undefined ? undefined : checkAddrGenMode(o.addrGenMode);
  const kind = o.kind === undefined ? undefined : checkKind(o.kind);
  if (kind !== undefined && o.data === undefined) throw new ValidationError('kind', kind, 'kind only goes with data (a link cannot change kind)');
  if (kind === 'tun') throw new ValidationError('data', o.data, 'tun options are given only when the device is created (the kernel cannot change them)');
  const data = o.data === undefined || kind === undefined ? undefined : checkKindData('data', kind, o.data);
  if (o.slaveKind !== undefined && (typeof o.slaveKind !== 'string' || !SLAVE_DATA_KINDS.has(o.slaveKind))) {
    throw new ValidationError('slaveKind', o.slaveKind, `one of ${[...SLAVE_DATA_KINDS].join(', ')} is required`);
  }
  const slaveKind = (o.slaveKind as string | undefined) ?? 'bridge';
  if (o.slaveKind !== undefined && o.slaveData === undefined) throw new ValidationError('slaveKind', o.slaveKind, 'slaveKind only goes with slaveData');
  const slaveData = o.slaveData === undefined ? undefined : checkKindData('slaveData', slaveKind, o.slaveData, true);
  return {
    target, name, newIndex, addrGenMode, settings, kind, data, uncheckedData: kind === undefined ? snapshotPlainData(o.data) : undefined, slaveKind, slaveData,
  };
}

/** Checks the filters of `links.list` / `links.stream`. */
export function checkList(options: unknown): CheckedList {
  const o = checkObject('options', options);
  checkKeys('', o, LIST_KEYS);
  const kind = o.kind === undefined ? undefined : checkKindFilter(o.kind);
  const stats = o.stats === undefined ? true : checkBool('stats', o.stats);
  const master = o.master === undefined ? undefined : checkLinkRef('master', o.master);
  const alias = o.alias === undefined ? undefined : checkAlias('alias', o.alias);
  return { kind, master, alias, stats };
}

/** MODULE_NAME_LEN - 1: the longest kind the kernel reads from IFLA_INFO_KIND, in bytes. */
const KIND_MAX = 55;

/**
 * A kind to list links of: any kind the kernel may know (not only {@link KNOWN_KINDS}), as a C string
 * of 1..55 bytes (the kernel would cut it at a NUL, or at 55 bytes, and match another kind).
 */
function checkKindFilter(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > KIND_MAX || Buffer.byteLength(value) > KIND_MAX || value.includes('\0')
    || hasLoneSurrogate(value)) {
    throw new ValidationError('kind', value, `a kind name of 1..${KIND_MAX} bytes of valid Unicode without NUL is required`);
  }
  return value;
}

/** An IPv6 address generation mode by name (the numbers are the kernel's, not the API's). */
function checkAddrGenMode(value: unknown): number {
  const mode = typeof value === 'string' ? IN6_ADDR_GEN_MODES.value(value) : undefined;
  if (mode === undefined) throw new ValidationError('addrGenMode', value, `one of ${IN6_ADDR_GEN_MODES.names().join(', ')} is required`);
  return mode;
}
