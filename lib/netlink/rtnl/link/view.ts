/**
 * Link: one network interface as the kernel reported it (RTM_NEWLINK), decoded lazily. Field names
 * follow `ip -j link` in camelCase (`ifindex`, `operstate`, `linkNetnsId`); `name` and `mac` are the
 * names the API promises for IFLA_IFNAME and IFLA_ADDRESS.
 */
import { attrLength, findAttr, readString } from '../../core/attributes.js';
import * as C from './constants.js';
import { type AddrGenMode, type LinkAfSpec } from './af-spec.js';
import {
  IFI_FLAGS_AT, IFI_INDEX_AT, IFI_TYPE_AT, IFINFOMSG_SIZE, linkAfSpec, linkAttrsFor, linkInfo, linkPropAttrs, linkXdpAttrs,
  readIfInfoMsg, linkStats64, type IfInfoMsg, type LinkAttributes, type LinkStats64,
} from './codec.js';
import type { LinkInfo, LinkKindData } from './kinds/index.js';
import { MessageView } from '../../core/message-view.js';
import { NLMSG_HDRLEN } from '../../core/protocol.js';
import { mac, nest, s32, string, u32, u8, type AttrValues } from '../../core/schema.js';

/** The IFF_* flags of a link as booleans (`ip -j` prints them as `UP`, `LOWER_UP` …). */
export interface LinkFlags {
  /** IFF_UP: administratively up (`ip link set … up`). */
  up: boolean;
  /** IFF_BROADCAST: the broadcast address is valid. */
  broadcast: boolean;
  /** IFF_DEBUG: driver debugging on. */
  debug: boolean;
  /** IFF_LOOPBACK: a loopback device. */
  loopback: boolean;
  /** IFF_POINTOPOINT: a point-to-point link. */
  pointopoint: boolean;
  /** IFF_NOTRAILERS: avoid trailers (obsolete, unused by Linux). */
  notrailers: boolean;
  /** IFF_RUNNING: operationally up (RFC 2863 UP). */
  running: boolean;
  /** IFF_NOARP: no ARP / neighbour discovery on the link. */
  noarp: boolean;
  /** IFF_PROMISC: receives every packet. */
  promisc: boolean;
  /** IFF_ALLMULTI: receives every multicast packet. */
  allmulti: boolean;
  /** IFF_MASTER: master of a load balancer (bonding). */
  master: boolean;
  /** IFF_SLAVE: slave of a load balancer (bonding). */
  slave: boolean;
  /** IFF_MULTICAST: supports multicast. */
  multicast: boolean;
  /** IFF_PORTSEL: can set the media type. */
  portsel: boolean;
  /** IFF_AUTOMEDIA: selects the media automatically. */
  automedia: boolean;
  /** IFF_DYNAMIC: addresses are lost when the link goes down. */
  dynamic: boolean;
  /** IFF_LOWER_UP: the driver signals L1 up (carrier). */
  lowerUp: boolean;
  /** IFF_DORMANT: the driver signals dormant. */
  dormant: boolean;
  /** IFF_ECHO: echoes sent packets. */
  echo: boolean;
}

const FLAG_BITS: ReadonlyArray<readonly [keyof LinkFlags, number, string]> = [
  ['up', C.IFF_UP, 'UP'], ['broadcast', C.IFF_BROADCAST, 'BROADCAST'], ['debug', C.IFF_DEBUG, 'DEBUG'],
  ['loopback', C.IFF_LOOPBACK, 'LOOPBACK'], ['pointopoint', C.IFF_POINTOPOINT, 'POINTOPOINT'],
  ['notrailers', C.IFF_NOTRAILERS, 'NOTRAILERS'], ['running', C.IFF_RUNNING, 'RUNNING'],
  ['noarp', C.IFF_NOARP, 'NOARP'], ['promisc', C.IFF_PROMISC, 'PROMISC'], ['allmulti', C.IFF_ALLMULTI, 'ALLMULTI'],
  ['master', C.IFF_MASTER, 'MASTER'], ['slave', C.IFF_SLAVE, 'SLAVE'], ['multicast', C.IFF_MULTICAST, 'MULTICAST'],
  ['portsel', C.IFF_PORTSEL, 'PORTSEL'], ['automedia', C.IFF_AUTOMEDIA, 'AUTOMEDIA'], ['dynamic', C.IFF_DYNAMIC, 'DYNAMIC'],
  ['lowerUp', C.IFF_LOWER_UP, 'LOWER_UP'], ['dormant', C.IFF_DORMANT, 'DORMANT'], ['echo', C.IFF_ECHO, 'ECHO'],
];

/** Decodes ifi_flags into {@link LinkFlags}. */
export function decodeLinkFlags(bits: number): LinkFlags {
  const flags = {} as LinkFlags;
  for (const [name, bit] of FLAG_BITS) flags[name] = (bits & bit) !== 0;
  return flags;
}

/** The IFF_* names `ip -j` prints for ifi_flags (`['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']`), in bit order. */
export function linkFlagNames(bits: number): string[] {
  return FLAG_BITS.filter(([, bit]) => (bits & bit) !== 0).map(([, , name]) => name);
}

/** A network interface, decoded lazily from its RTM_NEWLINK message. */
export class Link extends MessageView {
  protected get headerSize(): number { return IFINFOMSG_SIZE; }
  protected get maxAttr(): number { return C.IFLA_MAX; }
  protected get setName(): string { return 'link'; }

  /** The fixed header (struct ifinfomsg). */
  get header(): IfInfoMsg {
    return readIfInfoMsg(this.buf, this.off + NLMSG_HDRLEN);
  }

  /** ifi_index. */
  get ifindex(): number {
    return this.buf.readInt32LE(this.off + IFI_INDEX_AT);
  }

  /** IFLA_IFNAME. */
  get name(): string {
    return this.attr(C.IFLA_IFNAME, string, 'ifname') ?? '';
  }

  /** IFLA_INFO_KIND inside IFLA_LINKINFO (`'veth'`, `'bridge'` …); undefined for plain devices (lo, physical). */
  get kind(): string | undefined {
    const at = this.locate(C.IFLA_LINKINFO);
    if (at < 0) return undefined;
    const k = findAttr(this.buf, at, at + attrLength(this.buf, at), C.IFLA_INFO_KIND);
    return k < 0 ? undefined : readString(this.buf, k, attrLength(this.buf, k));
  }

  /** IFLA_INFO_SLAVE_KIND: the kind of the master this link is a port of (`'bridge'`). */
  get slaveKind(): string | undefined {
    return this.linkInfo?.slaveKind;
  }

  /** IFLA_MTU: the largest packet the link sends, in bytes. */
  get mtu(): number | undefined {
    return this.attr(C.IFLA_MTU, u32, 'mtu');
  }

  /** IFLA_ADDRESS: the hardware address (`'02:00:00:00:00:01'`). */
  get mac(): string | undefined {
    return this.attr(C.IFLA_ADDRESS, mac, 'address');
  }

  /** IFLA_BROADCAST. */
  get broadcast(): string | undefined {
    return this.attr(C.IFLA_BROADCAST, mac, 'broadcast');
  }

  /** IFLA_PERM_ADDRESS: the permanent hardware address, when the driver has one. */
  get permAddress(): string | undefined {
    return this.attr(C.IFLA_PERM_ADDRESS, mac, 'permAddress');
  }

  /** ifi_flags as booleans. */
  get flags(): LinkFlags {
    return decodeLinkFlags(this.rawFlags);
  }

  /** ifi_flags as the raw IFF_* bit mask. */
  get rawFlags(): number {
    return this.buf.readUInt32LE(this.off + IFI_FLAGS_AT);
  }

  /** True when IFF_UP is set (administratively up). */
  get up(): boolean {
    return (this.rawFlags & C.IFF_UP) !== 0;
  }

  /** ifi_type as `ip -j` names it (`'ether'`, `'loopback'`, `'none'`). */
  get linkType(): string {
    return C.linkTypeName(this.buf.readUInt16LE(this.off + IFI_TYPE_AT));
  }

  /** IFLA_OPERSTATE as `ip -j` prints it (`'UP'`, `'DOWN'`, `'UNKNOWN'`, `'LOWERLAYERDOWN'` …). */
  get operstate(): string {
    const v = this.attr(C.IFLA_OPERSTATE, u8, 'operstate') ?? 0;
    return C.OPERSTATES[v] ?? `${v}`;
  }

  /** IFLA_LINKMODE (0 default, 1 dormant). */
  get linkmode(): number | undefined {
    return this.attr(C.IFLA_LINKMODE, u8, 'linkmode');
  }

  /** IFLA_MASTER: the ifindex of the bridge or bond this link is enslaved to. */
  get master(): number | undefined {
    return this.attr(C.IFLA_MASTER, u32, 'master');
  }

  /** IFLA_LINK: the ifindex of the link this one is stacked on (a veth's peer, a macvlan's parent). */
  get link(): number | undefined {
    return this.attr(C.IFLA_LINK, u32, 'link');
  }

  /** IFLA_LINK_NETNSID: the nsid (seen from here) of the namespace holding {@link link}. */
  get linkNetnsId(): number | undefined {
    return this.attr(C.IFLA_LINK_NETNSID, s32, 'linkNetnsid');
  }

  /** IFLA_TXQLEN: the transmit queue length, in packets. */
  get txqlen(): number | undefined {
    return this.attr(C.IFLA_TXQLEN, u32, 'txqlen');
  }

  /** IFLA_QDISC. */
  get qdisc(): string | undefined {
    return this.attr(C.IFLA_QDISC, string, 'qdisc');
  }

  /** IFLA_GROUP: the link group (0 is `default`). */
  get group(): number | undefined {
    return this.attr(C.IFLA_GROUP, u32, 'group');
  }

  /** IFLA_PROMISCUITY: how many users asked for promiscuous mode. */
  get promiscuity(): number | undefined {
    return this.attr(C.IFLA_PROMISCUITY, u32, 'promiscuity');
  }

  /** IFLA_ALLMULTI: how many users asked for all-multicast mode. */
  get allmulti(): number | undefined {
    return this.attr(C.IFLA_ALLMULTI, u32, 'allmulti');
  }

  /** IFLA_CARRIER. */
  get carrier(): boolean | undefined {
    const v = this.attr(C.IFLA_CARRIER, u8, 'carrier');
    return v === undefined ? undefined : v !== 0;
  }

  /** IFLA_CARRIER_CHANGES: how many times the carrier went up or down. */
  get carrierChanges(): number | undefined {
    return this.attr(C.IFLA_CARRIER_CHANGES, u32, 'carrierChanges');
  }

  /** IFLA_NUM_TX_QUEUES: the number of transmit queues. */
  get numTxQueues(): number | undefined {
    return this.attr(C.IFLA_NUM_TX_QUEUES, u32, 'numTxQueues');
  }

  /** IFLA_NUM_RX_QUEUES: the number of receive queues. */
  get numRxQueues(): number | undefined {
    return this.attr(C.IFLA_NUM_RX_QUEUES, u32, 'numRxQueues');
  }

  /** IFLA_MIN_MTU: the smallest MTU the driver accepts, in bytes. */
  get minMtu(): number | undefined {
    return this.attr(C.IFLA_MIN_MTU, u32, 'minMtu');
  }

  /** IFLA_MAX_MTU: the largest MTU the driver accepts, in bytes. */
  get maxMtu(): number | undefined {
    return this.attr(C.IFLA_MAX_MTU, u32, 'maxMtu');
  }

  /** IFLA_IFALIAS. */
  get alias(): string | undefined {
    return this.attr(C.IFLA_IFALIAS, string, 'ifalias');
  }

  /** IFLA_PROP_LIST / IFLA_ALT_IFNAME: alternative names. */
  get altNames(): string[] {
    return this.attr(C.IFLA_PROP_LIST, nest(linkPropAttrs), 'propList')?.altIfnames ?? [];
  }

  /** IFLA_PARENT_DEV_NAME (the bus device, e.g. a PCI address). */
  get parentDevName(): string | undefined {
    return this.attr(C.IFLA_PARENT_DEV_NAME, string, 'parentDevName');
  }

  /** IFLA_STATS64: the 64-bit counters, as bigint. Absent when the dump skipped statistics. */
  get stats(): LinkStats64 | undefined {
    return this.attr(C.IFLA_STATS64, linkStats64, 'stats64');
  }

  /** IFLA_LINKINFO decoded: kind, kind-specific data, slave kind and data. */
  get linkInfo(): LinkInfo | undefined {
    return this.attr(C.IFLA_LINKINFO, linkInfo, 'linkinfo');
  }

  /**
   * IFLA_INFO_DATA: the kind's options as its attribute set decodes them (`{ id: 42, port: 4789 … }`
   * for a vxlan), raw bytes for kinds without a table. Narrow with `linkKindData(link.linkInfo, kind)`.
   */
  get data(): LinkKindData | Uint8Array | undefined {
    return this.linkInfo?.data;
  }

  /** IFLA_INFO_SLAVE_DATA: the port options this link has in its master (IFLA_BRPORT_* for a bridge port). */
  get slaveData(): LinkInfo['slaveData'] {
    return this.linkInfo?.slaveData;
  }

  /** IFLA_AF_SPEC of an AF_UNSPEC message: per-family state (AF_INET devconf, AF_INET6 flags …). */
  get afSpec(): LinkAfSpec | undefined {
    if (this.header.family !== 0) return undefined;
    return this.attr(C.IFLA_AF_SPEC, linkAfSpec, 'afSpec');
  }

  /** IFLA_INET6_ADDR_GEN_MODE (`ip`'s `inet6_addr_gen_mode`): `'eui64'`, `'none'`, `'stable_secret'`, `'random'`. */
  get addrGenMode(): AddrGenMode | undefined {
    return this.afSpec?.inet6?.addrGenMode;
  }

  /** IFLA_XDP: the attached XDP program (`attached: 'none'` when there is none). */
  get xdp(): AttrValues<typeof linkXdpAttrs.defs> | undefined {
    return this.attr(C.IFLA_XDP, nest(linkXdpAttrs), 'xdp');
  }

  /** Every IFLA_* attribute, fully decoded by the set of the message's family (unknown ones kept raw). */
  get attributes(): LinkAttributes {
    return linkAttrsFor(this.header.family).decode(this.buf, this.attrStart, this.off + this.len, 'link') as LinkAttributes;
  }

  toObject(): object {
    return {
      ifindex: this.ifindex,
      name: this.name,
      kind: this.kind,
      flags: linkFlagNames(this.rawFlags),
      mtu: this.mtu,
      mac: this.mac,
      broadcast: this.broadcast,
      linkType: this.linkType,
      operstate: this.operstate,
      master: this.master,
      link: this.link,
      linkNetnsId: this.linkNetnsId,
      txqlen: this.txqlen,
      group: this.group,
      promiscuity: this.promiscuity,
      carrier: this.carrier,
      alias: this.alias,
      altNames: this.altNames,
      linkInfo: this.linkInfo,
      addrGenMode: this.addrGenMode,
      stats: this.stats,
    };
  }
}

/** Decodes a link message into a lazy {@link Link} (the message's bytes are referenced, not copied).
 * A DecodeError when `buf[off, off + len)` cannot hold the message its nlmsg_len announces (see MessageView). */
export function linkView(buf: Buffer, off: number, len: number): Link {
  return new Link(buf, off, len);
}
