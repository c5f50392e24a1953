/**
 * The benchmark as a function: `runBenchmark(argv)` parses the options, re-executes itself isolated
 * (as root), runs the selected cases with a progress line each on stderr, prints the report on
 * stdout and writes the JSON and the SVG chart. `npm run bench` calls it through run.ts; a CLI
 * (`rtnl bench`) can call it the same way.
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NetlinkError } from '../lib/netlink/index.js';
import { allCases } from './cases/index.js';
import { selected, type BenchCase } from './harness/case.js';
import { renderChart } from './harness/chart.js';
import { formatTarget } from './harness/format.js';
import { ipStartup, releaseIp } from './harness/ip.js';
import { NEEDS_ROOT, isolated, runIsolated } from './harness/isolation.js';
import { machineInfo } from './harness/machine.js';
import { releaseNamespaces } from './harness/namespaces.js';
import { HELP, UsageError, parseOptions, type BenchOptions } from './harness/options.js';
import { Progress, formatDuration } from './harness/progress.js';
import { formatReport, orderRows, reportJson, writeReportFile, type CaseTiming, type RunResult } from './harness/report.js';
import type { Extra, MicroResult, Row } from './harness/results.js';

/** The script the isolated process runs (this benchmark's entry point). */
const ENTRY = fileURLToPath(new URL('./run.js', import.meta.url));

/**
 * Runs the benchmark with command-line arguments `argv` (what follows `npm run bench --`) and
 * resolves to the exit status: 0 when the run completed (whether or not every target was met),
 * 1 without privileges or on an error, 2 on a bad option or a filter that matches nothing.
 * Never rejects.
 */
export async function runBenchmark(argv: readonly string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (e) {
    console.error('rtnetlink bench failed:', e);
    return 1;
  }
}

async function run(argv: readonly string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`rtnetlink bench: ${e.message}\nTry 'npm run bench -- --help'.`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const cases = allCases(options).filter((c) => selected(c, options.filter));
  if (cases.length === 0) {
    console.error(`rtnetlink bench: no case matches --filter ${options.filter ?? ''} (see --list)`);
    return 2;
  }
  if (options.list) {
    printList(cases);
    return 0;
  }
  if (!isolated()) {
    if (process.getuid?.() !== 0) {
      console.error(NEEDS_ROOT);
      return 1;
    }
    return runIsolated(ENTRY, argv);
  }
  return measure(options, cases);
}

/** `--list`: every selected case's rows with mode, target and repetitions. */
function printList(cases: readonly BenchCase[]): void {
  const rows = cases.flatMap((c) => c.rows.map((r) => ({ ...r, reps: c.reps })));
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`${'case'.padEnd(width)}  ${'mode'.padEnd(8)}  ${'target'.padEnd(7)}  reps`);
  for (const r of rows) console.log(`${r.name.padEnd(width)}  ${r.mode.padEnd(8)}  ${formatTarget(r.target).padEnd(7)}  ${r.reps}`);
}

/** The measurement itself, inside isolation. */
async function measure(options: BenchOptions, cases: readonly BenchCase[]): Promise<number> {
  const date = new Date();
  const loadStart = loadavg();
  let startup: { ms: number; spread: number };
  try {
    startup = await ipStartup();
  } catch (e) {
    await releaseNamespaces();
    if (e instanceof NetlinkError && (e.code === 'EPERM' || e.code === 'EACCES')) {
      console.error(NEEDS_ROOT);
      return 1;
    }
    throw e;
  }
  const progress = new Progress(cases.map((c) => c.estimateS));
  const rows: Row[] = [];
  const micro: MicroResult[] = [];
  const extras: Extra[] = [];
  const timings: CaseTiming[] = [];
  try {
    for (const [i, c] of cases.entries()) {
      progress.start(i, c.title, c.reps);
      const r = await c.run((done) => progress.rep(done, c.reps));
      timings.push({ title: c.title, reps: c.reps, seconds: progress.end(), estimateS: c.estimateS });
      rows.push(...r.rows);
      micro.push(...r.micro);
      extras.push(...r.extras);
    }
  } finally {
    await releaseNamespaces();
    releaseIp();
  }
  const run: RunResult = { machine: machineInfo(startup, loadStart, date), options, durationS: progress.elapsedS(), cases: timings, rows, micro, extras };
  console.log(formatReport(run));
  const json = resolve(options.json);
  writeReportFile(json, `${JSON.stringify(reportJson(run), null, 2)}\n`);
  progress.note(`wrote ${json}`);
  const svgFile = resolve(options.svg);
  try {
    writeReportFile(svgFile, await renderChart(orderRows(run.rows), run.machine, options.quick));
  } catch (e) {
    console.error(`rtnetlink bench: could not draw the chart ${svgFile}:`, e);
    return 1;
  }
  progress.note(`wrote ${svgFile}`);
  progress.note(`done in ${formatDuration(progress.elapsedS())}`);
  return 0;
}
