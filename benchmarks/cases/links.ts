/**
 * Issue 2 (links): create 1000 links, dump 1000 links 100 times, 10,000 single-link GETs — each
 * beside `ip -batch` doing the same requests in the same kind of namespace.
 *
 * The link kind is `ifb`: the cheapest kind this kernel creates and, above all, the cheapest to
 * tear down (a namespace holding 1000 bridges keeps the RTNL lock for ~17 s while it dies).
 */
import { RtNetlink } from '../../lib/netlink/index.js';
import {
  batchFile, createNamespace, deleteNamespace, ipBatch, scaled, time,
  type BenchOptions, type Comparison, type Namespace,
} from '../harness.js';

/** Link names `b0` … `b{n-1}`. */
function names(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `b${i}`);
}

/** Creates `n` ifb links in `ns` (untimed setup, the same for both sides). */
async function populate(ns: Namespace, n: number): Promise<void> {
  const nl = await RtNetlink.open({ netns: ns.path });
  try {
    await Promise.all(names(n).map((name) => nl.links.add({ name, kind: 'ifb' })));
  } finally {
    nl.close();
  }
}

/** Throws unless `ns` holds exactly `want` links besides `lo` (checked after each timed run). */
async function expectLinks(ns: Namespace, want: number, side: string): Promise<void> {
  const nl = await RtNetlink.open({ netns: ns.path });
  try {
    const got = (await nl.links.list({ stats: false })).filter((l) => l.name !== 'lo').length;
    if (got !== want) throw new Error(`${side}: expected ${want} links, found ${got}`);
  } finally {
    nl.close();
  }
}

export function comparisons(o: BenchOptions): Comparison[] {
  const nCreate = scaled(o, 1000);
  const nLinks = scaled(o, 1000);
  const nDumps = scaled(o, 100);
  const nGets = scaled(o, 10_000);

  // (a) create nCreate ifb links in a fresh namespace. Each way of adding is its own comparison,
  // alternating with its own ip runs: with three runs in one rotation, the kernel's teardown of
  // one run's namespace measurably slowed or sped up the next one, unevenly between the sides.
  const ipCreate = async (): Promise<Record<string, number>> => {
    const ns = await createNamespace();
    try {
      const file = batchFile('links-add', names(nCreate).map((n) => `link add ${n} type ifb`));
      const add = ipBatch(ns, file);
      await expectLinks(ns, nCreate, 'ip');
      return { add };
    } finally {
      await deleteNamespace(ns);
    }
  };
  const oursCreate = (addAll: (nl: RtNetlink, list: string[]) => Promise<unknown>) => async (): Promise<Record<string, number>> => {
    const ns = await createNamespace();
    const nl = await RtNetlink.open({ netns: ns.path });
    try {
      const list = names(nCreate);
      const add = await time(() => addAll(nl, list));
      await expectLinks(ns, nCreate, 'ours');
      return { add };
    } finally {
      nl.close();
      await deleteNamespace(ns);
    }
  };
  const create: Comparison = {
    title: `links: create ${nCreate} ifb links (Promise.all)`,
    rows: [{
      name: `links: create ${nCreate} (ifb, Promise.all)`, n: nCreate, unit: 'link', ours: [0, 'add'], ip: 'add', target: 1.0,
      note: 'ours: Promise.all of links.add (corked into shared datagrams); ip: one `link add bN type ifb` line each',
    }],
    ip: ipCreate,
    minDefaultReps: 15,
    ours: [oursCreate((nl, list) => Promise.all(list.map((name) => nl.links.add({ name, kind: 'ifb' }))))],
  };
  const createSeq: Comparison = {
    title: `links: create ${nCreate} ifb links (awaited one by one)`,
    rows: [{ name: `links: create ${nCreate} (ifb, awaited one by one)`, n: nCreate, unit: 'link', ours: [0, 'add'], ip: 'add', target: null }],
    ip: ipCreate,
    minDefaultReps: 15,
    ours: [oursCreate(async (nl, list) => {
      for (const name of list) await nl.links.add({ name, kind: 'ifb' });
    })],
  };

  // (b) dump nLinks (+ lo) links nDumps times; (c) nGets single GETs. Read-only: one namespace.
  let shared: Namespace | undefined;
  let nl: RtNetlink | undefined;
  const before = async (): Promise<void> => {
    shared = await createNamespace();
    await populate(shared, nLinks);
    nl = await RtNetlink.open({ netns: shared.path });
  };
  const after = async (): Promise<void> => {
    nl?.close();
    if (shared) await deleteNamespace(shared);
  };

  let sink = 0;
  const dump: Comparison = {
    title: `links: dump ${nLinks} links ×${nDumps}`,
    rows: [{
      name: `links: dump ${nLinks} links ×${nDumps}`, n: nDumps, unit: 'dump', ours: [0, 'dump'], ip: 'dump', target: 1.0,
      note: 'ours: links.list() into Link objects, reading `name` of every link (decoding is lazy: fields nobody reads cost nothing); ip: `link show` formatting text to /dev/null',
    }],
    before, after,
    ip: async () => ({ dump: ipBatch(shared, batchFile('links-dump', Array<string>(nDumps).fill('link show'))) }),
    ours: [async () => {
      let count = 0;
      const ms = await time(async () => {
        for (let i = 0; i < nDumps; i++) {
          const links = await nl!.links.list();
          for (const l of links) sink += l.name.length;
          count += links.length;
        }
      });
      if (count !== nDumps * (nLinks + 1)) throw new Error(`links dump: got ${count} links, expected ${nDumps * (nLinks + 1)}`);
      return { dump: ms };
    }],
  };

  const targets = Array.from({ length: nGets }, (_, i) => `b${i % nLinks}`);
  const ipGets = async (): Promise<Record<string, number>> => ({ get: ipBatch(shared, batchFile('links-get', targets.map((t) => `link show dev ${t}`))) });
  // The two ways of asking are separate comparisons, each alternating with its own ip runs: in one
  // rotation, the 10,000 Links the concurrent run keeps alive are collected during the next
  // sequential run and charged to it.
  const get: Comparison = {
    title: `links: ${nGets} single-link GETs, one at a time`,
    rows: [{
      name: `links: get ×${nGets} (sequential, awaited)`, n: nGets, unit: 'get', ours: [0, 'get'], ip: 'get', target: 1.0,
      note: 'ours: `await nl.links.get(name)` one after another, reading `name`; ip: `link show dev bN` lines (one RTM_GETLINK each, as ours)',
    }],
    before, after,
    ip: ipGets,
    ours: [async () => ({
      get: await time(async () => {
        for (const t of targets) sink += (await nl!.links.get(t)).name.length;
      }),
    })],
  };
  const getConcurrent: Comparison = {
    title: `links: ${nGets} single-link GETs, all at once`,
    rows: [{ name: `links: get ×${nGets} (concurrent, Promise.all)`, n: nGets, unit: 'get', ours: [0, 'get'], ip: 'get', target: null }],
    before, after,
    ip: ipGets,
    ours: [async () => ({
      get: await time(async () => {
        const links = await Promise.all(targets.map((t) => nl!.links.get(t)));
        for (const l of links) sink += l.name.length;
      }),
    })],
  };
  void sink;
  return [create, createSeq, dump, get, getConcurrent];
}
