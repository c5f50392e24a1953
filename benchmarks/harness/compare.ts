/**
 * The comparison runner: the same work by `ip -batch` and by the library, in the same run,
 * repeated with alternating order, reduced to medians, spreads and ratios; and the checks that
 * keep a sample from ever coming from work that was not done.
 */
import { repsFor, type BenchOptions, type RepsPolicy } from './options.js';
import { QUICK_TIME, type BenchCase } from './case.js';
import type { Extra, Mode, RatioRow } from './results.js';
import { median, spread, time } from './stats.js';

/** Milliseconds per named phase of one run of one side (e.g. `{ add: 12.3, del: 4.5 }`). */
export type Timings = Record<string, number>;

/** One row of a comparison: an ours phase beside an ip phase. */
export interface RowSpec {
  /** The case name (what `--filter` matches). */
  name: string;
  mode: Mode;
  /** Operations per run (links created, dumps made, round trips …). */
  n: number;
  /** What one operation is, for the report (`link`, `dump`, `get` …). */
  unit: string;
  /** Which ours variant (index into `ours`) and which of its phases. */
  ours: [variant: number, phase: string];
  /** Which ip phase. */
  ip: string;
  /** The ratio (ours ÷ ip ops/s) the issues ask for, or null when the row is informational. */
  target: number | null;
  /** What each side does, printed under the table. */
  note?: string;
}

/** One way of doing the work on our side. */
export interface OursVariant {
  /** One run: does its own untimed setup/teardown and returns the timed phases. */
  run: () => Promise<Timings>;
  /** Each run is a fresh process (cold): no warm-up run, which would warm nothing. */
  fresh?: boolean;
}

/** A comparison: one ip run and one or more ours variants per repetition, reported as rows. */
export interface Comparison extends RepsPolicy {
  /** A title for the progress line. */
  title: string;
  rows: RowSpec[];
  /** Seconds one default run of this comparison takes on 2 CPUs (for the progress line's ETA). */
  estimateS: number;
  /** Untimed setup before all repetitions (a shared read-only namespace …). */
  before?: () => Promise<void>;
  /** Untimed teardown after all repetitions (also after a failure). */
  after?: () => Promise<void>;
  /** One run of the ip side; does its own untimed setup/teardown and returns the timed phases. */
  ip: () => Promise<Timings>;
  /** The ours variants, each run once per repetition. */
  ours: OursVariant[];
  /** Extra untimed measurements (memory …) made after the repetitions, before `after`. */
  extra?: () => Promise<Extra[]>;
}

/** The result of one bulk call: one status per item, in order. */
type Settled = ReadonlyArray<{ status: string; reason?: unknown }>;

/** Throws unless every bulk result is fulfilled (a sample must never come from failed work). */
export function expectFulfilled(what: string, results: Settled): void {
  const bad = results.findIndex((r) => r.status !== 'fulfilled');
  if (bad !== -1) throw new Error(`${what}: item ${bad} failed: ${String(results[bad]!.reason)}`);
}

/**
 * Times one bulk call, then (untimed) requires every item fulfilled and the resulting state
 * checked by `verify`. Returns the call's milliseconds.
 */
export async function timeBulk(what: string, call: () => Promise<Settled>, verify: () => Promise<void>): Promise<number> {
  let results: Settled = [];
  const ms = await time(async () => { results = await call(); });
  expectFulfilled(what, results);
  await verify();
  return ms;
}

/**
 * Runs a comparison: an unmeasured warm-up run of ip and of every variant that is not a fresh process,
 * then `reps` repetitions; repetition i runs ip first when i is even and ours first when it is odd.
 * `onRep` is told after each repetition.
 */
export async function runComparison(c: Comparison, reps: number, onRep?: (done: number) => void):
  Promise<{ rows: RatioRow[]; extras: Extra[] }> {
  await c.before?.();
  let extras: Extra[] = [];
  const ipSamples: Timings[] = [];
  const oursSamples: Timings[][] = c.ours.map(() => []);
  try {
    // No forced GC before a timed sample: a full gc() also flushes V8's compiled code and inline
    // caches, so each sample would start cold and pay for JIT compilation again (measured: 10,000
    // GETs took 1.7x longer after a forced GC than in steady state). ip, a fresh process each
    // time, is unaffected either way. The heap is measured separately (memory cases).
    const runIp = async (): Promise<void> => { ipSamples.push(await c.ip()); };
    const runOurs = async (): Promise<void> => {
      for (let v = 0; v < c.ours.length; v++) oursSamples[v]!.push(await c.ours[v]!.run());
    };
    await c.ip();
    for (const v of c.ours) if (!v.fresh) await v.run();
    for (let i = 0; i < reps; i++) {
      if (i % 2 === 0) { await runIp(); await runOurs(); } else { await runOurs(); await runIp(); }
      onRep?.(i + 1);
    }
    if (c.extra) extras = await c.extra();
  } finally {
    await c.after?.();
  }
  return { rows: c.rows.map((r) => ratioRow(r, oursSamples[r.ours[0]]!, ipSamples)), extras };
}

/** Reduces one row's samples to medians, spreads and ratios. */
function ratioRow(r: RowSpec, oursRuns: readonly Timings[], ipRuns: readonly Timings[]): RatioRow {
  const ours = oursRuns.map((t) => phase(t, r.ours[1], r.name));
  const ip = ipRuns.map((t) => phase(t, r.ip, r.name));
  const oursMs = median(ours);
  const ipMs = median(ip);
  const oursOps = r.n / (oursMs / 1000);
  const ipOps = r.n / (ipMs / 1000);
  const ratio = oursOps / ipOps;
  const row: RatioRow = {
    kind: 'ratio', name: r.name, mode: r.mode, n: r.n, unit: r.unit, oursOpsPerSec: oursOps, ipOpsPerSec: ipOps, ratio,
    target: r.target, pass: r.target === null ? null : ratio >= r.target, oursMedianMs: oursMs, ipMedianMs: ipMs,
    oursSpread: spread(ours), ipSpread: spread(ip), oursSamplesMs: ours, ipSamplesMs: ip,
    bestRatio: Math.min(...ip) / Math.min(...ours),
  };
  if (r.note !== undefined) row.note = r.note;
  return row;
}

function phase(t: Timings, key: string, row: string): number {
  const v = t[key];
  if (v === undefined || !Number.isFinite(v)) throw new Error(`${row}: no timing for phase ${key}`);
  return v;
}

/** A comparison as a case of the run. */
export function comparisonCase(c: Comparison, options: BenchOptions): BenchCase {
  const reps = repsFor(c, options);
  const defaultReps = repsFor(c, { quick: false, reps: undefined });
  return {
    title: c.title,
    rows: c.rows.map((r) => ({ name: r.name, mode: r.mode, target: r.target === null ? null : { ratio: r.target } })),
    estimateS: c.estimateS * ((reps + 1) / (defaultReps + 1)) * (options.quick ? QUICK_TIME : 1),
    reps,
    run: async (onRep) => {
      const r = await runComparison(c, reps, onRep);
      return { rows: r.rows, micro: [], extras: r.extras };
    },
  };
}
