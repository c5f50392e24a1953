/**
 * The frames of unsolicited address announcements (osl's internal l2disco package), built whole,
 * Ethernet header included, for an AF_PACKET socket:
 * - for an IPv4 address, a gratuitous ARP request (RFC 5227's ARP Announcement: sender and target
 *   protocol address both the address, target hardware address zero, to the broadcast MAC);
 * - for an IPv6 address, an unsolicited Neighbour Advertisement (RFC 4861 §4.4 and §7.2.6: to the
 *   all-nodes group ff02::1, hop limit 255, Override set, Solicited and Router clear, with the
 *   Target Link-Layer Address option), from the address itself as osl sends it.
 * Pure byte builders: they take the bytes of an address and a MAC and allocate a new frame.
 */
import { ValidationError } from '../netlink/core/errors.js';

/** Ethertype of ARP (linux/if_ether.h ETH_P_ARP). */
export const ETH_P_ARP = 0x0806;
/** Ethertype of IPv6 (ETH_P_IPV6). */
export const ETH_P_IPV6 = 0x86dd;
/** IPPROTO_ICMPV6, the IPv6 next header of an NA. */
export const IPPROTO_ICMPV6 = 58;
/** ICMPv6 type of a Neighbour Advertisement (ND_NEIGHBOR_ADVERT). */
export const ND_NEIGHBOR_ADVERT = 136;
/** NA flag Router (first byte after the checksum): the sender is a router. */
export const NA_FLAG_ROUTER = 0x80;
/** NA flag Solicited: an answer to a solicitation (never set in an unsolicited NA). */
export const NA_FLAG_SOLICITED = 0x40;
/** NA flag Override: the advertised link-layer address replaces a cached one. */
export const NA_FLAG_OVERRIDE = 0x20;
/** ND option Target Link-Layer Address (ND_OPT_TARGET_LINKADDR). */
export const ND_OPT_TARGET_LINKADDR = 2;
/** ARP opcode of a request (ARPOP_REQUEST). */
export const ARPOP_REQUEST = 1;

/** Length of an Ethernet II header: destination, source, ethertype. */
const ETH_HLEN = 14;
/** The IPv6 all-nodes link-local multicast group, ff02::1. */
const ALL_NODES = Uint8Array.of(0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
/** Its Ethernet multicast address (RFC 2464 §7: 33:33 + the group's last 32 bits). */
const ALL_NODES_MAC = Uint8Array.of(0x33, 0x33, 0, 0, 0, 1);

function checkBytes(field: string, value: Uint8Array, length: number): void {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new ValidationError(field, value, `${length} bytes are required`);
  }
}

/** Writes the Ethernet II header: destination, source, ethertype. */
function ethernet(frame: Buffer, dst: Uint8Array, src: Uint8Array, ethertype: number): void {
  frame.set(dst, 0);
  frame.set(src, 6);
  frame.writeUInt16BE(ethertype, 12);
}

/**
 * A gratuitous ARP request announcing `ip` (4 bytes) at `mac` (6 bytes): 42 bytes.
 *
 * ```
 *  0  ff ff ff ff ff ff | mac            | 08 06      Ethernet: broadcast, from mac, ARP
 * 14  00 01 | 08 00 | 06 | 04 | 00 01                 htype 1, ptype IPv4, hlen 6, plen 4, op request
 * 22  mac (sender hardware) | ip (sender protocol)
 * 32  00 00 00 00 00 00 (target hardware) | ip (target protocol)
 * ```
 */
export function arpAnnouncement(mac: Uint8Array, ip: Uint8Array): Buffer {
  checkBytes('mac', mac, 6);
  checkBytes('ip', ip, 4);
  const frame = Buffer.alloc(ETH_HLEN + 28);
  ethernet(frame, Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff), mac, ETH_P_ARP);
  frame.writeUInt16BE(1, 14); // ARPHRD_ETHER
  frame.writeUInt16BE(0x0800, 16); // ETH_P_IP
  frame[18] = 6;
  frame[19] = 4;
  frame.writeUInt16BE(ARPOP_REQUEST, 20);
  frame.set(mac, 22);
  frame.set(ip, 28);
  frame.set(ip, 38);
  return frame;
}

/**
 * The ICMPv6 checksum (RFC 4443 §2.3): the ones'-complement sum over the pseudo-header (source,
 * destination, upper-layer length, next header 58) and the message whose checksum field is zero.
 */
export function icmpv6Checksum(src: Uint8Array, dst: Uint8Array, message: Uint8Array): number {
  let sum = 0;
  const add = (bytes: Uint8Array): void => {
    for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  };
  add(src);
  add(dst);
  sum += (message.length >>> 16) + (message.length & 0xffff) + IPPROTO_ICMPV6;
  add(message);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * An unsolicited Neighbour Advertisement for `ip` (16 bytes) at `mac` (6 bytes): 86 bytes.
 *
 * ```
 *  0  33 33 00 00 00 01 | mac | 86 dd                 Ethernet: all-nodes, from mac, IPv6
 * 14  60 00 00 00 | 00 20 | 3a | ff                   version 6, payload 32, ICMPv6, hop limit 255
 * 22  ip (source) | ff02::1 (destination)
 * 54  88 | 00 | checksum | 20 00 00 00                NA, code 0, flags Override
 * 62  ip (target)
 * 78  02 | 01 | mac                                   option Target Link-Layer Address, 8 bytes
 * ```
 */
export function unsolicitedNeighborAdvertisement(mac: Uint8Array, ip: Uint8Array): Buffer {
  checkBytes('mac', mac, 6);
  checkBytes('ip', ip, 16);
  const frame = Buffer.alloc(ETH_HLEN + 40 + 32);
  ethernet(frame, ALL_NODES_MAC, mac, ETH_P_IPV6);
  const ip6 = ETH_HLEN;
  frame.writeUInt32BE(0x60000000, ip6);
  frame.writeUInt16BE(32, ip6 + 4);
  frame[ip6 + 6] = IPPROTO_ICMPV6;
  frame[ip6 + 7] = 255;
  frame.set(ip, ip6 + 8);
  frame.set(ALL_NODES, ip6 + 24);
  const na = ip6 + 40;
  frame[na] = ND_NEIGHBOR_ADVERT;
  frame[na + 4] = NA_FLAG_OVERRIDE;
  frame.set(ip, na + 8);
  frame[na + 24] = ND_OPT_TARGET_LINKADDR;
  frame[na + 25] = 1; // in units of 8 bytes
  frame.set(mac, na + 26);
  frame.writeUInt16BE(icmpv6Checksum(ip, ALL_NODES, frame.subarray(na)), na + 2);
  return frame;
}
