/**
 * Cold samples: each one a fresh `node` process (cases/cold-worker.js) whose first call into the
 * library is timed in-process — what a CLI, a CNI-style plugin or a short job sees.
 */
import { fileURLToPath } from 'node:url';
import type { ColdJob } from '../cases/cold-worker.js';
import type { Namespace } from './namespaces.js';
import { spawnTimed } from './spawner.js';

const WORKER = fileURLToPath(new URL('../cases/cold-worker.js', import.meta.url));

/**
 * Runs `job` on `n` items (`n` dumps for the decode jobs) in a fresh node process with a handle in
 * `ns`, and returns the milliseconds of its first call (process start, import and handle opening
 * excluded: like ip's startup, they are not the work). `expect`: what the job must resolve to (the
 * objects per dump of a decode job). Throws with the worker's stderr if it fails.
 */
export async function coldSample(job: ColdJob, ns: Namespace, n: number, expect?: number): Promise<number> {
  // Started by the spawner's helper (see spawner.ts): no fork of this process between samples.
  const r = await spawnTimed(process.execPath, [WORKER, JSON.stringify({ job, netns: ns.path, n, expect })], { stdout: 'pipe' });
  if (r.error !== undefined) throw new Error(`cold ${job}: ${r.error}`);
  if (r.status !== 0) throw new Error(`cold ${job} ×${n} failed (${r.status ?? r.signal}): ${r.stderr.trim()}`);
  const out: unknown = JSON.parse(r.stdout.trim().split('\n').pop() ?? 'null');
  const ms = typeof out === 'object' && out !== null && Object.hasOwn(out, 'ms') ? (out as { ms: unknown }).ms : undefined;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) throw new Error(`cold ${job}: no timing in ${JSON.stringify(r.stdout)}`);
  return ms;
}
