// The hostile-input sweep of lib/netlink (issue 7): every public method of RtNetlink, its services,
// monitor(), RtNetlink.open, netns.* and the exported helpers, called with wrong types, NaN,
// ±Infinity, -1, 2^32, 2^53, huge strings, NUL bytes, over-long names, `..` paths, Object.prototype
// member names for every enum-valued and name field, unknown keys, options inherited through a
// prototype, class instances, arrays for objects, holes in bulk calls and getters that throw or
// change between reads. Each must be a ValidationError naming the field, with nothing sent, no
// socket opened and no namespace touched (counted through the fake kernel). Generated from the
// method descriptions in spec/netlink/hostile/methods.ts.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import * as api from '../../lib/netlink/index.js';
import { RtNetlink, ValidationError } from '../../lib/netlink/index.js';
import { casesOf, clone, pathOf, type Case } from './hostile/cases.js';
import { SweepKernel, run, show, validCall, verdict } from './hostile/harness.js';
import { stale, unexplained, type KnownDefect } from './hostile/known.js';
import { methods, type MethodSpec, type World } from './hostile/methods.js';

/**
 * Runs `fn` with the sweep's fake kernel installed, a handle on it and a world of names. It asserts
 * nothing itself: each sweep's own assertions decide its test (one that asserted nothing fails).
 */
async function withSweep(fn: (nl: RtNetlink, kernel: SweepKernel, world: World) => Promise<void>): Promise<void> {
  const kernel = new SweepKernel();
  const restore = kernel.install();
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-hostile-'));
  const nl = await RtNetlink.open();
  // links.delMany picks a random group: the same for every call, so calls compare byte for byte.
  const random = Math.random;
  Math.random = () => 0.5;
  try {
    await fn(nl, kernel, { link: 'hb0', port: 'hp0', otherNs: '/proc/self/ns/net', dir });
  } finally {
    Math.random = random;
    nl.close();
    restore();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The valid calls a method's cases are built on: its arguments, each field's base, each field's accepted value. */
function validCalls(m: MethodSpec): Array<[string, unknown[]]> {
  const out: Array<[string, unknown[]]> = [['as described', m.args]];
  m.params.forEach((p, i) => {
    const valid = p.items === true ? (m.args[i] as unknown[])[0] : m.args[i];
    const wrap = (x: unknown): unknown => (p.items === true ? [x] : x);
    for (const [key, f] of Object.entries(p.fields ?? {})) {
      const base = (f.base ?? valid) as Record<string, unknown>;
      out.push([`${key}: its base`, m.args.map((a, k) => (k === i ? wrap(base) : a))]);
      if (f.ok === undefined) continue;
      const path = pathOf(key);
      const copy = structuredClone(base);
      let at = copy as Record<string, unknown>;
      for (const k of path.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
      at[path[path.length - 1]!] = f.ok;
      out.push([`${key} = its accepted value`, m.args.map((a, k) => (k === i ? wrap(copy) : a))]);
    }
  });
  return out;
}

/** The families of the sweep, one test each (the fake kernel is process-wide: serial). */
const GROUPS: Array<[string, (name: string) => boolean]> = [
  ['RtNetlink.open, monitor, netns and the exported helpers', (n) => !n.includes('.') || n.startsWith('nl.') || n.startsWith('netns.') || n.startsWith('RtNetlink.')],
  ['links', (n) => n.startsWith('links.')],
  ['addresses', (n) => n.startsWith('addresses.')],
  ['routes', (n) => n.startsWith('routes.')],
  ['neighbours', (n) => n.startsWith('neighbors.')],
  ['rules, nsids and nexthops', (n) => n.startsWith('rules.') || n.startsWith('nsids.') || n.startsWith('nexthops.')],
];

let total = 0;
/** The known defects (known.ts) some group's failures matched. */
const matched = new Set<KnownDefect>();

for (const [group, inGroup] of GROUPS) {
  test.serial(`hostile input to ${group} is refused before anything is sent`, async (t) => {
    await withSweep(async (nl, kernel, world) => {
      const ms = methods(world).filter((m) => inGroup(m.name));
      t.true(ms.length > 0);
      const counters = () => kernel.counters();
      // The cases are only worth something if what they change was valid before.
      const invalidBases: string[] = [];
      for (const m of ms) {
        for (const [what, args] of validCalls(m)) {
          const v = await validCall(m, nl, counters, args, what);
          if (v !== undefined) invalidBases.push(v);
        }
      }
      t.deepEqual(invalidBases, [], 'every base and accepted value is valid');
      const cases: Case[] = casesOf(ms);
      const failures: string[] = [];
      for (const c of cases) {
        const v = await verdict(c, nl, counters);
        if (v !== undefined) failures.push(v);
      }
      if (process.env.HOSTILE_REPORT !== undefined) appendFileSync(process.env.HOSTILE_REPORT, failures.map((f) => `${f}\n`).join(''));
      total += cases.length;
      const byKind = (k: Case['kind']): number => cases.filter((c) => c.kind === k).length;
      t.log(`${cases.length} calls (${byKind('refuse')} refusals, ${byKind('getter')} getters, ${byKind('name')} names); ${total} so far`);
      const unknown = unexplained('sweep', failures, matched);
      t.is(unknown.length, 0, `${unknown.length} of ${cases.length} cases failed:\n${unknown.slice(0, 80).join('\n')}`);
    });
  });
}

/** Overwrites every own value reachable through plain objects and arrays in `v` (arrays also grow), deepest first. */
function vandalize(v: unknown, seen = new Set<unknown>()): void {
  if (typeof v !== 'object' || v === null || seen.has(v)) return;
  seen.add(v);
  const proto: unknown = Object.getPrototypeOf(v);
  if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) return;
  const o = v as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    vandalize(o[key], seen);
    o[key] = 'vandalized\0';
  }
  if (Array.isArray(v)) v.push('vandalized\0');
}

test.serial('arguments changed right after a call (before it settles) change nothing it sends', async (t) => {
  await withSweep(async (nl, kernel, world) => {
    const changed: string[] = [];
    let calls = 0;
    for (const m of methods(world)) {
      for (const [what, args] of validCalls(m)) {
        const b1 = kernel.counters().datagrams.length;
        const control = await run(() => m.call(nl, clone(args)));
        const b2 = kernel.counters().datagrams.length;
        const mine = clone(args);
        const o = await run(() => {
          const r = m.call(nl, mine);
          vandalize(mine);
          return r;
        });
        const after = kernel.counters().datagrams;
        const want = after.slice(b1, b2).join(' ');
        const got = after.slice(b2).join(' ');
        const ending = (x: typeof o): string => (x.ok ? 'resolved' : show(x).replace(/:.*$/s, ''));
        if (ending(o) !== ending(control) || got !== want) changed.push(`${m.name} ${what}: ${show(control)} → ${show(o)}${got === want ? '' : `\n  sent ${got}\n  want ${want}`}`);
        calls++;
      }
    }
    t.log(`${calls} calls`);
    t.deepEqual(changed, []);
  });
});

/** The option names an options object at `path` of argument `i` knows, from the error an unknown key gets (`(known: a, b)`). */
async function knownKeys(nl: RtNetlink, m: MethodSpec, i: number, base: unknown, path: readonly string[]): Promise<string[] | string> {
  const copy = structuredClone(base) as Record<string, unknown>;
  let at = copy;
  for (const k of path) at = (at[k] ??= {}) as Record<string, unknown>;
  at.zzUnknownOption = 1;
  const o = await run(() => m.call(nl, m.args.map((a, k) => (k === i ? copy : a))));
  const known = !o.ok && o.error instanceof ValidationError ? /\(known: ([^)]*)\)/.exec(o.error.message) : null;
  return known === null ? `no list of known options: ${show(o)}` : known[1]!.split(', ');
}

test.serial('the sweep describes every option the library knows (a new option is swept, or this fails)', async (t) => {
  await withSweep(async (nl, _kernel, world) => {
    const missing: string[] = [];
    let objectsChecked = 0;
    let optionsChecked = 0;
    for (const m of methods(world)) {
      for (const [i, p] of m.params.entries()) {
        if (p.object !== true || p.items === true) continue;
        const keys = Object.keys(p.fields ?? {});
        // The options object itself, then each described field that is an options object of its own.
        const objects: Array<[string[], unknown, string | undefined]> = [[[], m.args[i], undefined]];
        for (const [key, f] of Object.entries(p.fields ?? {})) {
          if (f.object === true) objects.push([pathOf(key), f.base ?? m.args[i], key.split(' ')[1]]);
        }
        for (const [path, base, note] of objects) {
          const known = await knownKeys(nl, m, i, base, path);
          const where = `${m.name} ${path.length === 0 ? p.name : path.join('.')}${note === undefined ? '' : ` ${note}`}`;
          if (typeof known === 'string') {
            missing.push(`${where}: ${known}`);
            continue;
          }
          const described = new Set(keys.filter((k) => k.split(' ')[1] === note || path.length === 0).map(pathOf)
            .filter((kp) => kp.length === path.length + 1 && path.every((s, n) => kp[n] === s)).map((kp) => kp[path.length]!));
          for (const k of known) if (!described.has(k)) missing.push(`${where}: option ${k} is not described in hostile/methods.ts`);
          objectsChecked++;
          optionsChecked += known.length;
        }
      }
    }
    t.log(`${optionsChecked} options of ${objectsChecked} options objects`);
    t.true(objectsChecked > 50);
    t.deepEqual(missing, []);
  });
});

/** Methods of the service classes that are no public API (TS `private`, or `@internal`). */
const NOT_PUBLIC = new Set(['constructor', 'prepareDump', 'byAlias', 'finishAdd', 'followUp', 'addTun', 'one', 'getView', 'fileNsid', 'resolve']);

test.serial('the sweep calls every public method and exported function (a new one is swept, or this fails)', async (t) => {
  await withSweep(async (nl, _kernel, world) => {
    const described = new Set(methods(world).map((m) => m.name.split(' ')[0]!));
    const expected: string[] = ['RtNetlink.open', 'nl.monitor'];
    for (const [service, value] of Object.entries(nl)) {
      if (service === 'connection' || typeof value !== 'object' || value === null) continue;
      for (let p: unknown = Object.getPrototypeOf(value); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
        for (const name of Object.getOwnPropertyNames(p)) if (!NOT_PUBLIC.has(name)) expected.push(`${service}.${name}`);
      }
    }
    // The package root's plain functions (classes are constructed by RtNetlink, not by callers).
    const functions = (from: object, prefix: string): string[] => Object.entries(from)
      .filter(([, value]) => typeof value === 'function' && !/^class\b/.test(Function.prototype.toString.call(value))).map(([name]) => prefix + name);
    expected.push(...functions(api, ''), ...functions(api.netns, 'netns.'));
    const undescribed = expected.filter((name) => !described.has(name));
    t.log(`${expected.length} public methods and functions`);
    t.true(expected.length > 60);
    t.deepEqual(undescribed, []);
  });
});

test.serial('every known defect of the sweep still shows (a fixed one leaves known.ts)', (t) => {
  t.deepEqual(stale('sweep', matched), []);
});
