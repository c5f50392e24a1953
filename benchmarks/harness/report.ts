/**
 * The report: a header on the machine and the method, a table no wider than 100 columns (one row
 * per case: mode, ours, ip, ratio, target, result), the details of every row under it, the extra
 * measurements, the codec micro-benchmarks; and the same as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MachineInfo } from './machine.js';
import type { BenchOptions } from './options.js';
import { MODES, type CaseResult, type Extra, type LimitRow, type MicroResult, type RatioRow, type Row } from './results.js';
import { WIDTH, formatBytes, formatMs, formatOps, formatRate, formatTarget, pct, wrap } from './format.js';

/** How long one case took. */
export interface CaseTiming {
  title: string;
  reps: number;
  /** Wall time of the case, setup and warm-up included (s). */
  seconds: number;
  /** What the progress line expected (s). */
  estimateS: number;
}

/** Everything a run produced. */
export interface RunResult extends CaseResult {
  machine: MachineInfo;
  options: BenchOptions;
  /** Wall time of the run (s). */
  durationS: number;
  /** Each case's wall time, in run order. */
  cases: CaseTiming[];
}

/** Rows grouped by mode (in the order of {@link MODES}), in run order within a mode. */
export function orderRows(rows: readonly Row[]): Row[] {
  return [...rows].sort((a, b) => MODES.indexOf(a.mode) - MODES.indexOf(b.mode));
}

function table(header: string[], rows: string[][], rightAlign: boolean[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (rightAlign[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

function value(r: LimitRow, x: number): string {
  return r.unit === 'bytes' ? formatBytes(x) : formatMs(x);
}

function result(pass: boolean | null): string {
  return pass === null ? 'info' : pass ? 'pass' : 'FAIL';
}

/** The table: one line per row, ≤ 100 columns for names up to 42 characters. */
export function formatTable(rows: readonly Row[]): string[] {
  return table(
    ['case', 'mode', 'ours', 'ip', 'ratio', 'target', 'result'],
    rows.map((r) => r.kind === 'ratio'
      ? [r.name, r.mode, `${formatRate(r.oursOpsPerSec)}/s`, `${formatRate(r.ipOpsPerSec)}/s`, `${r.ratio.toFixed(2)}×`,
        formatTarget(r.target === null ? null : { ratio: r.target }), result(r.pass)]
      : [r.name, r.mode, value(r, r.value), '—', '—', formatTarget({ limit: r.limit, unit: r.unit }), result(r.pass)]),
    [false, false, true, true, true, false, false],
  );
}

/** What a ratio row's numbers are, in a sentence. */
function ratioDetail(r: RatioRow): string {
  const side = (ms: number, s: number, ops: number): string => `${formatMs(ms)} ± ${pct(s)} (${formatOps(ops)} ${r.unit}/s)`;
  return `${r.name} [${r.mode}]: ${r.n.toLocaleString('en-US')} ${r.unit} per run; ` +
    `ours ${side(r.oursMedianMs, r.oursSpread, r.oursOpsPerSec)}, ip ${side(r.ipMedianMs, r.ipSpread, r.ipOpsPerSec)}; ` +
    `best ${r.bestRatio.toFixed(2)}×; ${r.oursSamplesMs.length} runs.${r.note === undefined ? '' : ` ${r.note}.`}`;
}

/** What a limit row's numbers are, in a sentence. */
function limitDetail(r: LimitRow): string {
  const per = r.details?.bytesPerKeptLink;
  const cpu = r.details?.cpuMs;
  const printed = r.details?.printedMs;
  return `${r.name} [${r.mode}]: ${value(r, r.value)} ± ${pct(r.spread)} (median of ${r.samples.length}), ` +
    `limit ${value(r, r.limit)}${per === undefined ? '' : `; ${formatBytes(per)} per kept link`}` +
    `${cpu === undefined ? '' : `; CPU time +${formatMs(cpu)}`}` +
    `${printed === undefined ? '' : `; with the CPU print +${formatMs(printed)}`}.` +
    `${r.note === undefined ? '' : ` ${r.note}.`}`;
}

/** The micro-benchmark table. */
export function formatMicro(rows: readonly MicroResult[]): string[] {
  return table(
    ['micro-benchmark', 'n', 'ops/s', 'IQR', 'heap/op', 'buffers/op'],
    rows.map((r) => [
      r.name, r.n.toLocaleString('en-US'), `${formatRate(r.opsPerSec)}/${r.unit}`, pct(r.spread),
      r.heapPerOp === null ? '—' : `${Math.round(r.heapPerOp)} B`,
      r.buffersPerOp === null ? '—' : `${Math.round(r.buffersPerOp)} B`,
    ]),
    [false, true, true, true, true, true],
  );
}

/** The whole text report (stdout). */
export function formatReport(run: RunResult): string {
  const m = run.machine;
  const out: string[] = [];
  const para = (text: string): void => { out.push(...wrap(text, WIDTH, 2)); };
  const commit = m.commit === null ? 'commit unknown' : `commit ${m.commit.slice(0, 12)}${m.commitDirty ? ' (modified)' : ''}`;
  para(`rtnetlink bench — ${m.package.name} ${m.package.version}, ${commit}; node ${m.node}, kernel ${m.kernel}, ` +
    `iproute2 ${m.iproute2}, ${m.cpus} × ${m.cpuModel}${run.options.quick ? ' (--quick: a smoke run, not a measurement)' : ''}`);
  para(`load average ${m.loadStart[0]?.toFixed(2) ?? '?'} at start, ${m.loadEnd[0]?.toFixed(2) ?? '?'} at end, on ${m.cpus} CPUs ` +
    `(other work on the machine inflates and spreads both sides)`);
  para(`ip startup (ip -n <ns> -batch <empty file>): ${m.ipStartupMs.toFixed(2)} ms ± ${pct(m.ipStartupSpread)}, ` +
    'included in every ip time, never subtracted');
  para('median of each side\'s runs after one warm-up run (cold runs: none); ratio = ours ÷ ip ops/s of the medians ' +
    '(> 1: we are faster); modes: warm = a process that did the same work before, seq = each request awaited, ' +
    'cold = a fresh node process per run, decode = every object used whole (cold decode: in a fresh process), memory/import = absolute limits');
  const rows = orderRows(run.rows);
  if (rows.length > 0) {
    out.push('', ...formatTable(rows), '');
    for (const r of rows) out.push(...wrap(`- ${r.kind === 'ratio' ? ratioDetail(r) : limitDetail(r)}`, WIDTH, 4));
    const scored = rows.filter((r) => r.pass !== null);
    const missed = scored.filter((r) => r.pass === false);
    out.push('');
    para(`${scored.length - missed.length} of ${scored.length} targets met` +
      (missed.length === 0 ? '' : `; missed: ${missed.map((r) => `${r.name} [${r.mode}]`).join('; ')}`));
  }
  if (run.extras.length > 0) {
    out.push('');
    for (const e of run.extras) out.push(...wrap(`- ${e.text}`, WIDTH, 4));
  }
  if (run.micro.length > 0) out.push('', ...formatMicro(run.micro));
  out.push('', `total time ${Math.round(run.durationS)} s`);
  return out.join('\n');
}

/** The JSON report's content. */
export function reportJson(run: RunResult): object {
  return {
    format: 'rtnetlink-bench/2',
    package: run.machine.package,
    commit: run.machine.commit,
    commitDirty: run.machine.commitDirty,
    machine: run.machine,
    options: { filter: run.options.filter ?? null, quick: run.options.quick, reps: run.options.reps ?? null },
    durationS: run.durationS,
    cases: run.cases,
    rows: orderRows(run.rows),
    micro: run.micro,
    extras: run.extras.map((e: Extra) => ({ name: e.name, ...e.value })),
  };
}

/** Writes `content` to `file`, making its folder if needed. */
export function writeReportFile(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}
