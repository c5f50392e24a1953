// IP and MAC text <-> bytes: strict parsing, inet_ntop-compatible formatting.
import test from 'ava';
import { ValidationError } from '../../../lib/netlink/core/errors.js';
import {
  formatIp, hasHostBits, ipv4HostBits, ipv4Number, ipv4PrefixNumber, maskPrefix, parseIp, parsePrefix, prefixContains,
} from '../../../lib/netlink/core/inet.js';
import { formatMac, macNumber, parseMac, writeMacNumberAttr } from '../../../lib/netlink/core/mac.js';
import { NlWriter } from '../../../lib/netlink/core/writer.js';

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
  // Other lengths (InfiniBand's 20 bytes, a tunnel's 4) and a window into a larger buffer.
  const bytes = Uint8Array.from({ length: 20 }, (_, i) => (i * 37 + 9) & 255);
  t.is(formatMac(bytes), [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':'));
  t.is(formatMac(bytes, 3, 4), [...bytes.subarray(3, 7)].map((b) => b.toString(16).padStart(2, '0')).join(':'));
  t.is(formatMac(Uint8Array.from([0, 15, 16, 255]), 0, 4), '00:0f:10:ff');
  t.is(formatMac(bytes, 5, 0), '');
  for (const bad of ['02:00:00:00:00', '02:00:00:00:00:00:00', '2:0:0:0:0:1', '02-00-00-00-00-01', 'zz:00:00:00:00:01', 7]) {
    t.throws(() => parseMac('mac', bad), { instanceOf: ValidationError, message: /^mac: / });
  }
});

// ---- differential: the character-loop parser against a split/regex one (the parser it replaced) ----

/** The reference: dotted quad by split and regex, strict as inet.ts is (no leading zeros, 0..255). */
function refParse4(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return null;
    out.push(Number(p));
  }
  return out;
}

/** The reference IPv6 parser: `::` split, groups by regex, optional dotted quad last. */
function refParse6(s: string): number[] | null {
  if (s.length < 2 || s.length > 45) return null;
  const dbl = s.indexOf('::');
  if (dbl !== -1 && s.indexOf('::', dbl + 1) !== -1) return null;
  const headGroups = dbl === -1 ? s.split(':') : s.slice(0, dbl) === '' ? [] : s.slice(0, dbl).split(':');
  const tailGroups = dbl === -1 ? [] : s.slice(dbl + 2) === '' ? [] : s.slice(dbl + 2).split(':');
  const all = [...headGroups, ...tailGroups];
  let v4: number[] | null = null;
  const last = all[all.length - 1];
  if (last !== undefined && last.includes('.')) {
    v4 = refParse4(last);
    if (v4 === null) return null;
    if (tailGroups.length > 0) tailGroups.pop();
    else if (dbl === -1) headGroups.pop();
    else return null;
  }
  const words = (groups: string[]): number[] | null => {
    const out: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = words(headGroups);
  const tail = words(tailGroups);
  if (head === null || tail === null) return null;
  const need = v4 ? 6 : 8;
  const count = head.length + tail.length;
  if (dbl === -1 ? count !== need : count > need - 1) return null;
  const all16 = [...head, ...new Array<number>(need - count).fill(0), ...tail];
  const out = all16.flatMap((w) => [w >> 8, w & 0xff]);
  return v4 ? [...out, ...v4] : out;
}

function refParse(s: string): number[] | null {
  return s.includes(':') ? refParse6(s) : refParse4(s);
}

/** A deterministic generator (xorshift32), so a failure names a reproducible input. */
/** The bytes `parse` returns, or null when it refuses the input with a ValidationError (anything else throws). */
function bytesOrNull(parse: () => Iterable<number>): number[] | null {
  try {
    return [...parse()];
  } catch (e) {
    if (e instanceof ValidationError) return null;
    throw e;
  }
}

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 0x100000000;
  };
}

const SEEDS = ['10.1.2.3', '0.0.0.0', '255.255.255.255', '::', '::1', 'fe80::1', '2001:db8::1:0:0:1', '1:2:3:4:5:6:7:8',
  '::ffff:10.1.2.3', '1:2:3:4:5:6:1.2.3.4', 'FE80:0:0:0:0:0:0:1', '2001:0db8:0000:0000:0000:0000:0002:0001'];
const ALPHABET = '0123456789abcdefABCDEFg:.%/ ';

test('the IP parser agrees with the reference on random and mutated text', (t) => {
  const next = rng(0x5eed);
  const inputs: string[] = [...SEEDS];
  for (let i = 0; i < 20000; i++) {
    if (i % 2 === 0) {
      let s = '';
      const n = Math.floor(next() * 24);
      for (let k = 0; k < n; k++) s += ALPHABET[Math.floor(next() * ALPHABET.length)];
      inputs.push(s);
    } else {
      // Mutate a valid address: replace, insert or delete one character.
      const base = SEEDS[Math.floor(next() * SEEDS.length)]!;
      const at = Math.floor(next() * (base.length + 1));
      const c = ALPHABET[Math.floor(next() * ALPHABET.length)]!;
      const op = Math.floor(next() * 3);
      inputs.push(op === 0 ? base.slice(0, at) + c + base.slice(at + 1) : op === 1 ? base.slice(0, at) + c + base.slice(at) : base.slice(0, at) + base.slice(at + 1));
    }
  }
  let valid = 0;
  for (const s of inputs) {
    const want = refParse(s);
    const got = bytesOrNull(() => parseIp('a', s).bytes);
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      t.fail(`${JSON.stringify(s)}: got ${JSON.stringify(got)}, reference ${JSON.stringify(want)}`);
      return;
    }
    // ipv4Number: the same address as one number, -1 for anything but IPv4.
    const number = want !== null && want.length === 4 ? ((want[0]! << 24) | (want[1]! << 16) | (want[2]! << 8) | want[3]!) >>> 0 : -1;
    if (ipv4Number(s) !== number) {
      t.fail(`ipv4Number(${JSON.stringify(s)}) = ${ipv4Number(s)}, reference ${number}`);
      return;
    }
    if (want !== null) valid++;
  }
  t.true(valid > 2000, `${valid} valid inputs among ${inputs.length}`);
});

test('prefixes agree with the reference: address part, then 0, or 1 to 3 digits without a leading zero', (t) => {
  const lengths = ['', '0', '00', '01', '8', '24', '32', '33', '64', '128', '129', '999', '1000', '-1', '+8', ' 8', '8 ', 'x'];
  for (const address of ['10.1.2.0', 'fd00::', '10.1.2', '::ffff:1.2.3.4']) {
    for (const len of lengths) {
      const text = `${address}/${len}`;
      const bytes = refParse(address);
      const max = bytes?.length === 4 ? 32 : 128;
      const ok = bytes !== null && /^(0|[1-9][0-9]{0,2})$/.test(len) && Number(len) <= max;
      if (ok) {
        t.deepEqual(parsePrefix('dst', text), { version: bytes.length === 4 ? 4 : 6, bytes: Uint8Array.from(bytes), prefixlen: Number(len) }, text);
      } else {
        const e = t.throws(() => parsePrefix('dst', text), { instanceOf: ValidationError }, text);
        t.is(e.field, 'dst');
        // A bad address is reported with the address part, a bad length with the whole text.
        t.is(e.value, bytes === null ? address : text, text);
      }
    }
  }
});

test('ipv4PrefixNumber is parsePrefix for IPv4 prefixes with a length (address * 64 + length) and -1 for anything else; ipv4HostBits is hasHostBits', (t) => {
  const next = rng(0xb17e);
  const lengths = ['', '0', '00', '01', '1', '8', '24', '31', '32', '33', '64', '128', '999', '-1', '+8', ' 8', '8 ', 'x', '/8'];
  const addresses = ['10.1.2.0', '0.0.0.0', '255.255.255.255', '10.1.2.3', '10.1.2', '010.1.2.0', 'fd00::', '::ffff:1.2.3.4', '1.2.3.4.5', ''];
  const inputs: unknown[] = [undefined, null, 42, {}, '10.1.2.0', '/24', '10.1.2.0//24', '10.1.2.0/24/', '10.1.2.0 /24'];
  for (const a of addresses) for (const l of lengths) inputs.push(`${a}/${l}`);
  for (let i = 0; i < 5000; i++) {
    const len = Math.floor(next() * 34);
    const address = [0, 1, 2, 3].map(() => Math.floor(next() * 256)).join('.');
    inputs.push(`${address}/${len}`);
  }
  let accepted = 0;
  for (const text of inputs) {
    let want = -1;
    let hostBits = false;
    if (typeof text === 'string') {
      try {
        const p = parsePrefix('dst', text);
        // A bare address (parsePrefix takes it as /32) is left to parsePrefix too.
        if (p.version === 4 && text.includes('/')) {
          want = (((p.bytes[0]! << 24) | (p.bytes[1]! << 16) | (p.bytes[2]! << 8) | p.bytes[3]!) >>> 0) * 64 + p.prefixlen;
          hostBits = hasHostBits(p.bytes, p.prefixlen);
        }
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
      }
    }
    const got = ipv4PrefixNumber(text);
    if (got !== want) {
      t.fail(`ipv4PrefixNumber(${JSON.stringify(text)}) = ${got}, parsePrefix says ${want}`);
      return;
    }
    if (got >= 0) {
      accepted++;
      const len = got % 64;
      if (ipv4HostBits((got - len) / 64, len) !== hostBits) {
        t.fail(`ipv4HostBits of ${JSON.stringify(text)} is not hasHostBits (${hostBits})`);
        return;
      }
    }
  }
  t.true(accepted > 4000, `${accepted} accepted`);
});

test('the MAC parser agrees with a regex reference on random and mutated text', (t) => {
  const next = rng(0xbeef);
  const alphabet = '0123456789abcdefABCDEFgG:@`/ -';
  const seeds = ['02:00:00:00:00:01', 'aa:BB:cc:DD:ee:FF', '00:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff'];
  const mismatches: string[] = [];
  let parsed = 0;
  for (let i = 0; i < 20000; i++) {
    let s: string;
    if (i % 2 === 0) {
      s = '';
      for (let k = 0; k < 17; k++) s += alphabet[Math.floor(next() * alphabet.length)];
    } else {
      const base = seeds[Math.floor(next() * seeds.length)]!;
      const at = Math.floor(next() * base.length);
      s = base.slice(0, at) + alphabet[Math.floor(next() * alphabet.length)] + base.slice(at + 1);
    }
    const want = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(s) ? s.split(':').map((h) => parseInt(h, 16)) : null;
    const number = want === null ? -1 : parseInt(s.replaceAll(':', ''), 16);
    if (macNumber(s) !== number) {
      mismatches.push(`macNumber(${JSON.stringify(s)}) = ${macNumber(s)}, reference ${number}`);
      continue;
    }
    if (want !== null) {
      // Written back from the number: the same six bytes.
      const w = new NlWriter();
      writeMacNumberAttr(w, 2, number);
      if (JSON.stringify([...w.bytes().subarray(4, 10)]) !== JSON.stringify(want)) {
        mismatches.push(`writeMacNumberAttr(${number}) wrote ${JSON.stringify([...w.bytes()])}`);
        continue;
      }
    }
    const got = bytesOrNull(() => parseMac('mac', s));
    if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${JSON.stringify(s)}: got ${JSON.stringify(got)}, reference ${JSON.stringify(want)}`);
    else if (want !== null) parsed++;
  }
  t.deepEqual(mismatches, []);
  t.true(parsed > 1000, `${parsed} valid MACs among the inputs`);
});
