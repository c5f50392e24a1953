/**
 * Codec micro-benchmarks (no ip side): encode and decode of one link message with 0/1/8/64
 * attributes, and decode of a captured 1000-link dump, with the heap each decoded object keeps.
 *
 * The messages are real kernel bytes: a dump of 1000 ifb links (+ lo) captured at the start of the
 * group from a throwaway namespace (`Link.raw` of each link, concatenated). The k-attribute message
 * is a captured ifb link message cut to its first k attributes in wire order; past the message's own
 * attribute count its attributes repeat (a repeat of a single-valued attribute is kept raw, as
 * `unknown`, by the full decode).
 *
 * The only case that reaches past the public API (into lib/netlink/core and rtnl/link): the
 * encoder and the views have no public entry that takes bytes.
 */
import { forEachAttr } from '../../lib/netlink/core/attributes.js';
import { linkAttrs, type LinkAttributes } from '../../lib/netlink/rtnl/link/codec.js';
import { linkView, type Link } from '../../lib/netlink/rtnl/link/view.js';
import { forEachMessage } from '../../lib/netlink/core/message.js';
import { align4 } from '../../lib/netlink/core/protocol.js';
import { RTM_NEWLINK } from '../../lib/netlink/rtnl/rtm.js';
import { NlWriter } from '../../lib/netlink/core/writer.js';
import { RtNetlink } from '../../lib/netlink/index.js';
import { QUICK_TIME, type BenchCase } from '../harness/case.js';
import { runMicro } from '../harness/micro.js';
import { createNamespace, deleteNamespace } from '../harness/namespaces.js';
import { scaled, type BenchOptions } from '../harness/options.js';
import type { MicroResult } from '../harness/results.js';

/** Captures `n` ifb links (+ lo) as the kernel sends them in a dump. */
async function captureDump(n: number): Promise<{ dump: Buffer; sample: Buffer }> {
  const ns = await createNamespace();
  const nl = await RtNetlink.open({ netns: ns.path });
  try {
    await Promise.all(Array.from({ length: n }, (_, i) => nl.links.add({ name: `b${i}`, kind: 'ifb' })));
    const raws = (await nl.links.list()).map((l) => l.raw);
    const sample = raws.find((r) => r.length > 200 && linkView(r, 0, r.length).name === 'b0');
    if (sample === undefined) throw new Error('codec: no ifb link message captured');
    return { dump: Buffer.concat(raws.map((r) => Buffer.concat([r, Buffer.alloc(align4(r.length) - r.length)]))), sample };
  } finally {
    nl.close();
    await deleteNamespace(ns);
  }
}

/** A link message with the sample's ifinfomsg and its first `k` attributes (cycled past the end). */
function messageWith(sample: Buffer, k: number): Buffer {
  const attrs: Buffer[] = [];
  forEachAttr(sample, 32, sample.length, 'link', (_type, off, len) => {
    attrs.push(sample.subarray(off - 4, off + align4(len)));
  });
  const w = new NlWriter(4096);
  const start = w.beginMessage(RTM_NEWLINK, 0, 1);
  w.putBytes(sample.subarray(16, 32));
  for (let i = 0; i < k; i++) w.putBytes(attrs[i % attrs.length]!);
  w.endMessage(start);
  return Buffer.from(w.bytes());
}

/** The codec micro-benchmarks as one case (rows appear in their own table, not in the ratio table). */
export function cases(o: BenchOptions): BenchCase[] {
  return [{
    title: 'codec micro-benchmarks (no ip side)',
    rows: [{ name: 'codec: encode and decode of link messages and dumps', mode: 'micro', target: null }],
    estimateS: 13 * (o.quick ? QUICK_TIME * 2 : 1),
    reps: 1,
    run: async () => ({ rows: [], micro: await micro(o), extras: [] }),
  }];
}

async function micro(o: BenchOptions): Promise<MicroResult[]> {
  const nLinks = scaled(o, 1000, 100);
  const { dump, sample } = await captureDump(nLinks);
  const budgetMs = o.quick ? 50 : 200;
  const out: MicroResult[] = [];
  let sink = 0;

  for (const k of [0, 1, 8, 64]) {
    const msg = messageWith(sample, k);
    const value: LinkAttributes = linkAttrs.decode(msg, 32, msg.length);
    const w = new NlWriter(8192);
    const reps = k === 64 ? 1000 : 10_000;
    out.push(await runMicro(`codec: encode ${k}-attr link (AttrSet.encode)`, reps, 'msg', () => {
      for (let i = 0; i < reps; i++) {
        w.reset();
        const start = w.beginMessage(RTM_NEWLINK, 0, i);
        w.putBytes(msg.subarray(16, 32));
        linkAttrs.encode(w, value);
        w.endMessage(start);
      }
      sink += w.length;
    }, { budgetMs }));
    out.push(await runMicro(`codec: decode ${k}-attr link (lazy, read name)`, reps, 'msg', () => {
      for (let i = 0; i < reps; i++) sink += linkView(msg, 0, msg.length).name.length;
    }, { budgetMs }));
    out.push(await runMicro(`codec: decode ${k}-attr link (all attributes)`, reps, 'msg', () => {
      for (let i = 0; i < reps; i++) sink += Object.keys(linkAttrs.decode(msg, 32, msg.length)).length;
    }, { budgetMs }));
  }

  const count = (): number => {
    let c = 0;
    forEachMessage(dump, 0, dump.length, () => { c++; });
    return c;
  };
  const n = count();
  const note = `a captured dump of ${n} links (${dump.length} bytes)`;
  out.push(await runMicro(`codec: decode ${n}-link dump (lazy, no read)`, n, 'link', () => {
    const links: Link[] = [];
    forEachMessage(dump, 0, dump.length, (off, len) => { links.push(linkView(dump, off, len)); });
    return links;
  }, { budgetMs, retain: true, note }));
  out.push(await runMicro(`codec: decode ${n}-link dump (lazy, read name)`, n, 'link', () => {
    const links: Link[] = [];
    forEachMessage(dump, 0, dump.length, (off, len) => {
      const l = linkView(dump, off, len);
      sink += l.name.length;
      links.push(l);
    });
    return links;
  }, { budgetMs, retain: true, note }));
  out.push(await runMicro(`codec: decode ${n}-link dump (lazy, toJSON)`, n, 'link', () => {
    const all: object[] = [];
    forEachMessage(dump, 0, dump.length, (off, len) => { all.push(linkView(dump, off, len).toJSON()); });
    return all;
  }, { budgetMs, retain: true, note }));
  out.push(await runMicro(`codec: decode ${n}-link dump (all attributes)`, n, 'link', () => {
    const all: LinkAttributes[] = [];
    forEachMessage(dump, 0, dump.length, (off, len) => { all.push(linkAttrs.decode(dump, off + 32, off + len)); });
    return all;
  }, { budgetMs, retain: true, note }));
  void sink;
  return out;
}
