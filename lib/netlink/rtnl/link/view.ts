/**
 * Link: one network interface as the kernel reported it (RTM_NEWLINK), decoded lazily. Field names
 * follow `ip -j link` in camelCase (`ifindex`, `operstate`, `linkNetnsId`); `name` and `mac` are the
 * names the API promises for IFLA_IFNAME and IFLA_ADDRESS.
 */
import { attrLength, findAttr, locateAttr, readString } from '../../core/attributes.js';
import * as C from './constants.js';
import { IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODES, type AddrGenMode, type LinkAfSpec } from './af-spec.js';
import {
  IFI_FLAGS_AT, IFI_INDEX_AT, IFI_TYPE_AT, IFINFOMSG_SIZE, linkAfSpec, linkAttrsFor, linkInfo, linkPropAttrs, linkXdpAttrs,
  readIfInfoMsg, type IfInfoMsg, type LinkAttributes, type LinkStats64,
} from './codec.js';
import type { LinkInfo, LinkKindData } from './kinds/index.js';
import { decodeLinkFlags, linkFlagNames, type LinkFlags } from './flags.js';
import { readLinkStats64 } from './stats.js';
import { AF_INET6 } from '../../core/inet.js';
import { MessageView, readS32Attr, readU32Attr, readU8Attr } from '../../core/message-view.js';
import { formatMac } from '../../core/mac.js';
import { NLMSG_HDRLEN } from '../../core/protocol.js';
import { exactLength, nest, type AttrValues } from '../../core/schema.js';

/**
 * The IFLA_LINKINFO nest in `buf[start, end)` when it holds nothing but IFLA_INFO_KIND and/or
 * IFLA_INFO_SLAVE_KIND, once each (ifb, veth, dummy, and ports of masters without port data): the
 * object the linkInfo codec decodes then, built without it. Undefined for anything else (data,
 * other attributes, malformed bytes): the codec decodes those.
 */
function kindOnlyLinkInfo(buf: Buffer, start: number, end: number): LinkInfo | undefined {
  let kind: string | undefined;
  let slaveKind: string | undefined;
  let kindFirst = true;
  let at = start;
  while (at + 4 <= end) {
    const len = buf[at]! | (buf[at + 1]! << 8);
    if (len < 4 || at + len > end) return undefined;
    const type = buf[at + 2]! | (buf[at + 3]! << 8);
    if (type === C.IFLA_INFO_KIND && kind === undefined) {
      kind = readString(buf, at + 4, len - 4);
    } else if (type === C.IFLA_INFO_SLAVE_KIND && slaveKind === undefined) {
      slaveKind = readString(buf, at + 4, len - 4);
      if (kind === undefined) kindFirst = false;
    } else {
      return undefined;
    }
    at += (len + 3) & ~3;
  }
  for (let i = at; i < end; i++) if (buf[i] !== 0) return undefined;
  if (kind === undefined) return slaveKind === undefined ? {} : { slaveKind };
  if (slaveKind === undefined) return { kind };
  return kindFirst ? { kind, slaveKind } : { slaveKind, kind };
}

/** IFLA_OPERSTATE's value as `ip -j` prints it (`'UP'`), its number as text when unnamed. */
function operstateName(v: number): string {
  return C.OPERSTATES[v] ?? `${v}`;
}

/** Where ifi_family is in a link message. */
const IFI_FAMILY_AT = NLMSG_HDRLEN;

/** A network interface, decoded lazily from its RTM_NEWLINK message. */
export class Link extends MessageView {
  protected get headerSize(): number { return IFINFOMSG_SIZE; }
  protected get setName(): string { return 'link'; }

  /** The fixed header (struct ifinfomsg). */
  get header(): IfInfoMsg {
    return readIfInfoMsg(this.buffer(), this.offset() + NLMSG_HDRLEN);
  }

  /** ifi_index. */
  get ifindex(): number {
    return this.s32At(IFI_INDEX_AT);
  }

  /** IFLA_IFNAME. */
  get name(): string {
    return this.attrString(C.IFLA_IFNAME) ?? '';
  }

  /** IFLA_INFO_KIND inside IFLA_LINKINFO (`'veth'`, `'bridge'` …); undefined for plain devices (lo, physical). */
  get kind(): string | undefined {
    const at = this.locate(C.IFLA_LINKINFO);
    if (at < 0) return undefined;
    const buf = this.buffer();
    const k = findAttr(buf, at, at + attrLength(buf, at), C.IFLA_INFO_KIND);
    return k < 0 ? undefined : readString(buf, k, attrLength(buf, k));
  }

  /** IFLA_INFO_SLAVE_KIND: the kind of the master this link is a port of (`'bridge'`). */
  get slaveKind(): string | undefined {
    return this.linkInfo?.slaveKind;
  }

  /** IFLA_MTU: the largest packet the link sends, in bytes. */
  get mtu(): number | undefined {
    return this.attrU32(C.IFLA_MTU, 'mtu');
  }

  /** IFLA_ADDRESS: the hardware address (`'02:00:00:00:00:01'`). */
  get mac(): string | undefined {
    return this.attrMac(C.IFLA_ADDRESS);
  }

  /** IFLA_BROADCAST. */
  get broadcast(): string | undefined {
    return this.attrMac(C.IFLA_BROADCAST);
  }

  /** IFLA_PERM_ADDRESS: the permanent hardware address, when the driver has one. */
  get permAddress(): string | undefined {
    return this.attrMac(C.IFLA_PERM_ADDRESS);
  }

  /** ifi_flags as booleans (`{ up: true, lowerUp: true, … }`; toObject() has the same object). */
  get flags(): LinkFlags {
    return decodeLinkFlags(this.rawFlags);
  }

  /** ifi_flags as the raw IFF_* bit mask. */
  get rawFlags(): number {
    return this.u32At(IFI_FLAGS_AT);
  }

  /** True when IFF_UP is set (administratively up). */
  get up(): boolean {
    return (this.rawFlags & C.IFF_UP) !== 0;
  }

  /** ifi_type as `ip -j` names it (`'ether'`, `'loopback'`, `'none'`). */
  get linkType(): string {
    return C.linkTypeName(this.u16At(IFI_TYPE_AT));
  }

  /** IFLA_OPERSTATE as `ip -j` prints it (`'UP'`, `'DOWN'`, `'UNKNOWN'`, `'LOWERLAYERDOWN'` …). */
  get operstate(): string {
    return operstateName(this.attrU8(C.IFLA_OPERSTATE, 'operstate') ?? 0);
  }

  /** IFLA_LINKMODE (0 default, 1 dormant). */
  get linkmode(): number | undefined {
    return this.attrU8(C.IFLA_LINKMODE, 'linkmode');
  }

  /** IFLA_MASTER: the ifindex of the bridge or bond this link is enslaved to. */
  get master(): number | undefined {
    return this.attrU32(C.IFLA_MASTER, 'master');
  }

  /** IFLA_LINK: the ifindex of the link this one is stacked on (a veth's peer, a macvlan's parent). */
  get link(): number | undefined {
    return this.attrU32(C.IFLA_LINK, 'link');
  }

  /** IFLA_LINK_NETNSID: the nsid (seen from here) of the namespace holding {@link link}. */
  get linkNetnsId(): number | undefined {
    return this.attrS32(C.IFLA_LINK_NETNSID, 'linkNetnsid');
  }

  /** IFLA_TXQLEN: the transmit queue length, in packets. */
  get txqlen(): number | undefined {
    return this.attrU32(C.IFLA_TXQLEN, 'txqlen');
  }

  /** IFLA_QDISC. */
  get qdisc(): string | undefined {
    return this.attrString(C.IFLA_QDISC);
  }

  /** IFLA_GROUP: the link group (0 is `default`). */
  get group(): number | undefined {
    return this.attrU32(C.IFLA_GROUP, 'group');
  }

  /** IFLA_PROMISCUITY: how many users asked for promiscuous mode. */
  get promiscuity(): number | undefined {
    return this.attrU32(C.IFLA_PROMISCUITY, 'promiscuity');
  }

  /** IFLA_ALLMULTI: how many users asked for all-multicast mode. */
  get allmulti(): number | undefined {
    return this.attrU32(C.IFLA_ALLMULTI, 'allmulti');
  }

  /** IFLA_CARRIER. */
  get carrier(): boolean | undefined {
    const v = this.attrU8(C.IFLA_CARRIER, 'carrier');
    return v === undefined ? undefined : v !== 0;
  }

  /** IFLA_CARRIER_CHANGES: how many times the carrier went up or down. */
  get carrierChanges(): number | undefined {
    return this.attrU32(C.IFLA_CARRIER_CHANGES, 'carrierChanges');
  }

  /** IFLA_NUM_TX_QUEUES: the number of transmit queues. */
  get numTxQueues(): number | undefined {
    return this.attrU32(C.IFLA_NUM_TX_QUEUES, 'numTxQueues');
  }

  /** IFLA_NUM_RX_QUEUES: the number of receive queues. */
  get numRxQueues(): number | undefined {
    return this.attrU32(C.IFLA_NUM_RX_QUEUES, 'numRxQueues');
  }

  /** IFLA_MIN_MTU: the smallest MTU the driver accepts, in bytes. */
  get minMtu(): number | undefined {
    return this.attrU32(C.IFLA_MIN_MTU, 'minMtu');
  }

  /** IFLA_MAX_MTU: the largest MTU the driver accepts, in bytes. */
  get maxMtu(): number | undefined {
    return this.attrU32(C.IFLA_MAX_MTU, 'maxMtu');
  }

  /** IFLA_IFALIAS. */
  get alias(): string | undefined {
    return this.attrString(C.IFLA_IFALIAS);
  }

  /** IFLA_PROP_LIST / IFLA_ALT_IFNAME: alternative names. */
  get altNames(): string[] {
    return this.attr(C.IFLA_PROP_LIST, nest(linkPropAttrs), 'propList')?.altIfnames ?? [];
  }

  /** IFLA_PARENT_DEV_NAME (the bus device, e.g. a PCI address). */
  get parentDevName(): string | undefined {
    return this.attrString(C.IFLA_PARENT_DEV_NAME);
  }

  /** IFLA_STATS64: the 64-bit counters, as bigint. Absent when the dump skipped statistics. */
  get stats(): LinkStats64 | undefined {
    const at = this.locate(C.IFLA_STATS64);
    return at < 0 ? undefined : readLinkStats64(this.buffer(), at, attrLength(this.buffer(), at), 'link.stats64');
  }

  /** IFLA_LINKINFO decoded: kind, kind-specific data, slave kind and data. */
  get linkInfo(): LinkInfo | undefined {
    const at = this.locate(C.IFLA_LINKINFO);
    if (at < 0) return undefined;
    const buf = this.buffer();
    const len = attrLength(buf, at);
    return kindOnlyLinkInfo(buf, at, at + len) ?? linkInfo.decode(buf, at, len, 'link.linkinfo');
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
    if (this.byteAt(IFI_FAMILY_AT) !== 0) return undefined;
    return this.attr(C.IFLA_AF_SPEC, linkAfSpec, 'afSpec');
  }

  /**
   * IFLA_INET6_ADDR_GEN_MODE (`ip`'s `inet6_addr_gen_mode`): `'eui64'`, `'none'`, `'stable_secret'`,
   * `'random'`. Read straight from IFLA_AF_SPEC's AF_INET6 nest (the rest of the nest is not decoded).
   */
  get addrGenMode(): AddrGenMode | undefined {
    if (this.byteAt(IFI_FAMILY_AT) !== 0) return undefined;
    const spec = this.locate(C.IFLA_AF_SPEC);
    if (spec < 0) return undefined;
    const buf = this.buffer();
    const inet6 = locateAttr(buf, spec, spec + attrLength(buf, spec), AF_INET6, 'link.afSpec');
    if (inet6 < 0) return undefined;
    const at = locateAttr(buf, inet6, inet6 + attrLength(buf, inet6), IFLA_INET6_ADDR_GEN_MODE, 'link.afSpec.inet6');
    if (at < 0) return undefined;
    const len = attrLength(buf, at);
    if (len !== 1) exactLength('u8', 1, 'link.afSpec.inet6.addrGenMode', at, len);
    return IN6_ADDR_GEN_MODES.nameOr(buf[at]!);
  }

  /** IFLA_XDP: the attached XDP program (`attached: 'none'` when there is none). */
  get xdp(): AttrValues<typeof linkXdpAttrs.defs> | undefined {
    return this.attr(C.IFLA_XDP, nest(linkXdpAttrs), 'xdp');
  }

  /** Every IFLA_* attribute, fully decoded by the set of the message's family (unknown ones kept raw). */
  get attributes(): LinkAttributes {
    return linkAttrsFor(this.byteAt(IFI_FAMILY_AT)).decode(this.buffer(), this.attrStart(), this.end(), 'link') as LinkAttributes;
  }

  /**
   * The fields `ip -j link` shows and the counters, as the getters return them, in a new plain
   * object; fields the message does not carry are left out (as JSON leaves them out). Not included:
   * the views of other parts (`afSpec`, `xdp`, `attributes`, `header`, `raw`) and what the object
   * holds already (`up`, `rawFlags`, `data`, `slaveKind`, `slaveData` are in `flags` and `linkInfo`).
   */
  toObject(): LinkObject {
    // One walk (the attribute index), then each field the message has is read where the index
    // points, with the getters' readers: the same values and errors, without a getter call per field.
    const ix = this.attributeIndex();
    const buf = this.buffer();
    let at = ix[C.IFLA_IFNAME]!;
    const o: LinkObject = {
      ifindex: this.s32At(IFI_INDEX_AT),
      name: at === 0 ? '' : readString(buf, at, attrLength(buf, at)),
      flags: decodeLinkFlags(this.u32At(IFI_FLAGS_AT)),
      linkType: C.linkTypeName(this.u16At(IFI_TYPE_AT)),
      operstate: operstateName((at = ix[C.IFLA_OPERSTATE]!) === 0 ? 0 : readU8Attr(buf, at, 'link', 'operstate')),
      altNames: ix[C.IFLA_PROP_LIST] === 0 ? [] : this.altNames,
    };
    const linkInfo = ix[C.IFLA_LINKINFO] === 0 ? undefined : this.linkInfo;
    if (linkInfo !== undefined) {
      const kind = this.kind;
      if (kind !== undefined) o.kind = kind;
    }
    if ((at = ix[C.IFLA_MTU]!) !== 0) o.mtu = readU32Attr(buf, at, 'link', 'mtu');
    if ((at = ix[C.IFLA_MIN_MTU]!) !== 0) o.minMtu = readU32Attr(buf, at, 'link', 'minMtu');
    if ((at = ix[C.IFLA_MAX_MTU]!) !== 0) o.maxMtu = readU32Attr(buf, at, 'link', 'maxMtu');
    if ((at = ix[C.IFLA_ADDRESS]!) !== 0) o.mac = formatMac(buf, at, attrLength(buf, at));
    if ((at = ix[C.IFLA_BROADCAST]!) !== 0) o.broadcast = formatMac(buf, at, attrLength(buf, at));
    if ((at = ix[C.IFLA_PERM_ADDRESS]!) !== 0) o.permAddress = formatMac(buf, at, attrLength(buf, at));
    if ((at = ix[C.IFLA_LINKMODE]!) !== 0) o.linkmode = readU8Attr(buf, at, 'link', 'linkmode');
    if ((at = ix[C.IFLA_QDISC]!) !== 0) o.qdisc = readString(buf, at, attrLength(buf, at));
    if ((at = ix[C.IFLA_MASTER]!) !== 0) o.master = readU32Attr(buf, at, 'link', 'master');
    if ((at = ix[C.IFLA_LINK]!) !== 0) o.link = readU32Attr(buf, at, 'link', 'link');
    if ((at = ix[C.IFLA_LINK_NETNSID]!) !== 0) o.linkNetnsId = readS32Attr(buf, at, 'link', 'linkNetnsid');
    if ((at = ix[C.IFLA_TXQLEN]!) !== 0) o.txqlen = readU32Attr(buf, at, 'link', 'txqlen');
    if ((at = ix[C.IFLA_GROUP]!) !== 0) o.group = readU32Attr(buf, at, 'link', 'group');
    if ((at = ix[C.IFLA_PROMISCUITY]!) !== 0) o.promiscuity = readU32Attr(buf, at, 'link', 'promiscuity');
    if ((at = ix[C.IFLA_ALLMULTI]!) !== 0) o.allmulti = readU32Attr(buf, at, 'link', 'allmulti');
    if ((at = ix[C.IFLA_CARRIER]!) !== 0) o.carrier = readU8Attr(buf, at, 'link', 'carrier') !== 0;
    if ((at = ix[C.IFLA_CARRIER_CHANGES]!) !== 0) o.carrierChanges = readU32Attr(buf, at, 'link', 'carrierChanges');
    if ((at = ix[C.IFLA_NUM_TX_QUEUES]!) !== 0) o.numTxQueues = readU32Attr(buf, at, 'link', 'numTxQueues');
    if ((at = ix[C.IFLA_NUM_RX_QUEUES]!) !== 0) o.numRxQueues = readU32Attr(buf, at, 'link', 'numRxQueues');
    if ((at = ix[C.IFLA_IFALIAS]!) !== 0) o.alias = readString(buf, at, attrLength(buf, at));
    if ((at = ix[C.IFLA_PARENT_DEV_NAME]!) !== 0) o.parentDevName = readString(buf, at, attrLength(buf, at));
    if (linkInfo !== undefined) o.linkInfo = linkInfo;
    if (ix[C.IFLA_AF_SPEC] !== 0) {
      const addrGenMode = this.addrGenMode;
      if (addrGenMode !== undefined) o.addrGenMode = addrGenMode;
    }
    if ((at = ix[C.IFLA_STATS64]!) !== 0) o.stats = readLinkStats64(buf, at, attrLength(buf, at), 'link.stats64');
    return o;
  }

  /** `ip link`'s first line, shortened: `2: eth0@4 <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master 3 state UP link/ether 02:…`. */
  toString(): string {
    const link = this.link;
    const mtu = this.mtu;
    const master = this.master;
    const mac = this.mac;
    return `${this.ifindex}: ${this.name}${link === undefined || link === this.ifindex ? '' : `@${link}`}`
      + ` <${linkFlagNames(this.rawFlags).join(',')}>${mtu === undefined ? '' : ` mtu ${mtu}`}`
      + `${master === undefined ? '' : ` master ${master}`} state ${this.operstate}`
      + `${mac === undefined ? '' : ` link/${this.linkType} ${mac}`}`;
  }
}

/** What {@link Link.toObject} returns: the getters' values; a field the message lacks is absent. */
export interface LinkObject {
  /** ifi_index. */
  ifindex: number;
  /** IFLA_IFNAME. */
  name: string;
  /** ifi_flags as booleans (`{ up: true, lowerUp: true, … }`; toObject() has the same object). */
  flags: LinkFlags;
  /** ifi_type as `ip -j` names it (`'ether'`, `'loopback'`, `'none'`). */
  linkType: string;
  /** IFLA_OPERSTATE as `ip -j` prints it (`'UP'`, `'DOWN'`, `'UNKNOWN'`, `'LOWERLAYERDOWN'` …). */
  operstate: string;
  /** IFLA_PROP_LIST / IFLA_ALT_IFNAME: alternative names. */
  altNames: string[];
  /** IFLA_INFO_KIND inside IFLA_LINKINFO (`'veth'`, `'bridge'` …); undefined for plain devices (lo, physical). */
  kind?: string;
  /** IFLA_MTU: the largest packet the link sends, in bytes. */
  mtu?: number;
  /** IFLA_MIN_MTU: the smallest MTU the driver accepts, in bytes. */
  minMtu?: number;
  /** IFLA_MAX_MTU: the largest MTU the driver accepts, in bytes. */
  maxMtu?: number;
  /** IFLA_ADDRESS: the hardware address (`'02:00:00:00:00:01'`). */
  mac?: string;
  /** IFLA_BROADCAST. */
  broadcast?: string;
  /** IFLA_PERM_ADDRESS: the permanent hardware address, when the driver has one. */
  permAddress?: string;
  /** IFLA_LINKMODE (0 default, 1 dormant). */
  linkmode?: number;
  /** IFLA_QDISC. */
  qdisc?: string;
  /** IFLA_MASTER: the ifindex of the bridge or bond this link is enslaved to. */
  master?: number;
  /** IFLA_LINK: the ifindex of the link this one is stacked on (a veth's peer, a macvlan's parent). */
  link?: number;
  /** IFLA_LINK_NETNSID: the nsid (seen from here) of the namespace holding {@link link}. */
  linkNetnsId?: number;
  /** IFLA_TXQLEN: the transmit queue length, in packets. */
  txqlen?: number;
  /** IFLA_GROUP: the link group (0 is `default`). */
  group?: number;
  /** IFLA_PROMISCUITY: how many users asked for promiscuous mode. */
  promiscuity?: number;
  /** IFLA_ALLMULTI: how many users asked for all-multicast mode. */
  allmulti?: number;
  /** IFLA_CARRIER. */
  carrier?: boolean;
  /** IFLA_CARRIER_CHANGES: how many times the carrier went up or down. */
  carrierChanges?: number;
  /** IFLA_NUM_TX_QUEUES: the number of transmit queues. */
  numTxQueues?: number;
  /** IFLA_NUM_RX_QUEUES: the number of receive queues. */
  numRxQueues?: number;
  /** IFLA_IFALIAS. */
  alias?: string;
  /** IFLA_PARENT_DEV_NAME (the bus device, e.g. a PCI address). */
  parentDevName?: string;
  /** IFLA_LINKINFO decoded: kind, kind-specific data, slave kind and data. */
  linkInfo?: LinkInfo;
  /** IFLA_INET6_ADDR_GEN_MODE (`ip`'s `inet6_addr_gen_mode`): `'eui64'`, `'none'`, `'stable_secret'`, `'random'`. */
  addrGenMode?: AddrGenMode;
  /** IFLA_STATS64: the 64-bit counters, as bigint. */
  stats?: LinkStats64;
}

/** Decodes a link message into a lazy {@link Link} (the message's bytes are referenced, not copied).
 * A DecodeError when `buf[off, off + len)` cannot hold the message its nlmsg_len announces (see MessageView). */
export function linkView(buf: Buffer, off: number, len: number): Link {
  return new Link(buf, off, len);
}
