/**
 * Command-line options of `npm run bench` (parsed with `util.parseArgs`) and the help text that
 * explains each of them.
 */
import { parseArgs } from 'node:util';

/** Command-line options of `npm run bench`. */
export interface BenchOptions {
  /** Only cases whose name, title or mode contains this substring (case-insensitive); undefined: all. */
  filter: string | undefined;
  /** A tenth of the counts and 3 repetitions: a smoke run that checks every case still runs, not a measurement. */
  quick: boolean;
  /**
   * Measured repetitions for every case when given (`--reps`); undefined: each case's own default
   * (7, or 5 where one repetition takes seconds, 2 for retention, 21 for import; 3 with `--quick`).
   */
  reps: number | undefined;
  /** Folder the report files go to (JSON and SVG chart), unless `json` / `svg` name other files. */
  out: string;
  /** The JSON report's file. */
  json: string;
  /** The SVG chart's file. */
  svg: string;
  /** Print the cases (name, mode, target, repetitions) and exit without measuring. */
  list: boolean;
  /** Print the help text and exit. */
  help: boolean;
}

/** A bad command line: the message says what is wrong (exit status 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The folder report files go to by default (relative to the working directory). */
export const DEFAULT_OUT = 'bench-results';

/** The help text of `npm run bench -- --help`. */
export const HELP = `Usage: npm run bench -- [options]        (as root: every case works in throwaway namespaces)

Runs rtnetlink beside iproute2's \`ip -batch\` doing the same work in the same run, and prints a
table of ratios (ours ÷ ip ops/s, > 1: we are faster) judged against each case's target. Progress
goes to stderr, one line per case; the table to stdout; JSON and an SVG chart to files.

Options:
  -f, --filter <text>  only cases whose name, title or mode contains <text> (case-insensitive),
                       e.g. --filter routes, --filter cold, --filter codec, --filter import
  -q, --quick          smoke run: a tenth of every count (1000 links → 100, 10,000 routes →
                       1000, 10 sandboxes → 3) and 3 repetitions; checks that every case
                       runs, its numbers are not measurements
  -r, --reps <n>       measured repetitions for every case (default: each case's own, as
                       --list shows: 7, or 5 where one repetition takes seconds, 2 for
                       retention, 21 for import; 3 with --quick)
  -o, --out <dir>      folder for the report files (default: ${DEFAULT_OUT}/); created if missing
      --json <file>    the JSON report (default: <out>/bench.json)
      --svg <file>     the SVG chart of each case's ratio against its target
                       (default: <out>/bench.svg)
  -l, --list           print every case with its mode, target and repetitions, then exit
                       (needs no root; takes --filter, --quick and --reps into account)
  -h, --help           print this help and exit

Exit status: 0 when the run completed, whether or not every target was met (the table says);
1 without privileges or on an error; 2 on a bad option or a filter that matches nothing.
The defaults take 2–3 minutes on 2 CPUs. See benchmarks/README.md for what each case does.
`;

/**
 * Parses the arguments after `npm run bench --` (or `rtnl bench`). Throws {@link UsageError} on an
 * unknown option, a missing value or a bad repetition count.
 */
export function parseOptions(argv: readonly string[]): BenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        filter: { type: 'string', short: 'f' },
        quick: { type: 'boolean', short: 'q' },
        reps: { type: 'string', short: 'r' },
        out: { type: 'string', short: 'o' },
        json: { type: 'string' },
        svg: { type: 'string' },
        list: { type: 'boolean', short: 'l' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  let reps: number | undefined;
  if (v.reps !== undefined) {
    if (!/^[1-9][0-9]{0,3}$/.test(v.reps)) throw new UsageError(`--reps needs a whole number from 1 to 9999, not '${v.reps}'`);
    reps = Number(v.reps);
  }
  for (const [name, value] of [['filter', v.filter], ['out', v.out], ['json', v.json], ['svg', v.svg]] as const) {
    if (value !== undefined && (value.length === 0 || value.includes('\0'))) throw new UsageError(`--${name} needs a non-empty value without NUL bytes`);
  }
  const out = v.out ?? DEFAULT_OUT;
  return {
    filter: v.filter,
    quick: v.quick === true,
    reps,
    out,
    json: v.json ?? `${out}/bench.json`,
    svg: v.svg ?? `${out}/bench.svg`,
    list: v.list === true,
    help: v.help === true,
  };
}

/** Counts scaled for `--quick` (a tenth, at least `min`). */
export function scaled(options: Pick<BenchOptions, 'quick'>, n: number, min = 10): number {
  return options.quick ? Math.max(min, Math.round(n / 10)) : n;
}

/** How a case chooses its repetitions when `--reps` is not given. */
export interface RepsPolicy {
  /** More default repetitions for samples that scatter widely (kernel-bound work). */
  minDefaultReps?: number;
  /** Fewer default repetitions for runs that take seconds. */
  maxDefaultReps?: number;
}

/** The default repetitions of a case (without `--reps`, `--quick`, or a per-case policy). */
export const DEFAULT_REPS = 7;

/** The repetitions of a case under `options`. */
export function repsFor(policy: RepsPolicy, options: Pick<BenchOptions, 'quick' | 'reps'>): number {
  if (options.reps !== undefined) return options.reps;
  if (options.quick) return 3;
  if (policy.minDefaultReps !== undefined) return Math.max(DEFAULT_REPS, policy.minDefaultReps);
  return policy.maxDefaultReps === undefined ? DEFAULT_REPS : Math.min(DEFAULT_REPS, policy.maxDefaultReps);
}
