/**
 * The kind options of `links.add` / `links.set`: `data` (IFLA_INFO_DATA of the link's kind) and
 * `slaveData` (IFLA_INFO_SLAVE_DATA of a bridge port), typed per kind, and their check. A check
 * validates every value before anything is sent and returns the encoder of the payload, written
 * with the kind's request attribute set once the link names inside (vxlan `link`, bridge port
 * `backupPort`) are resolved to ifindexes.
 */
import { ValidationError } from '../../../core/errors.js';
import { checkLinkRef, checkObject, type LinkRef } from '../../../core/validate.js';
import { LINK_KIND_SETS } from '../codec.js';
import type { BOND_PORT_WRITABLE, BondData, BondPortData, bondWritable } from './bond.js';
import type { BRIDGE_PORT_WRITABLE, BRIDGE_WRITABLE, BridgeData, BridgePortData } from './bridge.js';
import type { GeneveData } from './geneve.js';
import type { GreData } from './gre.js';
import { kindSpecOf, payloadOf, slaveKindSpecOf } from './index.js';
import type { IPVLAN_WRITABLE, IpvlanData } from './ipvlan.js';
import type { MACVLAN_WRITABLE, MacvlanData } from './macvlan.js';
import type { VLAN_WRITABLE, VlanData } from './vlan.js';
import type { VRF_WRITABLE, VrfData } from './vrf.js';
import type { TunOptions } from './tun.js';
import type { VxlanData } from './vxlan.js';

type Widen<T> = T extends bigint ? bigint | number : T;
type OptionsOf<D, K extends keyof D> = { [P in K]?: Widen<Exclude<D[P], undefined>> };

/**
 * Bridge options (IFLA_BR_*) of `links.add` / `links.set`, e.g. `{ stpState: 1, priority: 4096 }`.
 *
 * @interface
 */
export type BridgeOptions = OptionsOf<BridgeData, (typeof BRIDGE_WRITABLE)[number]>;
/**
 * VXLAN options (IFLA_VXLAN_*), e.g. `{ id: 42, port: 4789, group: '239.1.1.1', link: 'eth0' }`;
 * `link` may be a name, resolved to its ifindex.
 *
 * @interface
 */
export type VxlanOptions = Omit<OptionsOf<VxlanData, keyof VxlanData & string>, 'unknown' | 'link'> & {
  /** IFLA_VXLAN_LINK: the underlay device, by name or ifindex. */
  link?: LinkRef;
};
/**
 * macvlan / macvtap options (IFLA_MACVLAN_*), e.g. `{ mode: 'bridge' }`.
 *
 * @interface
 */
export type MacvlanOptions = OptionsOf<MacvlanData, (typeof MACVLAN_WRITABLE)[number]>;
/**
 * vlan options (IFLA_VLAN_*), e.g. `{ id: 100, protocol: '802.1ad' }`.
 *
 * @interface
 */
export type VlanOptions = OptionsOf<VlanData, (typeof VLAN_WRITABLE)[number]>;
/**
 * ipvlan / ipvtap options (IFLA_IPVLAN_*), e.g. `{ mode: 'l3', flags: 'private' }`.
 *
 * @interface
 */
export type IpvlanOptions = OptionsOf<IpvlanData, (typeof IPVLAN_WRITABLE)[number]>;
/**
 * Bridge port options (IFLA_BRPORT_*) of `links.set(port, { slaveData })`; `backupPort` may be a name.
 *
 * @interface
 */
export type BridgePortOptions = Omit<OptionsOf<BridgePortData, (typeof BRIDGE_PORT_WRITABLE)[number]>, 'backupPort'> & {
  /** IFLA_BRPORT_BACKUP_PORT: the port that takes over when this one loses carrier, by name or ifindex. */
  backupPort?: LinkRef;
};
/** geneve options (IFLA_GENEVE_*), e.g. `{ id: 42, remote: '10.1.0.2', port: 6081 }`. */
export type GeneveOptions = Omit<OptionsOf<GeneveData, keyof GeneveData & string>, 'unknown'>;
/**
 * GRE options (IFLA_GRE_*) of gre, gretap, erspan and their ip6 forms, e.g. `{ remote: '10.1.0.2',
 * local: '10.1.0.1', ikey: 42, okey: 42 }`; `link` may be a name. A key without its flags field
 * sends GRE_KEY there, as ip does.
 */
export type GreOptions = Omit<OptionsOf<GreData, keyof GreData & string>, 'unknown' | 'link'> & {
  /** IFLA_GRE_LINK: the underlay device, by name or ifindex. */
  link?: LinkRef;
};
/**
 * bond options (IFLA_BOND_*), e.g. `{ mode: '802.3ad', miimon: 100, xmitHashPolicy: 'layer3+4' }`;
 * `activeSlave` and `primary` may be names.
 */
export type BondOptions = Omit<OptionsOf<BondData, ReturnType<typeof bondWritable>[number]>, 'activeSlave' | 'primary'>
  & {
    /** IFLA_BOND_ACTIVE_SLAVE: the active port (active-backup modes), by name or ifindex. */
    activeSlave?: LinkRef;
    /** IFLA_BOND_PRIMARY: the preferred port, by name or ifindex. */
    primary?: LinkRef;
  };
/** vrf options (IFLA_VRF_*): `{ table: 10 }`. */
export type VrfOptions = OptionsOf<VrfData, (typeof VRF_WRITABLE)[number]>;
/** Bond port options (IFLA_BOND_SLAVE_*) of `links.set(port, { slaveKind: 'bond', slaveData })`. */
export type BondPortOptions = OptionsOf<BondPortData, (typeof BOND_PORT_WRITABLE)[number]>;

/** The `data` options of each kind that takes some. */
export interface LinkKindOptionsMap {
  bridge: BridgeOptions;
  vxlan: VxlanOptions;
  macvlan: MacvlanOptions;
  macvtap: MacvlanOptions;
  vlan: VlanOptions;
  ipvlan: IpvlanOptions;
  ipvtap: IpvlanOptions;
  geneve: GeneveOptions;
  gre: GreOptions;
  gretap: GreOptions;
  erspan: GreOptions;
  ip6gre: GreOptions;
  ip6gretap: GreOptions;
  ip6erspan: GreOptions;
  bond: BondOptions;
  vrf: VrfOptions;
  /** A tun or tap device: made with TUNSETIFF, its options are ioctl flags (see {@link TunOptions}). */
  tun: TunOptions;
}

/** The `slaveData` options of each slave kind that takes some. */
export interface LinkSlaveOptionsMap {
  /** IFLA_BRPORT_* options of a bridge port. */
  bridge: BridgePortOptions;
  /** IFLA_BOND_SLAVE_* options of a bond port. */
  bond: BondPortOptions;
}

/** The `data` options of any kind. */
export type LinkKindOptions = LinkKindOptionsMap[keyof LinkKindOptionsMap];

/**
 * Kind data checked for a request: the link names inside still to resolve, and the encoder of the
 * IFLA_INFO_DATA (or IFLA_INFO_SLAVE_DATA) payload once they are.
 */
export interface CheckedKindData {
  /** The link names inside the data, to resolve to ifindexes (in this order). */
  readonly refs: readonly string[];
  /** The payload, with `ifindexes[i]` standing for `refs[i]`. */
  payload(ifindexes: ReadonlyArray<number | undefined>): Uint8Array;
}

/**
 * Validates `data` for kind `kind` completely (known kind, writable fields, every value) and
 * returns its encoder; throws ValidationError naming `<field>.<name>` (`data.mode`). `slave` checks
 * IFLA_INFO_SLAVE_DATA of a slave kind instead. Raw bytes are accepted for kinds without a table.
 */
export function checkKindData(field: string, kind: string, data: unknown, slave = false): CheckedKindData {
  const ks = slave ? slaveKindSpecOf(kind) : kindSpecOf(LINK_KIND_SETS, kind);
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
        : Object.hasOwn(ks.attrs.defs, key) ? 'read-only (the kernel reports it)'
        : ks.writable.length === 0 ? `unknown option (${kind} takes no options)` : `unknown option (known: ${ks.writable.join(', ')})`;
      throw new ValidationError(`${field}.${key}`, o[key], why);
    }
  }
  const refs: string[] = [];
  const refFields: string[] = [];
  // No prototype: the encoder reads `value.unknown`, which must not come from a polluted Object.prototype.
  const value = Object.create(null) as Record<string, unknown>;
  for (const [key, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (ks.linkRefs.includes(key)) {
      const ref = checkLinkRef(`${field}.${key}`, v);
      if (typeof ref === 'string') {
        refs.push(ref);
        refFields.push(key);
      }
      value[key] = typeof ref === 'string' ? 1 : ref;
    } else {
      value[key] = v;
    }
  }
  ks.check?.(field, value);
  // A trial encode validates every value now, before any I/O.
  payloadOf(ks.request, value, field);
  return {
    refs,
    payload(ifindexes) {
      refFields.forEach((key, i) => { value[key] = ifindexes[i]; });
      return payloadOf(ks.request, value, field);
    },
  };
}
