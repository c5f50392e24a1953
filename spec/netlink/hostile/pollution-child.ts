// Run as a child process by spec/netlink/hostile-pollution.spec.ts (polluting Object.prototype
// inside ava's worker breaks the worker's own IPC): for every option field of every method that
// has an accepted value, calls the method with the field absent, once with a clean Object.prototype
// and once with Object.prototype[<field name>] set to that accepted value, against the fake kernel.
// Prints one JSON line per call pair: the outcomes and the datagrams sent (sequence numbers zeroed).
// Usage: node pollution-child.js <mode> — mode `assign` (Object.prototype.x = v), `getter`
// (an enumerable accessor on Object.prototype) or `hidden` (a non-enumerable, writable data property:
// what Object.defineProperty adds, which `for…in` does not list).
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RtNetlink } from '../../../lib/netlink/index.js';
import { pathOf } from './cases.js';
import { SweepKernel, run, show } from './harness.js';
import { methods } from './methods.js';
import { sparse } from './values.js';

/** One line of output. */
export interface PollutionResult {
  id: string;
  key: string;
  clean: { outcome: string; sent: string[] };
  polluted: { outcome: string; sent: string[] };
}

const mode = process.argv[2] === 'getter' || process.argv[2] === 'hidden' ? process.argv[2] : 'assign';
const kernel = new SweepKernel();
kernel.install();
const dir = mkdtempSync(join(tmpdir(), 'rtnl-pollution-'));
const nl = await RtNetlink.open();
const proto = Object.prototype as Record<string, unknown>;
// links.delMany picks a random group: the same for every call, so calls compare byte for byte.
Math.random = () => 0.5;

/** Runs `call` and returns its outcome (error class and field, or resolved) and what it sent. */
async function observe(call: () => unknown): Promise<{ outcome: string; sent: string[] }> {
  const before = kernel.counters().datagrams.length;
  const o = await run(call, 1000);
  // Error messages quote values (which may differ); the class and the field say what happened.
  const outcome = o.ok ? 'resolved' : show(o).replace(/:.*$/s, '');
  return { outcome, sent: kernel.counters().datagrams.slice(before) };
}

function pollute(key: string, value: unknown): void {
  if (mode === 'assign') proto[key] = value;
  else if (mode === 'hidden') Object.defineProperty(proto, key, { value, writable: true, enumerable: false, configurable: true });
  else {
    // A setter too, as an own property of the receiver: Node's own code assigns names such as `id`.
    Object.defineProperty(proto, key, {
      get: () => value, set(v: unknown) { Object.defineProperty(this, key, { value: v, writable: true, enumerable: true, configurable: true }); },
      enumerable: true, configurable: true,
    });
  }
}

function unpollute(key: string): void {
  delete proto[key];
}

/**
 * Names no option has, which an encoder might still read off an object: attribute sets' `unknown`,
 * structs' `tail`, and array indexes (a holey array the library makes reads them through the prototype).
 */
const EXTRA: Record<string, unknown> = {
  0: { status: 'fulfilled' },
  1: 'lo',
  unknown: [{ type: 99, index: 0, data: new Uint8Array([1, 2, 3, 4]) }],
  tail: new Uint8Array([1, 2, 3, 4]),
  raw: Buffer.alloc(64, 1),
  flagged: true,
  multi: true,
};

try {
  // The other namespace as an fd opened once: a path would be opened per call, at a varying fd number.
  const otherNs = openSync('/proc/self/ns/net', 'r');
  const world = { link: 'hb0', port: 'hp0', otherNs, dir };
  const all = methods(world);
  // Every option name (and the extra names) polluted in turn, under every method's valid call.
  const values = new Map<string, unknown>(Object.entries(EXTRA));
  for (const m of all) {
    for (const p of m.params) {
      for (const [fieldKey, f] of Object.entries(p.fields ?? {})) {
        const path = pathOf(fieldKey);
        if (f.ok !== undefined && !values.has(path[path.length - 1]!)) values.set(path[path.length - 1]!, f.ok);
      }
    }
  }
  const clean = new Map<string, { outcome: string; sent: string[] }>();
  for (const m of all) clean.set(m.name, await observe(() => m.call(nl, m.args)));
  for (const [key, value] of values) {
    const differing: PollutionResult[] = [];
    for (const m of all) {
      pollute(key, value);
      let polluted: { outcome: string; sent: string[] };
      try {
        polluted = await observe(() => m.call(nl, m.args));
      } finally {
        unpollute(key);
      }
      const c = clean.get(m.name)!;
      if (c.outcome !== polluted.outcome || c.sent.join() !== polluted.sent.join()) differing.push({ id: m.name, key, clean: c, polluted });
    }
    process.stdout.write(`${JSON.stringify({ key, calls: all.length, differing })}\n`);
  }
  // Each field absent under its own base, its name polluted with an accepted value.
  for (const m of all) {
    for (const [i, p] of m.params.entries()) {
      for (const [fieldKey, f] of Object.entries(p.fields ?? {})) {
        if (f.ok === undefined) continue;
        const path = pathOf(fieldKey);
        const key = path[path.length - 1]!;
        const item = p.items === true ? (m.args[i] as unknown[])[0] : m.args[i];
        const base = structuredClone(f.base ?? item) as Record<string, unknown>;
        // The field absent: what an inherited value would fill in.
        let at = base;
        for (const k of path.slice(0, -1)) at = (at[k] ?? {}) as Record<string, unknown>;
        delete at[key];
        const args = m.args.map((a, k) => (k === i ? (p.items === true ? [base] : base) : a));
        const clean = await observe(() => m.call(nl, args));
        pollute(key, f.ok);
        let polluted: { outcome: string; sent: string[] };
        try {
          polluted = await observe(() => m.call(nl, args));
        } finally {
          unpollute(key);
        }
        const line: PollutionResult = { id: `${m.name} ${fieldKey}`, key, clean, polluted };
        process.stdout.write(`${JSON.stringify(line)}\n`);
      }
    }
    // Holes in bulk calls and in array options: a polluted index must not fill them.
    for (const [i, p] of m.params.entries()) {
      const arrays: Array<[string, unknown, (holey: unknown[]) => unknown[]]> = [];
      if (p.items === true) arrays.push([p.name, (m.args[i] as unknown[])[0], (holey) => m.args.map((a, k) => (k === i ? holey : a))]);
      for (const [fieldKey, f] of Object.entries(p.fields ?? {})) {
        if (!Array.isArray(f.ok) || f.ok.length === 0 || p.items === true) continue;
        const path = pathOf(fieldKey);
        arrays.push([fieldKey, f.ok[0], (holey) => {
          const base = structuredClone(f.base ?? m.args[i]) as Record<string, unknown>;
          let at = base;
          for (const k of path.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
          at[path[path.length - 1]!] = holey;
          return m.args.map((a, k) => (k === i ? base : a));
        }]);
      }
      for (const [name, item, argsWith] of arrays) for (const holey of sparse(item)) {
        const args = argsWith(holey);
        const clean = await observe(() => m.call(nl, args));
        const keys = ['0', '1'];
        for (const k of keys) pollute(k, structuredClone(item));
        let polluted: { outcome: string; sent: string[] };
        try {
          polluted = await observe(() => m.call(nl, args));
        } finally {
          for (const k of keys) unpollute(k);
        }
        process.stdout.write(`${JSON.stringify({ id: `${m.name} ${name} with holes ${JSON.stringify(holey)}`, key: '0,1', clean, polluted })}\n`);
      }
    }
  }
  closeSync(otherNs);
} finally {
  nl.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
