/**
 * The spawner's child (see spawner.ts): runs each program it is asked to, one at a time, and
 * answers with the wall time it measured around it. Requests and answers are JSON lines on
 * stdin / stdout: `{ id, file, args, cwd?, stdout: 'null' | 'pipe', unsetEnv? }` →
 * `{ id, ms, status, signal, stdout, stderr, error? }`.
 */
import { spawnSync } from 'node:child_process';
import { openSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

/** One program to run. */
export interface SpawnRequest {
  id: number;
  file: string;
  args: string[];
  cwd?: string;
  /** Where its standard output goes: nowhere (/dev/null), or back in the answer. */
  stdout: 'null' | 'pipe';
  /** Environment variables it runs without (the others are this process's). */
  unsetEnv?: string[];
}

/** How it went. */
export interface SpawnAnswer {
  id: number;
  /** Wall time from spawn to exit, ms. */
  ms: number;
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Why it could not be started. */
  error?: string;
}

const devNull = openSync('/dev/null', 'w');

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const req = JSON.parse(line) as SpawnRequest;
  let env: NodeJS.ProcessEnv | undefined;
  if (req.unsetEnv !== undefined && req.unsetEnv.length > 0) {
    env = { ...process.env };
    for (const name of req.unsetEnv) delete env[name];
  }
  const t0 = performance.now();
  const r = spawnSync(req.file, req.args, {
    cwd: req.cwd, env, stdio: ['ignore', req.stdout === 'null' ? devNull : 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 16 * 1024 * 1024,
  });
  const ms = performance.now() - t0;
  const answer: SpawnAnswer = {
    id: req.id, ms, status: r.status, signal: r.signal, stdout: typeof r.stdout === 'string' ? r.stdout : '', stderr: typeof r.stderr === 'string' ? r.stderr : '',
  };
  if (r.error) answer.error = r.error.message;
  process.stdout.write(`${JSON.stringify(answer)}\n`);
});
