/**
 * What a run produces: ratio rows (ours beside ip), limit rows (an absolute budget: bytes held,
 * milliseconds added), codec micro-benchmarks and extra measurements. The report, the JSON and the
 * chart are all made from these.
 */

/**
 * How the library is consumed in a row:
 * - `warm`: in a process that already ran the same work once (a warm-up run), one bulk call or dump,
 *   lazy views reading one field;
 * - `seq`: warm, each request awaited before the next is sent;
 * - `cold`: a fresh node process per sample, its first call timed in-process;
 * - `seq cold`: a fresh node process per sample, each request awaited one at a time;
 * - `decode`: warm dumps whose every object is decoded whole (`toObject()`, `JSON.stringify`, or six fields);
 * - `memory`: bytes a pattern of use keeps alive, after GC;
 * - `import`: time `import()` of an entry point adds to a fresh process's start.
 */
export type Mode = 'warm' | 'seq' | 'cold' | 'seq cold' | 'decode' | 'cold decode' | 'memory' | 'import';

/** Every mode, in the order the README explains them. */
export const MODES: readonly Mode[] = ['warm', 'seq', 'cold', 'seq cold', 'decode', 'cold decode', 'memory', 'import'];

/** A row comparing ours with `ip -batch`: operations per second of the medians. */
export interface RatioRow {
  kind: 'ratio';
  name: string;
  mode: Mode;
  /** Operations per run (links created, dumps made, round trips …). */
  n: number;
  /** What one operation is (`link`, `dump`, `route` …). */
  unit: string;
  oursOpsPerSec: number;
  ipOpsPerSec: number;
  /** ours ÷ ip ops/s of the medians (> 1: we are faster). */
  ratio: number;
  /** The ratio the issues ask for, or null for an informational row. */
  target: number | null;
  /** Whether `ratio ≥ target`; null for an informational row. */
  pass: boolean | null;
  oursMedianMs: number;
  ipMedianMs: number;
  /** (max − min) / median of each side's samples. */
  oursSpread: number;
  ipSpread: number;
  oursSamplesMs: number[];
  ipSamplesMs: number[];
  /** The same ratio of the fastest samples: what each side costs when nothing else gets in the way. */
  bestRatio: number;
  note?: string;
}

/** A row measured against an absolute limit (smaller is better): bytes held, milliseconds added. */
export interface LimitRow {
  kind: 'limit';
  name: string;
  mode: Mode;
  /** The unit of `value`, `limit` and the samples. */
  unit: 'bytes' | 'ms';
  /** The median of the samples. */
  value: number;
  /** The most the issues allow. */
  limit: number;
  /** Whether `value ≤ limit`. */
  pass: boolean;
  /** (max − min) / median of the samples. */
  spread: number;
  samples: number[];
  /** Further numbers of the measurement (per-object bytes, baselines …), for the JSON. */
  details?: Record<string, number>;
  note?: string;
}

/** One row of the table. */
export type Row = RatioRow | LimitRow;

/** A micro-benchmark result (no ip side): ops/s and what the results of one op keep alive. */
export interface MicroResult {
  name: string;
  n: number;
  unit: string;
  opsPerSec: number;
  /** Interquartile range of the samples / median (micro samples are short: GC pauses make max − min useless). */
  spread: number;
  /** Bytes of heap that the results of one op keep alive (GC'd before and after); null if not measured. */
  heapPerOp: number | null;
  /** Bytes outside the JS heap (ArrayBuffer backing stores) the results of one op keep alive; null if not measured. */
  buffersPerOp: number | null;
  note?: string;
}

/** An extra measurement that is neither a ratio nor a limit (memory of big dumps …), printed as a line. */
export interface Extra {
  name: string;
  value: Record<string, number | string>;
  text: string;
}

/** What one case contributes to the report. */
export interface CaseResult {
  rows: Row[];
  micro: MicroResult[];
  extras: Extra[];
}
