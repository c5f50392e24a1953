/**
 * MessageCodec: a whole rtnetlink message of one family — the family's fixed header after the
 * nlmsghdr, then its attribute set — decoded into a plain body and encoded back. Every family's
 * `decodeXMessage` / `encodeXBody` is one of these, so the message framing is written once.
 */
import { NLMSG_HDRLEN } from './protocol.js';
import { checkMessageLength } from './message.js';
import type { AttrDefs, AttrSet, AttrValues } from './schema.js';
import type { NlWriter } from './writer.js';

/** A family's fixed header (ifinfomsg, ifaddrmsg, rtmsg, ndmsg, fib_rule_hdr …). */
export interface HeaderCodec<H> {
  /** Its size in bytes. */
  readonly size: number;
  /** Reads the header at `buf[off]` (the bytes are known to be there). */
  read(buf: Buffer, off: number): H;
  /** Writes the header at the writer's position. */
  write(w: NlWriter, header: H): void;
}

/** A decoded message: its fixed header and its attributes in wire order (unknown ones kept raw). */
export interface MessageBody<H, A> {
  /** The fixed header after the nlmsghdr. */
  header: H;
  /** The attributes. */
  attributes: A;
}

/** The codec of one family's messages. */
export class MessageCodec<H, D extends AttrDefs> {
  /**
   * @param name   the family, for DecodeError paths (`'route'`)
   * @param header the fixed header's codec
   * @param attrs  the attribute set after the header
   */
  constructor(readonly name: string, readonly header: HeaderCodec<H>, readonly attrs: AttrSet<D>) {}

  /**
   * Decodes a whole message (`buf[off, off + len)`, nlmsghdr included; nlmsg_len is checked against
   * the bytes there are). A DecodeError for anything malformed.
   */
  decode(buf: Buffer, off = 0, len = buf.length - off): MessageBody<H, AttrValues<D>> {
    const msgLen = checkMessageLength(this.name, buf, off, len, this.header.size);
    const at = off + NLMSG_HDRLEN;
    return {
      header: this.header.read(buf, at),
      attributes: this.attrs.decode(buf, at + this.header.size, off + msgLen, this.name),
    };
  }

  /** Writes a body (header, then the attributes in their key order) after an nlmsghdr begun by `w`. */
  encode(w: NlWriter, body: MessageBody<H, AttrValues<D>>, path: string = this.name): void {
    this.header.write(w, body.header);
    this.attrs.encode(w, body.attributes, path);
  }
}
