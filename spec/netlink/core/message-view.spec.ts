// MessageView.attributeIndex, which toObject() reads instead of calling a getter per field: it must
// point where the getters read (the first attribute of a type), say "absent" only when a getter
// would return undefined, and throw the getters' DecodeError when the attribute walk was cut by
// malformed bytes. And the payload readers the getters and toObject() share.
import test from 'ava';
import { DecodeError } from '../../../lib/netlink/core/errors.js';
import { MessageView, readS32Attr, readU32Attr, readU8Attr } from '../../../lib/netlink/core/message-view.js';

/** A view with no family header that exposes its attribute index and one u32 reader. */
class Probe extends MessageView {
  protected get headerSize(): number {
    return 0;
  }
  protected get setName(): string {
    return 'probe';
  }
  /** Where the index says attribute `type`'s payload is (0: absent). */
  at(type: number): number {
    return this.attributeIndex()[type]!;
  }
  /** The u32 attribute `type` through the index and the shared reader, as a toObject() reads it. */
  u32ByIndex(type: number): number | undefined {
    const at = this.attributeIndex()[type]!;
    return at === 0 ? undefined : readU32Attr(this.buffer(), at, 'probe', `attr${type}`);
  }
  u32(type: number): number | undefined {
    return this.attrU32(type, `attr${type}`);
  }
  toObject(): object {
    return {};
  }
  toString(): string {
    return 'probe';
  }
}

/** An nlmsghdr (type 16) followed by `body`, nlmsg_len covering both. */
function message(body: Buffer): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32LE(16 + body.length, 0);
  head.writeUInt16LE(16, 4);
  return Buffer.concat([head, body]);
}

/** A u32 attribute. */
function u32Attr(type: number, value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt16LE(8, 0);
  b.writeUInt16LE(type, 2);
  b.writeUInt32LE(value, 4);
  return b;
}

const probe = (bytes: Buffer): Probe => new Probe(bytes, 0, bytes.length);

test('the index points at the payload the getters read, 0 for absent attributes', (t) => {
  const p = probe(message(Buffer.concat([u32Attr(3, 7), u32Attr(5, 9)])));
  t.is(p.at(3), 16 + 4);
  t.is(p.at(5), 16 + 8 + 4);
  t.is(p.at(4), 0);
  t.is(p.u32(4), undefined);
  t.is(p.u32ByIndex(4), undefined);
  t.is(p.u32(5), 9);
  t.is(p.u32ByIndex(5), 9);
  t.is(p.u32ByIndex(3), 7);
});

test('a type given twice: the index and the getter both read the first', (t) => {
  const p = probe(message(Buffer.concat([u32Attr(3, 7), u32Attr(3, 8)])));
  t.is(p.u32(3), 7);
  t.is(p.u32ByIndex(3), 7);
  // The getter alone (walking, not indexing) as the first read of a fresh view.
  t.is(probe(message(Buffer.concat([u32Attr(3, 7), u32Attr(3, 8)]))).u32(3), 7);
});

test('a walk cut by malformed bytes: the index is a DecodeError, as is a getter of an absent attribute; present ones before the cut still read', (t) => {
  // An attribute header claiming 0x40 bytes where 8 remain.
  const cut = Buffer.from([0x40, 0x00, 0x06, 0x00, 1, 2, 3, 4]);
  const p = probe(message(Buffer.concat([u32Attr(3, 7), cut])));
  const viaIndex = t.throws(() => p.at(3), { instanceOf: DecodeError });
  const viaGetter = t.throws(() => p.u32(4), { instanceOf: DecodeError });
  t.is(viaIndex?.message, viaGetter?.message);
  t.is(p.u32(3), 7);
  // Trailing bytes too short for an attribute header, not zero: malformed as well.
  const tail = probe(message(Buffer.concat([u32Attr(3, 7), Buffer.from([1, 0])])));
  t.throws(() => tail.at(3), { instanceOf: DecodeError });
  // Zero padding after the last attribute is not.
  t.is(probe(message(Buffer.concat([u32Attr(3, 7), Buffer.from([0, 0])]))).at(3), 20);
});

test('another view taking the shared index in between does not change the answer', (t) => {
  const a = probe(message(u32Attr(3, 7)));
  const b = probe(message(u32Attr(4, 8)));
  t.is(a.at(4), 0);
  t.not(b.at(4), 0);
  t.is(b.at(3), 0);
  t.is(a.at(4), 0, 'a is indexed again');
  t.is(a.u32ByIndex(3), 7);
  t.is(b.u32(4), 8);
  t.is(a.u32ByIndex(3), 7);
});

test('types beyond the index are read by walking', (t) => {
  const p = probe(message(u32Attr(200, 7)));
  t.is(p.u32(200), 7);
  t.is(p.u32(201), undefined);
});

test('the shared payload readers check the exact length and name the field', (t) => {
  const buf = message(Buffer.concat([u32Attr(3, 0xfffffffe), Buffer.from([5, 0, 9, 0, 0xff, 0, 0, 0])]));
  t.is(readU32Attr(buf, 20, 'probe', 'big'), 0xfffffffe);
  t.is(readS32Attr(buf, 20, 'probe', 'signed'), -2);
  t.is(readU8Attr(buf, 28, 'probe', 'byte'), 0xff);
  t.throws(() => readU32Attr(buf, 28, 'probe', 'short'), { instanceOf: DecodeError, message: /probe\.short.*u32 payload of 1 bytes, 4 expected/ });
  t.throws(() => readS32Attr(buf, 28, 'probe', 'short'), { instanceOf: DecodeError, message: /s32 payload of 1 bytes/ });
  t.throws(() => readU8Attr(buf, 20, 'probe', 'wide'), { instanceOf: DecodeError, message: /probe\.wide.*u8 payload of 4 bytes, 1 expected/ });
});
