/**
 * Timing and statistics: clocks, medians, spreads, and the garbage collector (outside timed
 * regions only).
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gcFn: (() => void) | undefined;

/** Runs a full garbage collection (outside timed regions: a forced GC also drops V8's compiled code). */
export function gc(): void {
  if (gcFn === undefined) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
}

/**
 * Full GCs with event-loop turns in between: V8 frees ArrayBuffer backing stores on a concurrent
 * sweeper, so `arrayBuffers` only drops after a turn or two.
 */
export async function settleHeap(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
}

/** Times `fn` (milliseconds). */
export async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The median of `xs` (mean of the middle two for an even count; NaN for none). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Spread of the samples around their median: (max − min) / median, as a fraction. */
export function spread(xs: readonly number[]): number {
  const m = median(xs);
  return xs.length === 0 || m === 0 ? 0 : (Math.max(...xs) - Math.min(...xs)) / Math.abs(m);
}

/** Interquartile spread: (p75 − p25) / median, as a fraction (for short samples, where GC pauses make max − min useless). */
export function iqrSpread(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))]!;
  const m = median(xs);
  return xs.length === 0 || m === 0 ? 0 : (q(0.75) - q(0.25)) / Math.abs(m);
}
