/**
 * Micro-benchmarks (no ip side): a batch of operations timed in-process until a time budget is
 * spent, and what the batch's results keep alive.
 */
import { performance } from 'node:perf_hooks';
import type { MicroResult } from './results.js';
import { iqrSpread, median, settleHeap } from './stats.js';

/**
 * Times `batch()` (which does `n` ops): after warm-up, each sample repeats the batch enough times
 * to last ≥ 5 ms, and samples are taken for ~`budgetMs` (at least 7); the median sample is
 * reported. With `retain`, the heap and buffers kept alive by the batch's return value are
 * measured over enough batches to hold ≥ 20,000 ops (so GC noise is small per op).
 */
export async function runMicro(name: string, n: number, unit: string, batch: () => unknown,
  options: { budgetMs?: number; retain?: boolean; note?: string } = {}): Promise<MicroResult> {
  for (let i = 0; i < 3; i++) batch();
  let t = performance.now();
  batch();
  t = performance.now() - t;
  const inner = Math.max(1, Math.ceil(5 / Math.max(t, 1e-3)));
  const xs: number[] = [];
  const budget = options.budgetMs ?? 400;
  const t0 = performance.now();
  while (xs.length < 7 || (performance.now() - t0 < budget && xs.length < 1000)) {
    const s = performance.now();
    for (let i = 0; i < inner; i++) batch();
    xs.push((performance.now() - s) / inner);
  }
  let heapPerOp: number | null = null;
  let buffersPerOp: number | null = null;
  if (options.retain) {
    const batches = Math.min(200, Math.ceil(20_000 / n));
    const kept: unknown[] = [];
    await settleHeap();
    const before = process.memoryUsage();
    for (let i = 0; i < batches; i++) kept.push(batch());
    await settleHeap();
    const after = process.memoryUsage();
    heapPerOp = (after.heapUsed - before.heapUsed) / (batches * n);
    buffersPerOp = (after.arrayBuffers - before.arrayBuffers) / (batches * n);
    kept.length = 0;
  }
  const r: MicroResult = { name, n, unit, opsPerSec: n / (median(xs) / 1000), spread: iqrSpread(xs), heapPerOp, buffersPerOp };
  if (options.note !== undefined) r.note = options.note;
  return r;
}
