/**
 * Full decode (issue 9): dumps whose every object is used whole — `toObject()` on each (a cache, a
 * JSON API), `JSON.stringify` of each, or six common fields read from each — beside the same
 * `ip -batch` dumps (`link show`, `route show`, formatting text to /dev/null). Links: 1000 ifb + lo;
 * routes: 10,001 in table main. Warm: one unmeasured run of every side first.
 */
import { RtNetlink } from '../../lib/netlink/index.js';
import { coldSample } from '../harness/cold.js';
import { expectFulfilled, type Comparison, type RowSpec, type Timings } from '../harness/compare.js';
import { batchFile, ipBatch } from '../harness/ip.js';
import { createNamespace, createNamespaceWithLink, deleteNamespace, type Namespace } from '../harness/namespaces.js';
import { scaled, type BenchOptions } from '../harness/options.js';
import { time } from '../harness/stats.js';
import { populateLinks } from './links.js';
import { MAIN4 } from './routes.js';
import { routeSpecs } from './items.js';
import type { ColdJob } from './cold-worker.js';

/** The three ways of using every object of a dump, as ours variants 0, 1, 2. */
interface Uses<T> {
  toObject: (x: T) => number;
  stringify: (x: T) => number;
  fields: (x: T) => number;
}

/**
 * A comparison of `dumps` dumps per run of `count` objects listed by `list`, beside `ip -batch`
 * of `ipLine` repeated, one ours variant per use.
 */
function fullDecode<T>(spec: {
  family: string; unit: string; count: number; dumps: number; ipLine: string; fieldsNote: string;
  toObjectTarget: number | null; fieldsTarget: number | null; estimateS: number;
  setup: () => Promise<Namespace>; list: (nl: RtNetlink) => Promise<T[]>; uses: Uses<T>;
  /** The cold worker's job doing `list` and `toObject()` in a fresh process (it must list what `list` lists). */
  coldJob: ColdJob;
  /** The dump of the six-field variant, when it differs from `list` (it need not fetch what it never reads). */
  listFields?: (nl: RtNetlink) => Promise<T[]>;
}): Comparison {
  let ns: Namespace | undefined;
  let nl: RtNetlink | undefined;
  let sink = 0;
  const label = `${spec.family}: dump ${spec.count} ×${spec.dumps}`;
  const total = spec.count * spec.dumps;
  const variant = (use: (x: T) => number, list = spec.list) => ({
    run: async (): Promise<Timings> => {
      let count = 0;
      const ms = await time(async () => {
        for (let d = 0; d < spec.dumps; d++) {
          const all = await list(nl!);
          for (const x of all) sink += use(x);
          count += all.length;
        }
      });
      if (count !== total) throw new Error(`${label}: got ${count} objects, expected ${total}`);
      return { dump: ms };
    },
  });
  const row = (name: string, v: number, target: number | null, note: string): RowSpec =>
    ({ name: `${label} (${name})`, mode: 'decode', n: total, unit: spec.unit, ours: [v, 'dump'], ip: 'dump', target, note });
  return {
    title: `${spec.family}: full decode of ${spec.count}-object dumps ×${spec.dumps}`,
    estimateS: spec.estimateS,
    maxDefaultReps: 5,
    rows: [
      row('toObject', 0, spec.toObjectTarget, `ours: \`toObject()\` of every ${spec.unit} of each dump; ip: \`${spec.ipLine}\` formatting text to /dev/null`),
      row('JSON.stringify', 1, null, `ours: \`JSON.stringify(${spec.unit})\` of every ${spec.unit} (its toJSON())`),
      row('six fields', 2, spec.fieldsTarget, `ours: reading ${spec.fieldsNote} of every ${spec.unit}`),
      {
        name: `${label} (toObject)`, mode: 'cold decode', n: total, unit: spec.unit, ours: [3, 'dump'], ip: 'dump', target: null,
        note: `ours: the same ${spec.dumps} dumps with \`toObject()\` of every ${spec.unit} as the first calls of a fresh node process; ip: as above`,
      },
    ],
    before: async () => {
      ns = await spec.setup();
      nl = await RtNetlink.open({ netns: ns.path });
    },
    after: async () => {
      nl?.close();
      if (ns) await deleteNamespace(ns);
    },
    ip: async () => ({ dump: await ipBatch(ns, batchFile(`${spec.family}-decode`, Array<string>(spec.dumps).fill(spec.ipLine))) }),
    ours: [
      variant(spec.uses.toObject), variant(spec.uses.stringify), variant(spec.uses.fields, spec.listFields),
      { run: async () => ({ dump: await coldSample(spec.coldJob, ns!, spec.dumps, spec.count) }), fresh: true },
    ],
  };
}

/** A number, or a name's length (for fields that are a name when the kernel's value has one). */
function size(x: string | number): number {
  return typeof x === 'string' ? x.length : x;
}

/** Both full-decode comparisons. */
export function comparisons(o: BenchOptions): Comparison[] {
  const nLinks = scaled(o, 1000);
  const nRoutes = scaled(o, 10_000, 100) + 1;
  const dumps = 3;
  return [
    fullDecode({
      family: 'links', unit: 'link', count: nLinks + 1, dumps, ipLine: 'link show', estimateS: 4,
      // Six fields need no counters: `links.list({ stats: false })` sends the request `ip link show`
      // sends (RTEXT_FILTER_SKIP_STATS), so both sides ask the kernel for the same work.
      fieldsNote: 'name, ifindex, mtu, flags.up, mac and operstate (`list({ stats: false })`: no counters, as `ip link show` asks)',
      toObjectTarget: 1.0, fieldsTarget: 1.5,
      setup: async () => {
        const ns = await createNamespace();
        await populateLinks(ns, nLinks);
        return ns;
      },
      list: (nl) => nl.links.list(),
      coldJob: 'links.toObject',
      listFields: (nl) => nl.links.list({ stats: false }),
      uses: {
        toObject: (l) => Object.keys(l.toObject()).length,
        stringify: (l) => JSON.stringify(l).length,
        fields: (l) => l.name.length + l.ifindex + (l.mtu ?? 0) + (l.flags.up ? 1 : 0) + (l.mac?.length ?? 0) + l.operstate.length,
      },
    }),
    fullDecode({
      family: 'routes', unit: 'route', count: nRoutes, dumps, ipLine: 'route show', estimateS: 4,
      fieldsNote: 'dst, gateway, oif, table, protocol and scope', toObjectTarget: 1.0, fieldsTarget: null,
      setup: async () => {
        const ns = await createNamespaceWithLink();
        const nl = await RtNetlink.open({ netns: ns.path });
        try {
          expectFulfilled('routes.addMany (setup)', await nl.routes.addMany(routeSpecs(nRoutes)));
        } finally {
          nl.close();
        }
        return ns;
      },
      list: (nl) => nl.routes.list(MAIN4),
      coldJob: 'routes.toObject',
      uses: {
        toObject: (r) => Object.keys(r.toObject()).length,
        stringify: (r) => JSON.stringify(r).length,
        fields: (r) => r.dst.length + (r.gateway?.length ?? 0) + (r.oif ?? 0) + size(r.table) + size(r.protocol) + size(r.scope),
      },
    }),
  ];
}
