/**
 * IFLA_LINKINFO: the link kind (`veth`, `bridge` …), its kind-specific IFLA_INFO_DATA and, for a
 * port of a master, IFLA_INFO_SLAVE_KIND / IFLA_INFO_SLAVE_DATA. The data's attribute set depends
 * on the kind (a "sub-message" in YNL terms); the kinds form one static table, built once in
 * codec.ts by {@link linkKindTable} (veth's entry needs the link body codec), with no registry to
 * mutate. Kinds outside the table keep their data as raw bytes.
 *
 * The kind sets live in kinds/<kind>.ts; this file ties them together, types {@link LinkInfo} as a
 * union discriminated by `kind` and `slaveKind`, and codes the IFLA_LINKINFO nest. The data options
 * of `links.add` / `links.set` are checked in kinds/options.ts.
 */
import { forEachAttr, readString } from '../../../core/attributes.js';
import { ValidationError } from '../../../core/errors.js';
import * as C from '../constants.js';
import { BOND_PORT_WRITABLE, bondAttrs, bondPortAttrs, bondWritable, type BondData, type BondPortData } from './bond.js';
import { BRIDGE_PORT_WRITABLE, BRIDGE_WRITABLE, bridgeAttrs, bridgePortAttrs, type BridgeData, type BridgePortData } from './bridge.js';
import { geneveAttrs, geneveWritable, type GeneveData } from './geneve.js';
import { checkGreKeys, greAttrs, greWritable, ip6greAttrs, type GreData } from './gre.js';
import { IPVLAN_WRITABLE, ipvlanAttrs, type IpvlanData } from './ipvlan.js';
import { MACVLAN_WRITABLE, macvlanAttrs, type MacvlanData } from './macvlan.js';
import { tunAttrs, type TunData } from './tun.js';
import type { VethData } from './veth.js';
import { VLAN_WRITABLE, vlanAttrs, type VlanData } from './vlan.js';
import { VRF_WRITABLE, vrfAttrs, vrfPortAttrs, type VrfData, type VrfPortData } from './vrf.js';
import { vxlanAttrs, vxlanRequestAttrs, vxlanWritable, type VxlanData } from './vxlan.js';
import {
  AttrSet, attr, binary, string, type AttrDefs, type AttrValues, type FieldCodec, type UnknownAttr,
} from '../../../core/schema.js';
import { NlWriter } from '../../../core/writer.js';

export type { VethData } from './veth.js';
export type {
  BondOptions, BondPortOptions, BridgeOptions, BridgePortOptions, GeneveOptions, GreOptions, IpvlanOptions, LinkKindOptions,
  LinkKindOptionsMap, LinkSlaveOptionsMap, MacvlanOptions, VlanOptions, VrfOptions, VxlanOptions,
} from './options.js';

/** Kinds whose IFLA_INFO_DATA has no attributes (anything a kernel sends lands in `unknown`). */
const emptyAttrs = new AttrSet('empty', () => ({}));

/** The IFLA_INFO_DATA of kinds without options (dummy, ifb, wireguard): nothing but what a newer kernel adds. */
export type EmptyKindData = AttrValues<typeof emptyAttrs.defs>;

/** The decoded IFLA_INFO_DATA of each typed kind. */
export interface LinkKindDataMap {
  /** A veth's data: its peer (VETH_INFO_PEER), in requests; the kernel reports none. */
  veth: VethData;
  /** IFLA_BR_*: bridge options and state (times in hundredths of a second). */
  bridge: BridgeData;
  /** IFLA_VXLAN_*: VNI, remote or group, ports, TTL, learning … */
  vxlan: VxlanData;
  /** IFLA_MACVLAN_*: mode, flags, source MAC list. */
  macvlan: MacvlanData;
  /** IFLA_MACVLAN_* of a macvtap (the same set as macvlan). */
  macvtap: MacvlanData;
  /** IFLA_VLAN_*: VLAN id, protocol, flags, QoS maps. */
  vlan: VlanData;
  /** IFLA_IPVLAN_*: mode and flags. */
  ipvlan: IpvlanData;
  /** IFLA_IPVLAN_* of an ipvtap (the same set as ipvlan). */
  ipvtap: IpvlanData;
  /** IFLA_TUN_*: owner, group, type, flags and queues of a tun/tap device. */
  tun: TunData;
  /** A dummy has no options (anything a newer kernel reports is kept in `unknown`). */
  dummy: EmptyKindData;
  /** An ifb has no options (anything a newer kernel reports is kept in `unknown`). */
  ifb: EmptyKindData;
  /** IFLA_GENEVE_*: VNI, remote, port, TTL … of a geneve tunnel. */
  geneve: GeneveData;
  /** IFLA_GRE_*: keys, endpoints, TTL … of an IPv4 GRE tunnel (layer 3). */
  gre: GreData;
  /** IFLA_GRE_* of an IPv4 GRE tunnel carrying Ethernet (gretap). */
  gretap: GreData;
  /** IFLA_GRE_* of an IPv4 ERSPAN tunnel (with the ERSPAN version, index, direction, hwid). */
  erspan: GreData;
  /** IFLA_GRE_* of an IPv6 GRE tunnel (layer 3). */
  ip6gre: GreData;
  /** IFLA_GRE_* of an IPv6 GRE tunnel carrying Ethernet. */
  ip6gretap: GreData;
  /** IFLA_GRE_* of an IPv6 ERSPAN tunnel. */
  ip6erspan: GreData;
  /** IFLA_BOND_*: mode, monitoring, hashing, LACP … of a bond. */
  bond: BondData;
  /** IFLA_VRF_*: the routing table of a VRF. */
  vrf: VrfData;
  /** wireguard: created over rtnetlink, configured over genetlink (no IFLA_INFO_DATA). */
  wireguard: EmptyKindData;
}

/** The decoded IFLA_INFO_SLAVE_DATA of each typed slave kind. */
export interface LinkSlaveDataMap {
  /** IFLA_BRPORT_*: the options and STP state of a bridge port. */
  bridge: BridgePortData;
  /** IFLA_BOND_SLAVE_*: the state, queue id, LACP details … of a bond port. */
  bond: BondPortData;
  /** IFLA_VRF_PORT_*: the routing table of the VRF the port belongs to. */
  vrf: VrfPortData;
}

/** A kind with typed IFLA_INFO_DATA. */
export type TypedLinkKind = keyof LinkKindDataMap;

/** The kind-specific data of a link, decoded by its kind's attribute set. */
export type LinkKindData = LinkKindDataMap[TypedLinkKind];

/** The kinds whose data this library decodes and encodes (the keys of the kind table, in its order). */
export const LINK_KINDS: readonly TypedLinkKind[] = [
  'veth', 'bridge', 'vxlan', 'macvlan', 'macvtap', 'vlan', 'ipvlan', 'ipvtap', 'tun', 'dummy', 'ifb', 'geneve', 'gre', 'gretap',
  'erspan', 'ip6gre', 'ip6gretap', 'ip6erspan', 'bond', 'vrf', 'wireguard',
];

/** One entry of the kind table. */
export interface LinkKindSpec {
  /** The set IFLA_INFO_DATA decodes with (what the kernel reports). */
  readonly attrs: AttrSet<AttrDefs>;
  /** The set requests encode with, when it differs (vxlan's TTL_INHERIT is a flag there). */
  readonly request: AttrSet<AttrDefs>;
  /** The fields `links.add` / `links.set` accept in `data`. */
  readonly writable: readonly string[];
  /** Fields naming a link, given by name or ifindex in options and sent as the ifindex. */
  readonly linkRefs: readonly string[];
  /**
   * Checks (and completes) checked options beyond their values, where the kernel would silently
   * ignore something (GRE keys without the key flag); throws ValidationError naming `field`.
   */
  readonly check: ((field: string, value: Record<string, unknown>) => void) | undefined;
}

/** The table of kinds with typed IFLA_INFO_DATA: one entry per {@link TypedLinkKind}. */
export type LinkKindTable = { readonly [K in TypedLinkKind]: LinkKindSpec };

/**
 * A kind's entry. `writable` is the list, or a function listing the fields from the set's
 * definitions: called when the kind's options are first checked, so that the table, built at
 * import, makes no set's definitions (AttrSet makes them on first use).
 */
function spec(attrs: AttrSet<AttrDefs>, writable: readonly string[] | (() => readonly string[]), request = attrs,
  linkRefs: readonly string[] = [], check?: LinkKindSpec['check']): LinkKindSpec {
  if (typeof writable !== 'function') return { attrs, request, writable, linkRefs, check };
  let listed: readonly string[] | undefined;
  return { attrs, request, get writable() { return listed ??= writable(); }, linkRefs, check };
}

/** An attribute set as the table holds it (the field types matter only to the decoded values' types). */
export const asSet = <D extends AttrDefs>(s: AttrSet<D>): AttrSet<AttrDefs> => s as unknown as AttrSet<AttrDefs>;

/** The GRE kinds' entries: IPv4 or IPv6 endpoints, `link` by name, keys checked against their flags. */
const gre = spec(asSet(greAttrs), greWritable, asSet(greAttrs), ['link'], checkGreKeys);
const ip6gre = spec(asSet(ip6greAttrs), greWritable, asSet(ip6greAttrs), ['link'], checkGreKeys);

/**
 * The kind table, given veth's IFLA_INFO_DATA set (kinds/veth.ts; it holds a link body, so
 * codec.ts builds it and calls this once).
 */
export function linkKindTable(veth: AttrSet<AttrDefs>): LinkKindTable {
  return {
    veth: spec(veth, []),
    bridge: spec(asSet(bridgeAttrs), BRIDGE_WRITABLE),
    vxlan: spec(asSet(vxlanAttrs), vxlanWritable, asSet(vxlanRequestAttrs), ['link']),
    macvlan: spec(asSet(macvlanAttrs), MACVLAN_WRITABLE),
    macvtap: spec(asSet(macvlanAttrs), MACVLAN_WRITABLE),
    vlan: spec(asSet(vlanAttrs), VLAN_WRITABLE),
    ipvlan: spec(asSet(ipvlanAttrs), IPVLAN_WRITABLE),
    ipvtap: spec(asSet(ipvlanAttrs), IPVLAN_WRITABLE),
    tun: spec(asSet(tunAttrs), []),
    dummy: spec(asSet(emptyAttrs), []),
    ifb: spec(asSet(emptyAttrs), []),
    geneve: spec(asSet(geneveAttrs), geneveWritable),
    gre: gre,
    gretap: gre,
    erspan: gre,
    ip6gre: ip6gre,
    ip6gretap: ip6gre,
    ip6erspan: ip6gre,
    bond: spec(asSet(bondAttrs), bondWritable, asSet(bondAttrs), ['activeSlave', 'primary']),
    vrf: spec(asSet(vrfAttrs), VRF_WRITABLE),
    wireguard: spec(asSet(emptyAttrs), []),
  };
}

/** The static table of slave kinds with typed IFLA_INFO_SLAVE_DATA. */
export const LINK_SLAVE_KIND_SETS: { readonly [K in keyof LinkSlaveDataMap]: LinkKindSpec } = {
  bridge: spec(asSet(bridgePortAttrs), BRIDGE_PORT_WRITABLE, asSet(bridgePortAttrs), ['backupPort']),
  bond: spec(asSet(bondPortAttrs), BOND_PORT_WRITABLE),
  vrf: spec(asSet(vrfPortAttrs), []),
};

/** The slave kinds whose port options `links.set` takes (`slaveKind`). */
export const SLAVE_KINDS: ReadonlyArray<keyof LinkSlaveDataMap> = ['bridge', 'bond', 'vrf'];

/** The entry of `kind` in `table` (own properties only: `'constructor'` is no kind), or undefined. */
export function kindSpecOf(table: LinkKindTable, kind: string | undefined): LinkKindSpec | undefined {
  return kind !== undefined && Object.hasOwn(table, kind) ? table[kind as TypedLinkKind] : undefined;
}

/** The entry of slave kind `kind`, or undefined. */
export function slaveKindSpecOf(kind: string | undefined): LinkKindSpec | undefined {
  return kind !== undefined && Object.hasOwn(LINK_SLAVE_KIND_SETS, kind) ? LINK_SLAVE_KIND_SETS[kind as keyof LinkSlaveDataMap] : undefined;
}

// ---- LinkInfo ----

interface LinkInfoCommon {
  /** IFLA_INFO_XSTATS, raw. */
  xstats?: Uint8Array;
  /** Attributes of the nest this library does not know. */
  unknown?: UnknownAttr[];
}

/** `kind` and its `data`: typed for the kinds of the kind table, raw bytes for others. */
export type LinkInfoKind =
  | { [K in TypedLinkKind]: { kind: K; data?: LinkKindDataMap[K] } }[TypedLinkKind]
  | { kind?: string; data?: Uint8Array };

/** `slaveKind` and its `slaveData`: typed for bridge ports, raw bytes for others. */
export type LinkInfoSlave =
  | { [K in keyof LinkSlaveDataMap]: { slaveKind: K; slaveData?: LinkSlaveDataMap[K] } }[keyof LinkSlaveDataMap]
  | { slaveKind?: string; slaveData?: Uint8Array };

/**
 * The decoded IFLA_LINKINFO nest: `kind` (IFLA_INFO_KIND), `data` (IFLA_INFO_DATA), `xstats`,
 * `slaveKind` (IFLA_INFO_SLAVE_KIND: the kind of the master this link is a port of) and
 * `slaveData` (IFLA_INFO_SLAVE_DATA). Narrow `data` with {@link linkKindData}.
 */
export type LinkInfo = LinkInfoCommon & LinkInfoKind & LinkInfoSlave;

/** Checks the arguments of {@link linkKindData} / {@link linkSlaveData}: a link info object (or undefined) and a kind name. */
function checkInfoArgs(info: unknown, kind: unknown): void {
  if (info !== undefined && (typeof info !== 'object' || info === null)) throw new ValidationError('info', info, 'a link info object (or undefined) is required');
  if (typeof kind !== 'string') throw new ValidationError('kind', kind, 'a kind name is required');
}

/** The typed data of `info` when its kind is `kind`, else undefined. */
export function linkKindData<K extends TypedLinkKind>(info: LinkInfo | undefined, kind: K): LinkKindDataMap[K] | undefined {
  checkInfoArgs(info, kind);
  if (info === undefined || info.kind !== kind || info.data === undefined || info.data instanceof Uint8Array) return undefined;
  return info.data as LinkKindDataMap[K];
}

/** The typed slave data of `info` when its slave kind is `kind`, else undefined. */
export function linkSlaveData<K extends keyof LinkSlaveDataMap>(info: LinkInfo | undefined, kind: K): LinkSlaveDataMap[K] | undefined {
  checkInfoArgs(info, kind);
  if (info === undefined || info.slaveKind !== kind || info.slaveData === undefined || info.slaveData instanceof Uint8Array) return undefined;
  return info.slaveData as LinkSlaveDataMap[K];
}

/** IFLA_INFO_* with the data attributes raw; the codec below types them by kind. */
const infoAttrs = new AttrSet('link_info', () => ({
  kind: attr(C.IFLA_INFO_KIND, string),
  data: attr(C.IFLA_INFO_DATA, binary),
  xstats: attr(C.IFLA_INFO_XSTATS, binary),
  slaveKind: attr(C.IFLA_INFO_SLAVE_KIND, string),
  slaveData: attr(C.IFLA_INFO_SLAVE_DATA, binary),
}));

/** The attributes of `value` encoded by `set`, as a payload of their own (a copy). */
export function payloadOf(set: AttrSet<AttrDefs>, value: object, path: string): Uint8Array {
  const w = new NlWriter(256);
  set.encode(w, value as AttrValues<AttrDefs>, path);
  return Uint8Array.prototype.slice.call(w.bytes());
}

/** Decodes a data payload kept raw by `infoAttrs` with the set of its kind. */
function decodeData(set: AttrSet<AttrDefs>, raw: Uint8Array, path: string): AttrValues<AttrDefs> {
  const data = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return set.decode(data, 0, data.length, path);
}

/**
 * The IFLA_LINKINFO codec over the kind table `kinds`. Typed data encodes with the set the kernel
 * reports (so a decoded reply re-encodes byte for byte); requests hand in data already encoded
 * with the kinds' request sets (kinds/options.ts), as raw bytes.
 */
export function linkInfoCodec(kinds: LinkKindTable): FieldCodec<LinkInfo> {
  return {
    kind: 'nest(link_info)',
    decode(buf, off, len, path) {
      // The kinds select how the data attributes decode, so find them first.
      let kind: string | undefined;
      let slaveKind: string | undefined;
      forEachAttr(buf, off, off + len, path, (type, aoff, alen) => {
        if (type === C.IFLA_INFO_KIND && kind === undefined) kind = readString(buf, aoff, alen);
        else if (type === C.IFLA_INFO_SLAVE_KIND && slaveKind === undefined) slaveKind = readString(buf, aoff, alen);
      });
      const info = infoAttrs.decode(buf, off, off + len, path) as Record<string, unknown>;
      const ks = kindSpecOf(kinds, kind);
      if (ks !== undefined && info.data instanceof Uint8Array) info.data = decodeData(ks.attrs, info.data, `${path}.data`);
      const ss = slaveKindSpecOf(slaveKind);
      if (ss !== undefined && info.slaveData instanceof Uint8Array) info.slaveData = decodeData(ss.attrs, info.slaveData, `${path}.slaveData`);
      return info as LinkInfo;
    },
    encode(w, type, value, path) {
      if (typeof value !== 'object' || value === null) throw new ValidationError(path, value, 'a link info object is required');
      // A copy only when typed data is replaced by its bytes (a plain kind, the usual request, is
      // written as it is).
      let raw: Record<string, unknown> = value as Record<string, unknown>;
      if (value.data !== undefined && !(value.data instanceof Uint8Array)) {
        const ks = kindSpecOf(kinds, value.kind);
        if (ks === undefined) throw new ValidationError(`${path}.data`, value.data, `kind ${String(value.kind)} has no typed data (give raw bytes)`);
        raw = { ...value, data: payloadOf(ks.attrs, value.data, `${path}.data`) };
      }
      if (value.slaveData !== undefined && !(value.slaveData instanceof Uint8Array)) {
        const ss = slaveKindSpecOf(value.slaveKind);
        if (ss === undefined) throw new ValidationError(`${path}.slaveData`, value.slaveData, `slave kind ${String(value.slaveKind)} has no typed data`);
        raw = { ...raw, slaveData: payloadOf(ss.attrs, value.slaveData, `${path}.slaveData`) };
      }
      const start = w.beginAttr(type);
      infoAttrs.encode(w, raw as AttrValues<typeof infoAttrs.defs>, path);
      w.endNest(start);
    },
  };
}
