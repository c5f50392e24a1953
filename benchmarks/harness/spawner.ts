/**
 * Every program the benchmark runs (each `ip -batch`, each fresh node process of the cold and
 * import cases) is started by one small helper process, not by the process that times the library.
 *
 * Why: starting a program from a process forks it. After a fork every page of the parent is
 * copy-on-write until the child execs, and the parent's first write to each page afterwards takes
 * a page fault: measured here, the ten link dumps that follow an `ip` started from the benchmark's
 * own (large) process took ~120 ms against ~50 ms after another run of ours, with ~4,500 more minor
 * faults. The fork also copies the page tables of that large process, inside ip's timed wall time.
 * The helper is small and forks for both sides' programs; the library's side never forks between
 * its samples, as a program using the library would not.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { SpawnAnswer, SpawnRequest } from './spawner-child.js';

const CHILD = fileURLToPath(new URL('./spawner-child.js', import.meta.url));

let child: ChildProcess | undefined;
let nextId = 1;
const waiting = new Map<number, (a: SpawnAnswer) => void>();

function helper(): ChildProcess {
  if (child !== undefined) return child;
  const c = spawn(process.execPath, [CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
  createInterface({ input: c.stdout! }).on('line', (line) => {
    const a = JSON.parse(line) as SpawnAnswer;
    waiting.get(a.id)?.(a);
    waiting.delete(a.id);
  });
  c.on('exit', (code, signal) => {
    for (const resolve of waiting.values()) resolve({ id: 0, ms: 0, status: null, signal: null, stdout: '', stderr: '', error: `the spawner exited (${code ?? signal})` });
    waiting.clear();
    child = undefined;
  });
  child = c;
  return c;
}

/**
 * Runs `file args` from the helper (in `cwd`, without the environment variables `unsetEnv` names);
 * resolves to its wall time (spawn to exit, as the helper timed it) and output.
 */
export function spawnTimed(file: string, args: readonly string[], options: { cwd?: string; stdout: 'null' | 'pipe'; unsetEnv?: readonly string[] }): Promise<SpawnAnswer> {
  const c = helper();
  const id = nextId++;
  const req: SpawnRequest = { id, file, args: [...args], stdout: options.stdout };
  if (options.cwd !== undefined) req.cwd = options.cwd;
  if (options.unsetEnv !== undefined) req.unsetEnv = [...options.unsetEnv];
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    c.stdin!.write(`${JSON.stringify(req)}\n`);
  });
}

/** Ends the helper (at the end of a run). */
export function releaseSpawner(): void {
  child?.stdin?.end();
  child = undefined;
}
