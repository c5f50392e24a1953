/**
 * One cold sample, in a fresh node process (started by harness/cold.ts): load the library as a user's
 * `import('rtnetlink')` does, open a handle in the given namespace and build the items (untimed), then
 * time this process's first call into the library —
 * one bulk call, a loop awaiting one request at a time, or `n` dumps whose every object is decoded
 * whole — and print `{"ms": …}` on stdout.
 *
 *   node cold-worker.js '{"job":"routes.addMany","netns":"/run/netns/x","n":10000}'
 *   node cold-worker.js '{"job":"links.toObject","netns":"/run/netns/x","n":3,"expect":1001}'
 *
 * Every result is checked (a sample never comes from failed work; a dump must hold `expect`
 * objects); the parent then checks the namespace's state.
 */
import { performance } from 'node:perf_hooks';
import type { RtNetlink } from '../../lib/netlink/index.js';
import { linkNames, neighborSpecs, routeSpecs } from './items.js';

/**
 * The library as users load it: the bundle package.json `exports` point at (dist/bundle/, compiled
 * from its V8 code cache), not tsc's output the other cases use.
 */
const BUNDLE = new URL('../../bundle/rtnetlink.cjs', import.meta.url);

/** `dumps` dumps listed by `list`, `toObject()` on each object; resolves to the objects per dump (throws if they differ). */
async function decodeDumps(dumps: number, list: () => Promise<Array<{ toObject(): object }>>): Promise<number> {
  let per = -1;
  for (let d = 0; d < dumps; d++) {
    const all = await list();
    let kept = 0;
    for (const x of all) kept += Object.keys(x.toObject()).length > 0 ? 1 : 0;
    if (per !== -1 && kept !== per) throw new Error(`cold worker: dump ${d} decoded ${kept} objects, an earlier one ${per}`);
    per = kept;
  }
  return per;
}

/** The first calls a cold sample can time, by name. */
const JOBS = new Map<string, (nl: RtNetlink, n: number) => { run: () => Promise<unknown> }>([
  ['neighbors.addMany', (nl, n) => {
    const items = neighborSpecs(n);
    return { run: () => nl.neighbors.addMany(items) };
  }],
  ['neighbors.add', (nl, n) => {
    const items = neighborSpecs(n);
    return { run: async () => { for (const item of items) await nl.neighbors.add(item); } };
  }],
  ['routes.addMany', (nl, n) => {
    const items = routeSpecs(n);
    return { run: () => nl.routes.addMany(items) };
  }],
  ['routes.add', (nl, n) => {
    const items = routeSpecs(n);
    return { run: async () => { for (const item of items) await nl.routes.add(item); } };
  }],
  ['links.add', (nl, n) => {
    const names = linkNames(n);
    return { run: async () => { for (const name of names) await nl.links.add({ name, kind: 'ifb' }); } };
  }],
  ['links.toObject', (nl, n) => ({ run: () => decodeDumps(n, () => nl.links.list()) })],
  ['routes.toObject', (nl, n) => ({ run: () => decodeDumps(n, () => nl.routes.list({ family: 4, table: 'main' })) })],
]);

/** The names of the jobs a cold worker runs. */
export type ColdJob = 'neighbors.addMany' | 'neighbors.add' | 'routes.addMany' | 'routes.add' | 'links.add' | 'links.toObject' | 'routes.toObject';

async function main(arg: string | undefined): Promise<void> {
  const spec: unknown = JSON.parse(arg ?? 'null');
  if (typeof spec !== 'object' || spec === null) throw new Error('cold worker: expected a JSON object argument');
  const job = Object.hasOwn(spec, 'job') ? (spec as { job: unknown }).job : undefined;
  const netns = Object.hasOwn(spec, 'netns') ? (spec as { netns: unknown }).netns : undefined;
  const n = Object.hasOwn(spec, 'n') ? (spec as { n: unknown }).n : undefined;
  const expect = Object.hasOwn(spec, 'expect') ? (spec as { expect: unknown }).expect : undefined;
  const make = typeof job === 'string' ? JOBS.get(job) : undefined;
  if (make === undefined) throw new Error(`cold worker: unknown job ${String(job)}`);
  if (typeof netns !== 'string' || !netns.startsWith('/run/netns/')) throw new Error('cold worker: netns must be a file under /run/netns');
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1_000_000) throw new Error('cold worker: n must be a whole number from 1 to 1,000,000');
  if (expect !== undefined && (typeof expect !== 'number' || !Number.isInteger(expect) || expect < 0)) throw new Error('cold worker: expect must be a whole number');
  const { RtNetlink: Client } = await import(BUNDLE.href) as typeof import('../../lib/netlink/index.js');
  const nl = await Client.open({ netns });
  try {
    const { run } = make(nl, n);
    const t0 = performance.now();
    const results = await run();
    const ms = performance.now() - t0;
    if (Array.isArray(results)) {
      const bad = results.findIndex((r: { status?: unknown }) => r.status !== 'fulfilled');
      if (bad !== -1) throw new Error(`cold worker: ${job as string} item ${bad} failed: ${String((results[bad] as { reason?: unknown }).reason)}`);
    }
    if (expect !== undefined && results !== expect) throw new Error(`cold worker: ${job as string} gave ${String(results)}, expected ${expect}`);
    process.stdout.write(`${JSON.stringify({ ms })}\n`);
  } finally {
    nl.close();
  }
}

main(process.argv[2]).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 1;
});
