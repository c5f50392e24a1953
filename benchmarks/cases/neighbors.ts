/**
 * Neighbours (issue 3, issue 9): add then delete 5,000 permanent IPv4 neighbours on an up veth in
 * one bulk call; add them as a fresh process's first call (one addMany; awaited one at a time) and
 * awaited one at a time in a warm process — beside `ip -batch` with `neigh add … lladdr … dev d0
 * nud permanent` / `neigh del … dev d0` lines.
 */
import type { RtNetlink } from '../../lib/netlink/index.js';
import { timeBulk, type Comparison } from '../harness/compare.js';
import { batchFile, ipBatch } from '../harness/ip.js';
import { UP_LINK, inFreshNamespace, withHandle } from '../harness/namespaces.js';
import { scaled, type BenchOptions } from '../harness/options.js';
import { coldAndSequential } from './cold-sequential.js';
import { neighborAddLines, neighborDelLines, neighborKeys, neighborSpecs } from './items.js';

/** Throws unless d0 holds `want` of the case's neighbours. */
async function expectNeighbors(nl: RtNetlink, want: number, side: string): Promise<void> {
  const got = (await nl.neighbors.list({ link: UP_LINK, family: 4 })).filter((e) => e.dst?.startsWith('10.')).length;
  if (got !== want) throw new Error(`${side}: expected ${want} neighbours on ${UP_LINK}, found ${got}`);
}

/** Bulk add then bulk delete, each run in a fresh namespace. */
function addDel(o: BenchOptions): Comparison {
  const n = scaled(o, 5000, 100);
  const add = neighborSpecs(n);
  const del = neighborKeys(n);
  return {
    title: `neighbours: add then delete ${n} permanent entries`,
    estimateS: 8,
    rows: [
      {
        name: `neighbours: add ${n} (addMany)`, mode: 'warm', n, unit: 'neigh', ours: [0, 'add'], ip: 'add', target: 1.5,
        note: 'ours: one neighbors.addMany of `{ link: \'d0\', dst, lladdr, state: \'permanent\' }`; ip: one `neigh add A lladdr M dev d0 nud permanent` line each',
      },
      {
        name: `neighbours: delete ${n} (delMany)`, mode: 'warm', n, unit: 'neigh', ours: [0, 'del'], ip: 'del', target: 1.5,
        note: 'ours: one neighbors.delMany of `{ link, dst }`; ip: one `neigh del A dev d0` line each',
      },
    ],
    ip: () => inFreshNamespace(async (ns) => {
      const a = await ipBatch(ns, batchFile('neigh-add', neighborAddLines(n)));
      await withHandle(ns, (nl) => expectNeighbors(nl, n, 'ip add'));
      const d = await ipBatch(ns, batchFile('neigh-del', neighborDelLines(n)));
      await withHandle(ns, (nl) => expectNeighbors(nl, 0, 'ip del'));
      return { add: a, del: d };
    }),
    ours: [{
      run: () => inFreshNamespace((ns) => withHandle(ns, async (nl) => {
        const a = await timeBulk('neighbors.addMany', () => nl.neighbors.addMany(add), () => expectNeighbors(nl, n, 'ours add'));
        const d = await timeBulk('neighbors.delMany', () => nl.neighbors.delMany(del), () => expectNeighbors(nl, 0, 'ours del'));
        return { add: a, del: d };
      })),
    }],
  };
}

/** Every neighbour comparison, in report order. */
export function comparisons(o: BenchOptions): Comparison[] {
  const n = scaled(o, 5000, 100);
  const cold = coldAndSequential({
    family: 'neighbours', service: 'neighbors', n, unit: 'neigh', estimateS: 13, items: neighborSpecs(n), ipLines: neighborAddLines(n),
    bulkJob: 'neighbors.addMany', seqJob: 'neighbors.add', targets: { cold: 1.3, seqCold: 1.0, seq: 1.3 },
    add: (nl, e) => nl.neighbors.add(e), delMany: (nl, all) => nl.neighbors.delMany(all), expect: expectNeighbors,
  });
  return [addDel(o), cold];
}
