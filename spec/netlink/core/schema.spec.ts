// The writer, the attribute walker and the schema-driven codec, on bytes built independently.
import test from 'ava';
import { AttrIndex, forEachAttr } from '../../../lib/netlink/core/attributes.js';
import { DecodeError, ValidationError } from '../../../lib/netlink/core/errors.js';
import { AttrSet, attr, flag, ip, mac, multi, nest, string, u16, u32, u64, u8 } from '../../../lib/netlink/core/schema.js';
import { NlWriter } from '../../../lib/netlink/core/writer.js';
import { attr as a, bytes, cstr, nlmsg, u16 as b16, u32 as b32, u64 as b64 } from '../../helpers/bytes.js';

const inner = new AttrSet('inner', () => ({ names: multi(1, string) }));
const set = new AttrSet('test', () => ({
  name: attr(1, string),
  mtu: attr(2, u32),
  mode: attr(3, u8),
  port: attr(4, u16),
  bytes: attr(5, u64),
  mac: attr(6, mac),
  addr: attr(7, ip),
  on: attr(8, flag),
  list: attr(9, nest(inner), { flagged: true }),
}));

const golden = bytes(
  a(1, cstr('eth0')),
  a(2, b32(1500)),
  a(3, [7]),
  a(4, b16(4789)),
  a(5, b64(1n << 40n)),
  a(6, [2, 0, 0, 0, 0, 1]),
  a(7, [10, 0, 0, 1]),
  a(8),
  a(9 | 0x8000, a(1, cstr('a')), a(1, cstr('bb'))),
);

const decoded = {
  name: 'eth0', mtu: 1500, mode: 7, port: 4789, bytes: 1n << 40n, mac: '02:00:00:00:00:01', addr: '10.0.0.1',
  on: true as const, list: { names: ['a', 'bb'] },
};

test('decode golden bytes into typed fields', (t) => {
  t.deepEqual(set.decode(golden, 0, golden.length), decoded);
});

test('encode gives the golden bytes, with zeroed padding even into a dirty buffer', (t) => {
  const w = new NlWriter(8);
  set.encode(w, decoded);
  t.deepEqual(w.bytes(), golden);
  const dirty = new NlWriter(4096);
  dirty.buf.fill(0xff);
  set.encode(dirty, decoded);
  t.deepEqual(dirty.bytes(), golden);
});

test('unknown attributes are kept in place, so decode then encode is byte-exact', (t) => {
  const raw = bytes(a(1, cstr('x')), a(77, [1, 2, 3]), a(2, b32(9)), a(0x8000 | 78, a(1, [5])));
  const value = set.decode(raw, 0, raw.length);
  t.deepEqual(value.unknown?.map((u) => [u.type, u.index]), [[77, 1], [0x8000 | 78, 3]]);
  const w = new NlWriter();
  set.encode(w, value);
  t.deepEqual(w.bytes(), raw);
});

test('a repeated single-valued attribute is kept raw rather than lost', (t) => {
  const raw = bytes(a(2, b32(1)), a(2, b32(2)));
  const value = set.decode(raw, 0, raw.length);
  t.is(value.mtu, 1);
  const w = new NlWriter();
  set.encode(w, value);
  t.deepEqual(w.bytes(), raw);
});

test('wrong payload sizes are DecodeErrors naming the attribute path', (t) => {
  const raw = a(9, a(1, cstr('ok')), a(2, [1, 2]));
  const twoLevel = new AttrSet('outer', () => ({ inner: attr(9, nest(new AttrSet('in', () => ({ a: attr(1, string), b: attr(2, u32) })))) }));
  const e = t.throws(() => twoLevel.decode(raw, 0, raw.length), { instanceOf: DecodeError });
  t.is(e.path, 'outer.inner.b');
});

test('every truncation of a message is a DecodeError, never a crash', (t) => {
  for (let cut = 1; cut < golden.length; cut++) {
    try {
      set.decode(golden, 0, cut);
    } catch (e) {
      t.true(e instanceof DecodeError, `cut at ${cut}: ${String(e)}`);
    }
  }
});

test('an attribute length past the end is refused', (t) => {
  const raw = bytes(b16(40), b16(1), cstr('abc'));
  t.throws(() => forEachAttr(raw, 0, raw.length, 'p', () => {}), { instanceOf: DecodeError, message: /length 40/ });
});

test('encoding refuses values of the wrong type or range, naming the field', (t) => {
  t.throws(() => set.encode(new NlWriter(), { mtu: -1 }), { instanceOf: ValidationError, message: /^test\.mtu: / });
  t.throws(() => set.encode(new NlWriter(), { mode: 256 }), { instanceOf: ValidationError });
  t.throws(() => set.encode(new NlWriter(), { addr: '10.0.0.256' }), { instanceOf: ValidationError });
  t.throws(() => set.encode(new NlWriter(), { bogus: 1 } as never), { message: /not an attribute of test/ });
});

test('the attribute index finds first occurrences and reports absence', (t) => {
  const index = new AttrIndex(golden, 0, golden.length, 10, 'test');
  t.true(index.has(2));
  t.is(golden.readUInt32LE(index.offset(2)), 1500);
  t.is(index.length(1), 5);
  t.is(index.offset(10), -1);
});

test('the writer builds messages with back-patched lengths', (t) => {
  const w = new NlWriter(16);
  const m = w.beginMessage(18, 0x301, 5, 0);
  w.putU32(0x11223344);
  const n = w.beginNest(1);
  w.attrString(2, 'lo');
  w.endNest(n);
  w.endMessage(m);
  t.deepEqual(w.bytes(), nlmsg(18, 0x301, 5, 0, b32(0x11223344), a(1, a(2, cstr('lo')))));
});

test('an attribute with an unaligned struct payload counts its length without the padding', (t) => {
  const w = new NlWriter();
  const start = w.beginAttr(18);
  w.putU16(10);
  w.putBytes(Uint8Array.from([1, 2, 3, 4]));
  w.endNest(start);
  w.attrU32(2, 7);
  t.deepEqual(w.bytes(), bytes(a(18, b16(10), [1, 2, 3, 4]), a(2, b32(7))));
  t.is(w.bytes().readUInt16LE(0), 10);
});

test('views serialise to JSON: bigints as decimal strings, bytes as hex', async (t) => {
  const { jsonSafe } = await import('../../../lib/netlink/core/message-view.js');
  t.deepEqual(jsonSafe({ a: 1n << 64n, b: [Uint8Array.from([1, 255])], c: { d: 'x', e: undefined } }), { a: '18446744073709551616', b: ['01ff'], c: { d: 'x', e: undefined } });
});

test('a set with an attribute number defined twice throws when it is first used, naming the set', (t) => {
  const set = new AttrSet('twice', () => ({ a: attr(1, u8), b: attr(1, u16) }));
  t.throws(() => set.fieldOf(1), { message: 'twice: attribute 1 defined twice' });
});

test('no attribute set of the library defines a number twice (sets index themselves on first use, not at import)', async (t) => {
  const { readdirSync } = await import('node:fs');
  const dir = new URL('../../../lib/netlink/', import.meta.url);
  let sets = 0;
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.js')) continue;
    const module = await import(new URL(file, dir).href) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (!(value instanceof AttrSet)) continue;
      sets++;
      t.notThrows(() => value.fieldOf(0), `${file}: ${name}`);
    }
  }
  t.true(sets >= 45, `${sets} sets found`);
});
