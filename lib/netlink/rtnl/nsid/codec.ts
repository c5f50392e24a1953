/**
 * The namespace-id message (RTM_NEWNSID / RTM_GETNSID, and RTM_DELNSID events): struct rtgenmsg and
 * the NETNSA_* attributes of include/uapi/linux/net_namespace.h. An nsid is the number one network
 * namespace gives another ("peer") namespace, local to the namespace that assigned it; links and
 * neighbours whose other end lies in a peer namespace name it by this number (IFLA_LINK_NETNSID,
 * NDA_LINK_NETNSID). The same header writer and attribute codecs encode the requests (request.ts)
 * and re-encode replies; the lazy {@link Nsid} view (view.ts) reads the same bytes.
 *
 * ```
 *  struct rtgenmsg (1 byte, padded to 4: NLMSG_ALIGN)
 *  0        1                 4
 *  +--------+-----------------+
 *  | family |   (padding)     |  NETNSA_* attributes …
 *  +--------+-----------------+
 *  family is AF_UNSPEC.
 * ```
 */
import { checkMessageLength } from '../../core/message.js';
import { NLMSG_HDRLEN } from '../../core/protocol.js';
import { AttrSet, attr, s32, u32, type AttrValues } from '../../core/schema.js';
import type { NlWriter } from '../../core/writer.js';

// enum NETNSA_* (the attributes of a namespace-id message).
/** Unused attribute number 0. */
export const NETNSA_NONE = 0;
/** s32: the nsid (in a reply, -1 when the peer has none). */
export const NETNSA_NSID = 1;
/** u32: the peer namespace, as the network namespace of this process id. */
export const NETNSA_PID = 2;
/** u32: the peer namespace, as a file descriptor of the requesting process open on it. */
export const NETNSA_FD = 3;
/** s32: answer as seen from the namespace of this nsid instead of the socket's. */
export const NETNSA_TARGET_NSID = 4;
/** s32: with NETNSA_TARGET_NSID, the peer's nsid as seen from the socket's own namespace. */
export const NETNSA_CURRENT_NSID = 5;
/** The highest NETNSA_* number. */
export const NETNSA_MAX = 5;

/** NETNSA_NSID_NOT_ASSIGNED: the nsid a reply carries for a peer without one. */
export const NETNSA_NSID_NOT_ASSIGNED = -1;

/** The largest nsid (the kernel allocates them from an IDR of non-negative ints). */
export const NSID_MAX = 0x7fffffff;

/** Size of struct rtgenmsg in a message: 1 byte, padded to 4 (NLMSG_ALIGN). */
export const RTGENMSG_SIZE = 4;

/** Writes a struct rtgenmsg (family, then the padding to 4 bytes): the one header writer. */
export function writeRtGenMsg(w: NlWriter, family: number): void {
  w.putU8(family);
  w.putU8(0);
  w.putU16(0);
}

/** The NETNSA_* attribute set; field names in camelCase after the kernel's. */
export const nsidAttrs = new AttrSet('nsid', () => ({
  nsid: attr(NETNSA_NSID, s32),
  pid: attr(NETNSA_PID, u32),
  fd: attr(NETNSA_FD, u32),
  targetNsid: attr(NETNSA_TARGET_NSID, s32),
  currentNsid: attr(NETNSA_CURRENT_NSID, s32),
}));

/** The decoded NETNSA_* attributes of a namespace-id message. */
export type NsidAttributes = AttrValues<typeof nsidAttrs.defs>;

/** A namespace-id message's body: the rtgenmsg family plus attributes. */
export interface NsidBody {
  /** rtgen_family (AF_UNSPEC). */
  family: number;
  /** The attributes, in wire order (unknown ones kept raw). */
  attributes: NsidAttributes;
}

/**
 * Decodes a whole namespace-id message (`buf[off, off + len)`, nlmsghdr included). The length is
 * nlmsg_len, checked against the bytes there are.
 */
export function decodeNsidMessage(buf: Buffer, off = 0, len = buf.length - off): NsidBody {
  const n = checkMessageLength('nsid', buf, off, len, RTGENMSG_SIZE);
  return {
    family: buf[off + NLMSG_HDRLEN]!,
    attributes: nsidAttrs.decode(buf, off + NLMSG_HDRLEN + RTGENMSG_SIZE, off + n, 'nsid'),
  };
}

/**
 * Writes a namespace-id message body (rtgenmsg + attributes, in the attributes' key order) after an
 * nlmsghdr begun by the writer: the encoder requests (request.ts) and re-encoded replies share.
 */
export function encodeNsidBody(w: NlWriter, body: NsidBody): void {
  writeRtGenMsg(w, body.family);
  nsidAttrs.encode(w, body.attributes, 'nsid');
}
