/**
 * Bulk requests shared by every family (`addMany`, `delMany` …): every item is validated before
 * anything is sent (one bad item rejects the whole call), each distinct link name is resolved once,
 * an item whose link is missing fails alone, and the rest leave packed into as few datagrams as the
 * buffers allow. The result has one entry per item, in order.
 */
import { NetlinkError, ValidationError } from '../core/errors.js';
import type { LinkRef } from '../core/validate.js';
import type { NlWriter } from '../core/writer.js';
import type { BulkResult, Connection } from '../transport/connection.js';
import { resolveNames, type LinkIndexer } from './resolve.js';

/** How one family's bulk call reads and writes its items. */
export interface BulkCodec<C> {
  /** Validates item `index` (its field path is `${field}[${index}]`) into its checked form; throws ValidationError. */
  check(field: string, value: unknown): C;
  /** The link references of a checked item, in a fixed order (absent ones as undefined). */
  refs(item: C): ReadonlyArray<LinkRef | undefined>;
  /** Writes the request of a checked item after its nlmsghdr, with its references resolved in order. */
  write(w: NlWriter, item: C, ifindexes: ReadonlyArray<number | undefined>): void;
}

/**
 * Sends one request of `type`/`flags` per item of `items` (an array, else a ValidationError naming
 * `field`), and resolves to one BulkResult per item, in order.
 */
export async function bulk<C>(conn: Connection, index: LinkIndexer, type: number, flags: number,
  field: string, items: unknown, codec: BulkCodec<C>): Promise<BulkResult[]> {
  if (!Array.isArray(items)) throw new ValidationError(field, items, 'an array is required');
  const checked = new Array<C>(items.length);
  for (let i = 0; i < items.length; i++) {
    // A hole would read Array.prototype's or a polluted Object.prototype's member at that index.
    if (!Object.hasOwn(items, i)) throw new ValidationError(`${field}[${i}]`, undefined, 'an array without holes is required');
    checked[i] = codec.check(`${field}[${i}]`, items[i]);
  }

  const refs = checked.map((c) => codec.refs(c));
  const names = new Set<string>();
  for (const list of refs) for (const r of list) if (typeof r === 'string') names.add(r);
  const resolved = names.size === 0 ? undefined : await resolveNames(index, names);

  const results = new Array<BulkResult>(checked.length);
  const send: number[] = [];
  const ifindexes = new Array<ReadonlyArray<number | undefined>>(checked.length);
  for (let i = 0; i < checked.length; i++) {
    const list = refs[i]!;
    let failed: NetlinkError | undefined;
    let out: Array<number | undefined> | undefined;
    for (let k = 0; k < list.length; k++) {
      const r = list[k];
      if (typeof r !== 'string') continue;
      const v = resolved!.get(r)!;
      if (v instanceof NetlinkError) { failed = v; break; }
      (out ??= list.slice() as Array<number | undefined>)[k] = v;
    }
    if (failed !== undefined) {
      results[i] = { status: 'rejected', reason: failed };
      continue;
    }
    ifindexes[i] = out ?? (list as ReadonlyArray<number | undefined>);
    send.push(i);
  }
  const sent = await conn.bulk(type, flags, send.length, (w, k) => {
    const i = send[k]!;
    codec.write(w, checked[i]!, ifindexes[i]!);
  });
  for (let k = 0; k < send.length; k++) results[send[k]!] = sent[k]!;
  return results;
}
