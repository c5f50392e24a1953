// IP and MAC text <-> bytes: strict parsing, inet_ntop-compatible formatting.
import test from 'ava';
import { ValidationError } from '../../../lib/netlink/core/errors.js';
import { formatIp, hasHostBits, maskPrefix, parseIp, parsePrefix, prefixContains } from '../../../lib/netlink/core/inet.js';
import { formatMac, parseMac } from '../../../lib/netlink/core/mac.js';

const roundTrips: Array<[string, string]> = [
  ['10.1.2.3', '10.1.2.3'],
  ['0.0.0.0', '0.0.0.0'],
  ['255.255.255.255', '255.255.255.255'],
  ['::', '::'],
  ['::1', '::1'],
  ['fe80::1', 'fe80::1'],
  ['FE80:0:0:0:0:0:0:1', 'fe80::1'],
  ['2001:db8::', '2001:db8::'],
  ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
  ['2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8::2:1'],
  ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ['1::8', '1::8'],
  ['1:0:3:4:5:6:7:8', '1:0:3:4:5:6:7:8'],
  ['::ffff:10.1.2.3', '::ffff:10.1.2.3'],
  ['::10.1.2.3', '::10.1.2.3'],
  ['fd00::2', 'fd00::2'],
];

for (const [input, text] of roundTrips) {
  test(`parse and format ${input}`, (t) => {
    const { bytes } = parseIp('a', input);
    t.is(formatIp(bytes), text);
    t.deepEqual(parseIp('a', text).bytes, bytes);
  });
}

test('IPv6 formatting matches inet_ntop for zero runs', (t) => {
  const b = new Uint8Array(16);
  b[1] = 1; // 0001:0:0:0:0:0:0:0
  t.is(formatIp(b), '1::');
  const c = new Uint8Array(16);
  c[15] = 1; c[3] = 2; // 0:2:0:0:0:0:0:1 → longest run wins
  t.is(formatIp(c), '0:2::1');
});

const bad = ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.4 ', 'a.b.c.d', ':::', '1:::2', '1::2::3',
  '12345::', '1:2:3:4:5:6:7:8:9', '1.2.3.4::', 'fe80::1%eth0', 'g::1', '1:2:3:4:5:6:7'];
for (const input of bad) {
  test(`refuses ${JSON.stringify(input)}`, (t) => {
    const e = t.throws(() => parseIp('addr', input), { instanceOf: ValidationError });
    t.is(e.field, 'addr');
  });
}

test('a version requirement refuses the other family with a clear reason', (t) => {
  t.throws(() => parseIp('gateway', 'fe80::1', 4), { message: /gateway: an IPv4 address is required/ });
  t.throws(() => parseIp('gateway', '10.0.0.1', 6), { message: /gateway: an IPv6 address is required/ });
});

test('prefixes: lengths, defaults, host bits, containment', (t) => {
  t.deepEqual(parsePrefix('dst', '10.0.0.0/8'), { version: 4, bytes: Uint8Array.from([10, 0, 0, 0]), prefixlen: 8 });
  t.is(parsePrefix('dst', '10.0.0.1').prefixlen, 32);
  t.is(parsePrefix('dst', 'fd00::/64').prefixlen, 64);
  t.is(parsePrefix('dst', 'default', { allowDefault: true }).prefixlen, 0);
  t.is(parsePrefix('dst', 'default', { allowDefault: true, version: 6 }).bytes.length, 16);
  t.throws(() => parsePrefix('dst', 'default'), { instanceOf: ValidationError });
  t.throws(() => parsePrefix('dst', '10.0.0.0/33'), { message: /prefix length must be 0..32/ });
  t.throws(() => parsePrefix('dst', '10.0.0.0/08'), { instanceOf: ValidationError });
  t.throws(() => parsePrefix('dst', '10.0.0.0/'), { instanceOf: ValidationError });
  t.throws(() => parsePrefix('dst', '10.0.0.1', { requireLength: true }), { message: /prefix length is required/ });
  const p = parsePrefix('p', '10.1.2.3/16');
  t.true(hasHostBits(p.bytes, p.prefixlen));
  t.deepEqual([...maskPrefix(p.bytes, 16)], [10, 1, 0, 0]);
  t.true(prefixContains(p, parseIp('a', '10.1.200.1').bytes));
  t.false(prefixContains(p, parseIp('a', '10.2.0.1').bytes));
  t.false(prefixContains(p, parseIp('a', '::1').bytes));
});

test('MAC addresses', (t) => {
  t.deepEqual([...parseMac('mac', '02:00:0A:ff:00:01')], [2, 0, 10, 255, 0, 1]);
  t.is(formatMac(Uint8Array.from([2, 0, 10, 255, 0, 1])), '02:00:0a:ff:00:01');
  for (const bad of ['02:00:00:00:00', '02:00:00:00:00:00:00', '2:0:0:0:0:1', '02-00-00-00-00-01', 'zz:00:00:00:00:01', 7]) {
    t.throws(() => parseMac('mac', bad), { instanceOf: ValidationError, message: /^mac: / });
  }
});
