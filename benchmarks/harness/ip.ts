/**
 * The `ip` side: batch files, one timed `ip -n <ns> -batch <file>` process (started by the
 * spawner's helper process, see spawner.ts), and the fixed cost of starting ip (reported, never
 * subtracted).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNamespace, deleteNamespace, tempDir, type Namespace } from './namespaces.js';
import { releaseSpawner, spawnTimed } from './spawner.js';
import { median, spread } from './stats.js';

/** Writes a batch file (one `ip` command per line) in the private temporary directory and returns its path. */
export function batchFile(name: string, lines: readonly string[]): string {
  const file = join(tempDir(), `${name}.batch`);
  writeFileSync(file, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  return file;
}

/**
 * Runs `ip [-n <ns>] -batch <file>` with stdout to /dev/null and resolves to its wall time in ms
 * (spawn to exit, timed by the helper that starts it). Rejects with ip's stderr if it fails (ip
 * -batch stops at the first failing line), so a sample is never taken from work that was not done.
 */
export async function ipBatch(ns: Namespace | undefined, file: string): Promise<number> {
  const args = [...(ns === undefined ? [] : ['-n', ns.name]), '-batch', file];
  const r = await spawnTimed('ip', args, { stdout: 'null' });
  if (r.error !== undefined) throw new Error(`ip ${args.join(' ')}: ${r.error}`);
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr.trim()}`);
  return r.ms;
}

/** The version of the `ip` on PATH (`6.1.0`), or what `ip -V` printed, or `unknown`. */
export function iproute2Version(): string {
  const r = spawnSync('ip', ['-V'], { encoding: 'utf8' });
  if (r.error || typeof r.stdout !== 'string') return 'unknown';
  const v = r.stdout.trim();
  return /iproute2-(?:ss)?([\w.-]+)/.exec(v)?.[1] ?? (v || 'unknown');
}

/** Median wall time (ms) of `ip -n <ns> -batch <empty file>` over 11 runs: the fixed cost of one ip process. */
export async function ipStartup(): Promise<{ ms: number; spread: number }> {
  const ns = await createNamespace();
  try {
    const file = batchFile('empty', []);
    await ipBatch(ns, file);
    const xs: number[] = [];
    for (let i = 0; i < 11; i++) xs.push(await ipBatch(ns, file));
    return { ms: median(xs), spread: spread(xs) };
  } finally {
    await deleteNamespace(ns);
  }
}

/** Ends the helper that starts the programs. */
export function releaseIp(): void {
  releaseSpawner();
}
