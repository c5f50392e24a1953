/**
 * `npm run bench` (`node dist/benchmarks/run.js [options]`): rtnetlink beside iproute2's
 * `ip -batch`, doing the same work in the same run. `--help` explains the options; bench.ts
 * holds the benchmark as a function.
 */
import { runBenchmark } from './bench.js';

process.exitCode = await runBenchmark(process.argv.slice(2));
