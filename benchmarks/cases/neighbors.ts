/**
 * Issue 3 (neighbours): add then delete 5,000 permanent IPv4 neighbours on an up veth, beside
 * `ip -batch` with `neigh add … lladdr … dev d0 nud permanent` / `neigh del … dev d0` lines.
 */
import type { NeighborOptions } from '../../lib/netlink/rtnl/neighbor/service.js';
import type { RtNetlink } from '../../lib/netlink/index.js';
import {
  UP_LINK, batchFile, createNamespaceWithLink, deleteNamespace, ipBatch, scaled, timeBulk, withHandle,
  type BenchOptions, type Comparison,
} from '../harness.js';

function dst(i: number): string {
  return `10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
}

function lladdr(i: number): string {
  const h = (x: number): string => x.toString(16).padStart(2, '0');
  return `02:00:00:${h((i >> 16) & 255)}:${h((i >> 8) & 255)}:${h(i & 255)}`;
}

async function expectNeighbors(nl: RtNetlink, want: number, side: string): Promise<void> {
  const got = (await nl.neighbors.list({ link: UP_LINK, family: 4 })).filter((e) => e.dst?.startsWith('10.')).length;
  if (got !== want) throw new Error(`${side}: expected ${want} neighbours on ${UP_LINK}, found ${got}`);
}

export function comparisons(o: BenchOptions): Comparison[] {
  const n = scaled(o, 5000, 100);
  const add: NeighborOptions[] = Array.from({ length: n }, (_, i) => ({ link: UP_LINK, dst: dst(i), lladdr: lladdr(i), state: 'permanent' as const }));
  const del = Array.from({ length: n }, (_, i) => ({ link: UP_LINK, dst: dst(i) }));
  return [{
    title: `neighbours: add then delete ${n} permanent entries`,
    rows: [
      {
        name: `neighbours: add ${n} (permanent, lladdr)`, n, unit: 'neigh', ours: [0, 'add'], ip: 'add', target: 1.5,
        note: 'ours: one neighbors.addMany; ip: one `neigh add A lladdr M dev d0 nud permanent` line each',
      },
      {
        name: `neighbours: delete ${n}`, n, unit: 'neigh', ours: [0, 'del'], ip: 'del', target: 1.5,
        note: 'ours: one neighbors.delMany of { link, dst }; ip: one `neigh del A dev d0` line each',
      },
    ],
    ip: async () => {
      const ns = await createNamespaceWithLink();
      try {
        const addFile = batchFile('neigh-add', add.map((e) => `neigh add ${e.dst!} lladdr ${e.lladdr!} dev ${UP_LINK} nud permanent`));
        const delFile = batchFile('neigh-del', del.map((e) => `neigh del ${e.dst} dev ${UP_LINK}`));
        const a = ipBatch(ns, addFile);
        await withHandle(ns, (nl) => expectNeighbors(nl, n, 'ip add'));
        const d = ipBatch(ns, delFile);
        await withHandle(ns, (nl) => expectNeighbors(nl, 0, 'ip del'));
        return { add: a, del: d };
      } finally {
        await deleteNamespace(ns);
      }
    },
    ours: [async () => {
      const ns = await createNamespaceWithLink();
      try {
        return await withHandle(ns, async (nl) => {
          const a = await timeBulk('neighbors.addMany', () => nl.neighbors.addMany(add), () => expectNeighbors(nl, n, 'ours add'));
          const d = await timeBulk('neighbors.delMany', () => nl.neighbors.delMany(del), () => expectNeighbors(nl, 0, 'ours del'));
          return { add: a, del: d };
        });
      } finally {
        await deleteNamespace(ns);
      }
    }],
  }];
}
