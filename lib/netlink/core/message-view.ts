/**
 * MessageView: the base of the objects the API returns (Link, Address, Route …). A view keeps a
 * reference to the received bytes of its message and decodes a field only when it is read, so a
 * dump of a million routes costs one small object per route and the fields nobody reads cost
 * nothing. A view's bytes are its own: the transport copies each message it hands out of the
 * receive buffer (see transport/arena.ts), so a kept view holds its message, not the buffer.
 *
 * Reading: the first attribute read walks the attributes up to the one asked for (a view is often
 * read for one field); the second read in a row of the same view builds an index of the whole
 * message in one walk, and the reads after it are array lookups. The index belongs to no view: one
 * table, shared by all views, holds the index of the view read last (reading an object's fields one
 * after the other is the common pattern), so indexing allocates nothing. toObject() and toJSON()
 * index first.
 *
 * The state is in #private fields: `{ ...view }`, `Object.keys(view)` and `structuredClone(view)`
 * see no internals (they see nothing: the fields are getters on the prototype). `toObject()` is the
 * way to copy a view; `toJSON()` is the same with bigints and bytes made JSON-safe; `util.inspect`
 * (console.log) shows the fields, `String(view)` a short `ip`-like line.
 */
import { inspect } from 'node:util';
import { attrLength, attrWalkError, readString, scanAttr } from './attributes.js';
import { DecodeError } from './errors.js';
import { formatIp } from './inet.js';
import { formatMac } from './mac.js';
import { checkMessageLength } from './message.js';
import { exactLength, type FieldCodec } from './schema.js';

/** Attribute types the shared index covers (0 ≤ type < INDEXED); element INDEXED marks malformed bytes. */
const INDEXED = 127;

/**
 * The shared attribute index: element `type` is the payload offset of the first attribute of that
 * type in {@link indexedView}'s message (0: absent; a payload is never at 0); element INDEXED is where the walk
 * stopped on malformed bytes, + 1 (0: it did not). Only the elements in {@link touched} are
 * non-zero. A typed array: allocated once, and offsets of any Buffer fit a u32.
 */
const index = new Uint32Array(INDEXED + 1);
/** The types set in {@link index}, to clear them for the next view. */
const touched = new Uint8Array(INDEXED);
let touchedCount = 0;
/** The view {@link index} belongs to. */
let indexedView: MessageView | undefined;
/** The view whose last attribute read walked: its next read builds the index. */
let walkedView: MessageView | undefined;

/** Fills {@link index} for the attributes in `buf[start, end)` (the walk of scanAttr, recording). */
function indexAttributes(buf: Buffer, start: number, end: number): void {
  for (let i = 0; i < touchedCount; i++) index[touched[i]!] = 0;
  touchedCount = 0;
  index[INDEXED] = 0;
  let at = start;
  while (at + 4 <= end) {
    const len = buf[at]! | (buf[at + 1]! << 8);
    if (len < 4 || at + len > end) {
      index[INDEXED] = at + 1;
      return;
    }
    const type = (buf[at + 2]! | (buf[at + 3]! << 8)) & 0x3fff;
    if (type < INDEXED && index[type] === 0) {
      index[type] = at + 4;
      touched[touchedCount++] = type;
    }
    at += (len + 3) & ~3;
  }
  for (let i = at; i < end; i++) {
    if (buf[i] !== 0) {
      index[INDEXED] = at + 1;
      return;
    }
  }
}

/*
 * Payload readers of one attribute, `at` being its payload offset (as the views' locate and
 * attributeIndex give it): shared by the getters and by toObject()s that read the attribute index
 * directly, so both check lengths and fail alike. `set` and `name` name the field in a DecodeError
 * (`link.mtu`); the path is built only then.
 */

/** The u8 attribute at `at` (exactly 1 byte). */
export function readU8Attr(buf: Buffer, at: number, set: string, name: string): number {
  const len = attrLength(buf, at);
  if (len !== 1) exactLength('u8', 1, `${set}.${name}`, at, len);
  return buf[at]!;
}

/** The u32 attribute at `at` (exactly 4 bytes, host order: little-endian). */
export function readU32Attr(buf: Buffer, at: number, set: string, name: string): number {
  const len = attrLength(buf, at);
  if (len !== 4) exactLength('u32', 4, `${set}.${name}`, at, len);
  return (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16)) + buf[at + 3]! * 0x1000000;
}

/** The IPv4 or IPv6 address attribute at `at` (4 or 16 bytes), as text. */
export function readIpAttr(buf: Buffer, at: number, set: string, name: string): string {
  const len = attrLength(buf, at);
  if (len !== 4 && len !== 16) throw new DecodeError(`${set}.${name}`, at, `IP address payload of ${len} bytes`);
  return formatIp(buf, at, len);
}

/** The s32 attribute at `at` (exactly 4 bytes, little-endian). */
export function readS32Attr(buf: Buffer, at: number, set: string, name: string): number {
  const len = attrLength(buf, at);
  if (len !== 4) exactLength('s32', 4, `${set}.${name}`, at, len);
  return buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24);
}

/** The brand check of {@link MessageView}, set by its static block (a `#field in` test must be inside the class). */
let hasViewState: (value: object) => boolean;

/**
 * Whether `value` is a view this library constructed: `Object.create(Route.prototype)` passes
 * `instanceof Route` but holds no message, and reading one of its getters throws a raw TypeError.
 */
export function isMessageView(value: unknown): value is MessageView {
  return typeof value === 'object' && value !== null && hasViewState(value);
}

/** A lazily decoded netlink message. */
export abstract class MessageView {
  static {
    hasViewState = (value) => #buf in value;
  }

  /** The buffer holding the message. */
  #buf: Buffer;
  /** Offset of the nlmsghdr in #buf. */
  #off: number;
  /** nlmsg_len. */
  #len: number;

  /**
   * @internal The message is `buf[off, …)` with at most `len` bytes available. Checked here, once,
   * for every family (as decodeXxxMessage() checks): the bytes lie inside `buf`, nlmsg_len fits in
   * `len` and holds the nlmsghdr and the family's fixed header — else a DecodeError now, so no
   * getter ever reads outside the message. The view then spans nlmsg_len bytes.
   */
  constructor(buf: Buffer, off: number, len: number) {
    // headerSize and setName are prototype getters of the subclass (never instance fields), so
    // they can be read before the subclass constructor runs; TypeScript cannot know that.
    const family = this as unknown as { readonly setName: string; readonly headerSize: number };
    this.#len = checkMessageLength(family.setName, buf, off, len, family.headerSize);
    this.#buf = buf;
    this.#off = off;
  }

  /** Size of the family's fixed header after the nlmsghdr (ifinfomsg = 16, rtmsg = 12 …). */
  protected abstract get headerSize(): number;
  /** The attribute set's name, for decode errors. */
  protected abstract get setName(): string;

  /** The nlmsg_type of the message (RTM_NEWLINK, RTM_DELROUTE …). */
  get messageType(): number {
    return this.u16At(4);
  }

  /**
   * The nlmsg_flags of the message (NLM_F_*). On a monitor's events they say what the change was:
   * NLM_F_CREATE | NLM_F_EXCL (0x600) for a route or address created, NLM_F_REPLACE (0x100) for one
   * replaced, NLM_F_APPEND (0x800) for an appended route, 0 for a deletion; on dump replies
   * NLM_F_MULTI (2), with NLM_F_DUMP_FILTERED (0x20) when the kernel filtered the dump.
   */
  get messageFlags(): number {
    return this.u16At(6);
  }

  /** A copy of the whole message, nlmsghdr included. */
  get raw(): Buffer {
    return Buffer.from(this.#buf.subarray(this.#off, this.#off + this.#len));
  }

  // ---- the message's bytes, for the families' getters ----

  /** The buffer holding the message (read it at {@link offset}; never write to it). */
  protected buffer(): Buffer {
    return this.#buf;
  }

  /** Offset of the nlmsghdr in {@link buffer}. */
  protected offset(): number {
    return this.#off;
  }

  /** Offset of the attributes in {@link buffer}. */
  protected attrStart(): number {
    return this.#off + 16 + this.headerSize;
  }

  /** Offset of the end of the message in {@link buffer}. */
  protected end(): number {
    return this.#off + this.#len;
  }

  /** The byte `at` bytes into the message (nlmsghdr included; fixed-header fields). */
  protected byteAt(at: number): number {
    return this.#buf[this.#off + at]!;
  }

  /** The u16 (host order) `at` bytes into the message. */
  protected u16At(at: number): number {
    const b = this.#buf;
    const o = this.#off + at;
    return b[o]! | (b[o + 1]! << 8);
  }

  /** The u32 (host order) `at` bytes into the message. */
  protected u32At(at: number): number {
    const b = this.#buf;
    const o = this.#off + at;
    return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 0x1000000;
  }

  /** The s32 (host order) `at` bytes into the message. */
  protected s32At(at: number): number {
    const b = this.#buf;
    const o = this.#off + at;
    return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
  }

  // ---- attributes ----

  /**
   * The payload offset (in {@link buffer}) of attribute `type`, or -1. A read walks the attributes
   * up to it, unless the shared index holds this view's message; the second read in a row of the
   * same view builds it (one walk). Malformed bytes give the same DecodeError either way.
   */
  protected locate(type: number): number {
    if (type < INDEXED) {
      if (indexedView === this) {
        const at = index[type]!;
        if (at !== 0) return at;
        const bad = index[INDEXED]!;
        if (bad === 0) return -1;
        throw attrWalkError(this.#buf, bad - 1, this.#off + this.#len, this.setName);
      }
      if (walkedView === this) {
        this.indexed();
        return this.locate(type);
      }
      walkedView = this;
    }
    const at = scanAttr(this.#buf, this.attrStart(), this.#off + this.#len, type);
    if (at < -1) throw attrWalkError(this.#buf, -2 - at, this.#off + this.#len, this.setName);
    return at;
  }

  /**
   * This message's attribute index, for a toObject() that reads many attributes without a getter
   * call each: element `type` (< 127) is the payload offset in {@link buffer} of the first attribute
   * `type`, or 0 when the message has none. Throws the DecodeError a getter of an absent attribute
   * would when the walk met malformed bytes. The array is shared by every view and holds this one's
   * until another view's attributes are indexed: read it before reading another message.
   */
  protected attributeIndex(): Readonly<Uint32Array> {
    if (indexedView !== this) this.indexed();
    const bad = index[INDEXED]!;
    if (bad !== 0) throw attrWalkError(this.#buf, bad - 1, this.#off + this.#len, this.setName);
    return index;
  }

  /** Makes the shared index this view's (toObject() starts with this: every read is then a lookup). */
  protected indexed(): void {
    if (indexedView === this) return;
    indexAttributes(this.#buf, this.attrStart(), this.#off + this.#len);
    indexedView = this;
  }

  /** Decodes attribute `type` with `codec`, or undefined when absent; `name` names it in errors. */
  protected attr<T>(type: number, codec: FieldCodec<T>, name: string): T | undefined {
    const at = this.locate(type);
    return at < 0 ? undefined : codec.decode(this.#buf, at, attrLength(this.#buf, at), `${this.setName}.${name}`);
  }

  /** Attribute `type` as a u8 (exactly 1 byte), or undefined. */
  protected attrU8(type: number, name: string): number | undefined {
    const at = this.locate(type);
    return at < 0 ? undefined : readU8Attr(this.#buf, at, this.setName, name);
  }

  /** Attribute `type` as a u16 in host order (exactly 2 bytes), or undefined. */
  protected attrU16(type: number, name: string): number | undefined {
    const at = this.locate(type);
    if (at < 0) return undefined;
    this.expectSize(at, 2, 'u16', name);
    const b = this.#buf;
    return b[at]! | (b[at + 1]! << 8);
  }

  /** Attribute `type` as a u16 in network order (exactly 2 bytes), or undefined. */
  protected attrU16be(type: number, name: string): number | undefined {
    const at = this.locate(type);
    if (at < 0) return undefined;
    this.expectSize(at, 2, 'be16', name);
    const b = this.#buf;
    return (b[at]! << 8) | b[at + 1]!;
  }

  /** Attribute `type` as a u32 in host order (exactly 4 bytes), or undefined. */
  protected attrU32(type: number, name: string): number | undefined {
    const at = this.locate(type);
    return at < 0 ? undefined : readU32Attr(this.#buf, at, this.setName, name);
  }

  /** Attribute `type` as an s32 in host order (exactly 4 bytes), or undefined. */
  protected attrS32(type: number, name: string): number | undefined {
    const at = this.locate(type);
    return at < 0 ? undefined : readS32Attr(this.#buf, at, this.setName, name);
  }

  /** Attribute `type` as a string (up to its first NUL), or undefined. */
  protected attrString(type: number): string | undefined {
    const at = this.locate(type);
    return at < 0 ? undefined : readString(this.#buf, at, attrLength(this.#buf, at));
  }

  /** Attribute `type` as a hardware address (`'aa:bb:…'`, any length), or undefined. */
  protected attrMac(type: number): string | undefined {
    const at = this.locate(type);
    return at < 0 ? undefined : formatMac(this.#buf, at, attrLength(this.#buf, at));
  }

  /** Attribute `type` as an IPv4 or IPv6 address (4 or 16 bytes), or undefined. */
  protected attrIp(type: number, name: string): string | undefined {
    const at = this.locate(type);
    return at < 0 ? undefined : readIpAttr(this.#buf, at, this.setName, name);
  }

  /** Throws the codecs' DecodeError unless the attribute at `at` has exactly `size` bytes. */
  private expectSize(at: number, size: number, kind: string, name: string): void {
    const len = attrLength(this.#buf, at);
    if (len !== size) exactLength(kind, size, `${this.setName}.${name}`, at, len);
  }

  // ---- whole objects ----

  /**
   * The view's fields as a new plain object, values as the getters return them (bigint counters,
   * names for enumerations): the way to copy a view (`{ ...view }` copies nothing). Fields the
   * message does not carry are left out, as JSON leaves them out; the others come in a fixed order.
   */
  abstract toObject(): object;

  /**
   * The fields for `JSON.stringify`: {@link toObject} with bigints as decimal strings and byte
   * arrays as hex strings, which JSON cannot otherwise hold. Nothing else changes.
   */
  toJSON(): object {
    return jsonSafeInPlace(this.toObject()) as object;
  }

  /** A one-line summary in the manner of `ip` (`2: eth0 <UP,LOWER_UP> mtu 1500 state UP`). */
  abstract toString(): string;

  /** @internal `console.log` / `util.inspect` show the fields that are set. */
  [inspect.custom](depth: number, options: { depth?: number | null }, insp: typeof inspect = inspect): string {
    const name = this.constructor.name;
    if (depth < 0) return `[${name}]`;
    const shown: Record<string, unknown> = {};
    const fields = this.toObject() as Record<string, unknown>;
    for (const key in fields) if (fields[key] !== undefined) shown[key] = fields[key];
    return `${name} ${insp(shown, { ...options, depth: options.depth == null ? options.depth : options.depth - 1 })}`;
  }
}

/**
 * A bigint's decimal text. Counters mostly fit a double: through Number, V8's number-to-string
 * cache answers (a third fewer instructions than BigInt's own toString, callgrind).
 */
function bigintText(v: bigint): string {
  return v <= 9007199254740991n && v >= -9007199254740991n ? String(Number(v)) : v.toString();
}

/** Converts bigints to decimal strings and byte arrays to hex, recursively, into a new value. */
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

/**
 * {@link jsonSafe} for a value nobody else holds (what toObject() just built): converts in place,
 * allocating only the strings it makes. Returns the value (a bigint or byte array becomes a string).
 */
export function jsonSafeInPlace(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return typeof value === 'bigint' ? bigintText(value) : value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'object' || typeof v === 'bigint') value[i] = jsonSafeInPlace(v);
    }
    return value;
  }
  const o = value as Record<string, unknown>;
  for (const key in o) {
    const v = o[key];
    if (typeof v === 'object' || typeof v === 'bigint') o[key] = jsonSafeInPlace(v);
  }
  return o;
}
