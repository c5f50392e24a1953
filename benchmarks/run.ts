/**
 * `npm run bench`: rtnetlink beside iproute2's `ip -batch`, doing the same work in the same run.
 *
 *   npm run bench [-- --filter <substring>] [--quick] [--json <file>] [--reps <n>]
 *
 * Isolation: as root, the script re-executes itself inside fresh network and mount namespaces
 * (`unshare --net --mount --propagation private`) with a private tmpfs on /run/netns, so every
 * namespace it creates lives in there and nothing — even after a crash — is left in the machine's
 * own namespace or /run/netns. Without root it prints one line saying so and exits non-zero.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { NetlinkError } from '../lib/netlink/index.js';
import {
  NEEDS_ROOT, formatMicro, repsFor, formatRows, ipStartup, machineInfo, parseOptions, progress, runComparison, selected,
  shutdown, writeJson, type BenchOptions, type Comparison, type Extra, type MicroResult, type RowResult,
} from './harness.js';
import * as codec from './cases/codec.js';
import * as addresses from './cases/addresses.js';
import * as links from './cases/links.js';
import * as neighbors from './cases/neighbors.js';
import * as routes from './cases/routes.js';
import * as sandbox from './cases/sandbox.js';

const ISOLATED = 'RTNETLINK_BENCH_ISOLATED';

/** Every comparison, in report order. */
function comparisons(o: BenchOptions): Comparison[] {
  return [...links.comparisons(o), ...routes.comparisons(o), ...neighbors.comparisons(o), ...addresses.comparisons(o), ...sandbox.comparisons(o)];
}

/** Re-executes this script isolated; resolves to its exit code. */
function reexecIsolated(argv: readonly string[]): Promise<number> {
  const script = fileURLToPath(import.meta.url);
  const inner = [
    'mkdir -p /run/netns',
    'mount -t tmpfs -o mode=0755 rtnetlink-bench /run/netns',
    'ip link set lo up',
    `exec "${process.execPath}" "${script}" "$@"`,
  ].join(' && ');
  const child = spawn('unshare', ['--net', '--mount', '--propagation', 'private', '--', 'sh', '-c', inner, 'sh', ...argv],
    { stdio: ['inherit', 'inherit', 'pipe'], env: { ...process.env, [ISOLATED]: '1' } });
  let unshareFailed = false;
  child.stderr.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    // unshare itself failing (root without CAP_SYS_ADMIN, e.g. in a container): say it in one line.
    if (/^unshare: /m.test(text) || /^mount: /m.test(text)) unshareFailed = true;
    else process.stderr.write(chunk);
  });
  return new Promise((resolve) => {
    child.on('error', () => { console.error(NEEDS_ROOT); resolve(1); });
    child.on('close', (code, signal) => {
      if (unshareFailed) { console.error(NEEDS_ROOT); resolve(1); return; }
      if (signal) console.error(`rtnetlink bench: killed by ${signal}`);
      resolve(code ?? 1);
    });
  });
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (e) {
    console.error(`rtnetlink bench: ${(e as Error).message}; usage: npm run bench -- [--filter <substring>] [--quick] [--json <file>] [--reps <n>]`);
    return 2;
  }
  if (process.env[ISOLATED] !== '1') {
    if (process.getuid?.() !== 0) {
      console.error(NEEDS_ROOT);
      return 1;
    }
    return reexecIsolated(process.argv.slice(2));
  }

  const t0 = Date.now();
  const loadStart = loadavg()[0] ?? 0;
  let startup: { ms: number; spread: number };
  try {
    startup = await ipStartup();
  } catch (e) {
    if (e instanceof NetlinkError && (e.code === 'EPERM' || e.code === 'EACCES')) {
      console.error(NEEDS_ROOT);
      return 1;
    }
    throw e;
  }
  const rows: RowResult[] = [];
  const micro: MicroResult[] = [];
  const extras: Extra[] = [];
  try {
    for (const c of comparisons(options)) {
      if (!selected(c, options.filter)) continue;
      const r = await runComparison(c, repsFor(c, options));
      rows.push(...r.rows);
      extras.push(...r.extras);
    }
    if (selected({ title: codec.CODEC_GROUP, rows: [] }, options.filter)) micro.push(...await codec.micro(options));
  } finally {
    await shutdown();
  }
  if (rows.length === 0 && micro.length === 0) {
    console.error(`rtnetlink bench: no case matches --filter ${options.filter ?? ''}`);
    return 2;
  }

  const machine = machineInfo(startup.ms, startup.spread, options, loadStart);
  const out: string[] = [];
  out.push(`rtnetlink bench — node ${machine.node}, kernel ${machine.kernel}, iproute2 ${machine.iproute2}, ` +
    `${machine.cpus} × ${machine.cpuModel}${options.quick ? ' (--quick: smoke run, not a measurement)' : ''}`);
  out.push(`median of ${options.reps} runs each${options.repsGiven || options.reps <= 5 ? '' : ' (5 for addresses and sandboxes)'}, after one warm-up run; ` +
    `± is the spread (max − min) / median; ratio = ours ÷ ip ops/s of the medians (> 1: we are faster), judged against the target; ` +
    `best = the same ratio of the fastest runs`);
  out.push(`load average ${machine.loadStart.toFixed(2)} at start, ${machine.loadEnd.toFixed(2)} at end, on ${machine.cpus} CPUs ` +
    `(other work on the machine inflates and spreads both sides)`);
  out.push(`ip startup (ip -n <ns> -batch <empty file>, included in every ip time, never subtracted): ` +
    `${startup.ms.toFixed(2)} ms (± ${Math.round(startup.spread * 100)}%)`);
  if (rows.length > 0) {
    out.push('', formatRows(rows));
    const notes = rows.filter((r) => r.note !== undefined);
    if (notes.length > 0) out.push('', ...notes.map((r) => `* ${r.name}: ${r.note!}`));
    const scored = rows.filter((r) => r.pass !== null);
    out.push('', `${scored.filter((r) => r.pass).length} of ${scored.length} targets met`);
  }
  if (extras.length > 0) out.push('', ...extras.map((e) => e.text));
  if (micro.length > 0) out.push('', formatMicro(micro));
  out.push('', `total time ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  console.log(out.join('\n'));
  if (options.json !== undefined) {
    writeJson(options.json, machine, rows, micro, extras);
    progress(`wrote ${options.json}`);
  }
  return 0;
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => {
  console.error('rtnetlink bench failed:', e);
  process.exitCode = 1;
});
