/**
 * Links (issue 2, issue 9): create 1000 ifb links at once (Promise.all of add, and addMany), create 300 awaited one at a time (warm
 * and in a fresh process), dump 1000 links repeatedly, and 10,000 single-link GETs — each beside
 * `ip -batch` doing the same requests in the same kind of namespace.
 *
 * The link kind is `ifb`: the cheapest kind this kernel creates and, above all, the cheapest to
 * tear down (a namespace holding 1000 bridges keeps the RTNL lock for ~17 s while it dies).
 */
import { RtNetlink } from '../../lib/netlink/index.js';
import { coldSample } from '../harness/cold.js';
import type { Comparison, Timings } from '../harness/compare.js';
import { batchFile, ipBatch } from '../harness/ip.js';
import { createNamespace, deleteNamespace, inFreshNamespace, withHandle, type Namespace } from '../harness/namespaces.js';
import { scaled, type BenchOptions } from '../harness/options.js';
import { time } from '../harness/stats.js';
import { linkNames } from './items.js';

/** Creates `n` ifb links `b0` … in `ns` (untimed setup, the same for both sides). */
export async function populateLinks(ns: Namespace, n: number): Promise<void> {
  await withHandle(ns, (nl) => Promise.all(linkNames(n).map((name) => nl.links.add({ name, kind: 'ifb' }))));
}

/** Throws unless `ns` holds exactly `want` links besides `lo` (checked after each timed run). */
async function expectLinks(ns: Namespace, want: number, side: string): Promise<void> {
  const got = await withHandle(ns, async (nl) => (await nl.links.list({ stats: false })).filter((l) => l.name !== 'lo').length);
  if (got !== want) throw new Error(`${side}: expected ${want} links, found ${got}`);
}

/**
 * One run of adding `n` ifb links in a fresh namespace (deleted afterwards, waiting out the
 * kernel's teardown), by `add`, which returns the milliseconds it took.
 */
function createRun(n: number, side: string, add: (ns: Namespace) => Promise<number>): Promise<Timings> {
  return inFreshNamespace(async (ns) => {
    const ms = await add(ns);
    await expectLinks(ns, n, side);
    return { add: ms };
  }, createNamespace);
}

/** ip's side of a creation run: one `link add bN type ifb` line per link. */
function ipCreate(n: number): () => Promise<Timings> {
  return () => createRun(n, 'ip', async (ns) => ipBatch(ns, batchFile('links-add', linkNames(n).map((name) => `link add ${name} type ifb`))));
}

/** Our side of a creation run, in this process: `addAll` adds the links with an open handle. */
function oursCreate(n: number, addAll: (nl: RtNetlink, names: string[]) => Promise<unknown>): () => Promise<Timings> {
  return () => createRun(n, 'ours', (ns) => withHandle(ns, (nl) => {
    const names = linkNames(n);
    return time(() => addAll(nl, names));
  }));
}

/** Creating links: all at once (1000, warm: Promise.all of add, and addMany), and awaited one at a time (300, warm and cold). */
function create(o: BenchOptions): Comparison[] {
  const nAll = scaled(o, 1000);
  const nSeq = scaled(o, 300);
  // Each way of adding is its own comparison with its own ip runs: with three in-process runs in
  // one rotation, the kernel's teardown of one run's namespace slowed or sped up the next one,
  // unevenly between the sides. The cold variant runs in another process (no garbage carried over).
  // 7 repetitions each (15 before the cold and sequential cases joined the 3-minute run).
  const all: Comparison = {
    title: `links: create ${nAll} ifb links (Promise.all)`,
    estimateS: 13,
    rows: [{
      name: `links: create ${nAll} ifb (Promise.all)`, mode: 'warm', n: nAll, unit: 'link', ours: [0, 'add'], ip: 'add', target: 1.0,
      note: 'ours: Promise.all of links.add (corked into shared datagrams); ip: one `link add bN type ifb` line each',
    }],
    ip: ipCreate(nAll),
    ours: [{ run: oursCreate(nAll, (nl, names) => Promise.all(names.map((name) => nl.links.add({ name, kind: 'ifb' })))) }],
  };
  const many: Comparison = {
    title: `links: create ${nAll} ifb links (addMany)`,
    estimateS: 13,
    rows: [{
      name: `links: create ${nAll} ifb (addMany)`, mode: 'warm', n: nAll, unit: 'link', ours: [0, 'add'], ip: 'add', target: 1.0,
      note: 'ours: one links.addMany of every link (shared datagrams, nothing read back); ip: one `link add bN type ifb` line each',
    }],
    ip: ipCreate(nAll),
    ours: [{
      run: oursCreate(nAll, async (nl, names) => {
        const results = await nl.links.addMany(names.map((name) => ({ name, kind: 'ifb' })));
        const failed = results.find((r) => r.status === 'rejected');
        if (failed !== undefined) throw failed.reason;
      }),
    }],
  };
  const seq: Comparison = {
    title: `links: create ${nSeq} ifb links, awaited one at a time (warm, cold)`,
    estimateS: 13,
    rows: [
      {
        name: `links: add ${nSeq} ifb (awaited each)`, mode: 'seq', n: nSeq, unit: 'link', ours: [0, 'add'], ip: 'add', target: 1.0,
        note: 'ours: `await nl.links.add({ name, kind: \'ifb\' })` one after another, in a process that ran the same before; ip: one `link add bN type ifb` line each (identical request bytes)',
      },
      {
        name: `links: add ${nSeq} ifb (awaited each)`, mode: 'seq cold', n: nSeq, unit: 'link', ours: [1, 'add'], ip: 'add', target: null,
        note: 'ours: the same awaited adds as the first calls of a fresh node process (a CLI, a short job; handle opened untimed); ip: the same lines',
      },
    ],
    ip: ipCreate(nSeq),
    ours: [
      { run: oursCreate(nSeq, async (nl, names) => { for (const name of names) await nl.links.add({ name, kind: 'ifb' }); }) },
      { run: () => createRun(nSeq, 'ours cold', async (ns) => coldSample('links.add', ns, nSeq)), fresh: true },
    ],
  };
  return [all, many, seq];
}

/** Read-only cases over one namespace of `n` ifb links: dumps and single GETs. */
function reads(o: BenchOptions): Comparison[] {
  const nLinks = scaled(o, 1000);
  const nDumps = scaled(o, 10, 3);
  const nGets = scaled(o, 5000);
  let shared: Namespace | undefined;
  let nl: RtNetlink | undefined;
  const before = async (): Promise<void> => {
    shared = await createNamespace();
    await populateLinks(shared, nLinks);
    nl = await RtNetlink.open({ netns: shared.path });
  };
  const after = async (): Promise<void> => {
    nl?.close();
    if (shared) await deleteNamespace(shared);
  };
  let sink = 0;
  const dump: Comparison = {
    title: `links: dump ${nLinks} links ×${nDumps}`,
    estimateS: 4,
    rows: [{
      name: `links: dump ${nLinks + 1} ×${nDumps} (read name)`, mode: 'warm', n: nDumps, unit: 'dump', ours: [0, 'dump'], ip: 'dump', target: 1.0,
      note: 'ours: links.list() into Link objects, reading `name` of every link (decoding is lazy: fields nobody reads cost nothing); ip: `link show` formatting text to /dev/null',
    }],
    before, after,
    ip: async () => ({ dump: await ipBatch(shared, batchFile('links-dump', Array<string>(nDumps).fill('link show'))) }),
    ours: [{
      run: async () => {
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
      },
    }],
  };

  const targets = Array.from({ length: nGets }, (_, i) => `b${i % nLinks}`);
  const ipGets = async (): Promise<Timings> => ({ get: await ipBatch(shared, batchFile('links-get', targets.map((t) => `link show dev ${t}`))) });
  // The two ways of asking are separate comparisons, each alternating with its own ip runs: in one
  // rotation, the Links the concurrent run keeps alive are collected during the next sequential run
  // and charged to it.
  const get: Comparison = {
    title: `links: ${nGets} single-link GETs, one at a time`,
    estimateS: 4,
    rows: [{
      name: `links: get ×${nGets} (awaited each)`, mode: 'seq', n: nGets, unit: 'get', ours: [0, 'get'], ip: 'get', target: 1.0,
      note: 'ours: `await nl.links.get(name)` one after another, reading `name`; ip: `link show dev bN` lines (one RTM_GETLINK each, as ours)',
    }],
    before, after,
    ip: ipGets,
    ours: [{
      run: async () => ({ get: await time(async () => { for (const t of targets) sink += (await nl!.links.get(t)).name.length; }) }),
    }],
  };
  const getConcurrent: Comparison = {
    title: `links: ${nGets} single-link GETs, all at once`,
    estimateS: 4,
    rows: [{
      name: `links: get ×${nGets} (Promise.all)`, mode: 'warm', n: nGets, unit: 'get', ours: [0, 'get'], ip: 'get', target: null,
      note: 'ours: Promise.all of the same gets (packed into shared datagrams); ip: the same `link show dev bN` lines',
    }],
    before, after,
    ip: ipGets,
    ours: [{
      run: async () => ({
        get: await time(async () => {
          const links = await Promise.all(targets.map((t) => nl!.links.get(t)));
          for (const l of links) sink += l.name.length;
        }),
      }),
    }],
  };
  void sink;
  return [dump, get, getConcurrent];
}

/** Every link comparison, in report order. */
export function comparisons(o: BenchOptions): Comparison[] {
  return [...create(o), ...reads(o)];
}
