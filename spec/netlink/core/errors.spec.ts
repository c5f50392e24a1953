// The error classes: ValidationError messages quote the refused value briefly and never throw while
// doing it; NetlinkError keeps the errno and names the link it was about.
import test from 'ava';
import { NetlinkError, ValidationError } from '../../../lib/netlink/core/errors.js';

test('a ValidationError quotes at most a short prefix of a huge value', (t) => {
  const huge = 'x'.repeat(1_000_000);
  const e = new ValidationError('alias', huge, 'too long');
  t.true(e.message.length < 300, `${e.message.length} characters`);
  t.regex(e.message, /^alias: too long \(got "x{10,}… \(1000002 characters\)\)$/);
  t.is(e.value, huge, 'the value itself stays available');
  const big = { a: 'y'.repeat(10_000), list: new Array(100_000).fill(1), nested: { deep: { deeper: 1 } } };
  t.true(new ValidationError('options', big, 'bad').message.length < 300);
  const many = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
  t.true(new ValidationError('options', many, 'bad').message.length < 300);
});

test('a ValidationError never throws while describing the value', (t) => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const throwing = Object.defineProperty({}, 'boom', { enumerable: true, get() { throw new Error('getter'); } });
  const values: unknown[] = [
    cyclic, throwing, Object.create(null), Symbol('s'), 12n, () => 1, new Uint8Array(5000), null, undefined, NaN,
    -Infinity, new (class Link { buf = Buffer.alloc(512 * 1024); })(), Object.assign(Object.create(null) as object, { a: 1 }),
    new Proxy({}, { ownKeys() { throw new Error('trap'); } }),
  ];
  for (const v of values) {
    const e = new ValidationError('f', v, 'bad');
    t.true(e.message.startsWith('f: bad (got '), e.message);
    t.true(e.message.length < 300, e.message);
  }
  t.regex(new ValidationError('f', new (class Link { ifindex = 1; })(), 'bad').message, /got Link \{"ifindex":1\}/);
  t.regex(new ValidationError('f', new Uint8Array(5000), 'bad').message, /got <5000 bytes>/);
});

test('NetlinkError names the link it was about, keeping errno, request type and ext-ack', (t) => {
  const e = new NetlinkError(19, 'RTM_GETLINK', { requestType: 18, seq: 7, extack: { message: 'x' } });
  t.is(e.message, 'RTM_GETLINK: ENODEV (No such device): x');
  const named = e.naming('eth9');
  t.is(named.message, 'RTM_GETLINK: ENODEV (No such device): link "eth9" does not exist: x');
  t.like(named, { errno: 19, code: 'ENODEV', op: 'RTM_GETLINK', requestType: 18, seq: 7, link: 'eth9' });
  t.is(named.extack?.message, 'x');
  t.is(named.naming('other'), named, 'the first name stays');
  t.is(new NetlinkError(19, 'RTM_DELLINK').naming(42).message, 'RTM_DELLINK: ENODEV (No such device): link with ifindex 42 does not exist');
  t.is(new NetlinkError(16, 'RTM_NEWLINK', { link: 'br0' }).message, 'RTM_NEWLINK: EBUSY (Device or resource busy): link "br0"');
});
