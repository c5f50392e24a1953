/** Every case of the benchmark, in run order. */
import { comparisonCase } from '../harness/compare.js';
import type { BenchCase } from '../harness/case.js';
import type { BenchOptions } from '../harness/options.js';
import * as addresses from './addresses.js';
import * as codec from './codec.js';
import * as decode from './decode.js';
import * as importCost from './import.js';
import * as links from './links.js';
import * as neighbors from './neighbors.js';
import * as retention from './retention.js';
import * as routes from './routes.js';
import * as sandbox from './sandbox.js';

/** Every case under `options` (making them only builds closures and item lists: nothing runs). */
export function allCases(options: BenchOptions): BenchCase[] {
  const comparisons = [
    ...links.comparisons(options), ...routes.comparisons(options), ...neighbors.comparisons(options),
    ...addresses.comparisons(options), ...sandbox.comparisons(options), ...decode.comparisons(options),
  ];
  return [
    // Import first: it times whole process starts, and the kernel tears the other cases' namespaces
    // down in the background (its cleanup workqueues), which competes for the CPUs a start needs.
    ...importCost.cases(options),
    ...comparisons.map((c) => comparisonCase(c, options)),
    ...retention.cases(options), ...codec.cases(options),
  ];
}
