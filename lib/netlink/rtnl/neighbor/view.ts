/**
 * Neighbor: one neighbour-table entry (ARP / NDP) or bridge FDB entry as the kernel reported it
 * (RTM_NEWNEIGH), decoded lazily. Field names follow `ip -j neigh` and `bridge -j fdb` in camelCase.
 */
import { AF_BRIDGE, AF_INET, AF_INET6, formatIp } from '../../core/inet.js';
import { MessageView } from '../../core/message-view.js';
import { NLMSG_HDRLEN } from '../../core/protocol.js';
import { PROTOCOLS, ROUTE_TYPES, type RouteTypeName } from '../enums.js';
import * as N from './codec.js';
import { ip, s32, u16, u16be, u32, u8 } from '../../core/schema.js';
import { attrLength } from '../../core/attributes.js';

/** Where the ndmsg fields lie in a message: the struct follows the nlmsghdr. */
const FAMILY = NLMSG_HDRLEN + N.NDMSG.family;
const IFINDEX = NLMSG_HDRLEN + N.NDMSG.ifindex;
const STATE = NLMSG_HDRLEN + N.NDMSG.state;
const FLAGS = NLMSG_HDRLEN + N.NDMSG.flags;
const TYPE = NLMSG_HDRLEN + N.NDMSG.type;

/** The family of a neighbour: 4 (ARP), 6 (NDP), `'bridge'` (FDB), or another AF_* number. */
export type NeighborFamilyValue = 4 | 6 | 'bridge' | number;

/** Maps ndm_family to the API's family value. */
export function neighborFamily(af: number): NeighborFamilyValue {
  return af === AF_INET ? 4 : af === AF_INET6 ? 6 : af === AF_BRIDGE ? 'bridge' : af;
}

/** A neighbour or FDB entry, decoded lazily from its RTM_NEWNEIGH message. */
export class Neighbor extends MessageView {
  protected get headerSize(): number { return N.NDMSG_SIZE; }
  protected get setName(): string { return 'neighbor'; }

  /** The fixed header (struct ndmsg). */
  get header(): N.NdMsg {
    return N.readNdMsg(this.buffer(), this.offset() + NLMSG_HDRLEN);
  }

  /** ndm_family as 4, 6 or `'bridge'`. */
  get family(): NeighborFamilyValue {
    return neighborFamily(this.byteAt(FAMILY));
  }

  /** ndm_ifindex: the link the entry is on. */
  get ifindex(): number {
    return this.s32At(IFINDEX);
  }

  /** NDA_DST: the neighbour's IP address; for a VXLAN FDB entry, the remote VTEP. */
  get dst(): string | undefined {
    return this.attr(N.NDA_DST, ip, 'dst');
  }

  /** NDA_LLADDR: the hardware address (the MAC of an FDB entry), as hex pairs. */
  get lladdr(): string | undefined {
    return this.attr(N.NDA_LLADDR, N.lladdr, 'lladdr');
  }

  /**
   * NDA_LLADDR read as an IP address when it is 4 or 16 bytes long: the link-layer address of a
   * tunnel neighbour (GRE, IPIP, SIT: IPv4; ip6gre, ip6tnl: IPv6), which ip prints this way for
   * those link types. The message does not say the link's type: for a 16-byte hardware address of
   * another kind this is its bytes as IPv6 text. Undefined for other lengths.
   */
  get lladdrIp(): string | undefined {
    const at = this.locate(N.NDA_LLADDR);
    const buf = this.buffer();
    const len = at < 0 ? 0 : attrLength(buf, at);
    return len === 4 || len === 16 ? formatIp(buf, at, len) : undefined;
  }

  /** ndm_state as `ip -j neigh` prints it (`['PERMANENT']`; `[]` for NUD_NONE). */
  get state(): string[] {
    return N.neighborStateNames(this.rawState);
  }

  /** ndm_state as the raw NUD_* bits. */
  get rawState(): number {
    return this.u16At(STATE);
  }

  /** ndm_flags and NDA_FLAGS_EXT as names (`['self']`, `['router']`, `['extern_learn', 'managed']`). */
  get flags(): string[] {
    return N.neighborFlagNames(this.rawFlags, this.flagsExt ?? 0);
  }

  /** ndm_flags as the raw NTF_* bits. */
  get rawFlags(): number {
    return this.byteAt(FLAGS);
  }

  /** NDA_FLAGS_EXT: the NTF_EXT_* bits. */
  get flagsExt(): number | undefined {
    return this.attr(N.NDA_FLAGS_EXT, u32, 'flagsExt');
  }

  /** ndm_type (RTN_*) as `ip` names route types (`'unicast'` …), or its number. */
  get type(): RouteTypeName | number {
    return ROUTE_TYPES.nameOr(this.byteAt(TYPE));
  }

  /** NTF_ROUTER: the neighbour is an IPv6 router. */
  get router(): boolean {
    return (this.rawFlags & N.NTF_ROUTER) !== 0;
  }

  /** NTF_PROXY: a proxy-ARP / proxy-NDP entry. */
  get proxy(): boolean {
    return (this.rawFlags & N.NTF_PROXY) !== 0;
  }

  /** NDA_VLAN: the VLAN of an FDB entry. */
  get vlan(): number | undefined {
    return this.attr(N.NDA_VLAN, u16, 'vlan');
  }

  /** NDA_VNI: the VXLAN network identifier of a remote (only when it differs from the device's). */
  get vni(): number | undefined {
    return this.attr(N.NDA_VNI, u32, 'vni');
  }

  /** NDA_SRC_VNI: the source VNI of an FDB entry on a collect-metadata VXLAN device. */
  get srcVni(): number | undefined {
    return this.attr(N.NDA_SRC_VNI, u32, 'srcVni');
  }

  /** NDA_PORT: the UDP port of a VXLAN remote (only when it differs from the device's). */
  get port(): number | undefined {
    return this.attr(N.NDA_PORT, u16be, 'port');
  }

  /** NDA_MASTER: the ifindex of the bridge an FDB entry belongs to (or the VRF of a neighbour). */
  get master(): number | undefined {
    return this.attr(N.NDA_MASTER, u32, 'master');
  }

  /** NDA_IFINDEX: the outgoing device of a VXLAN remote (`bridge fdb … via DEV`). */
  get viaIfindex(): number | undefined {
    return this.attr(N.NDA_IFINDEX, u32, 'ifindex');
  }

  /** NDA_LINK_NETNSID: the nsid of the namespace holding {@link viaIfindex}. */
  get linkNetnsId(): number | undefined {
    return this.attr(N.NDA_LINK_NETNSID, s32, 'linkNetnsid');
  }

  /** NDA_CACHEINFO: ages in clock ticks and the reference count. */
  get cacheinfo(): N.NeighborCacheinfo | undefined {
    const v = this.attr(N.NDA_CACHEINFO, N.neighborCacheinfo, 'cacheinfo');
    if (v === undefined) return undefined;
    return { confirmed: v.confirmed, used: v.used, updated: v.updated, refcnt: v.refcnt };
  }

  /** NDA_PROBES: how many probes were sent. */
  get probes(): number | undefined {
    return this.attr(N.NDA_PROBES, u32, 'probes');
  }

  /** NDA_PROTOCOL: who installed the entry, as `ip` names it (`'static'`, `'boot'`, `'zebra'` …), or its number. */
  get protocol(): string | number | undefined {
    const v = this.protocolId;
    return v === undefined ? undefined : PROTOCOLS.nameOr(v);
  }

  /** The protocol as a number (RTPROT_*: 3 boot, 4 static …); {@link protocol} names it. */
  get protocolId(): number | undefined {
    return this.attrU8(N.NDA_PROTOCOL, 'protocol');
  }

  /** NDA_NH_ID: the nexthop (group) of a VXLAN FDB entry. */
  get nhId(): number | undefined {
    return this.attr(N.NDA_NH_ID, u32, 'nhId');
  }

  /** Every NDA_* attribute, fully decoded (unknown ones kept raw). */
  get attributes(): N.NeighborAttributes {
    return N.neighborAttrs.decode(this.buffer(), this.attrStart(), this.end(), 'neighbor');
  }

  /**
   * Every field as the getters return it, in a new plain object; fields the message does not carry
   * are left out (as JSON leaves them out). Not included: `header`, `attributes`, `raw`, and what
   * the object holds otherwise (`rawState`, `rawFlags`, `flagsExt` are in `state` and `flags`;
   * `proxy` is the `'proxy'` flag).
   */
  toObject(): NeighborObject {
    const ix = this.attributeIndex();
    // A field whose attribute the index does not hold is skipped without calling its getter.
    const o: NeighborObject = {
      family: this.family, ifindex: this.ifindex, state: this.state, flags: this.flags, router: this.router, proxy: this.proxy, type: this.type,
    };
    const dst = this.dst;
    if (dst !== undefined) o.dst = dst;
    const lladdr = this.lladdr;
    if (lladdr !== undefined) o.lladdr = lladdr;
    const lladdrIp = this.lladdrIp;
    if (lladdrIp !== undefined) o.lladdrIp = lladdrIp;
    if (ix[N.NDA_VLAN] !== 0) {
      const vlan = this.vlan;
      if (vlan !== undefined) o.vlan = vlan;
    }
    if (ix[N.NDA_VNI] !== 0) {
      const vni = this.vni;
      if (vni !== undefined) o.vni = vni;
    }
    if (ix[N.NDA_SRC_VNI] !== 0) {
      const srcVni = this.srcVni;
      if (srcVni !== undefined) o.srcVni = srcVni;
    }
    if (ix[N.NDA_PORT] !== 0) {
      const port = this.port;
      if (port !== undefined) o.port = port;
    }
    if (ix[N.NDA_MASTER] !== 0) {
      const master = this.master;
      if (master !== undefined) o.master = master;
    }
    if (ix[N.NDA_IFINDEX] !== 0) {
      const viaIfindex = this.viaIfindex;
      if (viaIfindex !== undefined) o.viaIfindex = viaIfindex;
    }
    if (ix[N.NDA_LINK_NETNSID] !== 0) {
      const linkNetnsId = this.linkNetnsId;
      if (linkNetnsId !== undefined) o.linkNetnsId = linkNetnsId;
    }
    const cacheinfo = this.cacheinfo;
    if (cacheinfo !== undefined) o.cacheinfo = cacheinfo;
    if (ix[N.NDA_PROBES] !== 0) {
      const probes = this.probes;
      if (probes !== undefined) o.probes = probes;
    }
    if (ix[N.NDA_PROTOCOL] !== 0) {
      const protocol = this.protocol;
      if (protocol !== undefined) o.protocol = protocol;
    }
    if (ix[N.NDA_NH_ID] !== 0) {
      const nhId = this.nhId;
      if (nhId !== undefined) o.nhId = nhId;
    }
    return o;
  }

  /**
   * `ip neigh`'s line, shortened: `10.0.0.2 dev 2 lladdr 02:… REACHABLE`; an FDB entry
   * (`bridge fdb`): `02:… dev 2 [vlan 10] [dst 192.0.2.1] [master 3] PERMANENT`.
   */
  toString(): string {
    const dst = this.dst;
    const lladdr = this.lladdr;
    const state = this.state;
    const tail = `${state.length === 0 ? '' : ` ${state.join(',')}`}`;
    if (this.family === 'bridge') {
      const vlan = this.vlan;
      const master = this.master;
      return `${lladdr ?? ''} dev ${this.ifindex}${vlan === undefined ? '' : ` vlan ${vlan}`}`
        + `${dst === undefined ? '' : ` dst ${dst}`}${master === undefined ? '' : ` master ${master}`}${tail}`;
    }
    return `${dst ?? ''} dev ${this.ifindex}${lladdr === undefined ? '' : ` lladdr ${lladdr}`}${this.router ? ' router' : ''}${tail}`;
  }
}

/** What {@link Neighbor.toObject} returns: the getters' values; a field the message lacks is absent. */
export interface NeighborObject {
  /** ndm_family as 4, 6 or `'bridge'`. */
  family: NeighborFamilyValue;
  /** ndm_ifindex: the link the entry is on. */
  ifindex: number;
  /** ndm_state as `ip -j neigh` prints it (`['PERMANENT']`; `[]` for NUD_NONE). */
  state: string[];
  /** ndm_flags and NDA_FLAGS_EXT as names (`['self']`, `['router']`, `['extern_learn', 'managed']`). */
  flags: string[];
  /** NTF_ROUTER: the neighbour is an IPv6 router. */
  router: boolean;
  /** NTF_PROXY: a proxy-ARP / proxy-NDP entry. */
  proxy: boolean;
  /** ndm_type (RTN_*) as `ip` names route types (`'unicast'` …), or its number. */
  type: RouteTypeName | number;
  /** NDA_DST: the neighbour's IP address; for a VXLAN FDB entry, the remote VTEP. */
  dst?: string;
  /** NDA_LLADDR: the hardware address (the MAC of an FDB entry), as hex pairs. */
  lladdr?: string;
  /** NDA_LLADDR read as an IP address when it is 4 or 16 bytes long: the link-layer address of a tunnel neighbour (GRE, IPIP, SIT: IPv4; ip6gre, ip6tnl: IPv6), which ip prints this way for those link types. */
  lladdrIp?: string;
  /** NDA_VLAN: the VLAN of an FDB entry. */
  vlan?: number;
  /** NDA_VNI: the VXLAN network identifier of a remote (only when it differs from the device's). */
  vni?: number;
  /** NDA_SRC_VNI: the source VNI of an FDB entry on a collect-metadata VXLAN device. */
  srcVni?: number;
  /** NDA_PORT: the UDP port of a VXLAN remote (only when it differs from the device's). */
  port?: number;
  /** NDA_MASTER: the ifindex of the bridge an FDB entry belongs to (or the VRF of a neighbour). */
  master?: number;
  /** NDA_IFINDEX: the outgoing device of a VXLAN remote (`bridge fdb … via DEV`). */
  viaIfindex?: number;
  /** NDA_LINK_NETNSID: the nsid of the namespace holding {@link viaIfindex}. */
  linkNetnsId?: number;
  /** NDA_CACHEINFO: ages in clock ticks and the reference count. */
  cacheinfo?: N.NeighborCacheinfo;
  /** NDA_PROBES: how many probes were sent. */
  probes?: number;
  /** NDA_PROTOCOL: who installed the entry, as `ip` names it (`'static'`, `'boot'`, `'zebra'` …), or its number. */
  protocol?: string | number;
  /** NDA_NH_ID: the nexthop (group) of a VXLAN FDB entry. */
  nhId?: number;
}

/** Decodes a neighbour message into a lazy {@link Neighbor} (the bytes are referenced, not copied).
 * A DecodeError when `buf[off, off + len)` cannot hold the message its nlmsg_len announces (see MessageView). */
export function neighborView(buf: Buffer, off: number, len: number): Neighbor {
  return new Neighbor(buf, off, len);
}
