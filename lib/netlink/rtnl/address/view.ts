/**
 * Address: one IP address of an interface as the kernel reported it (RTM_NEWADDR), decoded lazily.
 * Field names follow `ip -j addr` in camelCase (`local`, `prefixlen`, `broadcast`, `label`,
 * `scope`); `validLft`/`preferredLft` are ip's `valid_lft`/`preferred_lft` in seconds, with
 * `Infinity` for forever (0xffffffff on the wire, `forever` in ip's text output).
 */
import * as C from './codec.js';
import { ADDRESS_PROTOCOLS, IFADDRMSG, addressAttrs, addressFlagNames, ifaCacheInfo, readIfAddrMsg } from './codec.js';
import type { AddressAttributes, AddressFlagName, AddressProtoName, IfaCacheInfo, IfAddrMsg } from './codec.js';
import { SCOPES, type ScopeName } from '../enums.js';
import { AF_INET6, type IpVersion } from '../../core/inet.js';
import { MessageView } from '../../core/message-view.js';
import { NLMSG_HDRLEN, NLM_F_DUMP_FILTERED } from '../../core/protocol.js';
import { ip, string, u32 } from '../../core/schema.js';

/** Where the ifaddrmsg fields lie in a message: the struct follows the nlmsghdr. */
const FAMILY = NLMSG_HDRLEN + IFADDRMSG.family;
const PREFIXLEN = NLMSG_HDRLEN + IFADDRMSG.prefixlen;
const FLAGS = NLMSG_HDRLEN + IFADDRMSG.flags;
const SCOPE = NLMSG_HDRLEN + IFADDRMSG.scope;
const INDEX = NLMSG_HDRLEN + IFADDRMSG.index;

/** A lifetime in seconds, `Infinity` for forever (INFINITY_LIFE_TIME). */
function lifetime(v: number): number {
  return v === C.INFINITY_LIFE_TIME ? Infinity : v;
}

/** An IP address of a link, decoded lazily from its RTM_NEWADDR message. */
export class Address extends MessageView {
  protected get headerSize(): number { return C.IFADDRMSG_SIZE; }
  protected get setName(): string { return 'address'; }

  /** The fixed header (struct ifaddrmsg). */
  get header(): IfAddrMsg {
    return readIfAddrMsg(this.buffer(), this.offset() + NLMSG_HDRLEN);
  }

  /** 4 or 6 (ifa_family AF_INET / AF_INET6). */
  get family(): IpVersion {
    return this.byteAt(FAMILY) === AF_INET6 ? 6 : 4;
  }

  /** ifa_index: the link the address is on. */
  get ifindex(): number {
    return this.u32At(INDEX);
  }

  /** ifa_prefixlen. */
  get prefixlen(): number {
    return this.byteAt(PREFIXLEN);
  }

  /** The interface's own address: IFA_LOCAL, or IFA_ADDRESS when there is no IFA_LOCAL (IPv6). */
  get local(): string {
    return this.attr(C.IFA_LOCAL, ip, 'local') ?? this.attr(C.IFA_ADDRESS, ip, 'address') ?? '';
  }

  /**
   * IFA_ADDRESS: the prefix address, which on a point-to-point link is the peer's address (then
   * it differs from {@link local}). Falls back to IFA_LOCAL, as ip does.
   */
  get address(): string {
    return this.attr(C.IFA_ADDRESS, ip, 'address') ?? this.attr(C.IFA_LOCAL, ip, 'local') ?? '';
  }

  /** The peer's address on a point-to-point link (IFA_ADDRESS when it differs from IFA_LOCAL). */
  get peer(): string | undefined {
    const local = this.attr(C.IFA_LOCAL, ip, 'local');
    const address = this.attr(C.IFA_ADDRESS, ip, 'address');
    return local !== undefined && address !== undefined && local !== address ? address : undefined;
  }

  /** `local/prefixlen` (`'10.1.2.3/24'`, `'2001:db8::1/64'`). */
  get cidr(): string {
    return `${this.local}/${this.prefixlen}`;
  }

  /** IFA_BROADCAST (IPv4). */
  get broadcast(): string | undefined {
    return this.attr(C.IFA_BROADCAST, ip, 'broadcast');
  }

  /** IFA_ANYCAST (RTM_GETANYCAST replies). */
  get anycast(): string | undefined {
    return this.attr(C.IFA_ANYCAST, ip, 'anycast');
  }

  /** IFA_MULTICAST (RTM_GETMULTICAST replies). */
  get multicast(): string | undefined {
    return this.attr(C.IFA_MULTICAST, ip, 'multicast');
  }

  /** IFA_LABEL (IPv4 only; the link name unless set). */
  get label(): string | undefined {
    return this.attr(C.IFA_LABEL, string, 'label');
  }

  /** ifa_scope as ip names it: `'global'`, `'site'`, `'link'`, `'host'`, `'nowhere'`, or its number (as Route.scope). */
  get scope(): ScopeName | number {
    return SCOPES.nameOr(this.scopeId);
  }

  /** ifa_scope as a number (RT_SCOPE_*: 0 universe, 253 link, 254 host …). */
  get scopeId(): number {
    return this.byteAt(SCOPE);
  }

  /** All IFA_F_* bits: IFA_FLAGS when present, else the header's 8-bit ifa_flags. */
  get rawFlags(): number {
    return this.attr(C.IFA_FLAGS, u32, 'flags') ?? this.byteAt(FLAGS);
  }

  /**
   * The IFA_F_* flags set, by the names `ip -j addr` gives them (`['nodad', 'noprefixroute',
   * 'permanent']`, `'mngtmpaddr'`, `'stable-privacy'` …); bit 0 is `'secondary'` on IPv4 and
   * `'temporary'` on IPv6. Bits no IFA_F_* names come last, in hex (`'0x1000'`).
   */
  get flags(): Array<AddressFlagName | `0x${string}`> {
    return addressFlagNames(this.rawFlags, this.byteAt(FAMILY));
  }

  /** ip's `dynamic`: IFA_F_PERMANENT is clear (the address has a finite valid lifetime). */
  get dynamic(): boolean {
    return (this.rawFlags & C.IFA_F_PERMANENT) === 0;
  }

  /** IFA_CACHEINFO: raw lifetimes (0xffffffff = forever) and creation/update stamps. */
  get cacheinfo(): IfaCacheInfo | undefined {
    return this.attr(C.IFA_CACHEINFO, ifaCacheInfo, 'cacheinfo');
  }

  /** Valid lifetime left in seconds; `Infinity` for forever; undefined without IFA_CACHEINFO. */
  get validLft(): number | undefined {
    const ci = this.cacheinfo;
    return ci === undefined ? undefined : lifetime(ci.valid);
  }

  /** Preferred lifetime left in seconds; `Infinity` for forever; undefined without IFA_CACHEINFO. */
  get preferredLft(): number | undefined {
    const ci = this.cacheinfo;
    return ci === undefined ? undefined : lifetime(ci.prefered);
  }

  /** IFA_RT_PRIORITY: the metric of the prefix route (ip's `metric`). */
  get metric(): number | undefined {
    return this.attr(C.IFA_RT_PRIORITY, u32, 'rtPriority');
  }

  /**
   * IFA_PROTO: who made the address, as iproute2 names it (`'kernel_lo'`, `'kernel_ra'`,
   * `'kernel_ll'`, `'unspec'`), or its number (a value set by a user program). {@link protoId} is
   * always the number.
   */
  get proto(): AddressProtoName | number | undefined {
    const v = this.protoId;
    return v === undefined ? undefined : ADDRESS_PROTOCOLS.nameOr(v);
  }

  /** IFA_PROTO as a number (IFAPROT_*: 1 kernel loopback, 2 router advertisement, 3 kernel link-local). */
  get protoId(): number | undefined {
    return this.attrU8(C.IFA_PROTO, 'proto');
  }

  /** True when the kernel applied the dump's filter (NLM_F_DUMP_FILTERED on the message). */
  get dumpFiltered(): boolean {
    return (this.u16At(6 /* nlmsg_flags */) & NLM_F_DUMP_FILTERED) !== 0;
  }

  /** Every IFA_* attribute, fully decoded (unknown ones kept raw). */
  get attributes(): AddressAttributes {
    return addressAttrs.decode(this.buffer(), this.attrStart(), this.end(), 'address');
  }

  /**
   * Every field as the getters return it, in a new plain object; fields the message does not carry
   * are left out (as JSON leaves them out). Not included: `header`, `attributes`, `raw`,
   * `dumpFiltered` (about the dump, not the address), and what the object holds otherwise
   * (`scopeId`, `rawFlags`, `protoId`; `cacheinfo`'s lifetimes are `validLft`/`preferredLft`).
   */
  toObject(): AddressObject {
    const ix = this.attributeIndex();
    // A field whose attribute the index does not hold is skipped without calling its getter.
    const o: AddressObject = {
      family: this.family, ifindex: this.ifindex, local: this.local, address: this.address, prefixlen: this.prefixlen,
      cidr: this.cidr, scope: this.scope, flags: this.flags, dynamic: this.dynamic,
    };
    const peer = this.peer;
    if (peer !== undefined) o.peer = peer;
    if (ix[C.IFA_BROADCAST] !== 0) {
      const broadcast = this.broadcast;
      if (broadcast !== undefined) o.broadcast = broadcast;
    }
    if (ix[C.IFA_ANYCAST] !== 0) {
      const anycast = this.anycast;
      if (anycast !== undefined) o.anycast = anycast;
    }
    if (ix[C.IFA_MULTICAST] !== 0) {
      const multicast = this.multicast;
      if (multicast !== undefined) o.multicast = multicast;
    }
    if (ix[C.IFA_LABEL] !== 0) {
      const label = this.label;
      if (label !== undefined) o.label = label;
    }
    const validLft = this.validLft;
    if (validLft !== undefined) o.validLft = validLft;
    const preferredLft = this.preferredLft;
    if (preferredLft !== undefined) o.preferredLft = preferredLft;
    if (ix[C.IFA_RT_PRIORITY] !== 0) {
      const metric = this.metric;
      if (metric !== undefined) o.metric = metric;
    }
    if (ix[C.IFA_PROTO] !== 0) {
      const proto = this.proto;
      if (proto !== undefined) o.proto = proto;
    }
    return o;
  }

  /**
   * {@link toObject} for JSON: as every view's (bigints and bytes as strings), and lifetimes of
   * forever as `'forever'` (JSON has no Infinity: it would print `null`; the inputs take `'forever'`).
   */
  override toJSON(): object {
    const o = super.toJSON() as { validLft?: number | string; preferredLft?: number | string };
    if (o.validLft === Infinity) o.validLft = 'forever';
    if (o.preferredLft === Infinity) o.preferredLft = 'forever';
    return o;
  }

  /** `ip addr`'s line, shortened: `10.0.0.1/24 [peer 10.0.0.2] [brd …] dev 2 [scope link] [label eth0:1]`. */
  toString(): string {
    const peer = this.peer;
    const brd = this.broadcast;
    const scope = this.scope;
    const label = this.label;
    return `${this.cidr}${peer === undefined ? '' : ` peer ${peer}`}${brd === undefined ? '' : ` brd ${brd}`}`
      + ` dev ${this.ifindex}${scope === 'global' ? '' : ` scope ${scope}`}${label === undefined ? '' : ` label ${label}`}`;
  }
}

/** What {@link Address.toObject} returns: the getters' values; a field the message lacks is absent. */
export interface AddressObject {
  /** 4 or 6 (ifa_family AF_INET / AF_INET6). */
  family: IpVersion;
  /** ifa_index: the link the address is on. */
  ifindex: number;
  /** The interface's own address: IFA_LOCAL, or IFA_ADDRESS when there is no IFA_LOCAL (IPv6). */
  local: string;
  /** IFA_ADDRESS: the prefix address, which on a point-to-point link is the peer's address (then it differs from {@link local}). */
  address: string;
  /** ifa_prefixlen. */
  prefixlen: number;
  /** `local/prefixlen` (`'10.1.2.3/24'`, `'2001:db8::1/64'`). */
  cidr: string;
  /** ifa_scope as ip names it: `'global'`, `'site'`, `'link'`, `'host'`, `'nowhere'`, or its number (as Route.scope). */
  scope: ScopeName | number;
  /** The IFA_F_* flags set, by the names `ip -j addr` gives them (`['nodad', 'noprefixroute', 'permanent']`, `'mngtmpaddr'`, `'stable-privacy'` …); bit 0 is `'secondary'` on IPv4 and `'temporary'` on IPv6. */
  flags: Array<AddressFlagName | `0x${string}`>;
  /** ip's `dynamic`: IFA_F_PERMANENT is clear (the address has a finite valid lifetime). */
  dynamic: boolean;
  /** The peer's address on a point-to-point link (IFA_ADDRESS when it differs from IFA_LOCAL). */
  peer?: string;
  /** IFA_BROADCAST (IPv4). */
  broadcast?: string;
  /** IFA_ANYCAST (RTM_GETANYCAST replies). */
  anycast?: string;
  /** IFA_MULTICAST (RTM_GETMULTICAST replies). */
  multicast?: string;
  /** IFA_LABEL (IPv4 only; the link name unless set). */
  label?: string;
  /** Valid lifetime left in seconds; `Infinity` for forever; undefined without IFA_CACHEINFO. */
  validLft?: number;
  /** Preferred lifetime left in seconds; `Infinity` for forever; undefined without IFA_CACHEINFO. */
  preferredLft?: number;
  /** IFA_RT_PRIORITY: the metric of the prefix route (ip's `metric`). */
  metric?: number;
  /** IFA_PROTO: who made the address, as iproute2 names it (`'kernel_lo'`, `'kernel_ra'`, `'kernel_ll'`, `'unspec'`), or its number (a value set by a user program). `protoId` is always the number. */
  proto?: AddressProtoName | number;
}

/** Decodes an address message into a lazy {@link Address} (the message's bytes are referenced, not copied).
 * A DecodeError when `buf[off, off + len)` cannot hold the message its nlmsg_len announces (see MessageView). */
export function addressView(buf: Buffer, off: number, len: number): Address {
  return new Address(buf, off, len);
}
