// The fuzzer inside `npm test`: every golden capture and every saved regression input through every
// target (spec/fuzz/targets.ts), then a bounded fast-check run with a fixed seed, so CI is
// reproducible. Long runs: `npm run fuzz` (spec/fuzz/run.ts).
import test from 'ava';
import { join } from 'node:path';
import { FIXTURES_ROOT, hexFiles, loadCorpus } from './corpus.js';
import { describeFailure, runFuzz } from './engine.js';
import { Escape, TARGETS, exerciseAll, gettersOf } from './targets.js';
import { linkView } from '../../lib/netlink/rtnl/link/view.js';
import { routeView } from '../../lib/netlink/rtnl/route/view.js';

/** The seed of the bounded run. Change it only on purpose: a failure must replay. */
const SEED = 0x6e6c; // 'nl'
/** Inputs of the bounded run: a few seconds on the CI machine. */
const RUNS = 3000;

const regress = hexFiles(join(FIXTURES_ROOT, 'regress'));

test('the saved regression inputs are there (spec/fixtures/regress/*.hex)', (t) => {
  t.true(regress.length >= 2, `${regress.length} files`);
});

for (const input of regress) {
  test(`regression input ${input.name}: only DecodeError (or ValidationError from encode) through every target`, (t) => {
    t.notThrows(() => exerciseAll(input.bytes));
  });
}

test('every golden capture and built seed, unchanged, through every target', (t) => {
  const corpus = loadCorpus();
  t.true(corpus.length > 100, `${corpus.length} seeds`);
  const escapes: string[] = [];
  for (const seed of corpus) {
    try {
      exerciseAll(seed.bytes);
    } catch (e) {
      escapes.push(`${seed.name}: ${e instanceof Escape ? e.message.split('\n')[0] : String(e)}`);
    }
  }
  t.deepEqual(escapes, []);
});

test(`bounded fuzz run: ${RUNS} inputs, seed ${SEED}: nothing but DecodeError escapes, no input hangs`, async (t) => {
  t.log(`seed ${SEED}, ${RUNS} inputs over ${TARGETS.length} targets (replay a failure with the npm run fuzz command it prints)`);
  const result = await runFuzz({ seed: SEED, runs: RUNS, workers: 1, slowMs: 5000, hangMs: 30_000 });
  t.log(`${result.count} inputs in ${(result.elapsedMs / 1000).toFixed(1)} s`);
  t.is(result.failures.length, 0, result.failures.map(describeFailure).join('\n\n'));
  t.true(result.count >= RUNS, `${result.count} inputs ran`);
});

test('the getters of every view are found on its prototype chain (new getters are fuzzed without listing them)', (t) => {
  const corpus = loadCorpus();
  const link = corpus.find((s) => s.name === 'link/newlink-veth.hex')!;
  const route = corpus.find((s) => s.name === 'route/inet4-multipath.hex')!;
  const linkGetters = gettersOf(linkView(link.bytes, 0, link.bytes.length));
  for (const name of ['ifindex', 'name', 'linkInfo', 'stats', 'afSpec', 'attributes', 'raw', 'messageType']) t.true(linkGetters.includes(name), name);
  const routeGetters = gettersOf(routeView(route.bytes, 0, route.bytes.length));
  for (const name of ['dst', 'multipath', 'encap', 'metrics', 'unknown', 'attributes', 'raw']) t.true(routeGetters.includes(name), name);
});

test('the engine reports an escape with its seed, a replay path and the shrunk input, and the path replays it', async (t) => {
  const inject = { kind: 'throw' as const, byte: 0x42 };
  const first = await runFuzz({ seed: 7, runs: 2000, inject });
  t.is(first.failures.length, 1);
  const f = first.failures[0]!;
  t.is(f.kind, 'escape');
  t.is(f.seed, 7);
  t.truthy(f.path);
  t.true(Buffer.from(f.hex!, 'hex').includes(0x42), f.hex);
  t.regex(f.error, /injected escape/);
  t.regex(describeFailure(f), /npm run fuzz -- --seed 7 --path /);
  const again = await runFuzz({ seed: f.seed, runs: 1, path: f.path!, inject });
  t.deepEqual(again.failures.map((g) => g.hex), [f.hex]);
});

test('the engine stops an input that never returns and reports it as a hang with the input', async (t) => {
  const result = await runFuzz({ seed: 7, runs: 2000, inject: { kind: 'hang', byte: 0x42 }, hangMs: 1500 });
  t.is(result.failures.length, 1);
  const f = result.failures[0]!;
  t.is(f.kind, 'hang');
  t.true(Buffer.from(f.hex!, 'hex').includes(0x42), f.hex);
  t.true(TARGETS.includes(f.target!));
});
