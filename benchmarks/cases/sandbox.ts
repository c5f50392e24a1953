/**
 * Issue 4 (sandboxes): 10 sandboxes created — namespace, one interface with an address, a route
 * and a default gateway — then destroyed, one after another, beside `ip` doing the same work in the
 * same run:
 *
 * (a) addInterface: a veth end made beforehand in a source namespace (untimed, for both sides) is
 *     moved into the sandbox. Ours: `Sandbox.create` + `sb.addInterface('vsN', 'eth', { address,
 *     routes })` + `sb.setGateway(gw)`, then `sb.destroy()`. ip: `ip netns add sbN`,
 *     `ip -n src link set vsN netns sbN`, `ip -n sbN -batch` (lo up, rename to eth0, address, up,
 *     route, default route), then `ip netns del sbN`.
 * (b) addVeth: the pair is created with one end born inside. Ours: `Sandbox.create` +
 *     `sb.addVeth('hvN', 'eth', …)` + `sb.setGateway(gw)`, then `sb.destroy()`. ip: `ip netns add
 *     sbN`, `ip -n src link add hvN up type veth peer name eth0 netns sbN`, the same batch (no
 *     rename), then `ip netns del sbN`.
 *
 * Sandbox keys live in a temporary directory (setBasePath); ip's namespaces in the private
 * /run/netns. Destroying a sandbox deletes its namespace, and the kernel deletes the veth pair
 * with it. Creation and destruction are timed separately; the target applies to their sum.
 */
import { join } from 'node:path';
import { RtNetlink } from '../../lib/netlink/index.js';
import { Sandbox, generateKey, setBasePath } from '../../lib/sandbox/index.js';
import type { Comparison } from '../harness/compare.js';
import { batchFile, ipBatch } from '../harness/ip.js';
import { createNamespace, deleteNamespace, settle, tempDir, type Namespace } from '../harness/namespaces.js';
import { scaled, type BenchOptions } from '../harness/options.js';

const ADDR = (i: number): string => `172.16.${i}.2/24`;
const GW = (i: number): string => `172.16.${i}.1`;
const ROUTE = (i: number): string => `10.200.${i}.0/24`;

let runs = 0;

/** A source namespace; for the addInterface path, with `n` veth pairs vsN / vpN in it (untimed). */
async function source(n: number, withVeths: boolean): Promise<Namespace> {
  const ns = await createNamespace();
  if (withVeths) {
    const nl = await RtNetlink.open({ netns: ns.path });
    try {
      await Promise.all(Array.from({ length: n }, (_, i) => nl.links.add({ name: `vs${i}`, kind: 'veth', peer: { name: `vp${i}` } })));
    } finally {
      nl.close();
    }
  }
  return ns;
}

/** The batch that configures sandbox i inside it, as the library does (lo, [rename], address, up, route, gateway). */
function configureLines(i: number, rename: string | undefined): string[] {
  return [
    'link set lo up',
    ...(rename === undefined ? [] : [`link set ${rename} name eth0`]),
    `address add ${ADDR(i)} dev eth0`,
    'link set eth0 up',
    `route add ${ROUTE(i)} dev eth0 scope link`,
    `route add default via ${GW(i)} dev eth0`,
  ];
}

function comparison(o: BenchOptions, path: 'addInterface' | 'addVeth'): Comparison {
  // 10 sandboxes, not 100: the cost per sandbox does not depend on the count, and ip's four
  // processes per sandbox made the two cases take 90 s of the run.
  const n = scaled(o, 10, 3);
  const target = path === 'addInterface' ? 1.0 : 5.0;
  const label = `sandbox: ${n} ${path}`;
  return {
    title: `sandbox: ${n} × create+destroy via ${path}`,
    estimateS: path === 'addInterface' ? 10 : 8,
    maxDefaultReps: 5,
    rows: [
      {
        name: `${label}, create+destroy`, mode: 'warm', n, unit: 'sandbox', ours: [0, 'total'], ip: 'total', target,
        note: path === 'addInterface'
          ? 'ours: Sandbox.create + addInterface (move, rename, address, up, route) + setGateway, then destroy; ip: netns add, link set netns, -batch (lo, rename, address, up, route, default), netns del — 4 ip processes per sandbox'
          : 'ours: Sandbox.create + addVeth (peer born inside) + setGateway, then destroy; ip: netns add, link add … type veth peer … netns, -batch (lo, address, up, route, default), netns del — 4 ip processes per sandbox',
      },
      { name: `${label}, create`, mode: 'warm', n, unit: 'sandbox', ours: [0, 'create'], ip: 'create', target: null },
      { name: `${label}, destroy`, mode: 'warm', n, unit: 'sandbox', ours: [0, 'destroy'], ip: 'destroy', target: null },
    ],
    ip: async () => {
      const src = await source(n, path === 'addInterface');
      const names = Array.from({ length: n }, (_, i) => ({ name: `sb${(++runs).toString(36)}x${i}`, path: '' }));
      for (const s of names) s.path = `/run/netns/${s.name}`;
      const files = names.map((_, i) => batchFile(`sandbox-${i}`, configureLines(i, path === 'addInterface' ? `vs${i}` : undefined)));
      const adds = names.map((s, i) => batchFile(`sandbox-add-${i}`, [`netns add ${s.name}`]));
      const moves = names.map((s, i) => batchFile(`sandbox-move-${i}`, [path === 'addInterface'
        ? `link set vs${i} netns ${s.name}`
        : `link add hv${i} up type veth peer name eth0 netns ${s.name}`]));
      const dels = names.map((s, i) => batchFile(`sandbox-del-${i}`, [`netns del ${s.name}`]));
      try {
        let create = 0;
        for (let i = 0; i < n; i++) {
          create += await ipBatch(undefined, adds[i]!);
          create += await ipBatch(src, moves[i]!);
          create += await ipBatch(names[i], files[i]!);
        }
        await verify(names.map((s) => s.path), 'ip');
        let destroy = 0;
        for (let i = 0; i < n; i++) destroy += await ipBatch(undefined, dels[i]!);
        return { create, destroy, total: create + destroy };
      } finally {
        await deleteNamespace(src);
      }
    },
    ours: [{
      run: async () => {
        const src = await source(n, path === 'addInterface');
        setBasePath(join(tempDir(), 'keys'));
        const run = (++runs).toString(36);
        const sandboxes: Sandbox[] = [];
        try {
          const t0 = performance.now();
          for (let i = 0; i < n; i++) {
            const sb = await Sandbox.create(generateKey(`b${run}x${i}`), { sourceNetns: src.path });
            sandboxes.push(sb);
            // No unsolicited ARP/NA rounds: ip sends none, so both sides do the same work.
            const options = { address: ADDR(i), routes: [ROUTE(i)], advertiseAddrNMsgs: 0 };
            if (path === 'addInterface') await sb.addInterface(`vs${i}`, 'eth', options);
            else await sb.addVeth(`hv${i}`, 'eth', options);
            await sb.setGateway(GW(i));
          }
          const create = performance.now() - t0;
          await verify(sandboxes.map((s) => s.key), 'ours');
          const t1 = performance.now();
          for (const sb of sandboxes) await sb.destroy();
          const destroy = performance.now() - t1;
          sandboxes.length = 0;
          return { create, destroy, total: create + destroy };
        } finally {
          for (const sb of sandboxes) await sb.destroy().catch(() => undefined);
          await deleteNamespace(src);
        }
      },
    }],
    after: settle,
  };
}

/** Untimed check that every sandbox namespace holds eth0 with its address and a default route. */
async function verify(paths: readonly string[], side: string): Promise<void> {
  for (const [i, path] of paths.entries()) {
    const nl = await RtNetlink.open({ netns: path });
    try {
      const [addrs, routes] = await Promise.all([nl.addresses.list({ link: 'eth0', family: 4 }), nl.routes.list({ family: 4, table: 'main' })]);
      const want = ADDR(i);
      if (!addrs.some((a) => a.cidr === want)) {
        throw new Error(`${side}: sandbox ${i} has no ${want} on eth0 (has ${addrs.map((a) => a.cidr).join(', ')})`);
      }
      if (!routes.some((r) => r.dstLen === 0 && r.gateway === GW(i))) throw new Error(`${side}: sandbox ${i} has no default route via ${GW(i)}`);
      if (!routes.some((r) => r.dst === ROUTE(i))) throw new Error(`${side}: sandbox ${i} has no route ${ROUTE(i)}`);
    } finally {
      nl.close();
    }
  }
}

/** Both sandbox comparisons. */
export function comparisons(o: BenchOptions): Comparison[] {
  return [comparison(o, 'addInterface'), comparison(o, 'addVeth')];
}
