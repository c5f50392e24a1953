/** The messages between the fuzz engine (main thread) and its workers. */

/** Bytes before the input copy in the shared buffer: inputs started, target index, input length, spare. */
export const SHARED_HEADER = 16;

/** What a worker is asked to do. */
export interface WorkerTask {
  /** fast-check seed of this worker. */
  seed: number;
  /** Inputs to run (fast-check numRuns). */
  runs: number;
  /** Stop after this long (ms), counting what ran. */
  timeLimitMs: number | undefined;
  /** fast-check replay path (with the seed of the failing run). */
  path: string | undefined;
  /** An input running longer than this (ms), plus as much again per 16 KiB of input, is a failure: unbounded work. */
  slowMs: number;
  /** Progress and the input being run (see worker.ts). */
  shared: SharedArrayBuffer;
  /** For the engine's own tests: misbehave on inputs holding this byte. */
  inject: Injection | undefined;
}

/** A fault the engine's tests plant to see it reported: an escape, or an input that never returns. */
export interface Injection {
  kind: 'throw' | 'hang';
  /** Inputs containing this byte misbehave. */
  byte: number;
}

/** What a worker reports when fast-check returns. */
export interface WorkerReport {
  seed: number;
  runs: number;
  shrinks: number;
  failed: boolean;
  interrupted: boolean;
  /** fast-check's counterexample path: replay with the same seed and this path. */
  path: string | undefined;
  /** The shrunk input's target and bytes (hex). */
  target: string | undefined;
  hex: string | undefined;
  error: string | undefined;
}
