/**
 * Import cost (issue 9): the whole-process time of `node -e "await import('rtnetlink')"` minus that
 * of `node -e 0`, and the same for `rtnetlink/sandbox` — those exact commands, as the issue defines
 * the measure. The package is resolved as a consumer's would be: from a temporary directory whose
 * node_modules/rtnetlink is a symlink to this package, through its `exports`. Limit: 25 ms each.
 *
 * Each round also runs the same commands followed by a print of the process's own CPU time
 * (`process.cpuUsage()`, user + system, start-up included), interleaved with the judged ones: the
 * CPU difference is reported beside the wall-time one, because on a loaded machine wall time waits
 * for a CPU and CPU time does not. Those processes are not judged: writing to stdout initialises
 * `process.stdout` (a stream over the pipe), whose allocations can trigger the young generation's
 * first scavenge right after the import (~3 ms here) — a cost of what runs next, which the wall
 * time of those processes (also reported) includes.
 *
 * The processes run without NODE_EXTRA_CA_CERTS (the only change to the harness's environment): with
 * it, every node process reads and parses that certificate bundle at start, before any code runs
 * (~60 ms of each process here, where a sandbox sets it, and most of their spread); it is the same in
 * both commands, costs nothing the package does, and most users' processes do not have it.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { QUICK_TIME, type BenchCase } from '../harness/case.js';
import { limitRow, type LimitSpec } from '../harness/limits.js';
import { packageRoot } from '../harness/machine.js';
import { tempDir } from '../harness/namespaces.js';
import { repsFor, type BenchOptions } from '../harness/options.js';
import { spawnTimed } from '../harness/spawner.js';
import { median, spread } from '../harness/stats.js';

/** What the import processes run without (see the header). */
const UNSET_ENV = ['NODE_EXTRA_CA_CERTS'];

/** What `code` appends so the process reports its CPU time (µs, user + system) on stdout. */
const PRINT_CPU = 'const c = process.cpuUsage(); process.stdout.write(String(c.user + c.system))';

/**
 * Runs one `node -e "<code>"` in `cwd` (started by the spawner's helper, which times it), or with
 * `printCpu` `node -e "<code>; <print CPU>"`; resolves to its wall time (ms, spawn to exit) and the
 * CPU time it reported (ms; NaN without `printCpu`). Rejects if it fails.
 */
async function nodeProcess(cwd: string, code: string, printCpu: boolean): Promise<{ wallMs: number; cpuMs: number }> {
  const script = !printCpu ? (code === '' ? '0' : code) : code === '' ? PRINT_CPU : `${code}; ${PRINT_CPU}`;
  const r = await spawnTimed(process.execPath, ['-e', script], { cwd, stdout: 'pipe', unsetEnv: UNSET_ENV });
  if (r.error !== undefined) throw new Error(`node -e ${JSON.stringify(script)}: ${r.error}`);
  if (r.status !== 0) throw new Error(`node -e ${JSON.stringify(script)} failed (${r.status ?? r.signal}): ${r.stderr.trim()}`);
  if (!printCpu) return { wallMs: r.ms, cpuMs: Number.NaN };
  const cpuUs = Number(r.stdout);
  if (!Number.isFinite(cpuUs) || cpuUs <= 0) throw new Error(`node -e ${JSON.stringify(script)} printed no CPU time`);
  return { wallMs: r.ms, cpuMs: cpuUs / 1000 };
}

const ENTRIES = ['rtnetlink', 'rtnetlink/sandbox'] as const;

/** The import case. */
export function cases(o: BenchOptions): BenchCase[] {
  const specs: LimitSpec[] = ENTRIES.map((entry) => ({
    name: `import: ${entry}`, mode: 'import', unit: 'ms', limit: 25,
    note: `ours: wall time of \`node -e "await import('${entry}')"\` (resolved from a consumer's node_modules) minus that of \`node -e 0\`, medians, both without NODE_EXTRA_CA_CERTS (CPU time: what the same commands report with process.cpuUsage() when they also print it, start-up included; printing initialises process.stdout, whose allocations can set off a first scavenge right after the import: those processes' wall time is the "with the print" figure)`,
  }));
  // 31 rounds by default: a process start's wall time spreads ±100–200 % on a shared VM, and a round
  // (six processes) takes ~0.5 s.
  const reps = repsFor({ minDefaultReps: 31 }, o);
  return [{
    title: 'import: rtnetlink and rtnetlink/sandbox in a fresh node process',
    rows: specs.map((s) => ({ name: s.name, mode: s.mode, target: { limit: s.limit, unit: s.unit } })),
    estimateS: 19 * (o.quick ? QUICK_TIME * 2 : 1),
    reps,
    run: async (onRep) => {
      const consumer = join(tempDir(), 'consumer');
      mkdirSync(join(consumer, 'node_modules'), { recursive: true });
      symlinkSync(packageRoot(), join(consumer, 'node_modules', 'rtnetlink'), 'dir');
      // The baseline is `node -e 0`. Each command runs as it is (judged) and with the CPU print.
      const codes = ['', ...ENTRIES.map((e) => `await import('${e}')`)];
      const runs = [...codes.map((code, i) => ({ i, code, printCpu: false })), ...codes.map((code, i) => ({ i, code, printCpu: true }))];
      // One unmeasured round (file cache), then rounds whose order rotates.
      for (const r of runs) await nodeProcess(consumer, r.code, r.printCpu);
      const wall: number[][] = codes.map(() => []);
      const printedWall: number[][] = codes.map(() => []);
      const cpu: number[][] = codes.map(() => []);
      for (let rep = 0; rep < reps; rep++) {
        for (let k = 0; k < runs.length; k++) {
          const r = runs[(k + rep) % runs.length]!;
          const t = await nodeProcess(consumer, r.code, r.printCpu);
          if (r.printCpu) {
            printedWall[r.i]!.push(t.wallMs);
            cpu[r.i]!.push(t.cpuMs);
          } else {
            wall[r.i]!.push(t.wallMs);
          }
        }
        onRep?.(rep + 1);
      }
      const base = median(wall[0]!);
      const rows = specs.map((s, i) => {
        const xs = wall[i + 1]!;
        return limitRow(s, xs.map((x) => x - base), {
          processMs: median(xs), processSpread: spread(xs), baselineMs: base, baselineSpread: spread(wall[0]!),
          cpuMs: median(cpu[i + 1]!) - median(cpu[0]!), processCpuMs: median(cpu[i + 1]!), baselineCpuMs: median(cpu[0]!),
          printedMs: median(printedWall[i + 1]!) - median(printedWall[0]!),
        });
      });
      return { rows, micro: [], extras: [] };
    },
  }];
}
