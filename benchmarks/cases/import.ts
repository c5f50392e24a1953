/**
 * Import cost (issue 9): the whole-process time of `node -e "await import('rtnetlink')"` minus that
 * of `node -e 0`, and the same for `rtnetlink/sandbox`. The package is resolved as a consumer's
 * would be: from a temporary directory whose node_modules/rtnetlink is a symlink to this package,
 * through its `exports`. Limit: 25 ms each.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { QUICK_TIME, type BenchCase } from '../harness/case.js';
import { limitRow, type LimitSpec } from '../harness/limits.js';
import { packageRoot } from '../harness/machine.js';
import { tempDir } from '../harness/namespaces.js';
import { repsFor, type BenchOptions } from '../harness/options.js';
import { median, spread } from '../harness/stats.js';

/** Wall time (ms) of one `node -e <code>` process started in `cwd`, spawn to exit; throws if it fails. */
function nodeProcess(cwd: string, code: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['-e', code], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`node -e ${JSON.stringify(code)} failed (${r.status ?? r.signal}): ${r.stderr.toString().trim()}`);
  return ms;
}

const ENTRIES = ['rtnetlink', 'rtnetlink/sandbox'] as const;

/** The import case. */
export function cases(o: BenchOptions): BenchCase[] {
  const specs: LimitSpec[] = ENTRIES.map((entry) => ({
    name: `import: ${entry}`, mode: 'import', unit: 'ms', limit: 25,
    note: `ours: wall time of \`node -e "await import('${entry}')"\` (resolved from a consumer's node_modules) minus that of \`node -e 0\`, medians`,
  }));
  const reps = repsFor({}, o);
  return [{
    title: 'import: rtnetlink and rtnetlink/sandbox in a fresh node process',
    rows: specs.map((s) => ({ name: s.name, mode: s.mode, target: { limit: s.limit, unit: s.unit } })),
    estimateS: 6 * (o.quick ? QUICK_TIME * 2 : 1),
    reps,
    run: async (onRep) => {
      const consumer = join(tempDir(), 'consumer');
      mkdirSync(join(consumer, 'node_modules'), { recursive: true });
      symlinkSync(packageRoot(), join(consumer, 'node_modules', 'rtnetlink'), 'dir');
      const codes = ['0', ...ENTRIES.map((e) => `await import('${e}')`)];
      // One unmeasured round (file cache), then rounds whose order rotates.
      for (const code of codes) nodeProcess(consumer, code);
      const samples: number[][] = codes.map(() => []);
      for (let rep = 0; rep < reps; rep++) {
        for (let k = 0; k < codes.length; k++) {
          const i = (k + rep) % codes.length;
          samples[i]!.push(nodeProcess(consumer, codes[i]!));
        }
        onRep?.(rep + 1);
      }
      const base = median(samples[0]!);
      const rows = specs.map((s, i) => {
        const xs = samples[i + 1]!;
        return limitRow(s, xs.map((x) => x - base), {
          processMs: median(xs), processSpread: spread(xs), baselineMs: base, baselineSpread: spread(samples[0]!),
        });
      });
      return { rows, micro: [], extras: [] };
    },
  }];
}
