/**
 * The `ip` side: batch files, one timed `ip -n <ns> -batch <file>` process, and the fixed cost of
 * starting ip (reported, never subtracted).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createNamespace, deleteNamespace, tempDir, type Namespace } from './namespaces.js';
import { median, spread } from './stats.js';

let devNull: number | undefined;

/** Writes a batch file (one `ip` command per line) in the private temporary directory and returns its path. */
export function batchFile(name: string, lines: readonly string[]): string {
  const file = join(tempDir(), `${name}.batch`);
  writeFileSync(file, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  return file;
}

/**
 * Runs `ip [-n <ns>] -batch <file>` with stdout to /dev/null and returns its wall time in ms (spawn
 * to exit). Throws with ip's stderr if it fails (ip -batch stops at the first failing line), so a
 * sample is never taken from work that was not done.
 */
export function ipBatch(ns: Namespace | undefined, file: string): number {
  devNull ??= openSync('/dev/null', 'w');
  const args = [...(ns === undefined ? [] : ['-n', ns.name]), '-batch', file];
  const t0 = performance.now();
  const r = spawnSync('ip', args, { stdio: ['ignore', devNull, 'pipe'], maxBuffer: 16 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr.toString().trim()}`);
  return ms;
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
    ipBatch(ns, file);
    const xs: number[] = [];
    for (let i = 0; i < 11; i++) xs.push(ipBatch(ns, file));
    return { ms: median(xs), spread: spread(xs) };
  } finally {
    await deleteNamespace(ns);
  }
}

/** Closes /dev/null. */
export function releaseIp(): void {
  if (devNull !== undefined) closeSync(devNull);
  devNull = undefined;
}
