/**
 * Link references (a name or an ifindex) turned into ifindexes, shared by every family's service.
 * Names cost one RTM_GETLINK each; ifindexes cost nothing and are answered synchronously, so a caller
 * that sends right after does so in the same tick and requests leave in the order they were made.
 */
import { NetlinkError } from '../core/errors.js';
import type { LinkRef } from '../core/validate.js';

/** What resolves one link name: `links.index` (a NetlinkError ENODEV names a missing link). */
export type LinkIndexer = (name: string) => Promise<number>;

/**
 * Resolves references that may be absent. Synchronous (an array) when every reference is an ifindex
 * or absent; otherwise a Promise that rejects with the first lookup's error.
 */
export function resolveRefs(index: LinkIndexer, refs: ReadonlyArray<LinkRef | undefined>): Array<number | undefined> | Promise<Array<number | undefined>> {
  let names = false;
  for (const r of refs) if (typeof r === 'string') names = true;
  if (!names) return refs as Array<number | undefined>;
  return Promise.all(refs.map((r) => (r === undefined ? undefined : typeof r === 'number' ? r : index(r))));
}

/**
 * Resolves each distinct name once, for bulk calls: a name the kernel does not know maps to its
 * NetlinkError (which then fails only the items naming it); any other error rejects.
 */
export async function resolveNames(index: LinkIndexer, names: Iterable<string>): Promise<Map<string, number | NetlinkError>> {
  const resolved = new Map<string, number | NetlinkError>();
  const pending: Array<Promise<void>> = [];
  for (const name of names) {
    if (resolved.has(name)) continue;
    resolved.set(name, 0);
    pending.push(index(name).then(
      (ifindex) => { resolved.set(name, ifindex); },
      (error: unknown) => {
        if (!(error instanceof NetlinkError)) throw error;
        resolved.set(name, error);
      }));
  }
  await Promise.all(pending);
  return resolved;
}
