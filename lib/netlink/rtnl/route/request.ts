/**
 * The route requests (RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE), written after the nlmsghdr the
 * connection begins, with the codecs of codec.ts and encap.ts: the rtmsg through writeRtMsg, RTA_VIA
 * through writeRtVia, each struct rtnexthop through beginRtNexthop, RTA_METRICS through its
 * attribute set, encaps through writeEncap. Plain attributes are written from the values validate.ts
 * parsed (the bytes of an address, a u32), which is what the schema's `ip` and `u32` codecs write.
 * iproute2's request captures (spec/fixtures/route/req-*.hex) are compared with these bytes.
 */
import type { NlWriter } from '../../core/writer.js';
import type { LinkRef } from '../../core/validate.js';
import * as C from './constants.js';
import { beginRtNexthop, rtaMetrics, writeRtMsg, writeRtVia, type RtMsg } from './codec.js';
import { writeEncap } from './encap.js';
import type { CheckedGet, CheckedNexthop, CheckedRoute } from './validate.js';

/**
 * The link references of a checked route, in the order {@link writeRoute} takes their ifindexes:
 * RTA_OIF, then each nexthop's.
 */
export function routeRefs(c: CheckedRoute): Array<LinkRef | undefined> {
  const refs: Array<LinkRef | undefined> = [c.oif];
  if (c.multipath !== undefined) for (const h of c.multipath) refs.push(h.oif);
  return refs;
}

/**
 * Writes an RTM_NEWROUTE / RTM_DELROUTE body: rtmsg, then the attributes in the order `ip route
 * add` sends them for `ip route add DST from SRC encap … via GW metric M table T src PREFSRC realms
 * R pref P expires E nhid N dev OIF METRICS… nexthop …`. `ifindexes` are the resolved
 * {@link routeRefs}. A Route view to delete is sent back as it came.
 */
export function writeRoute(w: NlWriter, c: CheckedRoute, ifindexes: ReadonlyArray<number | undefined>): void {
  if (c.raw !== undefined) {
    w.putBytes(c.raw);
    return;
  }
  writeRtMsg(w, c);
  if (c.dst4 >= 0) w.attrU32Be(C.RTA_DST, c.dst4);
  else if (c.dst !== undefined) w.attrBytes(C.RTA_DST, c.dst);
  if (c.src !== undefined) w.attrBytes(C.RTA_SRC, c.src);
  if (c.encap !== undefined) writeEncap(w, c.encap);
  if (c.gateway4 >= 0) w.attrU32Be(C.RTA_GATEWAY, c.gateway4);
  else if (c.gateway !== undefined) w.attrBytes(C.RTA_GATEWAY, c.gateway);
  if (c.via !== undefined) writeRtVia(w, C.RTA_VIA, c.via.family, c.via.bytes);
  if (c.metric !== undefined) w.attrU32(C.RTA_PRIORITY, c.metric);
  if (c.rtaTable !== undefined) w.attrU32(C.RTA_TABLE, c.rtaTable);
  if (c.prefsrc !== undefined) w.attrBytes(C.RTA_PREFSRC, c.prefsrc);
  if (c.realms !== undefined) w.attrU32(C.RTA_FLOW, c.realms);
  if (c.pref !== undefined) w.attrU8(C.RTA_PREF, c.pref);
  if (c.expires !== undefined) w.attrU32(C.RTA_EXPIRES, c.expires);
  if (c.nhid !== undefined) w.attrU32(C.RTA_NH_ID, c.nhid);
  const oif = ifindexes[0];
  if (oif !== undefined) w.attrU32(C.RTA_OIF, oif);
  if (c.metrics !== undefined) rtaMetrics.encode(w, C.RTA_METRICS, c.metrics, 'route.metrics');
  if (c.multipath !== undefined) writeMultipath(w, c.multipath, ifindexes);
}

/** RTA_MULTIPATH: one struct rtnexthop per path, its ifindex at `ifindexes[1 + i]`. */
function writeMultipath(w: NlWriter, hops: readonly CheckedNexthop[], ifindexes: ReadonlyArray<number | undefined>): void {
  const mp = w.beginNest(C.RTA_MULTIPATH);
  for (let i = 0; i < hops.length; i++) {
    const h = hops[i]!;
    const at = beginRtNexthop(w, h.flags, h.hops, ifindexes[i + 1] ?? 0);
    if (h.gateway !== undefined) w.attrBytes(C.RTA_GATEWAY, h.gateway);
    if (h.via !== undefined) writeRtVia(w, C.RTA_VIA, h.via.family, h.via.bytes);
    if (h.realms !== undefined) w.attrU32(C.RTA_FLOW, h.realms);
    w.endNest(at);
  }
  w.endNest(mp);
}

/**
 * Writes an RTM_GETROUTE lookup (`ip route get`), its attributes in the order `ip route get DST
 * from SRC iif I oif O mark M …` sends them. `iif` and `oif` are resolved ifindexes.
 */
export function writeGet(w: NlWriter, g: CheckedGet, iif: number | undefined, oif: number | undefined): void {
  writeRtMsg(w, g);
  w.attrBytes(C.RTA_DST, g.dst);
  if (g.from !== undefined) w.attrBytes(C.RTA_SRC, g.from);
  if (iif !== undefined) w.attrU32(C.RTA_IIF, iif);
  if (oif !== undefined) w.attrU32(C.RTA_OIF, oif);
  if (g.mark !== undefined) w.attrU32(C.RTA_MARK, g.mark);
  if (g.uid !== undefined) w.attrU32(C.RTA_UID, g.uid);
  if (g.ipProto !== undefined) w.attrU8(C.RTA_IP_PROTO, g.ipProto);
  if (g.sport !== undefined) w.attrU16Be(C.RTA_SPORT, g.sport);
  if (g.dport !== undefined) w.attrU16Be(C.RTA_DPORT, g.dport);
}

/**
 * Writes an RTM_GETROUTE dump request: the rtmsg (family, and the protocol and type to filter on),
 * then RTA_TABLE and RTA_OIF when they filter. Under strict checking the kernel filters on exactly
 * these (ip_valid_fib_dump_req); 0 means "any".
 */
export function writeDump(w: NlWriter, header: RtMsg, table: number, oif: number | undefined): void {
  writeRtMsg(w, header);
  if (table !== 0) w.attrU32(C.RTA_TABLE, table);
  if (oif !== undefined) w.attrU32(C.RTA_OIF, oif);
}
