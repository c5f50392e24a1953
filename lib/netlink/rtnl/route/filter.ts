/**
 * The filters of `routes.list` and `routes.stream`: checked, split into what the kernel filters
 * (under strict checking) and what is filtered here, and turned into the dump's request and reply
 * decoder.
 *
 * The kernel filters a route dump by rtm_protocol, rtm_type, RTA_TABLE and RTA_OIF only
 * (ip_valid_fib_dump_req refuses rtm_dst_len, rtm_src_len, rtm_tos and rtm_scope in the request,
 * and any other attribute). Everything else — destination, source, gateway, prefsrc, iif, tos,
 * scope, metric, mark, realms, nhid, hoplimit — is compared here on the reply's bytes, before a
 * route view is made, so a filtered dump of 100k routes allocates nothing for the routes it skips.
 */
import { NetlinkError, ValidationError } from '../../core/errors.js';
import { ENOENT } from '../../core/errno.js';
import { attrLength, findAttr } from '../../core/attributes.js';
import { AF_INET, AF_INET6, familyOf, maskPrefix, parseIp, parsePrefix, type IpVersion } from '../../core/inet.js';
import { NLMSG_HDRLEN, align4 } from '../../core/protocol.js';
import { checkInt, checkKeys, checkLinkRef, checkObject, checkU32, type LinkRef } from '../../core/validate.js';
import * as E from '../enums.js';
import type { PreparedDump } from '../stream.js';
import { RTMSG_SIZE, type RtMsg } from './codec.js';
import * as C from './constants.js';
import { writeDump } from './request.js';
import { routeView, type Route } from './view.js';

/** A prefix filter: its length and its address bytes (masked to the length). */
export interface PrefixFilter {
  /** rtm_dst_len / rtm_src_len to match. */
  len: number;
  /** The address, 4 or 16 bytes (not compared for length 0: `'default'` of either family). */
  bytes: Uint8Array;
}

/** A checked list filter (0 or undefined: no filter). */
export interface CheckedFilter {
  /** rtm_family: AF_INET, AF_INET6, or 0 for both. */
  family: number;
  /** The table id, or 0. */
  table: number;
  /** The output link, by name or ifindex. */
  oif: LinkRef | undefined;
  /** rtm_protocol. */
  protocol: number | undefined;
  /** rtm_type. */
  type: number | undefined;
  /** RTA_DST / rtm_dst_len, exactly. */
  dst: PrefixFilter | undefined;
  /** RTA_SRC / rtm_src_len, exactly. */
  src: PrefixFilter | undefined;
  /** A gateway: RTA_GATEWAY or RTA_VIA of the route or of one of its paths. */
  gateway: Uint8Array | undefined;
  /** RTA_PREFSRC. */
  prefsrc: Uint8Array | undefined;
  /** RTA_IIF, by name or ifindex. */
  iif: LinkRef | undefined;
  /** rtm_tos. */
  tos: number | undefined;
  /** rtm_scope. */
  scope: number | undefined;
  /** RTA_PRIORITY (0 when absent). */
  metric: number | undefined;
  /** RTA_MARK. */
  mark: number | undefined;
  /** RTA_FLOW (0 when absent). */
  realms: number | undefined;
  /** RTA_NH_ID. */
  nhid: number | undefined;
  /** RTAX_HOPLIMIT in RTA_METRICS (0 when absent). */
  hoplimit: number | undefined;
}

const LIST_KEYS = [
  'family', 'table', 'oif', 'protocol', 'type', 'dst', 'src', 'gateway', 'prefsrc', 'iif', 'tos', 'scope', 'metric', 'mark',
  'realms', 'nhid', 'hoplimit',
];

/** A prefix filter: `'default'`, a CIDR or a host; host bits are masked off, as `ip route show` does. */
function checkPrefix(field: string, value: unknown, version: IpVersion | undefined): { filter: PrefixFilter; version: IpVersion | undefined } {
  if (value === 'default') {
    return { filter: { len: 0, bytes: version === undefined ? new Uint8Array(0) : new Uint8Array(version === 4 ? 4 : 16) }, version };
  }
  const p = parsePrefix(field, value, version === undefined ? {} : { version });
  return { filter: { len: p.prefixlen, bytes: maskPrefix(p.bytes, p.prefixlen) }, version: p.version };
}

/** Checks the options of `list` / `stream`. */
export function checkFilter(options: unknown): CheckedFilter {
  const o = checkObject('options', options);
  checkKeys('', o, LIST_KEYS);
  if (o.family !== undefined && o.family !== 4 && o.family !== 6) throw new ValidationError('family', o.family, '4 or 6 is required');
  let version = o.family as IpVersion | undefined;
  // A destination or source of one family narrows the dump to that family.
  const dst = o.dst === undefined ? undefined : checkPrefix('dst', o.dst, version);
  version = dst?.version ?? version;
  const src = o.src === undefined ? undefined : checkPrefix('src', o.src, version);
  version = src?.version ?? version;
  return {
    family: version === undefined ? 0 : familyOf(version),
    table: o.table === undefined ? 0 : E.checkTable('table', o.table),
    oif: o.oif === undefined ? undefined : checkLinkRef('oif', o.oif),
    protocol: o.protocol === undefined ? undefined : E.PROTOCOLS.check('protocol', o.protocol),
    type: o.type === undefined ? undefined : E.ROUTE_TYPES.check('type', o.type),
    dst: dst?.filter,
    src: src?.filter,
    // A gateway of any family: an IPv4 route may have an IPv6 one (RTA_VIA).
    gateway: o.gateway === undefined ? undefined : parseIp('gateway', o.gateway).bytes,
    prefsrc: o.prefsrc === undefined ? undefined : parseIp('prefsrc', o.prefsrc, version).bytes,
    iif: o.iif === undefined ? undefined : checkLinkRef('iif', o.iif),
    tos: o.tos === undefined ? undefined : checkInt('tos', o.tos, 0, 255),
    scope: o.scope === undefined ? undefined : E.SCOPES.check('scope', o.scope),
    metric: o.metric === undefined ? undefined : checkU32('metric', o.metric),
    mark: o.mark === undefined ? undefined : checkU32('mark', o.mark),
    realms: o.realms === undefined ? undefined : checkU32('realms', o.realms),
    nhid: o.nhid === undefined ? undefined : checkU32('nhid', o.nhid),
    hoplimit: o.hoplimit === undefined ? undefined : checkInt('hoplimit', o.hoplimit, 0, 255),
  };
}

/** Where the fields of struct rtmsg are in a route message (nlmsghdr included). */
const DST_LEN_AT = NLMSG_HDRLEN + 1;
const SRC_LEN_AT = NLMSG_HDRLEN + 2;
const TOS_AT = NLMSG_HDRLEN + 3;
const PROTOCOL_AT = NLMSG_HDRLEN + 5;
const SCOPE_AT = NLMSG_HDRLEN + 6;
const TYPE_AT = NLMSG_HDRLEN + 7;
const ATTRS_AT = NLMSG_HDRLEN + RTMSG_SIZE;
/** struct rtnexthop: rtnh_len (u16), flags, hops, ifindex (s32), then attributes. */
const RTNH_SIZE = 8;

/** A test of one route message (`buf[off, off + len)`): true to keep it. */
type Match = (buf: Buffer, off: number, end: number) => boolean;

/** Whether the payload of attribute `type` in `[start, end)` is exactly `bytes` (false when absent). */
function attrIs(buf: Buffer, start: number, end: number, type: number, bytes: Uint8Array, skip = 0): boolean {
  const at = findAttr(buf, start, end, type);
  if (at < 0 || attrLength(buf, at) !== bytes.length + skip) return false;
  for (let i = 0; i < bytes.length; i++) if (buf[at + skip + i] !== bytes[i]) return false;
  return true;
}

/** A u32 attribute in `[start, end)`, or `absent` when it is not there (or too short). */
function u32At(buf: Buffer, start: number, end: number, type: number, absent: number | undefined): number | undefined {
  const at = findAttr(buf, start, end, type);
  return at < 0 || attrLength(buf, at) < 4 ? absent : buf.readUInt32LE(at);
}

/** A gateway in `[start, end)`: RTA_GATEWAY, or RTA_VIA's address (after its 2-byte family). */
function hasGateway(buf: Buffer, start: number, end: number, gw: Uint8Array): boolean {
  return attrIs(buf, start, end, C.RTA_GATEWAY, gw) || attrIs(buf, start, end, C.RTA_VIA, gw, 2);
}

/** Calls `test` on the attributes of each path of RTA_MULTIPATH in `[start, end)` until one passes. */
function somePath(buf: Buffer, start: number, end: number, test: (ifindex: number, from: number, to: number) => boolean): boolean {
  const mp = findAttr(buf, start, end, C.RTA_MULTIPATH);
  if (mp < 0) return false;
  const stop = mp + attrLength(buf, mp);
  for (let at = mp; at + RTNH_SIZE <= stop;) {
    const n = buf.readUInt16LE(at);
    if (n < RTNH_SIZE || at + n > stop) return false;
    if (test(buf.readInt32LE(at + 4), at + RTNH_SIZE, at + n)) return true;
    at += align4(n);
  }
  return false;
}

/** A prefix filter on rtm_*_len at `lenAt` and attribute `type`; `'default'` of either family matches both. */
function prefixMatch(p: PrefixFilter, lenAt: number, type: number): Match {
  if (p.len === 0) return (buf, off) => buf[off + lenAt] === 0;
  return (buf, off, end) => buf[off + lenAt] === p.len && attrIs(buf, off + ATTRS_AT, end, type, p.bytes);
}

/** A u32 attribute filter (`absent`: the value a route without the attribute has). */
function u32Match(type: number, want: number, absent: number | undefined): Match {
  return (buf, off, end) => u32At(buf, off + ATTRS_AT, end, type, absent) === want;
}

/** An rtmsg byte filter. */
function byteMatch(at: number, want: number): Match {
  return (buf, off) => buf[off + at] === want;
}

/** The tests of what the kernel did not filter, `oif` and `iif` resolved (`jsOif`: only when the kernel did not). */
function matches(f: CheckedFilter, jsProtocol: number | undefined, jsType: number | undefined, jsTable: number,
  jsOif: number | undefined, iif: number | undefined): Match[] {
  const m: Match[] = [];
  if (jsProtocol !== undefined) m.push(byteMatch(PROTOCOL_AT, jsProtocol));
  if (jsType !== undefined) m.push(byteMatch(TYPE_AT, jsType));
  if (f.tos !== undefined) m.push(byteMatch(TOS_AT, f.tos));
  if (f.scope !== undefined) m.push(byteMatch(SCOPE_AT, f.scope));
  if (jsTable !== 0) m.push((buf, off, end) => (u32At(buf, off + ATTRS_AT, end, C.RTA_TABLE, undefined) ?? buf[off + NLMSG_HDRLEN + 4]) === jsTable);
  if (f.dst !== undefined) m.push(prefixMatch(f.dst, DST_LEN_AT, C.RTA_DST));
  if (f.src !== undefined) m.push(prefixMatch(f.src, SRC_LEN_AT, C.RTA_SRC));
  if (jsOif !== undefined) {
    m.push((buf, off, end) => u32At(buf, off + ATTRS_AT, end, C.RTA_OIF, undefined) === jsOif
      || somePath(buf, off + ATTRS_AT, end, (ifindex) => ifindex === jsOif));
  }
  const gw = f.gateway;
  if (gw !== undefined) {
    m.push((buf, off, end) => hasGateway(buf, off + ATTRS_AT, end, gw)
      || somePath(buf, off + ATTRS_AT, end, (_i, from, to) => hasGateway(buf, from, to, gw)));
  }
  const prefsrc = f.prefsrc;
  if (prefsrc !== undefined) m.push((buf, off, end) => attrIs(buf, off + ATTRS_AT, end, C.RTA_PREFSRC, prefsrc));
  if (iif !== undefined) m.push(u32Match(C.RTA_IIF, iif, undefined));
  if (f.metric !== undefined) m.push(u32Match(C.RTA_PRIORITY, f.metric, 0));
  if (f.mark !== undefined) m.push(u32Match(C.RTA_MARK, f.mark, undefined));
  if (f.realms !== undefined) m.push(u32Match(C.RTA_FLOW, f.realms, 0));
  if (f.nhid !== undefined) m.push(u32Match(C.RTA_NH_ID, f.nhid, undefined));
  const hoplimit = f.hoplimit;
  if (hoplimit !== undefined) {
    m.push((buf, off, end) => {
      const metrics = findAttr(buf, off + ATTRS_AT, end, C.RTA_METRICS);
      const value = metrics < 0 ? 0 : u32At(buf, metrics, metrics + attrLength(buf, metrics), C.RTAX_HOPLIMIT, 0);
      return value === hoplimit;
    });
  }
  return m;
}

/**
 * The dump of a checked filter (`oif` and `iif` resolved to ifindexes). What the kernel filters
 * under strict checking (rtm_protocol and rtm_type when non-zero, RTA_TABLE, RTA_OIF) goes into the
 * request; the rest, and everything on a socket without strict checking, is tested on the reply's
 * bytes by the decoder, which returns undefined for a route to skip.
 */
export function prepareDump(f: CheckedFilter, oif: number | undefined, strict: boolean, iif?: number): PreparedDump<Route> {
  const kProtocol = strict && f.protocol !== undefined ? f.protocol : 0;
  const kType = strict && f.type !== undefined ? f.type : 0;
  const kTable = strict ? f.table : 0;
  const kOif = strict ? oif : undefined;
  const header: RtMsg = { family: f.family, dstLen: 0, srcLen: 0, tos: 0, table: 0, protocol: kProtocol, scope: 0, type: kType, flags: 0 };
  // The kernel reads 0 as "no filter": a filter on 0 (protocol unspec) is applied here.
  const tests = matches(f, f.protocol !== undefined && kProtocol === 0 ? f.protocol : undefined,
    f.type !== undefined && kType === 0 ? f.type : undefined, kTable === 0 ? f.table : 0, kOif === undefined ? oif : undefined, iif);
  const wantFamily = f.family;
  const n = tests.length;
  return {
    build: (w) => writeDump(w, header, kTable, kOif),
    decode: (buf, off, len) => {
      const family = buf[off + NLMSG_HDRLEN];
      // An AF_UNSPEC dump also walks the multicast caches (RTNL_FAMILY_IPMR …): IP routes only.
      if (wantFamily === 0 ? family !== AF_INET && family !== AF_INET6 : family !== wantFamily) return undefined;
      const r = routeView(buf, off, len);
      // The view checked that the message fits its nlmsg_len: the tests read inside it.
      for (let i = 0; i < n; i++) if (!tests[i]!(buf, off, off + len)) return undefined;
      return r;
    },
    // A table that does not exist fails the dump with ENOENT ("FIB table does not exist"): it has no routes.
    empty: (e) => f.table !== 0 && e instanceof NetlinkError && e.errno === ENOENT,
  };
}
