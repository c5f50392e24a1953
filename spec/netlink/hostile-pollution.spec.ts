// A polluted Object.prototype changes nothing in lib/netlink: for every option name of every
// method (and names encoders could read off an object: `unknown`, `tail`), Object.prototype gets
// an accepted value of that option, and every call must send exactly the bytes and end exactly as
// with a clean prototype. In a child process (spec/netlink/hostile/pollution-child.ts): polluting
// Object.prototype inside ava's worker breaks the worker's own IPC.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { stale, unexplained, type KnownDefect } from './hostile/known.js';
import type { PollutionResult } from './hostile/pollution-child.js';

const CHILD = fileURLToPath(new URL('./hostile/pollution-child.js', import.meta.url));

/** The child's lines: per polluted name, the calls whose outcome or bytes changed; per field, the call pair. */
type Line = { key: string; calls: number; differing: PollutionResult[] } | PollutionResult;

/**
 * Runs the child in a mount namespace of its own with an empty tmpfs on /run/netns: calls that
 * list the default directory (nsids.resolve without `dir`) must see the same files in the clean and
 * the polluted call, and the tests running beside this one create and remove namespaces there.
 */
function runChild(mode: 'assign' | 'getter' | 'hidden'): Line[] {
  const out = execFileSync('unshare', [
    '--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs rtnl-hostile /run/netns && exec "$@"', 'sh',
    process.execPath, CHILD, mode,
  ], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Line);
}

const HOW = { assign: 'assignment', getter: 'enumerable getters', hidden: 'non-enumerable properties (Object.defineProperty)' } as const;

for (const mode of ['assign', 'getter', 'hidden'] as const) {
  test(`options are read from own properties only: Object.prototype polluted by ${HOW[mode]}`, (t) => {
    const lines = runChild(mode);
    const byName = lines.filter((l): l is Extract<Line, { calls: number }> => 'calls' in l);
    const byField = lines.filter((l): l is PollutionResult => !('calls' in l));
    const failures: string[] = [];
    for (const l of byName) {
      for (const d of l.differing) failures.push(`Object.prototype.${l.key}: ${d.id}: ${d.clean.outcome} → ${d.polluted.outcome}\n  clean    ${d.clean.sent.join(' ')}\n  polluted ${d.polluted.sent.join(' ')}`);
    }
    for (const r of byField) {
      if (r.clean.outcome !== r.polluted.outcome || r.clean.sent.join() !== r.polluted.sent.join()) {
        failures.push(`${r.id} absent, Object.prototype.${r.key} set: ${r.clean.outcome} → ${r.polluted.outcome}\n  clean    ${r.clean.sent.join(' ')}\n  polluted ${r.polluted.sent.join(' ')}`);
      }
    }
    const calls = byName.reduce((n, l) => n + l.calls, 0) + byField.length * 2;
    t.true(byName.length > 100 && byField.length > 500, `${byName.length} names, ${byField.length} fields`);
    t.log(`${byName.length} option names polluted in turn under every method, ${byField.length} fields absent under their own base: ${calls} calls`);
    const matched = new Set<KnownDefect>();
    const unknown = unexplained('pollution', failures, matched);
    t.is(unknown.length, 0, `${unknown.length} calls changed:\n${unknown.slice(0, 60).join('\n')}`);
    t.deepEqual(stale('pollution', matched), []);
  });
}
