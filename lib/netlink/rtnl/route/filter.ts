/**
 * The filters of `routes.list` and `routes.stream`: checked, split into what the kernel filters
 * (under strict checking) and what is filtered here, and turned into the dump's request and reply
 * decoder.
 */
import { NetlinkError, ValidationError } from '../../core/errors.js';
import { ENOENT } from '../../core/errno.js';
import { AF_INET, AF_INET6, familyOf } from '../../core/inet.js';
import { NLMSG_HDRLEN } from '../../core/protocol.js';
import { checkKeys, checkLinkRef, checkObject, type LinkRef } from '../../core/validate.js';
import * as E from '../enums.js';
import type { PreparedDump } from '../stream.js';
import type { RtMsg } from './codec.js';
import { writeDump } from './request.js';
import { routeView, type Route } from './view.js';

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
}

const LIST_KEYS = ['family', 'table', 'oif', 'protocol', 'type'];

/** Checks the options of `list` / `stream`. */
export function checkFilter(options: unknown): CheckedFilter {
  const o = checkObject('options', options);
  checkKeys('', o, LIST_KEYS);
  if (o.family !== undefined && o.family !== 4 && o.family !== 6) throw new ValidationError('family', o.family, '4 or 6 is required');
  return {
    family: o.family === undefined ? 0 : familyOf(o.family),
    table: o.table === undefined ? 0 : E.checkTable('table', o.table),
    oif: o.oif === undefined ? undefined : checkLinkRef('oif', o.oif),
    protocol: o.protocol === undefined ? undefined : E.PROTOCOLS.check('protocol', o.protocol),
    type: o.type === undefined ? undefined : E.ROUTE_TYPES.check('type', o.type),
  };
}

/** rtm_protocol and rtm_type in a route message at `off` (nlmsghdr included). */
const PROTOCOL_AT = NLMSG_HDRLEN + 5;
const TYPE_AT = NLMSG_HDRLEN + 7;

/**
 * The dump of a checked filter (`oif` resolved to its ifindex). What the kernel filters under
 * strict checking (rtm_protocol and rtm_type when non-zero, RTA_TABLE, RTA_OIF) goes into the
 * request; the rest, and everything on a socket without strict checking, is filtered by the decoder,
 * which returns undefined for a route to skip.
 */
export function prepareDump(f: CheckedFilter, oif: number | undefined, strict: boolean): PreparedDump<Route> {
  const kProtocol = strict && f.protocol !== undefined ? f.protocol : 0;
  const kType = strict && f.type !== undefined ? f.type : 0;
  const kTable = strict ? f.table : 0;
  const kOif = strict ? oif : undefined;
  const header: RtMsg = { family: f.family, dstLen: 0, srcLen: 0, tos: 0, table: 0, protocol: kProtocol, scope: 0, type: kType, flags: 0 };
  // The kernel reads 0 as "no filter": a filter on 0 (protocol unspec) is applied here.
  const jsProtocol = f.protocol !== undefined && kProtocol === 0 ? f.protocol : undefined;
  const jsType = f.type !== undefined && kType === 0 ? f.type : undefined;
  const jsTable = kTable === 0 ? f.table : 0;
  const jsOif = kOif === undefined ? oif : undefined;
  const wantFamily = f.family;
  const needJs = jsProtocol !== undefined || jsType !== undefined || jsTable !== 0 || jsOif !== undefined;
  return {
    build: (w) => writeDump(w, header, kTable, kOif),
    decode: (buf, off, len) => {
      const family = buf[off + NLMSG_HDRLEN];
      // An AF_UNSPEC dump also walks the multicast caches (RTNL_FAMILY_IPMR …): IP routes only.
      if (wantFamily === 0 ? family !== AF_INET && family !== AF_INET6 : family !== wantFamily) return undefined;
      const r = routeView(buf, off, len);
      if (needJs) {
        if (jsProtocol !== undefined && buf[off + PROTOCOL_AT] !== jsProtocol) return undefined;
        if (jsType !== undefined && buf[off + TYPE_AT] !== jsType) return undefined;
        if (jsTable !== 0 && r.tableId !== jsTable) return undefined;
        if (jsOif !== undefined && r.oif !== jsOif && !(r.multipath?.some((h) => h.oif === jsOif) ?? false)) return undefined;
      }
      return r;
    },
    // A table that does not exist fails the dump with ENOENT ("FIB table does not exist"): it has no routes.
    empty: (e) => f.table !== 0 && e instanceof NetlinkError && e.errno === ENOENT,
  };
}
