/**
 * MessageView: the base of the objects the API returns (Link, Address, Route …). A view keeps a
 * reference to the received bytes of its message and decodes a field only when it is read, so a
 * dump of a million routes costs one small object per route and the fields nobody reads cost
 * nothing. The bytes are never overwritten while a view exists (see NetlinkSocket's slab).
 *
 * Every view also offers `raw` (a copy of its message), `toJSON()` (all public fields as a plain
 * object, which is also what `console.log` shows) and the complete attribute decode of its family.
 */
import { inspect } from 'node:util';
import { AttrIndex, attrLength, locateAttr } from './attributes.js';
import { checkMessageLength } from './message.js';
import type { FieldCodec } from './schema.js';

/** A lazily decoded netlink message. */
export abstract class MessageView {
  /** @internal The buffer holding the message. */
  protected readonly buf: Buffer;
  /** @internal Offset of the nlmsghdr. */
  protected readonly off: number;
  /** @internal Length of the message (nlmsg_len). */
  protected readonly len: number;
  private index: AttrIndex | undefined;
  private reads = 0;

  /**
   * @internal The message is `buf[off, …)` with at most `len` bytes available. Checked here, once,
   * for every family (as decodeXxxMessage() checks): the bytes lie inside `buf`, nlmsg_len fits in
   * `len` and holds the nlmsghdr and the family's fixed header — else a DecodeError now, so no
   * getter ever reads outside the message. The view then spans nlmsg_len bytes.
   */
  constructor(buf: Buffer, off: number, len: number) {
    this.buf = buf;
    this.off = off;
    // headerSize and setName are prototype getters of the subclass (never instance fields), so
    // they can be read before the subclass constructor runs; TypeScript cannot know that.
    const family = this as unknown as { readonly setName: string; readonly headerSize: number };
    this.len = checkMessageLength(family.setName, buf, off, len, family.headerSize);
  }

  /** Size of the family's fixed header after the nlmsghdr (ifinfomsg = 16, rtmsg = 12 …). */
  protected abstract get headerSize(): number;
  /** The highest attribute number worth indexing (IFLA_MAX …). */
  protected abstract get maxAttr(): number;
  /** The attribute set's name, for decode errors. */
  protected abstract get setName(): string;

  /** The nlmsg_type of the message (RTM_NEWLINK, RTM_DELROUTE …). */
  get messageType(): number {
    return this.buf.readUInt16LE(this.off + 4);
  }

  /** A copy of the whole message, nlmsghdr included. */
  get raw(): Buffer {
    return Buffer.from(this.buf.subarray(this.off, this.off + this.len));
  }

  /** Offset of the attributes. */
  protected get attrStart(): number {
    return this.off + 16 + this.headerSize;
  }

  /**
   * The payload offset of attribute `type`, or -1. The first few reads walk the attributes (most
   * views are read for a field or two); after that an index of the whole message is built once.
   */
  protected locate(type: number): number {
    if (this.index === undefined && ++this.reads > 3) {
      this.index = new AttrIndex(this.buf, this.attrStart, this.off + this.len, this.maxAttr, this.setName);
    }
    return this.index === undefined
      ? locateAttr(this.buf, this.attrStart, this.off + this.len, type, this.setName)
      : this.index.offset(type);
  }

  /** Decodes attribute `type` with `codec`, or undefined when absent. */
  protected attr<T>(type: number, codec: FieldCodec<T>, name: string): T | undefined {
    const at = this.locate(type);
    return at < 0 ? undefined : codec.decode(this.buf, at, attrLength(this.buf, at), `${this.setName}.${name}`);
  }

  /** Every public field as a plain object, values as the getters return them (bigint counters). */
  abstract toObject(): object;

  /**
   * The fields for `JSON.stringify`: {@link toObject} with bigints as decimal strings and byte
   * arrays as hex strings, which JSON cannot otherwise hold.
   */
  toJSON(): object {
    return jsonSafe(this.toObject()) as object;
  }

  /** @internal `console.log` shows the fields. */
  [inspect.custom](_depth: number, options: object): string {
    return `${this.constructor.name} ${inspect(this.toObject(), options)}`;
  }
}

/** Converts bigints to decimal strings and byte arrays to hex, recursively, for JSON. */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonSafe(v);
    return out;
  }
  return value;
}
