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
import test, { type ExecutionContext } from 'ava';
import { RtNetlink } from '../../lib/netlink/index.js';
import { casesOf, pathOf, type Case } from './hostile/cases.js';
import { SweepKernel, validCall, verdict } from './hostile/harness.js';
import { stale, unexplained, type KnownDefect } from './hostile/known.js';
import { methods, type MethodSpec, type World } from './hostile/methods.js';

/** Runs `fn` with the sweep's fake kernel installed, a handle on it and a world of names. */
async function withSweep(t: ExecutionContext, fn: (nl: RtNetlink, kernel: SweepKernel, world: World) => Promise<void>): Promise<void> {
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
  t.pass();
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
    await withSweep(t, async (nl, kernel, world) => {
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

test.serial('every known defect of the sweep still shows (a fixed one leaves known.ts)', (t) => {
  t.deepEqual(stale('sweep', matched), []);
});
