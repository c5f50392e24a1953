/**
 * One fuzzing thread (started by engine.ts): runs fast-check over the fuzz inputs and reports the
 * result. Before each input it writes the input into the shared buffer and bumps the shared
 * count, so the main thread can see progress and, if this thread hangs, which input hung it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { fuzzInputs, type FuzzInput } from '../helpers/fuzz-inputs.js';
import { loadCorpus } from './corpus.js';
import { TARGETS, exercise, familyOfType } from './targets.js';
import { SHARED_HEADER, type WorkerReport, type WorkerTask } from './protocol.js';

const task = workerData as WorkerTask;
const slots = new Int32Array(task.shared, 0, SHARED_HEADER / 4);
const data = new Uint8Array(task.shared, SHARED_HEADER);

/** The targets of the bytes' own family (by the first nlmsg_type), plus the datagram path. */
function familyTargets(bytes: Buffer): readonly string[] {
  const family = bytes.length >= 6 ? familyOfType(bytes.readUInt16LE(4)) : undefined;
  return family === undefined ? ['datagram'] : ['datagram', `${family.name}-message`, `${family.name}-view`];
}

// Seeds above 8 KiB (the saved 64 KiB regression inputs) are replayed by fuzz.spec.ts but not
// mutated: one of them in an input costs as much as a hundred others, and the generators make
// inputs that large by themselves (repeated nests, long payloads).
/** The planted fault of the engine's tests. */
function injected(kind: 'throw' | 'hang'): void {
  if (kind === 'throw') throw new TypeError('injected escape');
  for (;;) { /* never returns */ }
}

const corpus = loadCorpus().filter((s) => s.bytes.length <= 8192);
const inputs = fuzzInputs(corpus.map((s) => s.bytes), TARGETS, familyTargets);

// Stack traces of the many expected DecodeErrors cost half the time: none while fuzzing; the
// failing input is run once more with them for the report.
const stackTraceLimit = Error.stackTraceLimit;
Error.stackTraceLimit = 0;

const property = fc.property(inputs, (input: FuzzInput) => {
  // Shared: [0] inputs started, [1] target index, [2] input length; then the bytes (cut at capacity).
  slots[1] = TARGETS.indexOf(input.target);
  slots[2] = input.bytes.length;
  data.set(input.bytes.subarray(0, data.length));
  Atomics.add(slots, 0, 1);
  const t0 = performance.now();
  if (task.inject !== undefined && input.bytes.includes(task.inject.byte)) injected(task.inject.kind);
  exercise(input.target, input.bytes);
  const ms = performance.now() - t0;
  // Work grows with the input (every getter, toJSON, inspect and the containment check read all of
  // it, twice): the bound does too, so only work out of proportion to the bytes fails.
  const bound = task.slowMs * (1 + input.bytes.length / 16384);
  if (ms > bound) throw new Error(`${input.target}: one input of ${input.bytes.length} bytes took ${ms.toFixed(0)} ms (bound ${bound.toFixed(0)} ms): unbounded work`);
});

const details = fc.check(property, {
  seed: task.seed,
  numRuns: task.runs,
  ...(task.path === undefined ? {} : { path: task.path }),
  ...(task.timeLimitMs === undefined ? {} : { interruptAfterTimeLimit: task.timeLimitMs, markInterruptAsFailure: false }),
});

const example = details.counterexample?.[0] as FuzzInput | undefined;
Error.stackTraceLimit = stackTraceLimit;
let error = details.errorInstance;
if (example !== undefined && task.inject === undefined) {
  try {
    exercise(example.target, example.bytes);
  } catch (e) {
    error = e;
  }
}
const report: WorkerReport = {
  seed: task.seed,
  runs: details.numRuns,
  shrinks: details.numShrinks,
  failed: details.failed,
  interrupted: details.interrupted,
  path: details.counterexamplePath ?? undefined,
  target: example?.target,
  hex: example?.bytes.toString('hex'),
  error: error instanceof Error ? (error.stack ?? error.message) : error === null || error === undefined ? undefined : String(error),
};
parentPort!.postMessage(report);
