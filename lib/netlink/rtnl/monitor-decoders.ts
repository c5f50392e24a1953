/**
 * Which rtnetlink notification becomes which event object: the message type decides the family
 * (RTM_NEWLINK → a Link …) and whether it reports a creation/change or a deletion. Each family also
 * says what identifies one of its objects (its key), which the monitor's list-existing mode uses to
 * match events with the objects of a dump.
 */
import { attrLength, findAttr } from '../core/attributes.js';
import { AF_BRIDGE } from '../core/inet.js';
import { NLMSG_HDRLEN } from '../core/protocol.js';
import { IFA_ADDRESS, IFA_LOCAL, IFADDRMSG_SIZE } from './address/codec.js';
import { addressView, type Address } from './address/view.js';
import { IFINFOMSG_SIZE } from './link/codec.js';
import { linkView, type Link } from './link/view.js';
import { NDA_DST, NDA_LLADDR, NDA_VLAN, NDA_VNI, NDMSG_SIZE, NTF_PROXY } from './neighbor/codec.js';
import { neighborView, type Neighbor } from './neighbor/view.js';
import { NHA_ID, NHMSG_SIZE } from './nexthop/codec.js';
import { nexthopView, type Nexthop } from './nexthop/view.js';
import { RTMSG_SIZE } from './route/codec.js';
import {
  RTA_DST, RTA_GATEWAY, RTA_MULTIPATH, RTA_NH_ID, RTA_OIF, RTA_PRIORITY, RTA_SRC, RTA_TABLE, RTA_VIA,
} from './route/constants.js';
import { routeView, type Route } from './route/view.js';
import { FIB_RULE_HDR_SIZE } from './rule/codec.js';
import { ruleView, type Rule } from './rule/view.js';
import * as R from './rtm.js';

/** The object type of each event family (lazily decoded views of the notifications). */
export interface EventObjects {
  /** RTM_NEWLINK / RTM_DELLINK (group `link`). */
  link: Link;
  /** RTM_NEWADDR / RTM_DELADDR (groups `ipv4-ifaddr`, `ipv6-ifaddr`). */
  address: Address;
  /** RTM_NEWROUTE / RTM_DELROUTE (groups `ipv4-route`, `ipv6-route`). */
  route: Route;
  /** RTM_NEWNEIGH / RTM_DELNEIGH (group `neigh`), bridge FDB entries included. */
  neighbor: Neighbor;
  /** RTM_NEWRULE / RTM_DELRULE (groups `ipv4-rule`, `ipv6-rule`, `rules`). */
  rule: Rule;
  /** RTM_NEWNEXTHOP / RTM_DELNEXTHOP (group `nexthop`). */
  nexthop: Nexthop;
}

/** The family of an event's object. */
export type EventKind = keyof EventObjects;

/** The object an event carries. */
export type EventObject = EventObjects[EventKind];

/** How to turn one notification into an event. */
export interface EventDecoder {
  kind: EventKind;
  del: boolean;
  decode(buf: Buffer, off: number, len: number): EventObject;
  /**
   * What identifies the message's object among its family's (the same for its RTM_NEW* and
   * RTM_DEL*), or undefined for a message too short to tell.
   */
  key(buf: Buffer, off: number, len: number): string | undefined;
}

/** The payload of attribute `type` in hex ('' when absent): part of a key. */
function attrHex(buf: Buffer, start: number, end: number, type: number): string {
  const at = findAttr(buf, start, end, type);
  return at < 0 ? '' : buf.toString('hex', at, at + attrLength(buf, at));
}

/** Whether `buf[off, off + len)` holds an nlmsghdr and a family header of `header` bytes. */
function fits(buf: Buffer, off: number, len: number, header: number): boolean {
  return len >= NLMSG_HDRLEN + header && off + len <= buf.length;
}

/** A link is its family (AF_UNSPEC, or AF_BRIDGE for bridge port entries) and ifindex. */
function linkKey(buf: Buffer, off: number, len: number): string | undefined {
  if (!fits(buf, off, len, IFINFOMSG_SIZE)) return undefined;
  const h = off + NLMSG_HDRLEN;
  return `link ${buf[h]} ${buf.readInt32LE(h + 4)}`;
}

/** An address is its family, ifindex, prefix length, local and peer address. */
function addressKey(buf: Buffer, off: number, len: number): string | undefined {
  if (!fits(buf, off, len, IFADDRMSG_SIZE)) return undefined;
  const h = off + NLMSG_HDRLEN;
  const a = h + IFADDRMSG_SIZE;
  const end = off + len;
  return `address ${buf[h]} ${buf.readUInt32LE(h + 4)} ${buf[h + 1]} ${attrHex(buf, a, end, IFA_LOCAL)} ${attrHex(buf, a, end, IFA_ADDRESS)}`;
}

/**
 * A route is its family, table, destination, source, TOS, metric and type, and its next hops
 * (routes that differ only in them coexist: NLM_F_APPEND).
 */
function routeKey(buf: Buffer, off: number, len: number): string | undefined {
  if (!fits(buf, off, len, RTMSG_SIZE)) return undefined;
  const h = off + NLMSG_HDRLEN;
  const a = h + RTMSG_SIZE;
  const end = off + len;
  const table = findAttr(buf, a, end, RTA_TABLE);
  return `route ${buf[h]} ${table >= 0 && attrLength(buf, table) >= 4 ? buf.readUInt32LE(table) : buf[h + 4]} `
    + `${buf[h + 1]} ${attrHex(buf, a, end, RTA_DST)} ${buf[h + 2]} ${attrHex(buf, a, end, RTA_SRC)} ${buf[h + 3]} `
    + `${attrHex(buf, a, end, RTA_PRIORITY)} ${buf[h + 7]} ${attrHex(buf, a, end, RTA_OIF)} `
    + `${attrHex(buf, a, end, RTA_GATEWAY)} ${attrHex(buf, a, end, RTA_VIA)} ${attrHex(buf, a, end, RTA_MULTIPATH)} `
    + attrHex(buf, a, end, RTA_NH_ID);
}

/**
 * A neighbour is its family, ifindex, whether it is a proxy entry and its address; a bridge FDB
 * entry also its MAC, VLAN and VNI.
 */
function neighborKey(buf: Buffer, off: number, len: number): string | undefined {
  if (!fits(buf, off, len, NDMSG_SIZE)) return undefined;
  const h = off + NLMSG_HDRLEN;
  const a = h + NDMSG_SIZE;
  const end = off + len;
  const family = buf[h]!;
  let key = `neighbor ${family} ${buf.readInt32LE(h + 4)} ${(buf[h + 10]! & NTF_PROXY) !== 0} ${attrHex(buf, a, end, NDA_DST)}`;
  if (family === AF_BRIDGE) {
    key += ` ${attrHex(buf, a, end, NDA_LLADDR)} ${attrHex(buf, a, end, NDA_VLAN)} ${attrHex(buf, a, end, NDA_VNI)}`;
  }
  return key;
}

/** A rule has no identifier and is never changed in place: it is its whole content. */
function ruleKey(buf: Buffer, off: number, len: number): string | undefined {
  if (!fits(buf, off, len, FIB_RULE_HDR_SIZE)) return undefined;
  return `rule ${buf.toString('hex', off + NLMSG_HDRLEN, off + len)}`;
}

/** A nexthop is its id (unique in a namespace). */
function nexthopKey(buf: Buffer, off: number, len: number): string | undefined {
  if (!fits(buf, off, len, NHMSG_SIZE)) return undefined;
  const a = off + NLMSG_HDRLEN + NHMSG_SIZE;
  return `nexthop ${attrHex(buf, a, off + len, NHA_ID)}`;
}

const DECODERS = new Map<number, EventDecoder>([
  [R.RTM_NEWLINK, { kind: 'link', del: false, decode: linkView, key: linkKey }],
  [R.RTM_DELLINK, { kind: 'link', del: true, decode: linkView, key: linkKey }],
  [R.RTM_NEWADDR, { kind: 'address', del: false, decode: addressView, key: addressKey }],
  [R.RTM_DELADDR, { kind: 'address', del: true, decode: addressView, key: addressKey }],
  [R.RTM_NEWROUTE, { kind: 'route', del: false, decode: routeView, key: routeKey }],
  [R.RTM_DELROUTE, { kind: 'route', del: true, decode: routeView, key: routeKey }],
  [R.RTM_NEWNEIGH, { kind: 'neighbor', del: false, decode: neighborView, key: neighborKey }],
  [R.RTM_DELNEIGH, { kind: 'neighbor', del: true, decode: neighborView, key: neighborKey }],
  [R.RTM_NEWRULE, { kind: 'rule', del: false, decode: ruleView, key: ruleKey }],
  [R.RTM_DELRULE, { kind: 'rule', del: true, decode: ruleView, key: ruleKey }],
  [R.RTM_NEWNEXTHOP, { kind: 'nexthop', del: false, decode: nexthopView, key: nexthopKey }],
  [R.RTM_DELNEXTHOP, { kind: 'nexthop', del: true, decode: nexthopView, key: nexthopKey }],
]);

/** The decoder of notifications of type `nlmsgType`, or undefined for types that are not events. */
export function eventDecoder(nlmsgType: number): EventDecoder | undefined {
  return DECODERS.get(nlmsgType);
}
