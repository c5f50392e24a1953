/**
 * Issue 3 (addresses): add 10,000 IPv4 /32 addresses to an up veth, beside `ip -batch` with
 * `address add A/32 dev d0` lines. The kernel's own cost grows with the number of addresses on the
 * link (each insert walks the link's address list), the same for both sides; the namespace is
 * deleted afterwards (no per-address delete).
 */
import type { AddressAddOptions } from '../../lib/netlink/rtnl/address/service.js';
import type { RtNetlink } from '../../lib/netlink/index.js';
import {
  UP_LINK, batchFile, createNamespaceWithLink, deleteNamespace, ipBatch, scaled, timeBulk, withHandle,
  type BenchOptions, type Comparison,
} from '../harness.js';

function address(i: number): string {
  return `10.${200 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`;
}

async function expectAddresses(nl: RtNetlink, want: number, side: string): Promise<void> {
  const got = (await nl.addresses.list({ link: UP_LINK, family: 4 })).length;
  if (got !== want) throw new Error(`${side}: expected ${want} IPv4 addresses on ${UP_LINK}, found ${got}`);
}

export function comparisons(o: BenchOptions): Comparison[] {
  const n = scaled(o, 10_000, 100);
  const items: AddressAddOptions[] = Array.from({ length: n }, (_, i) => ({ link: UP_LINK, address: address(i) }));
  return [{
    title: `addresses: add ${n} /32 addresses`,
    maxDefaultReps: 5,
    rows: [{
      name: `addresses: add ${n} (/32 on d0)`, n, unit: 'addr', ours: [0, 'add'], ip: 'add', target: 1.0,
      note: 'ours: one addresses.addMany; ip: one `address add A/32 dev d0` line each',
    }],
    ip: async () => {
      const ns = await createNamespaceWithLink();
      try {
        const add = ipBatch(ns, batchFile('addr-add', items.map((a) => `address add ${a.address} dev ${UP_LINK}`)));
        await withHandle(ns, (nl) => expectAddresses(nl, n, 'ip'));
        return { add };
      } finally {
        await deleteNamespace(ns);
      }
    },
    ours: [async () => {
      const ns = await createNamespaceWithLink();
      try {
        return await withHandle(ns, async (nl) => {
          const add = await timeBulk('addresses.addMany', () => nl.addresses.addMany(items), () => expectAddresses(nl, n, 'ours'));
          return { add };
        });
      } finally {
        await deleteNamespace(ns);
      }
    }],
  }];
}
