// Input checks shared by every family (no kernel, no privileges): the copies options are read from.
import test from 'ava';
import { ValidationError } from '../../../lib/netlink/core/errors.js';
import { checkObject, hasLoneSurrogate, snapshotPlainData } from '../../../lib/netlink/core/validate.js';

test('checkObject returns a copy of the own enumerable properties, each getter run once, and refuses what is not a plain object', (t) => {
  let reads = 0;
  const value = { a: 1 };
  Object.defineProperty(value, 'b', { enumerable: true, get: () => ++reads });
  Object.defineProperty(value, 'hidden', { enumerable: false, value: 5 });
  const o = checkObject('options', value);
  t.not(o, value);
  t.deepEqual({ ...o }, { a: 1, b: 1 });
  t.is(o.b, 1);
  t.is(reads, 1);
  t.false(Object.hasOwn(o, 'hidden'));
  for (const bad of [null, 5, 'x', [], new (class Options {})(), Object.create({ a: 1 }) as unknown]) {
    t.throws(() => checkObject('options', bad), { instanceOf: ValidationError, message: /^options: / });
  }
});

test('the copy checkObject returns inherits nothing: not what Object.prototype gains (enumerable or not), not its own members', (t) => {
  const proto = Object.prototype as Record<string, unknown>;
  Object.defineProperty(proto, 'rtnlHiddenOption', { value: 'hidden', writable: true, enumerable: false, configurable: true });
  try {
    const o = checkObject('options', { a: 1 });
    t.is(o.rtnlHiddenOption, undefined);
    t.is((o as Record<string, unknown>)['constructor'], undefined);
    t.is((o as Record<string, unknown>)['toString'], undefined);
    const keyed = checkObject('options', JSON.parse('{"__proto__": {"link": "x"}, "a": 1}'));
    t.true(Object.hasOwn(keyed, '__proto__'), 'an own __proto__ key stays a key');
    t.is(keyed.link, undefined);
  } finally {
    delete proto.rtnlHiddenOption;
  }
});

test('snapshotPlainData copies plain objects and arrays level by level, byte arrays too, and keeps anything else as it is', (t) => {
  class Options { x = 1; }
  const instance = new Options();
  const bytes = Uint8Array.of(1, 2, 3);
  const original = { n: 1, nested: { list: [1, { deep: 'x' }] }, bytes, instance, fn: Math.max };
  const copy = snapshotPlainData(original) as typeof original;
  t.deepEqual(copy, original);
  t.not(copy.nested, original.nested);
  t.not(copy.nested.list, original.nested.list);
  t.not(copy.nested.list[1], original.nested.list[1]);
  t.not(copy.bytes, bytes);
  t.is(copy.instance, instance, 'a class instance is kept for the later check to refuse');
  t.is(copy.fn, Math.max);
  original.nested.list[0] = 2;
  bytes[0] = 9;
  t.is(copy.nested.list[0], 1);
  t.is(copy.bytes[0], 1);
  for (const primitive of [undefined, null, 5, 'x', 5n, true]) t.is(snapshotPlainData(primitive), primitive);
});

test('snapshotPlainData keeps holes as holes, an own __proto__ key as a key, a null prototype as none, and runs each getter once', (t) => {
  const sparse: unknown[] = [1];
  sparse[2] = 3;
  const copied = snapshotPlainData(sparse) as unknown[];
  t.is(copied.length, 3);
  t.false(Object.hasOwn(copied, 1));
  const withProtoKey = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
  const copy = snapshotPlainData(withProtoKey) as Record<string, unknown>;
  t.is(Object.getPrototypeOf(copy), Object.prototype);
  t.true(Object.hasOwn(copy, '__proto__'));
  t.is(copy.polluted, undefined);
  const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
  t.is(Object.getPrototypeOf(snapshotPlainData(bare)), null);
  let reads = 0;
  const lazy = {};
  Object.defineProperty(lazy, 'v', { enumerable: true, get: () => ++reads });
  const snap = snapshotPlainData(lazy) as { v: number };
  t.is(snap.v, 1);
  t.is(snap.v, 1);
  t.is(reads, 1);
});

test('snapshotPlainData of a cycle stops copying at a fixed depth instead of recursing forever', (t) => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  let at = snapshotPlainData(cyclic) as Record<string, unknown>;
  let depth = 0;
  while (at !== cyclic && depth < 100) {
    at = at.self as Record<string, unknown>;
    depth++;
  }
  t.is(at, cyclic);
  t.true(depth > 1 && depth < 100);
});

test('hasLoneSurrogate: a high or low surrogate without its partner, anywhere; pairs and plain text are not', (t) => {
  for (const s of ['\ud800', 'a\udc00b', 'x\ud83d', '\ude00\ud83d', 'eth\udbff']) t.true(hasLoneSurrogate(s), JSON.stringify(s));
  for (const s of ['', 'eth0', '\ud83d\ude00', 'v\u00e9th\ud83d\ude00', '\udbff\udfff', '\u0000']) t.false(hasLoneSurrogate(s), JSON.stringify(s));
});
