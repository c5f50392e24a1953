/**
 * `rtnl bench [options]`: the repository's benchmark (benchmarks/bench.ts, `runBenchmark`) from
 * the CLI. The harness compares the library with `ip -batch`, so it runs programs and is not part
 * of the npm package: from an installed package this command says so and where to get it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Context } from './context.js';
import { CliFailure } from './errors.js';

/**
 * Where the compiled harness lies in a built checkout (dist/benchmarks/bench.js), relative to this
 * code: from tsc's output (dist/lib/cli/) or from the bundle (dist/bundle/cli.cjs).
 */
const HARNESS_PLACES = [new URL('../../benchmarks/bench.js', import.meta.url), new URL('../benchmarks/bench.js', import.meta.url)];

/** The harness's entry point. */
interface Harness {
  runBenchmark(argv: readonly string[]): Promise<number>;
}

/** What an installed package prints instead of running the benchmark. */
export const NOT_SHIPPED = 'rtnl bench: the benchmark harness (benchmarks/) is not part of the npm package: it drives\n'
  + 'iproute2 for comparison, and the package never runs programs. Run it from a clone of the repository:\n'
  + '  git clone https://github.com/rtnetlink/rtnetlink && cd rtnetlink && npm install && npm run bench -- --help';

/** Runs the benchmark with `words` as its options and resolves to its exit status. */
export async function bench(ctx: Context, words: readonly string[]): Promise<number> {
  const place = HARNESS_PLACES.find((url) => existsSync(fileURLToPath(url)));
  if (place === undefined) throw new CliFailure(NOT_SHIPPED);
  const harness = await (ctx.io.importModule?.(place.href) ?? import(place.href)) as Harness;
  return harness.runBenchmark(words);
}
