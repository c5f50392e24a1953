/**
 * rtnetlink: a pure-TypeScript client of the Linux kernel's routing netlink.
 *
 * ```ts
 * import { RtNetlink, netns } from 'rtnetlink';
 * const nl = await RtNetlink.open({ netns: '/run/netns/blue' });
 * await nl.links.add({ name: 'br0', kind: 'bridge', up: true });
 * ```
 */
export { RtNetlink, type RtNetlinkOptions } from './rtnetlink.js';
export { NetlinkError, ValidationError, DecodeError, ProtocolError } from './errors.js';
export type { ExtendedAck, ProtocolErrorCode } from './errors.js';
export type { BulkResult, NetlinkWarning } from './connection.js';
export { Links, Link, KNOWN_KINDS } from './links.js';
export type { LinkAddOptions, LinkSetOptions, LinkListOptions, LinkSettings, VethPeer, LinkRef } from './links.js';
export type { LinkFlags } from './link.js';
export type { LinkStats64, LinkAttributes, LinkBody, IfInfoMsg } from './link-codec.js';
export type { LinkInfo, LinkKindData } from './link-kinds.js';
export { errnoName, errnoNumber } from './errno.js';
export * as netns from './netns-api.js';
