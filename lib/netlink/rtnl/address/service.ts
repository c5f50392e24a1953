/**
 * `nl.addresses`: list, add, replace and delete IP addresses (RTM_*ADDR).
 *
 * Every method validates its input completely before sending anything (options.ts; a
 * ValidationError names the field). Links are named by name or ifindex; a name the kernel does not
 * know is the NetlinkError ENODEV of the link lookup. Requests are laid out as iproute2 6.1 lays
 * them out (request.ts), so the kernel sees the same bytes as from `ip addr add`.
 */
import { AF_INET, AF_INET6 } from '../../core/inet.js';
import { NLMSG_HDRLEN, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../core/protocol.js';
import type { NlWriter } from '../../core/writer.js';
import type { BulkResult, Connection } from '../../transport/connection.js';
import { bulk, optionPrefix, type BulkCodec } from '../bulk.js';
import type { Links } from '../link/service.js';
import { linkNames, sendResolved, type LinkIndexer } from '../resolve.js';
import { RTM_DELADDR, RTM_GETADDR, RTM_NEWADDR } from '../rtm.js';
import { dumpList, dumpStream, type PreparedDump } from '../stream.js';
import { IFADDRMSG, IFADDRMSG_SIZE } from './codec.js';
import { addressMatches, checkAddressFilter, type AddressFilter, type AddressListOptions } from './filter.js';
import { checkAddress, type AddressAddOptions, type AddressDelOptions, type CheckedAddress } from './options.js';
import { writeAddAddress, writeAddressDump, writeDelAddress } from './request.js';
import { Address, addressView } from './view.js';

export type { AddressAddOptions, AddressDelOptions, AddressFlagOption, AddressLifetime } from './options.js';
export type { AddressFlagSelector, AddressListOptions } from './filter.js';

/** A request writer of one checked address with its link resolved. */
type AddressWriter = (w: NlWriter, c: CheckedAddress, ifindex: number) => void;

/**
 * Decodes a dump message, dropping what is not an IP address of the wanted family and link (a
 * kernel without strict checking ignores the filters of the request and sends every address) and
 * what the other filters refuse (the kernel has none of them).
 */
function dumpDecoder(filter: AddressFilter, ifindex: number): (buf: Buffer, off: number, len: number) => Address | undefined {
  const hdr = NLMSG_HDRLEN;
  const family = filter.family;
  return (buf, off, len) => {
    const f = buf[off + hdr + IFADDRMSG.family];
    if (f !== AF_INET && f !== AF_INET6) return undefined;
    if (family !== 0 && f !== family) return undefined;
    if (ifindex !== 0 && len >= hdr + IFADDRMSG_SIZE && buf.readUInt32LE(off + hdr + IFADDRMSG.index) !== ifindex) return undefined;
    const a = addressView(buf, off, len);
    return !filter.any || addressMatches(filter, a) ? a : undefined;
  };
}

/** Bulk codecs: validation, link references and the request writer of one address. */
function bulkCodec(write: AddressWriter): BulkCodec<CheckedAddress> {
  return {
    check: (field, value) => checkAddress(optionPrefix(field), value),
    refs: (c) => [c.link],
    write: (w, c, ifindexes) => write(w, c, ifindexes[0]!),
  };
}
const ADD_CODEC = bulkCodec(writeAddAddress);
const DEL_CODEC = bulkCodec(writeDelAddress);

/** The IP addresses of one netlink handle. Obtain it as `nl.addresses`. */
export class Addresses {
  /** Resolves link references: the handle's link names (ENODEV names a missing link). */
  private readonly index: LinkIndexer;

  /** @internal */
  constructor(protected readonly conn: Connection, protected readonly links: Links) {
    this.index = linkNames(conn, (name) => links.index(name));
  }

  /**
   * The addresses (one RTM_GETADDR dump). The kernel filters by family and link: `family` selects
   * which family's table is dumped and `link` goes in ifa_index (the kernel then flags its replies
   * NLM_F_DUMP_FILTERED); those are also applied here, so a kernel without strict checking gives
   * the same result. Label, scope, flags, `to` and `proto` are applied here (`ip addr show …`).
   */
  async list(options: AddressListOptions = {}): Promise<Address[]> {
    return dumpList(this.conn, RTM_GETADDR, await this.prepareDump(checkAddressFilter(options)));
  }

  /** Like {@link list}, one address at a time, reading from the kernel as the loop advances. */
  stream(options: AddressListOptions = {}): AsyncIterableIterator<Address> {
    const checked = checkAddressFilter(options);
    return dumpStream(this.conn, RTM_GETADDR, () => this.prepareDump(checked));
  }

  /** The dump request and decoder of checked list options (the link name resolved). */
  private async prepareDump(filter: AddressFilter): Promise<PreparedDump<Address>> {
    const ifindex = filter.link === undefined ? 0 : await this.links.index(filter.link);
    return { build: (w) => writeAddressDump(w, filter.family, ifindex), decode: dumpDecoder(filter, ifindex), subject: filter.link };
  }

  /**
   * Adds an address (RTM_NEWADDR with NLM_F_CREATE | NLM_F_EXCL, like `ip addr add`). An address
   * already there (same address and prefix length) is a NetlinkError EEXIST.
   */
  add(options: AddressAddOptions): Promise<void> {
    return this.one(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, options, writeAddAddress);
  }

  /**
   * Adds an address or updates the one there (NLM_F_CREATE | NLM_F_REPLACE, like `ip addr replace`):
   * lifetimes, flags, metric and proto of an existing address change in place.
   */
  replace(options: AddressAddOptions): Promise<void> {
    return this.one(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, options, writeAddAddress);
  }

  /**
   * Deletes an address (RTM_DELADDR), matched by address and prefix length (and peer, label). A missing
   * one is the kernel's NetlinkError EADDRNOTAVAIL. Deleting an IPv4 primary address also deletes
   * its secondaries unless the link's `promote_secondaries` is set.
   */
  del(options: AddressDelOptions): Promise<void> {
    return this.one(RTM_DELADDR, 0, options, writeDelAddress);
  }

  /**
   * Checks one request and sends it once its link is resolved. Not async: with an ifindex or a name
   * the handle still knows, the request is written in this call and the caller awaits one promise,
   * the ACK's (a bad option is a rejection, as from an async function).
   */
  private one(type: number, flags: number, options: unknown, write: AddressWriter): Promise<void> {
    let c: CheckedAddress;
    try {
      c = checkAddress('', options);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    return sendResolved(this.conn, this.index, [c.link], (ifindexes) => this.conn.ack(type, flags, (w) => write(w, c, ifindexes[0]!), c.link));
  }

  /**
   * Adds many addresses in batched requests (one shared waiter, many per datagram). Every item is
   * validated first (one bad item rejects the call and nothing is sent); each distinct link name is
   * resolved once. Resolves to one result per item, in order (EEXIST, ENODEV … per item).
   */
  addMany(items: readonly AddressAddOptions[]): Promise<BulkResult[]> {
    return bulk(this.conn, this.index, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, 'items', items, ADD_CODEC);
  }

  /** Deletes many addresses like {@link addMany}: one result per item, in order. */
  delMany(items: readonly AddressDelOptions[]): Promise<BulkResult[]> {
    return bulk(this.conn, this.index, RTM_DELADDR, 0, 'items', items, DEL_CODEC);
  }
}

export { Address };
