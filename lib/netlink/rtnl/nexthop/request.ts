/**
 * The requests of `nl.nexthops`. Each is built as a {@link NexthopRequest} — an nhmsg and NHA_*
 * attributes with the fields it does not send left undefined, all in one object literal (one
 * shape, nothing read from a polluted prototype) — and written by the one nexthop encoder, the
 * message codec of codec.ts (its request set: NHA_ENCAP nested-flagged, as iproute2 sends it).
 *
 * Attributes leave in the order of the object's keys: id, group, the resilient nest, group type,
 * blackhole, gateway, encap, encap type, oif, fdb — the order `ip nexthop add id … via … dev …`
 * sends them in for each kind spec/fixtures/nexthop holds (ip follows its argument order).
 */
import type { NlWriter } from '../../core/writer.js';
import type { RequestBuilder } from '../../transport/connection.js';
import { encapPayload } from '../route/encap.js';
import { nexthopRequestMessage, type NexthopAttributes, type NhMsg } from './codec.js';
import type { CheckedNexthop, CheckedNexthopList } from './options.js';

/** The NHA_* attributes of a request; undefined ones are not sent. */
export type NexthopRequestAttributes = { [K in keyof Required<NexthopAttributes>]: NexthopAttributes[K] | undefined };

/** A request body: struct nhmsg and the attributes. */
export interface NexthopRequest {
  /** struct nhmsg. */
  header: NhMsg;
  /** The NHA_* attributes. */
  attributes: NexthopRequestAttributes;
}

/** Attributes of a request that sends none yet (every key present, in wire order). */
function noAttributes(): NexthopRequestAttributes {
  return {
    id: undefined, group: undefined, resGroup: undefined, groupType: undefined, blackhole: undefined, gateway: undefined,
    encap: undefined, encapType: undefined, oif: undefined, groups: undefined, master: undefined, fdb: undefined,
    resBucket: undefined, opFlags: undefined, groupStats: undefined, hwStatsEnable: undefined, hwStatsUsed: undefined,
    unknown: undefined,
  };
}

/** An nhmsg of a request (nh_scope is reported by the kernel only: 0). */
function header(family: number, protocol = 0, flags = 0): NhMsg {
  return { family, scope: 0, protocol, flags };
}

/** Writes request `r` after an nlmsghdr begun by the writer, with the one nexthop encoder. */
export function writeNexthopRequest(w: NlWriter, r: NexthopRequest): void {
  nexthopRequestMessage.encode(w, r as unknown as Parameters<typeof nexthopRequestMessage.encode>[1]);
}

/** The connection's builder of request `r`. */
export function requestBuilder(r: NexthopRequest): RequestBuilder {
  return (w) => writeNexthopRequest(w, r);
}

/**
 * The RTM_NEWNEXTHOP of `add` / `replace`, its device resolved to `oif`. NHA_ID is always sent (0
 * asks the kernel to pick one, as ip sends it).
 */
export function newRequest(c: CheckedNexthop, oif: number | undefined): NexthopRequest {
  const a = noAttributes();
  a.id = c.id;
  a.group = c.group;
  if (c.buckets !== undefined || c.idleTimer !== undefined || c.unbalancedTimer !== undefined) {
    // Every key present: the encoder reads `unknown`, which must not come from a polluted prototype.
    a.resGroup = {
      buckets: c.buckets, idleTimer: c.idleTimer, unbalancedTimer: c.unbalancedTimer, unbalancedTime: undefined, unknown: undefined,
    } as unknown as NexthopAttributes['resGroup'];
  }
  a.groupType = c.groupType;
  a.blackhole = c.blackhole ? true : undefined;
  a.gateway = c.gateway;
  if (c.encap !== undefined) {
    a.encap = encapPayload(c.encap, 'nexthop.encap');
    a.encapType = c.encap.type;
  }
  a.oif = oif;
  a.fdb = c.fdb ? true : undefined;
  a.hwStatsEnable = c.hwStats;
  return { header: header(c.family, c.protocol, c.flags), attributes: a };
}

/** RTM_DELNEXTHOP / RTM_GETNEXTHOP of nexthop `id` (NHA_OP_FLAGS for a GET with statistics). */
export function idRequest(id: number, opFlags?: number): NexthopRequest {
  const a = noAttributes();
  a.id = id;
  a.opFlags = opFlags;
  return { header: header(0), attributes: a };
}

/**
 * The RTM_GETNEXTHOP dump of list filters, devices resolved: nh_family, NHA_OIF, NHA_GROUPS,
 * NHA_MASTER, NHA_FDB and NHA_OP_FLAGS, which the kernel filters on (nh_valid_dump_req).
 */
export function dumpRequest(c: CheckedNexthopList, oif: number | undefined, master: number | undefined): NexthopRequest {
  const a = noAttributes();
  a.oif = oif;
  a.groups = c.groups ? true : undefined;
  a.master = master;
  a.fdb = c.fdb ? true : undefined;
  a.opFlags = c.opFlags;
  return { header: header(c.family), attributes: a };
}
