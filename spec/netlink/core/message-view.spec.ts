// MessageView.mayHave, which toObject() uses to skip the getters of absent attributes: it may say
// "absent" only when a getter reading that attribute would return undefined, never when the
// attribute walk was cut by malformed bytes (the getter throws a DecodeError there).
import test from 'ava';
import { DecodeError } from '../../../lib/netlink/core/errors.js';
import { MessageView } from '../../../lib/netlink/core/message-view.js';

/** A view with no family header that exposes mayHave and one u32 reader. */
class Probe extends MessageView {
  protected get headerSize(): number {
    return 0;
  }
  protected get setName(): string {
    return 'probe';
  }
  has(type: number): boolean {
    return this.mayHave(type);
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

test('present attributes may be there, absent ones are not (and their readers say undefined)', (t) => {
  const p = probe(message(Buffer.concat([u32Attr(3, 7), u32Attr(5, 9)])));
  t.true(p.has(3));
  t.true(p.has(5));
  t.false(p.has(4));
  t.is(p.u32(4), undefined);
  t.is(p.u32(5), 9);
});

test('a walk cut by malformed bytes: every absent type may be there, and its reader throws', (t) => {
  // An attribute header claiming 0x40 bytes where 8 remain.
  const cut = Buffer.from([0x40, 0x00, 0x06, 0x00, 1, 2, 3, 4]);
  const p = probe(message(Buffer.concat([u32Attr(3, 7), cut])));
  t.true(p.has(3));
  t.true(p.has(4), 'an absent type after the cut may be hidden in the bytes');
  t.throws(() => p.u32(4), { instanceOf: DecodeError });
  t.is(p.u32(3), 7);
});

test('another view taking the shared index in between does not change the answer', (t) => {
  const a = probe(message(u32Attr(3, 7)));
  const b = probe(message(u32Attr(4, 8)));
  t.false(a.has(4));
  t.true(b.has(4));
  t.false(b.has(3));
  t.false(a.has(4), 'a is indexed again');
  t.true(a.has(3));
});

test('types beyond the shared index always may be there', (t) => {
  const p = probe(message(u32Attr(3, 7)));
  t.true(p.has(200));
  t.is(p.u32(200), undefined);
});
