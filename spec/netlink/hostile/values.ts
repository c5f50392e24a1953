// Hostile values for the netlink sweep, by what a parameter takes: each generator returns values
// that parameter must refuse with a ValidationError. A field description combines them; values a
// field accepts (`Infinity` for a lifetime, `-1` for an s32) are left out where it is described.

/** A megabyte of text: must be refused without building a megabyte error message. */
export const HUGE = 'x'.repeat(1 << 20);

/** Object.prototype's member names: never a name of any enum, flag, kind or group. */
export const PROTO_NAMES = [
  'constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString',
  '__defineGetter__', '__lookupSetter__',
];

/** Values of no primitive type an option takes: objects of every shape, functions, symbols, bigints. */
export const OBJECTS: unknown[] = [
  {}, [], [1], () => 1, Symbol('s'), new Date(0), new Map(), /x/, new String('x'), new Number(1), new Boolean(true),
  Object.create(null), Buffer.from([1]),
];

/** Numbers no integer field takes (plus the wrong types). */
export const BAD_NUMBERS: unknown[] = [NaN, Infinity, -Infinity, 1.5, -0.5, 2 ** 53, 2 ** 64, Number.MAX_VALUE, -(2 ** 53)];

/** Everything that is not an integer: wrong types and non-integral numbers. */
export function notInteger(): unknown[] {
  return [null, true, false, '1', '', '0x10', 10n, ...BAD_NUMBERS, ...OBJECTS];
}

/** What an integer field in `[min, max]` refuses: non-integers and the integers just outside. */
export function intOutside(min: number, max: number): unknown[] {
  const out = [...notInteger(), min - 1, max + 1];
  if (min > -1) out.push(-1);
  if (max < 2 ** 32) out.push(2 ** 32);
  if (max < 2 ** 31) out.push(2 ** 31);
  return [...new Set(out)];
}

/** What a u8 / u16 / u32 refuses. */
export const u8 = (): unknown[] => intOutside(0, 0xff);
export const u16 = (): unknown[] => intOutside(0, 0xffff);
export const u32 = (): unknown[] => intOutside(0, 0xffffffff);

/** What a boolean refuses. */
export function bool(): unknown[] {
  return [null, 0, 1, -1, NaN, 'true', 'false', '', 'yes', 1n, {}, [], [true], new Boolean(true), () => true, Symbol('b')];
}

/** Strings with NUL bytes, and megabytes. */
export const NUL_STRINGS = ['a\0b', '\0', 'eth0\0', '\0eth0'];

/** Strings with a lone UTF-16 surrogate: UTF-8 has no encoding for one (Buffer writes U+FFFD, another name). */
export const LONE_SURROGATES = ['\uD800', 'a\uDC00b', 'eth\uD83D'];

/** Values that are not strings at all. */
export function notString(): unknown[] {
  return [null, 0, 5, -1, NaN, Infinity, true, 10n, ...OBJECTS.filter((o) => !(o instanceof String))];
}

/** What an interface name refuses (name fields: Object.prototype member names are ordinary names there). */
export function linkName(): unknown[] {
  return [
    ...notString(), new String('lo'), '', '.', '..', 'a/b', 'a:b', 'a b', 'tab\t', 'nl\n', 'x'.repeat(16), 'é'.repeat(8), '\u{1F600}'.repeat(4),
    HUGE, ...NUL_STRINGS, ...LONE_SURROGATES,
  ];
}

/** What a link reference (name or ifindex) refuses. */
export function linkRef(): unknown[] {
  return [...linkName().filter((v) => typeof v !== 'number'), 0, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 32, 2 ** 53];
}

/** What an IP address field refuses (`version`: the other family too). */
export function ip(version?: 4 | 6): unknown[] {
  const out: unknown[] = [
    ...notString(), '', '10.0.0.256', '10.0.0', '10.00.0.1', '010.0.0.1', '10.0.0.1/24', ' 10.0.0.1', '10.0.0.1 ', 'fd00::1::2',
    'fd00::1%eth0', 'fe80::1/64', 'localhost', '0x0a000001', '167772161', 'fd00:' + '1:'.repeat(40), HUGE, '10.0.0.1\0', ...PROTO_NAMES,
  ];
  if (version === 4) out.push('fd00::1', '::ffff:10.0.0.1');
  if (version === 6) out.push('10.0.0.1');
  return out;
}

/** What a CIDR / prefix field refuses (`version`: the other family too). */
export function cidr(version?: 4 | 6): unknown[] {
  const out: unknown[] = [
    ...notString(), '', '10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/', '10.0.0.0/ 24', '10.0.0.0/24/1', '10.0.0.0/0x10', '10.0.0.0/1.5',
    '10.0.0.0/4294967320', 'fd00::/129', 'fd00::/-0', '10.0.0.256/24', 'a\0/24', `10.0.0.0/${'1'.repeat(400)}`, HUGE, ...PROTO_NAMES,
  ];
  if (version === 4) out.push('fd00::/64');
  if (version === 6) out.push('10.0.0.0/24');
  return out;
}

/** What a 6-byte MAC field refuses. */
export function mac(): unknown[] {
  return [
    ...notString(), '', '02:00:00:00:00', '02:00:00:00:00:00:00', 'zz:00:00:00:00:01', '02-00-00-00-00-01', '0200.0000.0001',
    '2:0:0:0:0:1', '02:00:00:00:00:01\0', '02:00:00:00:00:01 ', HUGE, ...PROTO_NAMES,
  ];
}

/** What an enum-valued field (a name from a table, or a number in `[min, max]`) refuses. */
export function enumOf(min?: number, max?: number): unknown[] {
  const out: unknown[] = [...PROTO_NAMES, '', 'nonsense', 'UNKNOWN', ' main', 'main\0', HUGE, null, true, ...BAD_NUMBERS, ...OBJECTS];
  if (min === undefined || max === undefined) out.push(0, 1, -1, 2 ** 32);
  else out.push(min - 1, max + 1, 2 ** 32);
  return [...new Set(out)].filter((v) => typeof v !== 'number' || min === undefined || max === undefined || !Number.isInteger(v)
    || v < min || v > max);
}

/** What a name-only enum (no numbers) refuses. */
export function namesOnly(): unknown[] {
  return [...PROTO_NAMES, '', 'nonsense', ' x', 'x\0', HUGE, null, true, 0, 1, -1, ...BAD_NUMBERS, ...OBJECTS];
}

/** What a string of at most `max` bytes without NUL refuses (its over-long one is max + 1 bytes). */
export function text(max: number, empty = false): unknown[] {
  const out: unknown[] = [...notString(), 'x'.repeat(max + 1), 'é'.repeat(Math.ceil((max + 1) / 2)), HUGE, ...NUL_STRINGS, ...LONE_SURROGATES];
  if (!empty) out.push('');
  return out;
}

/** What an array of `element` values refuses: non-arrays, and arrays holding each bad element. */
export function arrayOf(element: unknown[], valid: unknown): unknown[] {
  return [
    null, 5, 'x', {}, new Set([valid]), { 0: valid, length: 1 }, ...element.slice(0, 40).map((e) => [valid, e]),
    ...sparse(valid),
  ];
}

/** Arrays with holes (a hole reads as undefined, or as a polluted Array.prototype's / Object.prototype's index). */
export function sparse(valid: unknown): unknown[][] {
  const hole: unknown[] = [];
  hole[1] = valid;
  const trailing: unknown[] = [valid];
  trailing.length = 2;
  // eslint-disable-next-line no-sparse-arrays
  return [hole, trailing, [valid, , valid]];
}

/** What a namespace reference (a path or an open fd) refuses. */
export function namespaceRef(): unknown[] {
  return [
    null, true, 10n, {}, [], ['/proc/self/ns/net'], () => 1, Symbol('n'), new String('/proc/self/ns/net'), -1, 1.5, NaN, Infinity, -Infinity,
    2 ** 31, 2 ** 32, 2 ** 53, ...paths(),
  ];
}

/** Paths every path-taking call refuses before touching anything. */
export function paths(): unknown[] {
  return [
    '', 'relative/netns', './netns', '/run/netns/../netns/x', '/run/netns/..', '/proc/self/ns/../ns/net', '/a\0b', `/${'a/'.repeat(2100)}x`,
    `/tmp/${'n'.repeat(256)}`, HUGE, '/run/netns/\uD800',
  ];
}

/** A short description of a value for test titles. */
export function describe(v: unknown): string {
  if (typeof v === 'string') return v.length > 40 ? `string of ${v.length}` : JSON.stringify(v);
  if (typeof v === 'symbol' || typeof v === 'function') return typeof v;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (v === undefined) return 'undefined';
  try {
    const json = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
    const s = json ?? String(v);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return Object.prototype.toString.call(v);
  }
}
