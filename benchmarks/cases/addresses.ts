/**
 * Issue 3 (addresses): add 3,000 IPv4 /32 addresses to an up veth, beside `ip -batch` with
 * `address add A/32 dev d0` lines. The kernel's own cost grows with the number of addresses on the
 * link (each insert walks the link's address list), the same for both sides; the namespace is
 * deleted afterwards (no per-address delete).
 */
import type { AddressAddOptions, RtNetlink } from '../../lib/netlink/index.js';
import { timeBulk, type Comparison } from '../harness/compare.js';
import { batchFile, ipBatch } from '../harness/ip.js';
import { UP_LINK, inFreshNamespace, withHandle } from '../harness/namespaces.js';
import { scaled, type BenchOptions } from '../harness/options.js';

function address(i: number): string {
  return `10.${200 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`;
}

async function expectAddresses(nl: RtNetlink, want: number, side: string): Promise<void> {
  const got = (await nl.addresses.list({ link: UP_LINK, family: 4 })).length;
  if (got !== want) throw new Error(`${side}: expected ${want} IPv4 addresses on ${UP_LINK}, found ${got}`);
}

/** The address comparison. */
export function comparisons(o: BenchOptions): Comparison[] {
  // 3,000, not 10,000: each insert walks the link's address list, so the run time grows with the
  // square of the count (10,000 took ~3 s per run on either side, 26 s for the case).
  const n = scaled(o, 3000, 100);
  const items: AddressAddOptions[] = Array.from({ length: n }, (_, i) => ({ link: UP_LINK, address: address(i) }));
  return [{
    title: `addresses: add ${n} /32 addresses`,
    estimateS: 7,
    maxDefaultReps: 5,
    rows: [{
      name: `addresses: add ${n} /32 (addMany)`, mode: 'warm', n, unit: 'addr', ours: [0, 'add'], ip: 'add', target: 1.0,
      note: 'ours: one addresses.addMany of `{ link: \'d0\', address: \'A.B.C.D/32\' }`; ip: one `address add A.B.C.D/32 dev d0` line each',
    }],
    ip: () => inFreshNamespace(async (ns) => {
      const add = await ipBatch(ns, batchFile('addr-add', items.map((a) => `address add ${a.address} dev ${UP_LINK}`)));
      await withHandle(ns, (nl) => expectAddresses(nl, n, 'ip'));
      return { add };
    }),
    ours: [{
      run: () => inFreshNamespace((ns) => withHandle(ns, async (nl) => {
        const add = await timeBulk('addresses.addMany', () => nl.addresses.addMany(items), () => expectAddresses(nl, n, 'ours'));
        return { add };
      })),
    }],
  }];
}
