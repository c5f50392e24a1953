/**
 * The shape shared by the route and neighbour cases of issue 9: adding `n` objects as a fresh
 * process's first call (one bulk call; awaited one at a time) and awaited one at a time in a warm
 * process, beside the same `ip -batch` runs. One namespace serves every run: after each, the
 * objects are checked and removed with one untimed bulk delete, the same for both sides (no
 * namespace teardown between runs to skew the next one).
 */
import { RtNetlink } from '../../lib/netlink/index.js';
import { coldSample } from '../harness/cold.js';
import { expectFulfilled, type Comparison, type Timings } from '../harness/compare.js';
import { batchFile, ipBatch } from '../harness/ip.js';
import { createNamespaceWithLink, deleteNamespace, type Namespace } from '../harness/namespaces.js';
import { time } from '../harness/stats.js';
import type { ColdJob } from './cold-worker.js';

/** What differs between the families. */
export interface ColdSequentialSpec<T> {
  /** `routes`, `neighbours`: the first word of the row names. */
  family: string;
  /** The client's service (`routes`, `neighbors`), for the notes. */
  service: string;
  n: number;
  unit: string;
  estimateS: number;
  items: readonly T[];
  ipLines: readonly string[];
  /** The cold worker's jobs: one bulk call, and awaited single adds. */
  bulkJob: ColdJob;
  seqJob: ColdJob;
  /** Targets (ours ÷ ip) of the cold bulk, cold awaited and warm awaited rows; null: informational. */
  targets: { cold: number | null; seqCold: number | null; seq: number | null };
  add: (nl: RtNetlink, item: T) => Promise<void>;
  delMany: (nl: RtNetlink, items: readonly T[]) => Promise<ReadonlyArray<{ status: string; reason?: unknown }>>;
  /** Throws unless the namespace holds `want` of the objects. */
  expect: (nl: RtNetlink, want: number, side: string) => Promise<void>;
}

/** The comparison of {@link ColdSequentialSpec}. */
export function coldAndSequential<T>(s: ColdSequentialSpec<T>): Comparison {
  let ns: Namespace | undefined;
  let nl: RtNetlink | undefined;
  const run = (side: string, timed: () => Promise<number>) => async (): Promise<Timings> => {
    const ms = await timed();
    await s.expect(nl!, s.n, side);
    // Every item of the delete fulfilled: the namespace is empty again.
    expectFulfilled(`${s.service}.delMany (cleanup)`, await s.delMany(nl!, s.items));
    return { add: ms };
  };
  const awaited = `\`await nl.${s.service}.add(…)\` one after another`;
  return {
    title: `${s.family}: add ${s.n}, cold and awaited one at a time`,
    estimateS: s.estimateS,
    // Four runs per repetition, two of them fresh processes: 5 repetitions keep it near 20 s.
    maxDefaultReps: 5,
    before: async () => {
      ns = await createNamespaceWithLink();
      nl = await RtNetlink.open({ netns: ns.path });
    },
    after: async () => {
      nl?.close();
      if (ns) await deleteNamespace(ns);
    },
    rows: [
      {
        name: `${s.family}: add ${s.n} (addMany)`, mode: 'cold', n: s.n, unit: s.unit, ours: [0, 'add'], ip: 'add', target: s.targets.cold,
        note: `ours: one ${s.service}.addMany as the first call of a fresh node process (handle opened untimed); ip: the same lines as warm`,
      },
      {
        name: `${s.family}: add ${s.n} (awaited each)`, mode: 'seq cold', n: s.n, unit: s.unit, ours: [1, 'add'], ip: 'add', target: s.targets.seqCold,
        note: `ours: ${awaited} as the first calls of a fresh node process; ip: the same lines`,
      },
      {
        name: `${s.family}: add ${s.n} (awaited each)`, mode: 'seq', n: s.n, unit: s.unit, ours: [2, 'add'], ip: 'add', target: s.targets.seq,
        note: `ours: ${awaited} in a process that ran the same before; ip: the same lines`,
      },
    ],
    ip: run('ip', async () => ipBatch(ns, batchFile(`${s.service}-add`, s.ipLines))),
    ours: [
      { run: run(`ours cold ${s.bulkJob}`, async () => coldSample(s.bulkJob, ns!, s.n)), fresh: true },
      { run: run(`ours cold ${s.seqJob}`, async () => coldSample(s.seqJob, ns!, s.n)), fresh: true },
      { run: run('ours', () => time(async () => { for (const item of s.items) await s.add(nl!, item); })) },
    ],
  };
}
