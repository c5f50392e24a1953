/**
 * The checks every golden message test shares: re-encoding a decoded body behind the captured
 * nlmsghdr (into a clean and into a dirty buffer), and cutting the message at every offset.
 */
import type { ExecutionContext } from 'ava';
import { forEachAttr } from '../../lib/netlink/core/attributes.js';
import { DecodeError } from '../../lib/netlink/core/errors.js';
import { NlWriter } from '../../lib/netlink/core/writer.js';

/** A family's decoded message body: the fixed header and the attributes. */
export interface Body {
  attributes: object;
}

/** Encodes `body` behind a copy of `raw`'s nlmsghdr into `w` and returns the bytes. */
export function reencode<B>(raw: Buffer, encodeBody: (w: NlWriter, body: B) => void, body: B, w = new NlWriter(64)): Buffer {
  const start = w.beginMessage(raw.readUInt16LE(4), raw.readUInt16LE(6), raw.readUInt32LE(8), raw.readUInt32LE(12));
  encodeBody(w, body);
  w.endMessage(start);
  return Buffer.from(w.bytes());
}

/** encode(expected) gives the captured bytes, also into a buffer full of garbage (padding is zeroed). */
export function checkReencode<B>(t: ExecutionContext, raw: Buffer, encodeBody: (w: NlWriter, body: B) => void, expected: B): void {
  t.deepEqual(reencode(raw, encodeBody, expected), raw);
  const dirty = new NlWriter(4096);
  dirty.buf.fill(0xa5);
  t.deepEqual(reencode(raw, encodeBody, expected, dirty), raw);
}

/**
 * Cuts `raw` at every offset. A cut buffer (nlmsg_len then claims more than there is) must be a
 * DecodeError. A cut message (nlmsg_len follows the cut) must fail inside the fixed header or an
 * attribute, and at an attribute boundary decode to a prefix of `expected`'s attributes.
 * `headerEnd` is where the attributes start (16 + the family header); `each` runs extra checks.
 */
export function checkTruncations<B extends Body>(t: ExecutionContext, raw: Buffer, decode: (buf: Buffer) => B, expected: B,
  headerEnd: number, each?: (short: Buffer, cut: number, decoded: B | undefined, insideAttribute: boolean) => void): void {
  for (let cut = 0; cut < raw.length; cut++) {
    t.throws(() => decode(raw.subarray(0, cut)), { instanceOf: DecodeError }, `cut at ${cut}`);
  }
  const inside = new Set<number>();
  forEachAttr(raw, headerEnd, raw.length, 'golden', (_type, off, len) => {
    for (let c = off - 3; c < off + len; c++) inside.add(c);
  });
  for (let cut = 0; cut < raw.length; cut++) {
    const short = Buffer.from(raw.subarray(0, cut));
    if (cut >= 4) short.writeUInt32LE(cut, 0);
    let decoded: B | undefined;
    try {
      decoded = decode(short);
    } catch (e) {
      t.true(e instanceof DecodeError, `cut at ${cut}: ${String(e)}`);
    }
    if (cut < headerEnd || inside.has(cut)) t.is(decoded, undefined, `cut at ${cut} must fail`);
    else t.truthy(decoded, `cut at ${cut} is a valid shorter message`);
    if (decoded) {
      const keys = Object.keys(decoded.attributes);
      t.deepEqual(keys, Object.keys(expected.attributes).slice(0, keys.length));
    }
    each?.(short, cut, decoded, inside.has(cut));
  }
}

/**
 * A copy of a captured kernel message as the answer to another request: its nlmsg_seq set to
 * `seq` and its nlmsg_flags to `flags` (NLM_F_MULTI, 2, for a dump part; 0 for a get's answer).
 */
export function asReply(raw: Buffer, seq: number, flags: number): Buffer {
  const m = Buffer.from(raw);
  m.writeUInt16LE(flags, 6);
  m.writeUInt32LE(seq, 8);
  return m;
}
