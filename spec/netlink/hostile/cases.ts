// The cases of the hostile sweep, generated from the method descriptions (methods.ts):
// - refuse: a bad value in one place (a whole argument, one option field, one item of a bulk call,
//   an options object that is not plain, inherits its options, has unknown keys or holes) must be a
//   ValidationError naming that place, with nothing sent;
// - getter: an option behind a getter that throws, or that changes between reads, must be refused
//   or read once (what is sent is what a plain object with the first value read would send);
// - name: an Object.prototype member name in a name field is an ordinary name (sent as a control
//   name of the same length would be).
import type { FieldSpec, MethodSpec, ParamSpec } from './methods.js';
import { PROTO_NAMES, describe } from './values.js';

/** A case that must be refused with a ValidationError naming `expect`, before anything is sent. */
export interface RefuseCase {
  kind: 'refuse';
  method: MethodSpec;
  title: string;
  args: unknown[];
  expect: string | RegExp;
}

/** An option behind a getter: refused, the getter's own error, or read once. */
export interface GetterCase {
  kind: 'getter';
  method: MethodSpec;
  title: string;
  /** Builds fresh arguments (getters count their reads). */
  args: () => unknown[];
  /** The error a throwing getter throws (the call may reject with it), or undefined. */
  thrown: Error | undefined;
  /** When the call succeeds, it must send exactly what a call with these arguments sends. */
  same: unknown[] | undefined;
  /** Where the getter is. */
  expect: string | RegExp;
}

/** An Object.prototype member name in a name field, and a control name of the same length there. */
export interface NameCase {
  kind: 'name';
  method: MethodSpec;
  title: string;
  args: unknown[];
  control: unknown[];
  name: string;
  controlName: string;
}

export type Case = RefuseCase | GetterCase | NameCase;

/** A deep copy of plain data (objects and arrays; other values shared). */
export function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as T;
  if (typeof v === 'object' && v !== null && (Object.getPrototypeOf(v) === Object.prototype)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)])) as T;
  }
  return v;
}

/** `base` with the value at `path` replaced (a copy; missing objects on the way are made). */
function withValue(base: unknown, path: readonly string[], value: unknown): Record<string, unknown> {
  const out = clone(base) as Record<string, unknown>;
  let at = out;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    at[key] = typeof next === 'object' && next !== null ? next : {};
    at = at[key] as Record<string, unknown>;
  }
  at[path[path.length - 1]!] = value;
  return out;
}

/** The value at `path` in `base`. */
function valueAt(base: unknown, path: readonly string[]): unknown {
  let at: unknown = base;
  for (const key of path) at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

/** `base` with the value at `path` behind an own enumerable getter returning `reads[i]` on read i (the last one after). */
function withGetter(base: unknown, path: readonly string[], reads: unknown[] | Error): Record<string, unknown> {
  const out = withValue(base, path, undefined);
  const holder = valueAt(out, path.slice(0, -1)) ?? out;
  const target = (path.length === 1 ? out : holder) as Record<string, unknown>;
  let n = 0;
  Object.defineProperty(target, path[path.length - 1]!, {
    enumerable: true, configurable: true,
    get: () => {
      if (reads instanceof Error) throw reads;
      return reads[Math.min(n++, reads.length - 1)];
    },
  });
  return out;
}

/** The field path of a description key: `'peer.mac'` → `['peer', 'mac']`; a note after a space is dropped. */
export function pathOf(key: string): string[] {
  return key.split(' ')[0]!.split('.');
}

/** A RegExp matching a field and anything inside it (`mtu`, `peer.mac`, `items[1].flags[0]`). */
function within(field: string): RegExp {
  return new RegExp(`^${field.replace(/[.[\]]/g, (c) => `\\${c}`)}(\\.|\\[|$)`);
}

/**
 * Options objects refused although their own values are valid: not plain objects, options inherited
 * through a prototype (also from JSON's own `__proto__`), unknown keys (Object.prototype member
 * names among them), arrays and Maps. `field` is where they are; unknown keys are named inside it.
 */
export function badObjects(valid: Record<string, unknown>, field: string): Array<{ value: unknown; expect: RegExp; note: string }> {
  const inside = (key: string): RegExp => new RegExp(`^(${escape(field)}\\.)?${escape(key)}$|^${escape(field)}$`);
  class Options { constructor() { Object.assign(this, clone(valid)); } }
  const out: Array<{ value: unknown; expect: RegExp; note: string }> = [
    { value: Object.create(clone(valid)) as unknown, expect: within(field), note: 'Object.create(valid)' },
    { value: { __proto__: clone(valid) }, expect: within(field), note: '{ __proto__: valid }' },
    { value: new Options(), expect: within(field), note: 'a class instance' },
    { value: new Map(Object.entries(valid)), expect: within(field), note: 'a Map' },
    { value: [clone(valid)], expect: within(field), note: '[valid]' },
    { value: Object.assign([], clone(valid)), expect: within(field), note: 'an array with the keys' },
    { value: JSON.parse(`{"__proto__": ${JSON.stringify(valid, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))}}`) as unknown, expect: inside('__proto__'), note: 'own __proto__ from JSON' },
    { value: { ...clone(valid), unknownOption: 1 }, expect: inside('unknownOption'), note: 'an unknown key' },
    ...PROTO_NAMES.filter((n) => n !== '__proto__').map((n) => ({ value: { ...clone(valid), [n]: 1 }, expect: inside(n), note: `key ${n}` })),
    // An unknown key whose value is undefined may be refused, or ignored as absent.
    ...PROTO_NAMES.filter((n) => n !== '__proto__').map((n) => ({
      value: { ...clone(valid), [n]: undefined, x: 1 }, expect: new RegExp(`${inside('x').source}|${inside(n).source}`), note: `key ${n} undefined, then x`,
    })),
  ];
  return out;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A name of the same length made of one letter (a control for an Object.prototype member name). */
function controlFor(name: string): string {
  return 'q'.repeat(name.length);
}

/** The cases of one field of an options object at argument `i` (`prefix`: `'items[1].'` inside a bulk call). */
function fieldCases(m: MethodSpec, i: number, key: string, f: FieldSpec, valid: unknown, wrap: (item: unknown) => unknown, prefix: string): Case[] {
  const path = pathOf(key);
  const field = prefix + path.join('.');
  const base = f.base ?? valid;
  const expect = f.expect instanceof RegExp && prefix !== '' ? new RegExp(`^${escape(prefix)}${f.expect.source.replace(/^\^/, '')}`, f.expect.flags)
    : f.expect instanceof RegExp ? f.expect : within(prefix + (f.expect ?? path.join('.')));
  const argsWith = (value: unknown): unknown[] => m.args.map((a, k) => (k === i ? wrap(value) : a));
  const out: Case[] = f.bad.map((bad, n) => ({
    kind: 'refuse', method: m, title: `${m.name} ${key} #${n} (${describe(bad)})`, args: argsWith(withValue(base, path, bad)), expect,
  }));
  if (f.object === true) {
    const inner = valueAt(base, path);
    for (const b of badObjects((inner ?? {}) as Record<string, unknown>, field)) {
      out.push({ kind: 'refuse', method: m, title: `${m.name} ${key}: ${b.note}`, args: argsWith(withValue(base, path, b.value)), expect: b.expect });
    }
  }
  if (f.names === true) {
    for (const name of PROTO_NAMES) {
      out.push({
        kind: 'name', method: m, title: `${m.name} ${key} = ${name}`, args: argsWith(withValue(base, path, name)),
        control: argsWith(withValue(base, path, controlFor(name))), name, controlName: controlFor(name),
      });
    }
  }
  // Getters: one that throws, and ones that change value between reads.
  const thrown = new Error(`getter of ${field} throws`);
  out.push({
    kind: 'getter', method: m, title: `${m.name} ${key}: a getter that throws`, args: () => argsWith(withGetter(base, path, thrown)), thrown, same: undefined,
    expect,
  });
  const bad = f.bad.find((b) => b !== undefined);
  const sequences: Array<[string, unknown[]]> = [['undefined, then bad', [undefined, bad]], ['bad, then undefined', [bad, undefined]]];
  if (f.ok !== undefined) sequences.push(['ok, then bad', [f.ok, bad]], ['ok, ok, then bad', [f.ok, f.ok, bad]], ['bad, then ok', [bad, f.ok]]);
  for (const [note, reads] of sequences) {
    // Read once, or validated where it is used: refused, or sent as the value that is not bad.
    const other = reads.find((r) => r !== bad);
    out.push({
      kind: 'getter', method: m, title: `${m.name} ${key}: a getter giving ${note} (${describe(bad)})`, args: () => argsWith(withGetter(base, path, reads)),
      thrown: undefined, same: argsWith(withValue(base, path, other)), expect,
    });
  }
  return out;
}

/** The cases of one argument. */
function paramCases(m: MethodSpec, i: number, p: ParamSpec): Case[] {
  const valid = m.args[i];
  const argsWith = (value: unknown): unknown[] => m.args.map((a, k) => (k === i ? value : a));
  const out: Case[] = (p.bad ?? []).map((bad, n) => ({
    kind: 'refuse', method: m, title: `${m.name} ${p.name} #${n} (${describe(bad)})`, args: argsWith(bad), expect: p.expect ?? within(p.name),
  }));
  if (p.names !== undefined) {
    const wrap = (x: string): unknown => (p.names === 'array' ? [x] : x);
    for (const name of PROTO_NAMES) {
      out.push({
        kind: 'name', method: m, title: `${m.name} ${p.name} = ${name}`, args: argsWith(wrap(name)), control: argsWith(wrap(controlFor(name))), name,
        controlName: controlFor(name),
      });
    }
  }
  if (p.items === true) {
    const item = (valid as unknown[])[0] as Record<string, unknown>;
    const wrap = (x: unknown): unknown[] => [clone(item), x];
    for (const bad of [null, 5, 'x', {}, new Map(), { length: 1, 0: item }, new Set([item])]) {
      out.push({ kind: 'refuse', method: m, title: `${m.name} ${p.name} as ${describe(bad)}`, args: argsWith(bad), expect: within(p.name) });
    }
    const holes: unknown[][] = [[, clone(item)], Object.assign([clone(item)], { length: 2 }), [clone(item), , clone(item)]];
    for (const h of holes) out.push({ kind: 'refuse', method: m, title: `${m.name} ${p.name} with a hole (${describe(h)})`, args: argsWith(h), expect: within(p.name) });
    for (const b of badObjects(item, `${p.name}[1]`)) out.push({ kind: 'refuse', method: m, title: `${m.name} ${p.name}[1]: ${b.note}`, args: argsWith(wrap(b.value)), expect: b.expect });
    for (const bad of [null, undefined, 5, 'x', [], true]) {
      out.push({ kind: 'refuse', method: m, title: `${m.name} ${p.name}[1] = ${describe(bad)}`, args: argsWith(wrap(bad)), expect: within(`${p.name}[1]`) });
    }
    // An item behind a getter of the array.
    const thrown = new Error(`getter of ${p.name}[1] throws`);
    const getterArray = (): unknown[] => {
      const a: unknown[] = [clone(item)];
      Object.defineProperty(a, 1, { enumerable: true, configurable: true, get: () => { throw thrown; } });
      return a;
    };
    out.push({ kind: 'getter', method: m, title: `${m.name} ${p.name}[1]: a getter that throws`, args: () => argsWith(getterArray()), thrown, same: undefined, expect: within(p.name) });
    for (const [key, f] of Object.entries(p.fields ?? {})) {
      const base = f.base ?? item;
      out.push(...fieldCases(m, i, key, { ...f, base: undefined as never }, base, wrap, `${p.name}[1].`));
    }
    return out;
  }
  if (p.object === true) {
    for (const b of badObjects(valid as Record<string, unknown>, p.name)) {
      out.push({ kind: 'refuse', method: m, title: `${m.name} ${p.name}: ${b.note}`, args: argsWith(b.value), expect: b.expect });
    }
    for (const bad of [null, 5, 'x', true, NaN, Symbol('o'), 10n, () => valid].filter((v) => p.alsoTakes?.(v) !== true)) {
      out.push({ kind: 'refuse', method: m, title: `${m.name} ${p.name} = ${describe(bad)}`, args: argsWith(bad), expect: within(p.name) });
    }
    for (const [key, f] of Object.entries(p.fields ?? {})) out.push(...fieldCases(m, i, key, f, valid, (x) => x, ''));
  }
  return out;
}

/** Every case of every method. */
export function casesOf(methods: readonly MethodSpec[]): Case[] {
  return methods.flatMap((m) => m.params.flatMap((p, i) => paramCases(m, i, p)));
}
