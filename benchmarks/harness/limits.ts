/**
 * Cases judged against an absolute limit rather than beside ip: bytes a pattern of use keeps alive,
 * milliseconds an import adds to a process's start.
 */
import type { Mode, LimitRow } from './results.js';
import { median, spread } from './stats.js';

/** One limit row as declared by a case. */
export interface LimitSpec {
  name: string;
  mode: Mode;
  unit: 'bytes' | 'ms';
  /** The most the issues allow. */
  limit: number;
  /** What is measured, printed under the table. */
  note?: string;
}

/**
 * Reduces samples to a limit row: the median is the value judged against the limit.
 * `details` go to the JSON.
 */
export function limitRow(spec: LimitSpec, samples: readonly number[], details?: Record<string, number>): LimitRow {
  const value = median(samples);
  const row: LimitRow = {
    kind: 'limit', name: spec.name, mode: spec.mode, unit: spec.unit, value, limit: spec.limit,
    pass: value <= spec.limit, spread: spread(samples), samples: [...samples],
  };
  if (details !== undefined) row.details = details;
  if (spec.note !== undefined) row.note = spec.note;
  return row;
}
