/**
 * A case of the run: what `--list` and `--filter` see (its rows' names, modes and targets), what
 * the progress line needs (a title, an estimate, the repetitions), and how to run it.
 */
import type { CaseResult, Mode } from './results.js';

/** A target: a ratio to reach (ours ÷ ip ≥ ratio) or a limit not to exceed (value ≤ limit). */
export type Target = { ratio: number } | { limit: number; unit: 'bytes' | 'ms' };

/** A row as known before running: for `--list`, `--filter` and the chart's order. */
export interface RowInfo {
  name: string;
  /** The row's mode; `micro` for the codec micro-benchmarks, which have their own table. */
  mode: Mode | 'micro';
  /** null: an informational row. */
  target: Target | null;
}

/** One case of the run (a comparison, a group of limits, the codec micro-benchmarks). */
export interface BenchCase {
  /** The progress line's title. */
  title: string;
  rows: RowInfo[];
  /** Seconds this case should take under the current options on 2 CPUs (for the ETA). */
  estimateS: number;
  /** Measured repetitions. */
  reps: number;
  /** Runs the case; `onRep` is told after each repetition. */
  run: (onRep?: (done: number) => void) => Promise<CaseResult>;
}

/** The fraction of a default run's time a `--quick` run takes (for the ETA before any case finished). */
export const QUICK_TIME = 0.15;

/** Whether `c` is selected by `filter` (a substring of its title, a row's name or a row's mode). */
export function selected(c: Pick<BenchCase, 'title' | 'rows'>, filter: string | undefined): boolean {
  if (filter === undefined) return true;
  const f = filter.toLowerCase();
  return c.title.toLowerCase().includes(f) || c.rows.some((r) => r.name.toLowerCase().includes(f) || r.mode.includes(f));
}
