/**
 * Issue 3 (routes): add then delete 10,000 IPv4 routes, and dump 10,000 and 100,000 routes — each
 * beside `ip -batch` doing the same requests; plus the memory a 100,000-route dump costs through
 * `routes.list()` (everything held) and `routes.stream()` (one datagram at a time).
 *
 * Routes are `A.B.C.0/24 dev d0 scope link` (A.B.C counting up from 10.0.0), d0 an up veth, in the
 * main table: what `ip route add 10.0.0.0/24 dev d0 scope link` makes.
 */
import type { RouteSpec } from '../../lib/netlink/rtnl/route/service.js';
import {
  UP_LINK, batchFile, createNamespaceWithLink, deleteNamespace, expectFulfilled, ipBatch, scaled, settleHeap, time, timeBulk, withHandle,
  type BenchOptions, type Comparison, type Extra, type Namespace,
} from '../harness.js';
import { RtNetlink } from '../../lib/netlink/index.js';

/** The i-th /24 prefix (i < 2^24 - 10·2^16). */
function prefix(i: number): string {
  return `${10 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24`;
}

function specs(n: number): RouteSpec[] {
  return Array.from({ length: n }, (_, i) => ({ dst: prefix(i), oif: UP_LINK, scope: 'link' as const }));
}

function ipLines(verb: 'add' | 'del', n: number): string[] {
  return Array.from({ length: n }, (_, i) => `route ${verb} ${prefix(i)} dev ${UP_LINK} scope link`);
}

/** The main-table IPv4 routes, what `ip route show` asks for (family AF_INET, RTA_TABLE main). */
const MAIN4 = { family: 4, table: 'main' } as const;

/** Throws unless the main table holds `want` IPv4 routes. */
async function expectRoutes(nl: RtNetlink, want: number, side: string): Promise<void> {
  const got = (await nl.routes.list(MAIN4)).length;
  if (got !== want) throw new Error(`${side}: expected ${want} routes in table main, found ${got}`);
}

function addDel(o: BenchOptions): Comparison {
  const n = scaled(o, 10_000, 100);
  const all = specs(n);
  return {
    title: `routes: add then delete ${n} routes`,
    rows: [
      {
        name: `routes: add ${n} (/24 dev d0 scope link)`, n, unit: 'route', ours: [0, 'add'], ip: 'add', target: 1.5,
        note: 'ours: one routes.addMany of all items (packed into datagrams by the engine); ip: one `route add … dev d0 scope link` line each',
      },
      {
        name: `routes: delete ${n}`, n, unit: 'route', ours: [0, 'del'], ip: 'del', target: 1.5,
        note: 'ours: one routes.delMany with the same specs; ip: one `route del … dev d0 scope link` line each',
      },
    ],
    ip: async () => {
      const ns = await createNamespaceWithLink();
      try {
        const addFile = batchFile('routes-add', ipLines('add', n));
        const delFile = batchFile('routes-del', ipLines('del', n));
        const add = ipBatch(ns, addFile);
        await withHandle(ns, (nl) => expectRoutes(nl, n, 'ip add'));
        const del = ipBatch(ns, delFile);
        await withHandle(ns, (nl) => expectRoutes(nl, 0, 'ip del'));
        return { add, del };
      } finally {
        await deleteNamespace(ns);
      }
    },
    ours: [async () => {
      const ns = await createNamespaceWithLink();
      try {
        return await withHandle(ns, async (nl) => {
          const add = await timeBulk('routes.addMany', () => nl.routes.addMany(all), () => expectRoutes(nl, n, 'ours add'));
          const del = await timeBulk('routes.delMany', () => nl.routes.delMany(all), () => expectRoutes(nl, 0, 'ours del'));
          return { add, del };
        });
      } finally {
        await deleteNamespace(ns);
      }
    }],
  };
}

function dump(o: BenchOptions, routes: number, dumps: number, withMemory: boolean): Comparison {
  const n = scaled(o, routes, 100);
  let ns: Namespace | undefined;
  let nl: RtNetlink | undefined;
  let sink = 0;
  const label = `routes: dump ${n.toLocaleString('en-US')} routes ×${dumps}`;
  const touch = 'reading `dst` of every route (decoding is lazy: fields nobody reads cost nothing)';
  const c: Comparison = {
    title: label,
    rows: [
      {
        name: `${label} (list)`, n: n * dumps, unit: 'route', ours: [0, 'dump'], ip: 'dump', target: 0.8,
        note: `ours: routes.list({ family: 4, table: 'main' }) into Route objects, ${touch}; ip: \`route show\` (the same request: AF_INET, RTA_TABLE main) formatting text to /dev/null`,
      },
      {
        name: `${label} (stream)`, n: n * dumps, unit: 'route', ours: [1, 'dump'], ip: 'dump', target: 0.8,
        note: 'ours: for await of routes.stream({ family: 4, table: \'main\' }), reading `dst`',
      },
    ],
    before: async () => {
      ns = await createNamespaceWithLink();
      nl = await RtNetlink.open({ netns: ns.path });
      expectFulfilled('routes.addMany (setup)', await nl.routes.addMany(specs(n)));
    },
    after: async () => {
      nl?.close();
      if (ns) await deleteNamespace(ns);
    },
    ip: async () => ({ dump: ipBatch(ns, batchFile('routes-dump', Array<string>(dumps).fill('route show'))) }),
    ours: [
      async () => {
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
      async () => {
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

export function comparisons(o: BenchOptions): Comparison[] {
  return [addDel(o), dump(o, 10_000, 10, false), dump(o, 100_000, 2, true)];
}
