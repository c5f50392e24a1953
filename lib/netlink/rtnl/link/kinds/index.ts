/**
 * IFLA_LINKINFO: the link kind (`veth`, `bridge` …), its kind-specific IFLA_INFO_DATA and, for a
 * port of a master, IFLA_INFO_SLAVE_KIND / IFLA_INFO_SLAVE_DATA. The data's attribute set depends
 * on the kind (a "sub-message" in YNL terms); the kinds form one static table, {@link LINK_KIND_SETS},
 * with no registry to mutate. Kinds outside the table keep their data as raw bytes.
 *
 * The kind sets live in link-kind-*.ts; this file ties them together, types {@link LinkInfo} as a
 * union discriminated by `kind` and `slaveKind`, and validates and encodes the data options of
 * `links.add` / `links.set`.
 */
import { forEachAttr, readString } from '../../../core/attributes.js';
import { ValidationError } from '../../../core/errors.js';
import * as C from '../constants.js';
import type { LinkBody } from '../codec.js';
import { BRIDGE_PORT_WRITABLE, BRIDGE_WRITABLE, bridgeAttrs, bridgePortAttrs, type BridgeData, type BridgePortData } from './bridge.js';
import { IPVLAN_WRITABLE, ipvlanAttrs, type IpvlanData } from './ipvlan.js';
import { MACVLAN_WRITABLE, macvlanAttrs, type MacvlanData } from './macvlan.js';
import { tunAttrs, type TunData } from './tun.js';
import { VLAN_WRITABLE, vlanAttrs, type VlanData } from './vlan.js';
import { VXLAN_WRITABLE, vxlanAttrs, vxlanRequestAttrs, type VxlanData } from './vxlan.js';
import {
  AttrSet, attr, binary, string, type AttrDefs, type AttrValues, type FieldCodec, type UnknownAttr,
} from '../../../core/schema.js';
import { checkLinkRef, checkObject, type LinkRef } from '../../../core/validate.js';
import { NlWriter } from '../../../core/writer.js';

// linux/veth.h
/** VETH_INFO_PEER: the peer of a veth, a whole link body (struct ifinfomsg + IFLA_*). */
export const VETH_INFO_PEER = 1;

let peerBody: (() => FieldCodec<LinkBody>) | undefined;

/** The peer codec: resolved lazily because link-codec.ts (the body) imports this file. */
const lazyPeerBody: FieldCodec<LinkBody> = {
  kind: 'ifinfomsg',
  decode: (buf, off, len, path) => peerBody!().decode(buf, off, len, path),
  encode: (w, type, v, path) => peerBody!().encode(w, type, v, path),
};

/** IFLA_INFO_DATA of kind `veth` (linux/veth.h). The kernel reports none; requests carry the peer. */
export const vethAttrs = new AttrSet('veth', {
  peer: attr(VETH_INFO_PEER, lazyPeerBody),
});

/** Kinds whose IFLA_INFO_DATA has no attributes (anything a kernel sends lands in `unknown`). */
const emptyAttrs = new AttrSet('empty', {});

/** The decoded IFLA_INFO_DATA of a veth. */
export type VethData = AttrValues<typeof vethAttrs.defs>;
/** The IFLA_INFO_DATA of kinds without options (dummy, ifb): nothing but what a newer kernel adds. */
export type EmptyKindData = AttrValues<typeof emptyAttrs.defs>;

/** The decoded IFLA_INFO_DATA of each typed kind. */
export interface LinkKindDataMap {
  veth: VethData;
  bridge: BridgeData;
  vxlan: VxlanData;
  macvlan: MacvlanData;
  macvtap: MacvlanData;
  vlan: VlanData;
  ipvlan: IpvlanData;
  ipvtap: IpvlanData;
  tun: TunData;
  dummy: EmptyKindData;
  ifb: EmptyKindData;
}

/** The decoded IFLA_INFO_SLAVE_DATA of each typed slave kind. */
export interface LinkSlaveDataMap {
  bridge: BridgePortData;
}

/** A kind with typed IFLA_INFO_DATA. */
export type TypedLinkKind = keyof LinkKindDataMap;

/** The kind-specific data of a link, decoded by its kind's attribute set. */
export type LinkKindData = LinkKindDataMap[TypedLinkKind];

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
}

function spec(attrs: AttrSet<AttrDefs>, writable: readonly string[], request = attrs, linkRefs: readonly string[] = []): LinkKindSpec {
  return { attrs, request, writable, linkRefs };
}

const asSet = <D extends AttrDefs>(s: AttrSet<D>): AttrSet<AttrDefs> => s as unknown as AttrSet<AttrDefs>;

/** The static table of kinds with typed IFLA_INFO_DATA. */
export const LINK_KIND_SETS: { readonly [K in TypedLinkKind]: LinkKindSpec } = {
  veth: spec(asSet(vethAttrs), []),
  bridge: spec(asSet(bridgeAttrs), BRIDGE_WRITABLE),
  vxlan: spec(asSet(vxlanAttrs), VXLAN_WRITABLE, asSet(vxlanRequestAttrs), ['link']),
  macvlan: spec(asSet(macvlanAttrs), MACVLAN_WRITABLE),
  macvtap: spec(asSet(macvlanAttrs), MACVLAN_WRITABLE),
  vlan: spec(asSet(vlanAttrs), VLAN_WRITABLE),
  ipvlan: spec(asSet(ipvlanAttrs), IPVLAN_WRITABLE),
  ipvtap: spec(asSet(ipvlanAttrs), IPVLAN_WRITABLE),
  tun: spec(asSet(tunAttrs), []),
  dummy: spec(asSet(emptyAttrs), []),
  ifb: spec(asSet(emptyAttrs), []),
};

/** The static table of slave kinds with typed IFLA_INFO_SLAVE_DATA. */
export const LINK_SLAVE_KIND_SETS: { readonly [K in keyof LinkSlaveDataMap]: LinkKindSpec } = {
  bridge: spec(asSet(bridgePortAttrs), BRIDGE_PORT_WRITABLE, asSet(bridgePortAttrs), ['backupPort']),
};

/** The kinds whose data this library decodes and encodes. */
export const LINK_KINDS: readonly TypedLinkKind[] = Object.keys(LINK_KIND_SETS) as TypedLinkKind[];

function kindSpec(kind: string | undefined): LinkKindSpec | undefined {
  return kind !== undefined && Object.hasOwn(LINK_KIND_SETS, kind) ? LINK_KIND_SETS[kind as TypedLinkKind] : undefined;
}

function slaveKindSpec(kind: string | undefined): LinkKindSpec | undefined {
  return kind !== undefined && Object.hasOwn(LINK_SLAVE_KIND_SETS, kind) ? LINK_SLAVE_KIND_SETS[kind as 'bridge'] : undefined;
}

// ---- LinkInfo ----

interface LinkInfoCommon {
  /** IFLA_INFO_XSTATS, raw. */
  xstats?: Uint8Array;
  /** Attributes of the nest this library does not know. */
  unknown?: UnknownAttr[];
}

/** `kind` and its `data`: typed for the kinds of {@link LINK_KIND_SETS}, raw bytes for others. */
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

/** The typed data of `info` when its kind is `kind`, else undefined. */
export function linkKindData<K extends TypedLinkKind>(info: LinkInfo | undefined, kind: K): LinkKindDataMap[K] | undefined {
  if (info === undefined || info.kind !== kind || info.data === undefined || info.data instanceof Uint8Array) return undefined;
  return info.data as LinkKindDataMap[K];
}

/** The typed slave data of `info` when its slave kind is `kind`, else undefined. */
export function linkSlaveData<K extends keyof LinkSlaveDataMap>(info: LinkInfo | undefined, kind: K): LinkSlaveDataMap[K] | undefined {
  if (info === undefined || info.slaveKind !== kind || info.slaveData === undefined || info.slaveData instanceof Uint8Array) return undefined;
  return info.slaveData as LinkSlaveDataMap[K];
}

/** IFLA_INFO_* with the data attributes raw; the codec below types them by kind. */
const infoAttrs = new AttrSet('link_info', {
  kind: attr(C.IFLA_INFO_KIND, string),
  data: attr(C.IFLA_INFO_DATA, binary),
  xstats: attr(C.IFLA_INFO_XSTATS, binary),
  slaveKind: attr(C.IFLA_INFO_SLAVE_KIND, string),
  slaveData: attr(C.IFLA_INFO_SLAVE_DATA, binary),
});

function payloadOf(set: AttrSet<AttrDefs>, value: object, path: string): Uint8Array {
  const w = new NlWriter(256);
  set.encode(w, value as AttrValues<AttrDefs>, path);
  return Uint8Array.prototype.slice.call(w.bytes());
}

/**
 * The IFLA_LINKINFO codec. `body` gives the link body codec (veth's peer is a whole link body and
 * link-codec.ts imports this file, so it is handed over here rather than imported).
 */
export function linkInfoCodec(body: () => FieldCodec<LinkBody>): FieldCodec<LinkInfo> {
  peerBody ??= body;
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
      const ks = kindSpec(kind);
      if (ks !== undefined && info.data instanceof Uint8Array) {
        const data = Buffer.from(info.data.buffer, info.data.byteOffset, info.data.byteLength);
        info.data = ks.attrs.decode(data, 0, data.length, `${path}.data`);
      }
      const ss = slaveKindSpec(slaveKind);
      if (ss !== undefined && info.slaveData instanceof Uint8Array) {
        const data = Buffer.from(info.slaveData.buffer, info.slaveData.byteOffset, info.slaveData.byteLength);
        info.slaveData = ss.attrs.decode(data, 0, data.length, `${path}.slaveData`);
      }
      return info as LinkInfo;
    },
    encode(w, type, value, path) {
      if (typeof value !== 'object' || value === null) throw new ValidationError(path, value, 'a link info object is required');
      const raw: Record<string, unknown> = { ...value };
      if (value.data !== undefined && !(value.data instanceof Uint8Array)) {
        const ks = kindSpec(value.kind);
        if (ks === undefined) throw new ValidationError(`${path}.data`, value.data, `kind ${String(value.kind)} has no typed data (give raw bytes)`);
        raw.data = payloadOf(ks.attrs, value.data, `${path}.data`);
      }
      if (value.slaveData !== undefined && !(value.slaveData instanceof Uint8Array)) {
        const ss = slaveKindSpec(value.slaveKind);
        if (ss === undefined) throw new ValidationError(`${path}.slaveData`, value.slaveData, `slave kind ${String(value.slaveKind)} has no typed data`);
        raw.slaveData = payloadOf(ss.attrs, value.slaveData, `${path}.slaveData`);
      }
      const start = w.beginAttr(type);
      infoAttrs.encode(w, raw as AttrValues<typeof infoAttrs.defs>, path);
      w.endNest(start);
    },
  };
}

// ---- options of links.add / links.set ----

type Widen<T> = T extends bigint ? bigint | number : T;
type OptionsOf<D, K extends keyof D> = { [P in K]?: Widen<Exclude<D[P], undefined>> };

/** Bridge options (IFLA_BR_*) of `links.add` / `links.set`, e.g. `{ stpState: 1, priority: 4096 }`. */
export type BridgeOptions = OptionsOf<BridgeData, (typeof BRIDGE_WRITABLE)[number]>;
/**
 * VXLAN options (IFLA_VXLAN_*), e.g. `{ id: 42, port: 4789, group: '239.1.1.1', link: 'eth0' }`;
 * `link` may be a name, resolved to its ifindex.
 */
export type VxlanOptions = Omit<OptionsOf<VxlanData, keyof VxlanData & string>, 'unknown' | 'link'> & { link?: LinkRef };
/** macvlan / macvtap options (IFLA_MACVLAN_*), e.g. `{ mode: 'bridge' }`. */
export type MacvlanOptions = OptionsOf<MacvlanData, (typeof MACVLAN_WRITABLE)[number]>;
/** vlan options (IFLA_VLAN_*), e.g. `{ id: 100, protocol: '802.1ad' }`. */
export type VlanOptions = OptionsOf<VlanData, (typeof VLAN_WRITABLE)[number]>;
/** ipvlan / ipvtap options (IFLA_IPVLAN_*), e.g. `{ mode: 'l3', flags: 'private' }`. */
export type IpvlanOptions = OptionsOf<IpvlanData, (typeof IPVLAN_WRITABLE)[number]>;
/** Bridge port options (IFLA_BRPORT_*) of `links.set(port, { slaveData })`; `backupPort` may be a name. */
export type BridgePortOptions = Omit<OptionsOf<BridgePortData, (typeof BRIDGE_PORT_WRITABLE)[number]>, 'backupPort'> & { backupPort?: LinkRef };

/** The `data` options of each kind that takes some. */
export interface LinkKindOptionsMap {
  bridge: BridgeOptions;
  vxlan: VxlanOptions;
  macvlan: MacvlanOptions;
  macvtap: MacvlanOptions;
  vlan: VlanOptions;
  ipvlan: IpvlanOptions;
  ipvtap: IpvlanOptions;
}

/** The `data` options of any kind. */
export type LinkKindOptions = LinkKindOptionsMap[keyof LinkKindOptionsMap];

/**
 * Kind data checked for a request: link references still to resolve, and the encoder of the
 * IFLA_INFO_DATA (or IFLA_INFO_SLAVE_DATA) payload once they are.
 */
export interface CheckedKindData {
  /** Fields naming links by name, to resolve to ifindexes. */
  readonly refs: ReadonlyArray<readonly [field: string, name: string]>;
  /** The payload with the resolved ifindexes (`resolved.get(field)`). */
  payload(resolved: ReadonlyMap<string, number>): Uint8Array;
}

/**
 * Validates `data` for kind `kind` completely (known kind, writable fields, every value) and
 * returns its encoder; throws ValidationError naming `<field>.<name>` (`data.mode`). `slave` checks
 * IFLA_INFO_SLAVE_DATA of a slave kind instead. Raw bytes are accepted for kinds without a table.
 */
export function checkKindData(field: string, kind: string, data: unknown, slave = false): CheckedKindData {
  const ks = slave ? slaveKindSpec(kind) : kindSpec(kind);
  if (data instanceof Uint8Array) {
    if (ks !== undefined) throw new ValidationError(field, data, `give ${kind} options as an object, not raw bytes`);
    const bytes = Uint8Array.prototype.slice.call(data);
    return { refs: [], payload: () => bytes };
  }
  const o = checkObject(field, data);
  if (ks === undefined) throw new ValidationError(field, data, `${slave ? 'slave kind' : 'kind'} ${kind} has no typed options (give raw bytes)`);
  for (const key of Object.keys(o)) {
    if (o[key] === undefined) continue;
    if (!ks.writable.includes(key)) {
      const why = key === 'peer' && kind === 'veth' ? 'give the veth peer as the peer option'
        : Object.hasOwn(ks.attrs.defs, key) ? 'read-only (the kernel reports it)' : `unknown option (known: ${ks.writable.join(', ')})`;
      throw new ValidationError(`${field}.${key}`, o[key], why);
    }
  }
  const refs: Array<readonly [string, string]> = [];
  const value: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (ks.linkRefs.includes(key)) {
      const ref = checkLinkRef(`${field}.${key}`, v);
      if (typeof ref === 'string') refs.push([key, ref]);
      value[key] = typeof ref === 'string' ? 1 : ref;
    } else {
      value[key] = v;
    }
  }
  // A trial encode validates every value now, before any I/O.
  payloadOf(ks.request, value, field);
  return {
    refs,
    payload(resolved) {
      for (const [key] of refs) value[key] = resolved.get(key);
      return payloadOf(ks.request, value, field);
    },
  };
}
