/**
 * The requests of `nl.links`. Each is built as a {@link LinkRequest} — an ifinfomsg header and IFLA_*
 * attributes, a {@link LinkBody} with the fields it does not send left undefined — and written by
 * the one link encoder, {@link encodeLinkBody}: the header codec and attribute set (codec.ts) that
 * also decode the kernel's replies. The veth peer travels through the same codecs (IFLA_LINKINFO →
 * IFLA_INFO_DATA → VETH_INFO_PEER is a link body); kind data is encoded by its kind's attribute set.
 *
 * Attributes leave in the order of {@link LinkRequestAttributes}' fields. That is iproute2 6.1's
 * order for most requests; where iproute2 differs (IFLA_LINK, or a veth peer's IFLA_NET_NS_FD,
 * before IFLA_IFNAME; IFLA_IFALIAS before IFLA_TXQLEN) the kernel does not mind, and
 * spec/netlink/rtnl/link/request.spec.ts holds each difference against iproute2's captured bytes.
 */
import type { NlWriter } from '../../core/writer.js';
import type { RequestBuilder } from '../../transport/connection.js';
import type { LinkRef } from '../../core/validate.js';
import { encodeLinkBody, writeIfInfoMsg, type IfInfoMsg, type LinkBody } from './codec.js';
import * as C from './constants.js';
import type { CheckedAdd, CheckedList, CheckedSet, CheckedSettings } from './options.js';

/**
 * IFLA_LINKINFO of a request: a kind and its data (already encoded, or the veth peer), and/or a
 * bridge port's slave kind and slave data.
 */
export interface LinkRequestInfo {
  /** IFLA_INFO_KIND. */
  kind: string | undefined;
  /** IFLA_INFO_DATA: the kind's encoded attributes, or a veth's peer. */
  data: Uint8Array | { peer: LinkRequest; unknown: undefined } | undefined;
  /** IFLA_INFO_XSTATS: never sent. */
  xstats: undefined;
  /** IFLA_INFO_SLAVE_KIND. */
  slaveKind: string | undefined;
  /** IFLA_INFO_SLAVE_DATA: the slave kind's encoded attributes. */
  slaveData: Uint8Array | undefined;
  /** No unknown attributes (present, so that nothing is read from a polluted prototype). */
  unknown: undefined;
}

/**
 * The IFLA_* attributes of a request, in wire order; undefined ones are not sent. Every request
 * has every field, so all requests have one shape and none reads a polluted Object.prototype.
 */
export interface LinkRequestAttributes {
  /** IFLA_IFNAME: the link's name (or its new name in a rename). */
  ifname: string | undefined;
  /** IFLA_ALT_IFNAME: the link by an alternative name longer than IFLA_IFNAME takes (16..127 bytes). */
  altIfname: string | undefined;
  /** IFLA_EXT_MASK: RTEXT_FILTER_* bits of a GET or dump. */
  extMask: number | undefined;
  /** IFLA_MTU, in bytes. */
  mtu: number | undefined;
  /** IFLA_ADDRESS, `'02:00:00:00:00:01'`. */
  address: string | undefined;
  /** IFLA_BROADCAST. */
  broadcast: string | undefined;
  /** IFLA_TXQLEN, in packets. */
  txqlen: number | undefined;
  /** IFLA_GROUP. */
  group: number | undefined;
  /** IFLA_IFALIAS. */
  ifalias: string | undefined;
  /** IFLA_MASTER: an ifindex, 0 to release. */
  master: number | undefined;
  /** IFLA_NET_NS_FD: an open namespace fd. */
  netNsFd: number | undefined;
  /** IFLA_LINK: the lower device's ifindex. */
  link: number | undefined;
  /** IFLA_NUM_TX_QUEUES. */
  numTxQueues: number | undefined;
  /** IFLA_NUM_RX_QUEUES. */
  numRxQueues: number | undefined;
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
  /** IFLA_LINKINFO. */
  linkinfo: LinkRequestInfo | undefined;
  /** IFLA_AF_SPEC: the AF_INET6 address generation mode of `set`. */
  afSpec: { inet6: { addrGenMode: number; unknown: undefined }; unknown: undefined } | undefined;
  /** IFLA_PROP_LIST: alternative names (RTM_NEWLINKPROP / RTM_DELLINKPROP). */
  propList: { altIfnames: string[]; unknown: undefined } | undefined;
  /** IFLA_NEW_IFINDEX: the ifindex a link moving to another namespace takes there. */
  newIfindex: number | undefined;
  /** No unknown attributes. */
  unknown: undefined;
}

/** A request body: struct ifinfomsg and the attributes. */
export interface LinkRequest {
  /** struct ifinfomsg. */
  header: IfInfoMsg;
  /** The IFLA_* attributes. */
  attributes: LinkRequestAttributes;
}

/** Attributes of a request that sends none yet: set the few it sends (the shape stays the same). */
function noAttributes(): LinkRequestAttributes {
  return {
    ifname: undefined, altIfname: undefined, extMask: undefined, mtu: undefined, address: undefined, broadcast: undefined, txqlen: undefined,
    group: undefined, ifalias: undefined, master: undefined, netNsFd: undefined, link: undefined, numTxQueues: undefined,
    numRxQueues: undefined, gsoMaxSize: undefined, gsoMaxSegs: undefined, groMaxSize: undefined, gsoIpv4MaxSize: undefined,
    groIpv4MaxSize: undefined, linkinfo: undefined, afSpec: undefined, propList: undefined, newIfindex: undefined, unknown: undefined,
  };
}

/** Writes request `r` after an nlmsghdr begun by the writer, with the one link encoder. */
export function writeLinkRequest(w: NlWriter, r: LinkRequest): void {
  // A LinkRequest is a LinkBody whose absent fields are undefined rather than missing (one shape);
  // the encoder skips undefined fields.
  encodeLinkBody(w, r as unknown as LinkBody);
}

/** The connection's builder of request `r`. */
export function requestBuilder(r: LinkRequest): RequestBuilder {
  return (w) => writeLinkRequest(w, r);
}

/**
 * The ifinfomsg of a request: the link's ifindex (0 when it is named by IFLA_IFNAME or created),
 * and IFF_UP in ifi_flags with ifi_change selecting it when `up` is given.
 */
function header(index: number, up: boolean | undefined): IfInfoMsg {
  return { family: 0, type: 0, index, flags: up === true ? C.IFF_UP : 0, change: up === undefined ? 0 : C.IFF_UP };
}

/** Sets or clears `bit` in `h` (ifi_flags) and selects it in ifi_change, when `on` is given. */
function flag(h: IfInfoMsg, bit: number, on: boolean | undefined): void {
  if (on === undefined) return;
  h.change |= bit;
  if (on) h.flags |= bit;
}

/**
 * The ifinfomsg of settings: IFF_UP (unless `withUp` is false), IFF_PROMISC, IFF_ALLMULTI,
 * IFF_MULTICAST and IFF_NOARP (set when `arp` is false), each changed only when given, as `ip
 * link` does (the kernel applies ifi_flags under the ifi_change mask).
 */
function settingsHeader(index: number, s: CheckedSettings, withUp = true): IfInfoMsg {
  const h = header(index, withUp ? s.up : undefined);
  flag(h, C.IFF_PROMISC, s.promisc);
  flag(h, C.IFF_ALLMULTI, s.allmulticast);
  flag(h, C.IFF_MULTICAST, s.multicast);
  flag(h, C.IFF_NOARP, s.arp === undefined ? undefined : !s.arp);
  return h;
}

/** A request naming link `ref`: by ifindex in ifi_index, or by name in IFLA_IFNAME (ifi_index 0). */
function about(ref: LinkRef, up?: boolean): LinkRequest {
  const attributes = noAttributes();
  if (typeof ref === 'string') attributes.ifname = ref;
  return { header: header(typeof ref === 'number' ? ref : 0, up), attributes };
}

/** The attributes of settings (`add`, `set`, a veth peer), master and namespace resolved. */
function settingsAttributes(ifname: string | undefined, s: CheckedSettings, master: number | undefined,
  netNsFd: number | undefined): LinkRequestAttributes {
  const a = noAttributes();
  a.ifname = ifname;
  a.mtu = s.mtu;
  a.address = s.mac;
  a.broadcast = s.broadcast;
  a.txqlen = s.txqlen;
  a.group = s.group;
  a.gsoMaxSize = s.gsoMaxSize;
  a.gsoMaxSegs = s.gsoMaxSegs;
  a.groMaxSize = s.groMaxSize;
  a.gsoIpv4MaxSize = s.gsoIpv4MaxSize;
  a.groIpv4MaxSize = s.groIpv4MaxSize;
  a.master = master;
  a.netNsFd = netNsFd;
  return a;
}

/** IFLA_LINKINFO with these members. */
function linkInfo(kind: string | undefined, data: LinkRequestInfo['data'], slaveKind?: string, slaveData?: Uint8Array): LinkRequestInfo {
  return { kind, data, xstats: undefined, slaveKind, slaveData, unknown: undefined };
}

/** RTM_GETLINK of one link, with the RTEXT_FILTER_* bits `extMask`. */
export function getRequest(ref: LinkRef, extMask: number): LinkRequest {
  const r = about(ref);
  r.attributes.extMask = extMask;
  return r;
}

/**
 * The hot path of {@link getRequest}: writes exactly the bytes of `writeLinkRequest(w,
 * getRequest(ref, extMask))` without building the body, since `links.get` and `links.index` run
 * once per link name every family resolves (the generic encoder costs several times the write).
 * request.spec.ts checks the two against each other and against iproute2's capture.
 */
export function writeGetRequest(w: NlWriter, ref: LinkRef, extMask: number): void {
  writeIfInfoMsg(w, header(typeof ref === 'number' ? ref : 0, undefined));
  if (typeof ref === 'string') w.attrString(C.IFLA_IFNAME, ref);
  w.attrU32(C.IFLA_EXT_MASK, extMask);
}

/** RTM_GETLINK of the link with alternative name `name` (IFLA_ALT_IFNAME: IFLA_IFNAME takes 15 bytes at most). */
export function altGetRequest(name: string, extMask: number): LinkRequest {
  const r = about(0);
  r.attributes.altIfname = name;
  r.attributes.extMask = extMask;
  return r;
}

/** RTM_DELLINK of one link. */
export function delRequest(ref: LinkRef): LinkRequest {
  return about(ref);
}

/**
 * The RTM_GETLINK dump request of `links.list`: the kernel filters by IFLA_MASTER (an ifindex) and
 * by IFLA_INFO_KIND, and with RTEXT_FILTER_SKIP_STATS leaves out IFLA_AF_SPEC's per-protocol counters
 * (not IFLA_STATS64, which it always sends).
 */
export function dumpRequest(c: CheckedList, master: number | undefined): LinkRequest {
  const attributes = noAttributes();
  attributes.extMask = C.RTEXT_FILTER_VF | (c.stats ? 0 : C.RTEXT_FILTER_SKIP_STATS);
  attributes.master = master;
  if (c.kind !== undefined) attributes.linkinfo = linkInfo(c.kind, undefined);
  return { header: header(0, undefined), attributes };
}

/** The link references and namespaces of `links.add`, resolved to ifindexes and fds. */
export interface AddResolved {
  /** IFLA_MASTER. */
  master: number | undefined;
  /** IFLA_LINK. */
  link: number | undefined;
  /** IFLA_NET_NS_FD of the new link. */
  netNsFd: number | undefined;
  /** IFLA_NET_NS_FD of a veth's peer. */
  peerNetNsFd: number | undefined;
  /** IFLA_INFO_DATA, encoded (link names inside resolved). */
  data: Uint8Array | undefined;
}

/**
 * The RTM_NEWLINK of `links.add` (sent with NLM_F_CREATE | NLM_F_EXCL). A veth's peer is a whole
 * link body in VETH_INFO_PEER. Neither `peer.up` nor an alias is asked for in it: the kernel cannot
 * open a veth end before its peer is registered (ENOTCONN), and ignores IFLA_IFALIAS when it
 * creates a link, so those come by a second request, {@link followUpRequest}.
 */
export function addRequest(c: CheckedAdd, r: AddResolved): LinkRequest {
  let peer: LinkRequest | undefined;
  if (c.peer !== undefined) {
    const p = c.peer;
    const attributes = settingsAttributes(p.name, p.settings, undefined, r.peerNetNsFd);
    attributes.numTxQueues = p.numTxQueues;
    attributes.numRxQueues = p.numRxQueues;
    peer = { header: settingsHeader(p.index, p.settings, p.settings.up !== true), attributes };
  }
  const attributes = settingsAttributes(c.name, c.settings, r.master, r.netNsFd);
  attributes.link = r.link;
  attributes.numTxQueues = c.numTxQueues;
  attributes.numRxQueues = c.numRxQueues;
  attributes.linkinfo = linkInfo(c.kind, peer === undefined ? r.data : { peer, unknown: undefined });
  return { header: settingsHeader(c.index, c.settings), attributes };
}

/**
 * The RTM_NEWLINK after a creation that sets what the kernel does not take in one (an alias, a
 * veth peer's up): IFLA_IFALIAS when `alias` is given, IFF_UP when `up` is true. Undefined when
 * there is nothing to set.
 */
export function followUpRequest(ref: LinkRef, alias: string | undefined, up: boolean | undefined): LinkRequest | undefined {
  if (alias === undefined && up !== true) return undefined;
  const r = about(ref, up === true ? true : undefined);
  r.attributes.ifalias = alias;
  return r;
}

/** The link references, namespace and kind data of `links.set`, resolved and encoded. */
export interface SetResolved {
  /** The link: its ifindex whenever IFLA_IFNAME carries a new name. */
  ref: LinkRef;
  /** IFLA_MASTER (0 releases). */
  master: number | undefined;
  /** IFLA_NET_NS_FD. */
  netNsFd: number | undefined;
  /** The link's kind, for `data`. */
  kind: string | undefined;
  /** IFLA_INFO_DATA, encoded. */
  data: Uint8Array | undefined;
  /** IFLA_INFO_SLAVE_DATA of a bridge port, encoded. */
  slaveData: Uint8Array | undefined;
}

/**
 * The request of `links.set`, sent as RTM_NEWLINK without NLM_F_CREATE, as `ip link set` does: the
 * kernel's RTM_SETLINK handler applies the settings but ignores IFLA_LINKINFO — it ACKs kind data
 * and bridge port data and changes nothing (seen on Linux 6.18) — while RTM_NEWLINK on an existing
 * link applies both, then the same settings.
 */
export function setRequest(c: CheckedSet, r: SetResolved): LinkRequest {
  // IFLA_IFNAME carries either the link's name or its new name, never both.
  if (typeof r.ref === 'string' && c.name !== undefined) throw new RangeError('a rename needs the link by ifindex');
  const index = typeof r.ref === 'number' ? r.ref : 0;
  const attributes = settingsAttributes(typeof r.ref === 'string' ? r.ref : c.name, c.settings, r.master, r.netNsFd);
  attributes.ifalias = c.settings.alias;
  if (r.data !== undefined || r.slaveData !== undefined) {
    attributes.linkinfo = linkInfo(r.data === undefined ? undefined : r.kind, r.data,
      r.slaveData === undefined ? undefined : c.slaveKind, r.slaveData);
  }
  if (c.addrGenMode !== undefined) attributes.afSpec = { inet6: { addrGenMode: c.addrGenMode, unknown: undefined }, unknown: undefined };
  attributes.newIfindex = c.newIndex;
  return { header: settingsHeader(index, c.settings), attributes };
}

/** RTM_NEWLINKPROP / RTM_DELLINKPROP of alternative names of link `ref`. */
export function altNameRequest(ref: LinkRef, names: string[]): LinkRequest {
  const r = about(ref);
  r.attributes.propList = { altIfnames: names, unknown: undefined };
  return r;
}

/** RTM_NEWLINK moving one link into IFLA_GROUP `group` (the first step of `links.delMany`). */
export function groupMoveRequest(ref: LinkRef, group: number): LinkRequest {
  const r = about(ref);
  r.attributes.group = group;
  return r;
}

/** RTM_DELLINK of every link of IFLA_GROUP `group` (ifi_index 0 and no name: the whole group). */
export function groupDelRequest(group: number): LinkRequest {
  const attributes = noAttributes();
  attributes.group = group;
  return { header: header(0, undefined), attributes };
}
