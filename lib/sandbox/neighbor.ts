/**
 * Neighbour entries of a sandbox (libnetwork osl's neigh_linux.go): permanent ARP/NDP entries, or
 * FDB entries (`family: 'bridge'`, NTF_SELF) on an interface of the sandbox, named by its source
 * name. Recorded once the kernel accepted them; the records follow the kernel when an entry is
 * found gone (ENOENT) or its interface leaves.
 */
import { ValidationError } from '../netlink/core/errors.js';
import { ENOENT } from '../netlink/core/errno.js';
import { SandboxError, errnoOf } from './errors.js';
import { recordOf } from './interface.js';
import { checkIp, checkMac, checkNeighborOptions, type NeighborFamilyName, type NeighborOptionsArg } from './options.js';
import { assertLive, type InterfaceRecord, type NeighborRecord, type SandboxState } from './state.js';

/** addNeighbor: see Sandbox.addNeighbor. */
export async function addNeighbor(state: SandboxState, ip: string, mac: string, options: readonly NeighborOptionsArg[]): Promise<void> {
  assertLive(state);
  const e = checkNeighbor(ip, mac, options, true);
  if (state.neighbors.some((n) => sameNeighbor(n, e))) return;
  const rec = neighborLink(state, e.linkName!);
  try {
    await state.nl.neighbors.replace({
      link: rec.ifindex, dst: e.ip, lladdr: e.mac, state: 'permanent',
      family: e.family === 'bridge' ? 'bridge' : e.family === 'inet' ? 4 : 6,
      ...(e.family === 'bridge' ? { flags: ['self' as const] } : {}),
    });
  } catch (err) {
    throw new SandboxError('neighbor', `could not add neighbor entry ${e.ip} ${e.mac} on "${rec.dstName}"`, { cause: err });
  }
  const entry = { ...e, linkName: rec.srcName, ifindex: rec.ifindex };
  if (!state.neighbors.some((n) => sameNeighbor(n, entry))) state.neighbors.push(entry);
}

/** deleteNeighbor: see Sandbox.deleteNeighbor. */
export async function deleteNeighbor(state: SandboxState, ip: string, mac: string, options: readonly NeighborOptionsArg[]): Promise<void> {
  assertLive(state);
  const e = checkNeighbor(ip, mac, options, false);
  const matches = state.neighbors.filter((n) => n.ip === e.ip && n.mac === e.mac
    && (e.linkName === undefined || n.linkName === e.linkName) && (e.explicitFamily === undefined || n.family === e.explicitFamily));
  if (matches.length === 0) throw new SandboxError('neighbor', `could not find the neighbor entry to delete (${e.ip} ${e.mac})`);
  const results = await Promise.allSettled(matches.map((n) => state.nl.neighbors.del(n.family === 'bridge'
    ? { link: n.ifindex, family: 'bridge', lladdr: n.mac, dst: n.ip, flags: ['self'] }
    : { link: n.ifindex, family: n.family === 'inet' ? 4 : 6, dst: n.ip })));
  let failure: unknown;
  results.forEach((r, i) => {
    // ENOENT: the kernel no longer has it (removed behind our back); the record goes too.
    if (r.status === 'fulfilled' || errnoOf(r.reason) === ENOENT) {
      const at = state.neighbors.indexOf(matches[i]!);
      if (at >= 0) state.neighbors.splice(at, 1);
    }
    if (r.status === 'rejected') failure ??= r.reason;
  });
  if (failure !== undefined) throw new SandboxError('neighbor', `could not delete neighbor entry ${e.ip} ${e.mac}`, { cause: failure });
}

function checkNeighbor(ip: string, mac: string, options: readonly unknown[], needLink: boolean) {
  const dst = checkIp('ip', ip);
  const lladdr = checkMac('mac', mac);
  const o = checkNeighborOptions(options);
  const family: NeighborFamilyName = o.family ?? (dst.version === 4 ? 'inet' : 'inet6');
  if ((family === 'inet' && dst.version !== 4) || (family === 'inet6' && dst.version !== 6)) {
    throw new ValidationError('ip', ip, `an IPv${family === 'inet' ? 4 : 6} address is required for family ${family}`);
  }
  if (needLink && o.linkName === undefined) {
    throw new ValidationError('linkName', undefined, 'the interface of the entry (its source name, option linkName) is required');
  }
  return { ip: dst.text, mac: lladdr, family, explicitFamily: o.family, linkName: o.linkName };
}

function neighborLink(state: SandboxState, linkName: string): InterfaceRecord {
  const found = state.interfaces.map(recordOf).find((r) => r.srcName === linkName);
  if (found === undefined) throw new SandboxError('neighbor', `could not find the interface with name ${linkName}`);
  return found;
}

function sameNeighbor(a: Pick<NeighborRecord, 'ip' | 'mac' | 'family'> & { linkName?: string | undefined },
  b: Pick<NeighborRecord, 'ip' | 'mac' | 'family'> & { linkName?: string | undefined }): boolean {
  return a.ip === b.ip && a.mac === b.mac && a.family === b.family && a.linkName === b.linkName;
}
