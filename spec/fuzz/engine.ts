/**
 * Runs the fuzzer: fast-check in worker threads (one per CPU asked for), each with its own seed,
 * watched from here. A worker whose count of inputs does not move for `hangMs` is stopped and its
 * current input reported as a hang (a synchronous endless loop cannot be interrupted otherwise);
 * a worker that dies (stack or heap exhausted outside the property) is reported with its input.
 * Used by the bounded run in `npm test` (fuzz.spec.ts) and by `npm run fuzz` (run.ts).
 */
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { TARGETS } from './targets.js';
import { SHARED_HEADER, type Injection, type WorkerReport, type WorkerTask } from './protocol.js';

/** Options of {@link runFuzz}. */
export interface FuzzOptions {
  /** Base seed; worker i uses seed + i. */
  seed: number;
  /** Total inputs over all workers. */
  runs: number;
  /** Stop after this many ms even if `runs` were not reached. */
  timeLimitMs?: number;
  /** Worker threads (default 1). */
  workers?: number;
  /** Replay one failure: fast-check's path, with the seed it printed (one worker). */
  path?: string;
  /** An input running longer than this many ms (plus as much per 16 KiB of input) is a failure (default 2000). */
  slowMs?: number;
  /** No new input for this many ms is a hang (default 20000). */
  hangMs?: number;
  /** Called about once a second with the inputs run so far. */
  onProgress?: (count: number, elapsedMs: number) => void;
  /** For the engine's own tests: a planted fault, to see it reported. */
  inject?: Injection;
}

/** One failure: what escaped, and how to get it back. */
export interface FuzzFailure {
  kind: 'escape' | 'hang' | 'crash';
  seed: number;
  /** fast-check's replay path (escapes only). */
  path: string | undefined;
  target: string | undefined;
  /** The (shrunk, for escapes) input, in hex. */
  hex: string | undefined;
  error: string;
}

/** What a run did. */
export interface FuzzResult {
  /** Inputs run (shrinking included). */
  count: number;
  elapsedMs: number;
  failures: FuzzFailure[];
  /** Seeds of the workers, in order. */
  seeds: number[];
}

/** How long a worker may take to start its first input (loading modules and the corpus), in ms. */
const STARTUP_MS = 120_000;

/** Shared buffer size: the input copy a hang report can show (larger inputs are cut). */
const SHARED_BYTES = 1 << 20;

/** Runs the fuzzer as `options` say. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const workers = options.path === undefined ? Math.max(1, options.workers ?? 1) : 1;
  const hangMs = options.hangMs ?? 20_000;
  const started = performance.now();
  const failures: FuzzFailure[] = [];
  const seeds: number[] = [];
  const slots: Int32Array[] = [];

  const one = (i: number): Promise<number> => {
    const seed = (options.seed + i) | 0;
    seeds.push(seed);
    const shared = new SharedArrayBuffer(SHARED_HEADER + SHARED_BYTES);
    const slot = new Int32Array(shared, 0, SHARED_HEADER / 4);
    slots.push(slot);
    const task: WorkerTask = {
      seed,
      runs: Math.ceil(options.runs / workers),
      timeLimitMs: options.timeLimitMs,
      path: options.path,
      slowMs: options.slowMs ?? 2000,
      shared,
      inject: options.inject,
    };
    const current = (): { target: string | undefined; hex: string } => {
      const n = Math.min(slot[2]!, SHARED_BYTES);
      return { target: TARGETS[slot[1]!], hex: Buffer.from(new Uint8Array(shared, SHARED_HEADER, n)).toString('hex') };
    };
    return new Promise((resolve) => {
      const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: task });
      let last = -1;
      let lastMoved = performance.now();
      let settled = false;
      const settle = (): void => {
        if (settled) return;
        settled = true;
        clearInterval(watch);
        resolve(Atomics.load(slot, 0));
      };
      const born = performance.now();
      const watch = setInterval(() => {
        const count = Atomics.load(slot, 0);
        // No input started yet: the worker is still loading its modules and corpus, which under a
        // loaded machine can take longer than hangMs — that is no hang of an input.
        if (count === 0 && performance.now() - born < STARTUP_MS) { lastMoved = performance.now(); return; }
        if (count !== last) { last = count; lastMoved = performance.now(); return; }
        if (performance.now() - lastMoved < hangMs) return;
        failures.push({ kind: 'hang', seed, path: undefined, ...current(), error: `no input finished for ${hangMs} ms: the input below never returned` });
        void worker.terminate();
        settle();
      }, 250);
      worker.on('message', (r: WorkerReport) => {
        if (r.failed) failures.push({ kind: 'escape', seed: r.seed, path: r.path, target: r.target, hex: r.hex, error: r.error ?? 'failed' });
      });
      worker.on('error', (e) => {
        failures.push({ kind: 'crash', seed, path: undefined, ...current(), error: `the worker died: ${e.stack ?? String(e)}` });
        settle();
      });
      worker.on('exit', settle);
    });
  };

  const progress = options.onProgress === undefined ? undefined : setInterval(() => {
    options.onProgress!(slots.reduce((n, s) => n + Atomics.load(s, 0), 0), performance.now() - started);
  }, 1000);
  try {
    const counts = await Promise.all(Array.from({ length: workers }, (_, i) => one(i)));
    return { count: counts.reduce((a, b) => a + b, 0), elapsedMs: performance.now() - started, failures, seeds };
  } finally {
    if (progress !== undefined) clearInterval(progress);
  }
}

/** Hex digits of an input printed in full; longer inputs are cut (run.ts --save writes them whole). */
const HEX_SHOWN = 2048;

/** A failure as text: what escaped, the replay command, the input in hex. */
export function describeFailure(f: FuzzFailure): string {
  const replay = f.path === undefined ? `seed ${f.seed} (no replay path: the worker was stopped)` : `npm run fuzz -- --seed ${f.seed} --path ${f.path}`;
  return [
    `${f.kind.toUpperCase()} in target ${f.target ?? '?'}`,
    `  replay: ${replay}`,
    `  input (${f.hex === undefined ? '?' : f.hex.length / 2} bytes): ${f.hex === undefined ? '?' : f.hex.length > HEX_SHOWN ? `${f.hex.slice(0, HEX_SHOWN)}… (all of it with --save)` : f.hex}`,
    `  ${f.error.split('\n').join('\n  ')}`,
  ].join('\n');
}
