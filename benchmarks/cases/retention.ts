/**
 * Retention (issue 9): the ArrayBuffer bytes held by 100 kept links — one `Link` kept from each of
 * 100 dumps of 1000 ifb links + lo, as a cache of interfaces would — measured after GC as the
 * difference between holding them and having dropped them (so the handle's own receive buffer,
 * held either way, does not count). Limit: 2 MiB.
 */
import { RtNetlink, type Link } from '../../lib/netlink/index.js';
import { QUICK_TIME, type BenchCase } from '../harness/case.js';
import { limitRow, type LimitSpec } from '../harness/limits.js';
import { createNamespace, deleteNamespace } from '../harness/namespaces.js';
import { repsFor, scaled, type BenchOptions } from '../harness/options.js';
import { median, settleHeap } from '../harness/stats.js';
import { populateLinks } from './links.js';

const KEPT = 100;
const MIB = 1024 * 1024;

/** The retention case. */
export function cases(o: BenchOptions): BenchCase[] {
  const nLinks = scaled(o, 1000);
  const spec: LimitSpec = {
    name: `retention: ${KEPT} kept links (1 per dump)`, mode: 'memory', unit: 'bytes', limit: 2 * MIB,
    note: `ours: ArrayBuffer bytes (process.memoryUsage().arrayBuffers, after full GCs) held by one Link kept from each of ${KEPT} links.list() dumps of ${nLinks + 1} links, minus the same after dropping them`,
  };
  const reps = repsFor({ maxDefaultReps: 2 }, o);
  return [{
    title: `retention: ${KEPT} links kept from ${KEPT} dumps of ${nLinks + 1}`,
    rows: [{ name: spec.name, mode: spec.mode, target: { limit: spec.limit, unit: spec.unit } }],
    estimateS: 5 * (o.quick ? QUICK_TIME : 1),
    reps,
    run: async (onRep) => {
      const ns = await createNamespace();
      const held: number[] = [];
      const heap: number[] = [];
      try {
        await populateLinks(ns, nLinks);
        const nl = await RtNetlink.open({ netns: ns.path });
        try {
          for (let rep = 0; rep < reps; rep++) {
            let kept: Link[] = [];
            for (let i = 0; i < KEPT; i++) {
              const links = await nl.links.list();
              kept.push(links[(i * 7) % links.length]!);
            }
            await settleHeap();
            const holding = process.memoryUsage();
            let names = 0;
            for (const l of kept) names += l.name.length;
            if (names === 0) throw new Error('retention: kept links have no names');
            kept = [];
            await settleHeap();
            const dropped = process.memoryUsage();
            held.push(holding.arrayBuffers - dropped.arrayBuffers);
            heap.push(holding.heapUsed - dropped.heapUsed);
            onRep?.(rep + 1);
          }
        } finally {
          nl.close();
        }
      } finally {
        await deleteNamespace(ns);
      }
      const row = limitRow(spec, held, {
        keptLinks: KEPT, linksPerDump: nLinks + 1, bytesPerKeptLink: Math.round(median(held) / KEPT), heapBytesHeld: Math.round(median(heap)),
      });
      return { rows: [row], micro: [], extras: [] };
    },
  }];
}
