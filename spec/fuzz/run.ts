/**
 * `npm run fuzz`: long fuzzing runs of the decoders (see targets.ts for what runs and what counts
 * as an escape).
 *
 *   npm run fuzz                                  1,000,000 inputs, a random seed, one worker per CPU
 *   npm run fuzz -- --runs 5000000 --workers 2    more inputs
 *   npm run fuzz -- --time 300                    stop after 5 minutes (whatever the count)
 *   npm run fuzz -- --seed 42                     a given seed (worker i uses seed + i)
 *   npm run fuzz -- --seed S --path P             replay a failure fast-check printed
 *   npm run fuzz -- --save                        also write each failure to spec/fixtures/regress/
 *
 * Prints the seeds, progress (inputs, inputs/s), then each failure with its replay command and
 * the shrunk input in hex. Exits 1 when anything escaped. A replay path holds for the corpus it was
 * found with (spec/fixtures/ at that commit): save the input (--save) to keep it for good; the
 * replay test in fuzz.spec.ts then runs it through every target on every `npm test`.
 */
import { availableParallelism } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_ROOT } from './corpus.js';
import { describeFailure, runFuzz, type FuzzFailure } from './engine.js';

function usage(message: string): never {
  console.error(`fuzz: ${message}\nusage: npm run fuzz -- [--runs N] [--time SECONDS] [--seed N] [--path P] [--workers N] [--slow MS] [--hang MS] [--save]`);
  process.exit(2);
}

const args = process.argv.slice(2);
const opts: Record<string, string | true> = {};
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (!a.startsWith('--')) usage(`unexpected argument ${a}`);
  const key = a.slice(2);
  if (key === 'save') { opts.save = true; continue; }
  if (!['runs', 'time', 'seed', 'path', 'workers', 'slow', 'hang'].includes(key)) usage(`unknown option ${a}`);
  const v = args[++i];
  if (v === undefined) usage(`${a} needs a value`);
  opts[key] = v;
}

function intOption(name: string, fallback: number, min: number): number {
  const v = opts[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) usage(`--${name} must be an integer >= ${min}`);
  return n;
}

const seed = intOption('seed', (Math.random() * 0x7fffffff) | 0, -0x80000000);
const runs = intOption('runs', 1_000_000, 1);
const time = opts.time === undefined ? undefined : intOption('time', 0, 1);
const workers = intOption('workers', Math.max(1, Math.min(availableParallelism(), 4)), 1);
const path = typeof opts.path === 'string' ? opts.path : undefined;

/** Saves a failure as a regression input (hex with provenance lines). */
function save(f: FuzzFailure): string | undefined {
  if (f.hex === undefined) return undefined;
  const dir = join(FIXTURES_ROOT, 'regress');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${f.target ?? 'unknown'}-${f.kind}-seed${f.seed}.hex`);
  const firstLine = f.error.split('\n')[0] ?? '';
  const body = (f.hex.match(/.{1,64}/g) ?? []).join('\n');
  writeFileSync(file, `# ${f.kind} found by npm run fuzz (seed ${f.seed}${f.path === undefined ? '' : `, path ${f.path}`}), target ${f.target ?? '?'}, ${new Date().toISOString().slice(0, 10)}\n# ${firstLine}\n${body}\n`);
  return file;
}

console.log(`fuzz: seed ${seed}${workers > 1 ? ` (workers use ${seed} … ${seed + workers - 1})` : ''}, ${path === undefined ? `${runs} inputs` : `replaying path ${path}`}${time === undefined ? '' : `, at most ${time} s`}, ${path === undefined ? workers : 1} worker(s)`);
const result = await runFuzz({
  seed,
  runs,
  workers,
  ...(path === undefined ? {} : { path }),
  ...(time === undefined ? {} : { timeLimitMs: time * 1000 }),
  slowMs: intOption('slow', 2000, 1),
  hangMs: intOption('hang', 20_000, 1000),
  onProgress: (count, ms) => {
    if (Math.round(ms / 1000) % 10 === 0) console.log(`fuzz: ${count} inputs in ${(ms / 1000).toFixed(0)} s (${Math.round(count / (ms / 1000))}/s)`);
  },
});

const seconds = result.elapsedMs / 1000;
console.log(`fuzz: ${result.count} inputs in ${seconds.toFixed(1)} s, ${Math.round(result.count / seconds)} inputs/s, seeds ${result.seeds.join(', ')}`);
for (const f of result.failures) {
  console.log(`\n${describeFailure(f)}`);
  if (opts.save === true) console.log(`  saved as ${save(f) ?? '(no input to save)'}`);
}
console.log(result.failures.length === 0 ? 'fuzz: no escape' : `fuzz: ${result.failures.length} failure(s)`);
process.exit(result.failures.length === 0 ? 0 : 1);
