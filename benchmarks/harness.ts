/**
 * The shared benchmark harness: isolation, throwaway namespaces, the `ip -batch` runner, timing
 * with repetitions and medians, and the table/JSON report.
 *
 * Every comparison runs the same work on both sides, in the same run, in namespaces set up the same
 * way: the `ip` side is timed as the wall time of one `ip -n <ns> -batch <file>` process (startup
 * included; the startup alone is reported separately and never subtracted), our side from the first
 * request to the last reply, in this process. Each measurement is repeated, alternating which side
 * goes first, and the median is reported with the spread (min..max) of the samples.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RtNetlink, netns } from '../lib/netlink/index.js';

// ---------------------------------------------------------------------------------------------
// options

/** Command-line options of `npm run bench`. */
export interface BenchOptions {
  /** Only comparisons with a row whose name contains this substring (case-insensitive). */
  filter: string | undefined;
  /** Smaller counts and fewer repetitions: a smoke run, not a measurement. */
  quick: boolean;
  /** Write the results as JSON to this file. */
  json: string | undefined;
  /**
   * Measured repetitions per comparison: `--reps`, or by default 7 (5 for the comparisons whose one
   * run takes seconds: addresses, sandboxes), 3 with `--quick`.
   */
  reps: number;
  /** Whether `--reps` was given (then it applies to every comparison). */
  repsGiven: boolean;
}

/** Parses argv (after `node run.js`). Throws with a usage line on a bad option. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const o: BenchOptions = { filter: undefined, quick: false, json: undefined, reps: 0, repsGiven: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--filter') o.filter = value();
    else if (a.startsWith('--filter=')) o.filter = a.slice(9);
    else if (a === '--quick') o.quick = true;
    else if (a === '--json') o.json = value();
    else if (a.startsWith('--json=')) o.json = a.slice(7);
    else if (a === '--reps') o.reps = Number(value());
    else if (a.startsWith('--reps=')) o.reps = Number(a.slice(7));
    else throw new Error(`unknown option ${a}`);
  }
  o.repsGiven = o.reps !== 0;
  if (o.reps === 0) o.reps = o.quick ? 3 : 7;
  if (!Number.isInteger(o.reps) || o.reps < 1) throw new Error('--reps needs a positive integer');
  return o;
}

/** The one line printed when namespaces cannot be made. */
export const NEEDS_ROOT = 'rtnetlink bench: needs root (CAP_SYS_ADMIN) to create network namespaces: run it as root, e.g. sudo npm run bench';

// ---------------------------------------------------------------------------------------------
// timing helpers

let gcFn: (() => void) | undefined;

/** Runs a full garbage collection (outside timed regions, so each sample starts from a clean heap). */
export function gc(): void {
  if (gcFn === undefined) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
}

/** Milliseconds since an arbitrary origin, sub-microsecond resolution. */
export function now(): number {
  return performance.now();
}

/** Times `fn` (milliseconds). */
export async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** The median of `xs` (mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Spread of the samples around their median: (max - min) / median, as a fraction. */
export function spread(xs: readonly number[]): number {
  const m = median(xs);
  return m === 0 ? 0 : (Math.max(...xs) - Math.min(...xs)) / m;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ---------------------------------------------------------------------------------------------
// namespaces and ip

let workDir: string | undefined;
let devNull: number | undefined;
let nsCounter = 0;
let control: RtNetlink | undefined;
let controlNs: Namespace | undefined;

/** A private temporary directory for batch files (removed by {@link shutdown}). */
export function tempDir(): string {
  return (workDir ??= mkdtempSync(join(tmpdir(), 'rtnetlink-bench-')));
}

/** A throwaway namespace: its iproute2 name (for `ip -n`) and its file (for `RtNetlink.open`). */
export interface Namespace {
  name: string;
  path: string;
}

/**
 * Creates a namespace with the library's `netns.create` under /run/netns (a private tmpfs: run.ts
 * re-executes itself inside `unshare --net --mount`), with `lo` up.
 */
export async function createNamespace(): Promise<Namespace> {
  const name = `rtb${process.pid.toString(36)}-${(++nsCounter).toString(36)}`;
  const path = `/run/netns/${name}`;
  await netns.create(path);
  const nl = await RtNetlink.open({ netns: path });
  try {
    await nl.links.set('lo', { up: true });
  } finally {
    nl.close();
  }
  return { name, path };
}

/** The up link of {@link createNamespaceWithLink}. */
export const UP_LINK = 'd0';

/**
 * A namespace holding an up veth pair `d0` / `d0p` (carrier on), for routes, neighbours and
 * addresses to point at. Made with the library, untimed, the same for both sides.
 */
export async function createNamespaceWithLink(): Promise<Namespace> {
  const ns = await createNamespace();
  const nl = await RtNetlink.open({ netns: ns.path });
  try {
    // (peer.up at creation is refused by veth with ENOTCONN: the peer is opened before d0 exists.)
    await nl.links.add({ name: UP_LINK, kind: 'veth', up: true, peer: { name: `${UP_LINK}p` } });
    await nl.links.set(`${UP_LINK}p`, { up: true });
  } finally {
    nl.close();
  }
  return ns;
}

/** Opens a handle in `ns`, runs `fn`, closes it. */
export async function withHandle<T>(ns: Namespace, fn: (nl: RtNetlink) => Promise<T>): Promise<T> {
  const nl = await RtNetlink.open({ netns: ns.path });
  try {
    return await fn(nl);
  } finally {
    nl.close();
  }
}

/** Throws unless every bulk result is fulfilled (a sample must never come from failed work). */
export function expectFulfilled(what: string, results: ReadonlyArray<{ status: string; reason?: unknown }>): void {
  const bad = results.findIndex((r) => r.status !== 'fulfilled');
  if (bad !== -1) throw new Error(`${what}: item ${bad} failed: ${String((results[bad] as { reason?: unknown }).reason)}`);
}

/**
 * Times one bulk call, then (untimed) requires every item fulfilled and the resulting state
 * checked by `verify`. Returns the call's milliseconds.
 */
export async function timeBulk(what: string, call: () => Promise<ReadonlyArray<{ status: string; reason?: unknown }>>,
  verify: () => Promise<void>): Promise<number> {
  let results: ReadonlyArray<{ status: string; reason?: unknown }> = [];
  const ms = await time(async () => { results = await call(); });
  expectFulfilled(what, results);
  await verify();
  return ms;
}

/**
 * Deletes a namespace (the kernel tears down everything in it in one go — never delete 1000 links
 * one by one) and waits until the kernel's asynchronous cleanup has let go of the RTNL lock, so the
 * next measurement does not pay for this one's teardown.
 */
export async function deleteNamespace(ns: Namespace): Promise<void> {
  await netns.remove(ns.path);
  await settle();
}

/**
 * Waits for the kernel's namespace cleanup (cleanup_net runs on a workqueue after an RCU grace
 * period and holds the RTNL lock while it unregisters devices): a cheap RTM_NEWLINK in a control
 * namespace, which needs the same lock, must answer quickly several times in a row.
 */
export async function settle(): Promise<void> {
  if (control === undefined) {
    controlNs = await createNamespace();
    control = await RtNetlink.open({ netns: controlNs.path });
  }
  // cleanup_net starts only after an RCU grace period and may take the lock in several bursts, so
  // ask for a quiet window of ~250 ms (10 fast answers in a row, 25 ms apart), not just a moment.
  const deadline = Date.now() + 60_000;
  let fast = 0;
  await sleep(20);
  while (fast < 10 && Date.now() < deadline) {
    const ms = await time(() => control!.links.set('lo', { up: true }));
    fast = ms < 1 ? fast + 1 : 0;
    await sleep(25);
  }
}

/** Writes a batch file (one `ip` command per line) and returns its path. */
export function batchFile(name: string, lines: readonly string[]): string {
  const file = join(tempDir(), `${name}.batch`);
  writeFileSync(file, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  return file;
}

/**
 * Runs `ip -n <ns> -batch <file>` with stdout to /dev/null and returns its wall time in ms (spawn to
 * exit). Throws with ip's stderr if it fails (ip -batch stops at the first failing line), so a
 * sample is never taken from work that was not done.
 */
export function ipBatch(ns: Namespace | undefined, file: string, extra: readonly string[] = []): number {
  devNull ??= openSync('/dev/null', 'w');
  const args = [...(ns === undefined ? [] : ['-n', ns.name]), ...extra, '-batch', file];
  const t0 = performance.now();
  const r = spawnSync('ip', args, { stdio: ['ignore', devNull, 'pipe'], maxBuffer: 16 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr.toString().trim()}`);
  return ms;
}

/** Runs `ip <args>` (setup work outside timed regions); throws on failure. */
export function ip(args: readonly string[]): string {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Median wall time of `ip -n <ns> -batch <empty file>` over 11 runs: the fixed cost of one ip process. */
export async function ipStartup(): Promise<{ ms: number; spread: number }> {
  const ns = await createNamespace();
  try {
    const file = batchFile('empty', []);
    ipBatch(ns, file);
    const xs: number[] = [];
    for (let i = 0; i < 11; i++) xs.push(ipBatch(ns, file));
    return { ms: median(xs), spread: spread(xs) };
  } finally {
    await deleteNamespace(ns);
  }
}

/** Releases the harness's namespaces, files and fds. */
export async function shutdown(): Promise<void> {
  control?.close();
  control = undefined;
  if (controlNs) await netns.remove(controlNs.path).catch(() => undefined);
  controlNs = undefined;
  if (devNull !== undefined) closeSync(devNull);
  devNull = undefined;
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  workDir = undefined;
}

// ---------------------------------------------------------------------------------------------
// comparisons

/** Milliseconds per named phase of one run of one side (e.g. `{ add: 12.3, del: 4.5 }`). */
export type Timings = Record<string, number>;

/** One row of the table: an ours phase beside an ip phase. */
export interface RowSpec {
  /** The case name (what `--filter` matches). */
  name: string;
  /** Operations per run (links created, dumps made, round trips …). */
  n: number;
  /** What one operation is, for the table (`link`, `dump`, `get` …). */
  unit: string;
  /** Which ours variant (index into `ours`) and which of its phases. */
  ours: [variant: number, phase: string];
  /** Which ip phase. */
  ip: string;
  /** The ratio (ours ÷ ip ops/s) the issue asks for, or null when the row is informational. */
  target: number | null;
  /** A note printed under the table. */
  note?: string;
}

/** A comparison: one ip run and one or more ours variants per repetition, reported as rows. */
export interface Comparison {
  /** A title for progress output. */
  title: string;
  rows: RowSpec[];
  /** Untimed setup before all repetitions (a shared read-only namespace …). */
  before?: () => Promise<void>;
  /** Untimed teardown after all repetitions. */
  after?: () => Promise<void>;
  /** One run of the ip side; does its own untimed setup/teardown and returns the timed phases. */
  ip: () => Promise<Timings>;
  /** One run of each ours variant, the same way. */
  ours: Array<() => Promise<Timings>>;
  /** Skip the unmeasured warm-up run (default: one warm-up run of every side). */
  noWarmup?: boolean;
  /** Extra untimed measurements (memory …) made after the repetitions, before `after`. */
  extra?: () => Promise<Extra[]>;
  /**
   * More default repetitions for a comparison whose samples scatter widely (kernel-bound work whose
   * cost depends on the kernel's background activity), so its median settles (ignored with `--reps`).
   */
  minDefaultReps?: number;
  /** Fewer default repetitions for a comparison whose runs take seconds (ignored with `--reps`). */
  maxDefaultReps?: number;
}

/** The repetitions of `c` under `options`. */
export function repsFor(c: Comparison, options: BenchOptions): number {
  if (options.repsGiven || options.quick) return options.reps;
  if (c.minDefaultReps !== undefined) return Math.max(options.reps, c.minDefaultReps);
  return c.maxDefaultReps === undefined ? options.reps : Math.min(options.reps, c.maxDefaultReps);
}

/** One row of the results. */
export interface RowResult {
  name: string;
  n: number;
  unit: string;
  oursOpsPerSec: number;
  ipOpsPerSec: number;
  ratio: number;
  target: number | null;
  pass: boolean | null;
  oursMedianMs: number;
  ipMedianMs: number;
  oursSpread: number;
  ipSpread: number;
  oursSamplesMs: number[];
  ipSamplesMs: number[];
  /** Ratio of the best (fastest) samples: what each side costs when nothing else gets in the way. */
  bestRatio: number;
  note?: string;
}

/** Whether `c` has a row selected by `filter`. */
export function selected(c: { title: string; rows: Array<{ name: string }> }, filter: string | undefined): boolean {
  if (filter === undefined) return true;
  const f = filter.toLowerCase();
  return c.title.toLowerCase().includes(f) || c.rows.some((r) => r.name.toLowerCase().includes(f));
}

/** Progress lines go to stderr, so stdout holds only the report. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

/**
 * Runs a comparison: an unmeasured warm-up of every side, then `reps` repetitions; repetition i runs
 * ip first when i is even and ours first when it is odd.
 */
export async function runComparison(c: Comparison, reps: number): Promise<{ rows: RowResult[]; extras: Extra[] }> {
  progress(`• ${c.title}`);
  const started = performance.now();
  await c.before?.();
  let extras: Extra[] = [];
  const ipSamples: Timings[] = [];
  const oursSamples: Timings[][] = c.ours.map(() => []);
  try {
    // No forced GC before a timed sample: a full gc() also flushes V8's compiled code and inline
    // caches, so each sample would start cold and pay for JIT compilation again (measured: 10,000
    // GETs took 1.7x longer after a forced GC than in steady state). ip, a fresh process each
    // time, is unaffected either way. The heap is measured separately (memory extras).
    const runIp = async (keep: boolean): Promise<void> => {
      const t = await c.ip();
      if (keep) ipSamples.push(t);
    };
    const runOurs = async (keep: boolean): Promise<void> => {
      for (let v = 0; v < c.ours.length; v++) {
        const t = await c.ours[v]!();
        if (keep) oursSamples[v]!.push(t);
      }
    };
    if (!c.noWarmup) {
      await runIp(false);
      await runOurs(false);
    }
    for (let i = 0; i < reps; i++) {
      if (i % 2 === 0) { await runIp(true); await runOurs(true); } else { await runOurs(true); await runIp(true); }
      progress(`  rep ${i + 1}/${reps}`);
    }
    if (c.extra) extras = await c.extra();
  } finally {
    await c.after?.();
  }
  progress(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  const rows = c.rows.map((r) => {
    const ours = oursSamples[r.ours[0]]!.map((t) => phase(t, r.ours[1], r.name));
    const ipx = ipSamples.map((t) => phase(t, r.ip, r.name));
    const oursMs = median(ours);
    const ipMs = median(ipx);
    const oursOps = r.n / (oursMs / 1000);
    const ipOps = r.n / (ipMs / 1000);
    const ratio = oursOps / ipOps;
    const row: RowResult = {
      name: r.name, n: r.n, unit: r.unit, oursOpsPerSec: oursOps, ipOpsPerSec: ipOps, ratio, target: r.target,
      pass: r.target === null ? null : ratio >= r.target, oursMedianMs: oursMs, ipMedianMs: ipMs,
      oursSpread: spread(ours), ipSpread: spread(ipx), oursSamplesMs: ours, ipSamplesMs: ipx,
      bestRatio: Math.min(...ipx) / Math.min(...ours),
    };
    if (r.note !== undefined) row.note = r.note;
    return row;
  });
  return { rows, extras };
}

function phase(t: Timings, key: string, row: string): number {
  const v = t[key];
  if (v === undefined) throw new Error(`${row}: no timing for phase ${key}`);
  return v;
}

// ---------------------------------------------------------------------------------------------
// micro-benchmarks (no ip side)

/** A micro-benchmark result: ops/s and the heap growth of what one batch of ops keeps. */
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

/** (p75 − p25) / median. */
export function iqrSpread(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))]!;
  const m = median(xs);
  return m === 0 ? 0 : (q(0.75) - q(0.25)) / m;
}

/**
 * Times `batch()` (which does `n` ops): after warm-up, each sample repeats the batch enough times
 * to last ≥ 5 ms, and samples are taken for ~`budgetMs` (at least 7); the median sample is
 * reported. With `retain`, the heap kept alive by the batch's return value is measured over
 * enough batches to hold ≥ 100,000 ops (so GC noise is small per op).
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
    const batches = Math.min(200, Math.ceil(100_000 / n));
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

// ---------------------------------------------------------------------------------------------
// report

/** Facts about the machine a result was measured on. */
export interface MachineInfo {
  node: string;
  kernel: string;
  iproute2: string;
  cpus: number;
  cpuModel: string;
  date: string;
  ipStartupMs: number;
  ipStartupSpread: number;
  quick: boolean;
  reps: number;
  /** 1-minute load average when the run started and when it ended (other work on the machine skews results). */
  loadStart: number;
  loadEnd: number;
}

/** Collects {@link MachineInfo} (the ip startup cost is measured by the caller). */
export function machineInfo(ipStartupMs: number, ipStartupSpread: number, options: BenchOptions, loadStart: number): MachineInfo {
  const v = spawnSync('ip', ['-V'], { encoding: 'utf8' }).stdout.trim();
  const m = /iproute2-([\w.-]+)/.exec(v);
  return {
    node: process.version,
    kernel: release(),
    iproute2: m?.[1] ?? v,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    date: new Date().toISOString(),
    ipStartupMs,
    ipStartupSpread,
    quick: options.quick,
    reps: options.reps,
    loadStart,
    loadEnd: loadavg()[0] ?? 0,
  };
}

function fmtOps(x: number): string {
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function table(header: string[], rows: string[][], rightAlign: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (rightAlign[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The comparison table (what `npm run bench` prints). */
export function formatRows(rows: readonly RowResult[]): string {
  return table(
    ['case', 'n', 'ours ops/s', '±', 'ip ops/s', '±', 'ratio', 'target', 'result', 'best'],
    rows.map((r) => [
      r.name, r.n.toLocaleString('en-US'), `${fmtOps(r.oursOpsPerSec)}/${r.unit}`, pct(r.oursSpread),
      `${fmtOps(r.ipOpsPerSec)}/${r.unit}`, pct(r.ipSpread), `${r.ratio.toFixed(2)}×`,
      r.target === null ? '—' : `≥ ${r.target.toFixed(1)}×`, r.pass === null ? 'info' : r.pass ? 'pass' : 'FAIL',
      `${r.bestRatio.toFixed(2)}×`,
    ]),
    [false, true, true, true, true, true, true, false, false, true],
  );
}

/** The micro-benchmark table. */
export function formatMicro(rows: readonly MicroResult[]): string {
  return table(
    ['micro-benchmark', 'n', 'ops/s', 'IQR', 'heap/op', 'buffers/op'],
    rows.map((r) => [
      r.name, r.n.toLocaleString('en-US'), `${fmtOps(r.opsPerSec)}/${r.unit}`, pct(r.spread),
      r.heapPerOp === null ? '—' : `${Math.round(r.heapPerOp)} B`,
      r.buffersPerOp === null ? '—' : `${Math.round(r.buffersPerOp)} B`,
    ]),
    [false, true, true, true, true, true],
  );
}

/** Extra measurements that are not ratios (memory of big dumps …), printed as lines. */
export interface Extra {
  name: string;
  value: Record<string, number | string>;
  text: string;
}

/** Writes the JSON report. */
export function writeJson(file: string, machine: MachineInfo, rows: readonly RowResult[],
  micro: readonly MicroResult[], extras: readonly Extra[]): void {
  const out = {
    machine,
    cases: rows.map((r) => ({
      name: r.name, n: r.n, unit: r.unit, oursOpsPerSec: r.oursOpsPerSec, ipOpsPerSec: r.ipOpsPerSec,
      ratio: r.ratio, targetRatio: r.target, pass: r.pass, oursMedianMs: r.oursMedianMs, ipMedianMs: r.ipMedianMs,
      oursSpread: r.oursSpread, ipSpread: r.ipSpread, bestRatio: r.bestRatio, oursSamplesMs: r.oursSamplesMs, ipSamplesMs: r.ipSamplesMs,
      ...(r.note === undefined ? {} : { note: r.note }),
    })),
    micro,
    extras: extras.map((e) => ({ name: e.name, ...e.value })),
  };
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
}

/** Counts scaled for `--quick` (a tenth, at least `min`). */
export function scaled(options: BenchOptions, n: number, min = 10): number {
  return options.quick ? Math.max(min, Math.round(n / 10)) : n;
}
