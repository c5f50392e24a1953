/**
 * Routes (issue 3, issue 9): add then delete 10,000 IPv4 routes in one bulk call; add them awaited
 * one at a time (warm and cold) and in one bulk call as a fresh process's first call; dump 10,000
 * and 100,000 routes — each beside `ip -batch` doing the same requests; plus the memory a
 * 100,000-route dump costs through `routes.list()` and `routes.stream()`.
 *
 * Routes are `A.B.C.0/24 dev d0 scope link` (A.B.C counting up from 10.0.0), d0 an up veth, in the
 * main table: what `ip route add 10.0.0.0/24 dev d0 scope link` makes.
 */
import { RtNetlink } from '../../lib/netlink/index.js';
import { expectFulfilled, timeBulk, type Comparison } from '../harness/compare.js';
import { batchFile, ipBatch } from '../harness/ip.js';
import { createNamespaceWithLink, deleteNamespace, inFreshNamespace, withHandle, type Namespace } from '../harness/namespaces.js';
import { scaled, type BenchOptions } from '../harness/options.js';
import type { Extra } from '../harness/results.js';
import { settleHeap, time } from '../harness/stats.js';
import { coldAndSequential } from './cold-sequential.js';
import { routeLines, routeSpecs } from './items.js';

/** The main-table IPv4 routes, what `ip route show` asks for (family AF_INET, RTA_TABLE main). */
export const MAIN4 = { family: 4, table: 'main' } as const;

/** Throws unless the main table holds `want` IPv4 routes. */
export async function expectRoutes(nl: RtNetlink, want: number, side: string): Promise<void> {
  const got = (await nl.routes.list(MAIN4)).length;
  if (got !== want) throw new Error(`${side}: expected ${want} routes in table main, found ${got}`);
}

/** Bulk add then bulk delete, each run in a fresh namespace. */
function addDel(o: BenchOptions): Comparison {
  const n = scaled(o, 10_000, 100);
  const all = routeSpecs(n);
  return {
    title: `routes: add then delete ${n} routes`,
    estimateS: 12,
    rows: [
      {
        name: `routes: add ${n} (addMany)`, mode: 'warm', n, unit: 'route', ours: [0, 'add'], ip: 'add', target: 1.5,
        note: 'ours: one routes.addMany of `{ dst, oif: \'d0\', scope: \'link\' }` (packed into datagrams); ip: one `route add A.B.C.0/24 dev d0 scope link` line each',
      },
      {
        name: `routes: delete ${n} (delMany)`, mode: 'warm', n, unit: 'route', ours: [0, 'del'], ip: 'del', target: 1.5,
        note: 'ours: one routes.delMany with the same specs; ip: one `route del … dev d0 scope link` line each',
      },
    ],
    ip: () => inFreshNamespace(async (ns) => {
      const add = await ipBatch(ns, batchFile('routes-add', routeLines('add', n)));
      await withHandle(ns, (nl) => expectRoutes(nl, n, 'ip add'));
      const del = await ipBatch(ns, batchFile('routes-del', routeLines('del', n)));
      await withHandle(ns, (nl) => expectRoutes(nl, 0, 'ip del'));
      return { add, del };
    }),
    ours: [{
      run: () => inFreshNamespace((ns) => withHandle(ns, async (nl) => {
        const add = await timeBulk('routes.addMany', () => nl.routes.addMany(all), () => expectRoutes(nl, n, 'ours add'));
        const del = await timeBulk('routes.delMany', () => nl.routes.delMany(all), () => expectRoutes(nl, 0, 'ours del'));
        return { add, del };
      })),
    }],
  };
}

/** Dumps of `routes` routes, `dumps` times per run, through list() and stream(), with lazy views reading `dst`. */
function dump(o: BenchOptions, routes: number, dumps: number, withMemory: boolean): Comparison {
  const n = scaled(o, routes, 100);
  let ns: Namespace | undefined;
  let nl: RtNetlink | undefined;
  let sink = 0;
  const label = `routes: dump ${n} ×${dumps}`;
  const c: Comparison = {
    title: `routes: dump ${n.toLocaleString('en-US')} routes ×${dumps}`,
    estimateS: withMemory ? 11 : 6,
    maxDefaultReps: 5,
    rows: [
      {
        name: `${label} (list, read dst)`, mode: 'warm', n: n * dumps, unit: 'route', ours: [0, 'dump'], ip: 'dump', target: 0.8,
        note: 'ours: routes.list({ family: 4, table: \'main\' }) into Route objects, reading `dst` of every route (decoding is lazy: fields nobody reads cost nothing); ip: `route show` (the same request: AF_INET, RTA_TABLE main) formatting text to /dev/null',
      },
      {
        name: `${label} (stream, read dst)`, mode: 'warm', n: n * dumps, unit: 'route', ours: [1, 'dump'], ip: 'dump', target: 0.8,
        note: 'ours: for await of routes.stream({ family: 4, table: \'main\' }), reading `dst`; ip: the same `route show` runs',
      },
    ],
    before: async () => {
      ns = await createNamespaceWithLink();
      nl = await RtNetlink.open({ netns: ns.path });
      expectFulfilled('routes.addMany (setup)', await nl.routes.addMany(routeSpecs(n)));
    },
    after: async () => {
      nl?.close();
      if (ns) await deleteNamespace(ns);
    },
    ip: async () => ({ dump: await ipBatch(ns, batchFile('routes-dump', Array<string>(dumps).fill('route show'))) }),
    ours: [
      {
        run: async () => {
          let count = 0;
          const ms = await time(async () => {
            for (let d = 0; d < dumps; d++) {
              const list = await nl!.routes.list(MAIN4);
              for (const r of list) sink += r.dst.length;
              count += list.length;
            }
          });
          if (count !== n * dumps) throw new Error(`routes list: got ${count} routes, expected ${n * dumps}`);
          return { dump: ms };
        },
      },
      {
        run: async () => {
          let count = 0;
          const ms = await time(async () => {
            for (let d = 0; d < dumps; d++) {
              for await (const r of nl!.routes.stream(MAIN4)) {
                sink += r.dst.length;
                count++;
              }
            }
          });
          if (count !== n * dumps) throw new Error(`routes stream: got ${count} routes, expected ${n * dumps}`);
          return { dump: ms };
        },
      },
    ],
  };
  if (withMemory) c.extra = async () => [await memory(nl!, n)];
  void sink;
  return c;
}

/**
 * Memory of one dump of `n` routes, as what stays reachable (measured after a full GC, so garbage
 * not yet collected does not count): list() once the array of every Route is complete (its peak),
 * stream() at samples taken every `n/10` routes while the loop runs (its peak), each against a
 * baseline taken right before. Heap, external buffers (the receive slabs views point into) and RSS.
 */
async function memory(nl: RtNetlink, n: number): Promise<Extra> {
  const usage = (): { heap: number; external: number; rss: number } => {
    const m = process.memoryUsage();
    // `external` already includes `arrayBuffers` (the receive slabs).
    return { heap: m.heapUsed, external: m.external, rss: m.rss };
  };
  await settleHeap();
  let base = usage();
  const list = await nl.routes.list(MAIN4);
  let sink = 0;
  for (const r of list) sink += r.dst.length;
  await settleHeap();
  const held = usage();
  const listed = { heap: held.heap - base.heap, external: held.external - base.external, rss: held.rss - base.rss };
  list.length = 0;
  await settleHeap();
  base = usage();
  const peak = { heap: 0, external: 0, rss: 0 };
  const every = Math.max(1, Math.floor(n / 10));
  let i = 0;
  for await (const r of nl.routes.stream(MAIN4)) {
    sink += r.dst.length;
    if (++i % every === 0) {
      await settleHeap();
      const u = usage();
      peak.heap = Math.max(peak.heap, u.heap - base.heap);
      peak.external = Math.max(peak.external, u.external - base.external);
      peak.rss = Math.max(peak.rss, u.rss - base.rss);
    }
  }
  void sink;
  const mb = (x: number): string => `${x < 0 ? '-' : '+'}${(Math.abs(x) / 1048576).toFixed(1)} MB`;
  return {
    name: `routes: memory of one ${n}-route dump`,
    value: {
      routes: n,
      listHeapBytes: listed.heap, listExternalBytes: listed.external, listRssBytes: listed.rss,
      streamPeakHeapBytes: peak.heap, streamPeakExternalBytes: peak.external, streamPeakRssBytes: peak.rss,
    },
    text: `routes: memory of one ${n.toLocaleString('en-US')}-route dump (reachable after GC, vs. before the dump): ` +
      `list() holding all: heap ${mb(listed.heap)}, buffers ${mb(listed.external)}, RSS ${mb(listed.rss)}; ` +
      `stream() peak while looping: heap ${mb(peak.heap)}, buffers ${mb(peak.external)}, RSS ${mb(peak.rss)}`,
  };
}

/** Every route comparison, in report order. */
export function comparisons(o: BenchOptions): Comparison[] {
  const n = scaled(o, 10_000, 100);
  const cold = coldAndSequential({
    family: 'routes', service: 'routes', n, unit: 'route', estimateS: 18, items: routeSpecs(n), ipLines: routeLines('add', n),
    bulkJob: 'routes.addMany', seqJob: 'routes.add', targets: { cold: 1.5, seqCold: null, seq: 1.1 },
    add: (nl, r) => nl.routes.add(r), delMany: (nl, all) => nl.routes.delMany(all), expect: expectRoutes,
  });
  return [addDel(o), cold, dump(o, 10_000, 10, false), dump(o, 100_000, 2, true)];
}
