/**
 * The request encoder of `nl.addresses`: RTM_NEWADDR, RTM_DELADDR and the RTM_GETADDR dump, laid
 * out as iproute2 6.1 lays them out (the captured req-*.hex goldens are its tests), written with
 * the header writer and the attribute schema of codec.ts, the ones that encode replies.
 *
 * One specialisation for speed (bulk adds run through here once per item): IP addresses arrive
 * already parsed, so they are written as the bytes the `ip` attribute codec would produce from
 * their text, not formatted and parsed again.
 */
import type { AttrDef } from '../../core/schema.js';
import type { NlWriter } from '../../core/writer.js';
import { addressAttrs, writeIfAddrMsg } from './codec.js';
import type { CheckedAddress } from './options.js';

/** Writes one attribute with its schema definition: its number and its value codec. */
function put<T>(w: NlWriter, def: AttrDef<T>, value: T, path: string): void {
  def.element.encode(w, def.type, value, path);
}

/** Writes a pre-parsed IP address attribute (what the schema's `ip` codec writes for its text). */
function putIp(w: NlWriter, def: AttrDef<string>, bytes: Uint8Array): void {
  w.attrBytes(def.type, bytes);
}

/**
 * Writes an RTM_NEWADDR body (after the nlmsghdr) in iproute2's attribute order: IFA_LOCAL, the
 * peer (IFA_ADDRESS), an explicit IFA_BROADCAST, IFA_RT_PRIORITY, IFA_PROTO, IFA_FLAGS, IFA_LABEL,
 * IFA_ADDRESS = local, a computed broadcast, IFA_CACHEINFO.
 */
export function writeAddAddress(w: NlWriter, c: CheckedAddress, ifindex: number): void {
  const A = addressAttrs.defs;
  writeIfAddrMsg(w, c.family, c.prefixlen, c.flags & 0xff, c.scope, ifindex);
  putIp(w, A.local, c.local);
  if (c.peer !== undefined) putIp(w, A.address, c.peer);
  if (c.broadcast !== undefined && !c.computedBroadcast) putIp(w, A.broadcast, c.broadcast);
  if (c.metric !== undefined) put(w, A.rtPriority, c.metric, 'metric');
  if (c.proto !== undefined) put(w, A.proto, c.proto, 'proto');
  // ifa_flags is a u8: higher bits need IFA_FLAGS, which then wins over the header byte.
  if (c.flags > 0xff) put(w, A.flags, c.flags, 'flags');
  if (c.label !== undefined) put(w, A.label, c.label, 'label');
  // Without a peer iproute2 repeats the local address as IFA_ADDRESS, the prefix address (the
  // kernel would take IFA_LOCAL for it anyway).
  if (c.peer === undefined) putIp(w, A.address, c.local);
  if (c.broadcast !== undefined && c.computedBroadcast) putIp(w, A.broadcast, c.broadcast);
  if (c.cacheinfo !== undefined) put(w, A.cacheinfo, c.cacheinfo, 'cacheinfo');
}

/**
 * Writes an RTM_DELADDR body as iproute2 does: ifaddrmsg (flags and scope 0), IFA_LOCAL, the peer
 * (IFA_ADDRESS), IFA_LABEL, IFA_ADDRESS = local. The kernel matches on these only.
 */
export function writeDelAddress(w: NlWriter, c: CheckedAddress, ifindex: number): void {
  const A = addressAttrs.defs;
  writeIfAddrMsg(w, c.family, c.prefixlen, 0, 0, ifindex);
  putIp(w, A.local, c.local);
  if (c.peer !== undefined) putIp(w, A.address, c.peer);
  if (c.label !== undefined) put(w, A.label, c.label, 'label');
  if (c.peer === undefined) putIp(w, A.address, c.local);
}

/**
 * Writes an RTM_GETADDR dump request: an ifaddrmsg with the family and ifa_index filters and
 * nothing else (strict checking refuses any other field or attribute).
 */
export function writeAddressDump(w: NlWriter, family: number, ifindex: number): void {
  writeIfAddrMsg(w, family, 0, 0, 0, ifindex);
}
