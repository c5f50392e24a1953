/**
 * How numbers read in the report: targets, bytes, milliseconds, operations per second, fractions,
 * and text wrapped to the report's width.
 */
import type { Target } from './case.js';

/** The report's width in columns: the table and the lines under it fit in it. */
export const WIDTH = 100;

/** A target as the table prints it: `≥ 1.5×`, `≤ 2 MiB`, `≤ 25 ms`, `—`. */
export function formatTarget(t: Target | null): string {
  if (t === null) return '—';
  if ('ratio' in t) return `≥ ${t.ratio.toFixed(1)}×`;
  return t.unit === 'bytes' ? `≤ ${formatBytes(t.limit)}` : `≤ ${formatMs(t.limit)}`;
}

/** Bytes as `512 B`, `12.3 KiB`, `2 MiB`, `50.1 MiB`. */
export function formatBytes(b: number): string {
  const sign = b < 0 ? '-' : '';
  const a = Math.abs(b);
  const fixed = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));
  if (a < 1024) return `${sign}${Math.round(a)} B`;
  if (a < 1024 * 1024) return `${sign}${fixed(Math.round(a / 102.4) / 10)} KiB`;
  return `${sign}${fixed(Math.round(a / 104857.6) / 10)} MiB`;
}

/** Milliseconds as `25 ms`, `3.4 ms`, `0.52 ms`. */
export function formatMs(ms: number): string {
  const a = Math.abs(ms);
  if (a >= 100 || Number.isInteger(ms)) return `${Math.round(ms)} ms`;
  if (a >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** Operations per second, compact: `447`, `9.96k`, `190.7k`, `2.18M`. */
export function formatRate(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x >= 1e6) return `${(x / 1e6).toFixed(x >= 1e7 ? 1 : 2)}M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(x >= 1e5 ? 0 : 1)}k`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(2)}k`;
  if (x >= 100) return String(Math.round(x));
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** Operations per second, in full: `9,960`, `49.2`. */
export function formatOps(x: number): string {
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** A fraction as a percentage: `48%`. */
export function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/** Wraps `text` at spaces to `width` columns, indenting continuation lines by `indent` spaces. */
export function wrap(text: string, width = WIDTH, indent = 2): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (candidate.length > width && line.trim() !== '') {
      lines.push(line);
      line = `${' '.repeat(indent)}${word}`;
    } else {
      line = candidate;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
