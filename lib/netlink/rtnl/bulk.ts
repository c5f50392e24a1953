/**
 * Bulk requests shared by every family (`addMany`, `delMany` …): every item is validated before
 * anything is sent (one bad item rejects the whole call), each distinct link name is resolved once,
 * an item whose link is missing fails alone, and the rest leave packed into as few datagrams as the
 * buffers allow. The result has one entry per item, in order.
 */
import { ENODEV } from '../core/errno.js';
import { NetlinkError, ValidationError } from '../core/errors.js';
import type { LinkRef } from '../core/validate.js';
import type { NlWriter } from '../core/writer.js';
import type { BulkResult, Connection, OrderSlot } from '../transport/connection.js';
import { resolveNames, sendInSlot, soleRef, type LinkIndexer } from './resolve.js';

/** How one family's bulk call reads and writes its items. */
export interface BulkCodec<C> {
  /**
   * Validates an item into its checked form; throws ValidationError naming `field` (`items[]` for
   * every item first, then `items[3]` for one that failed: the check must not depend on it otherwise).
   */
  check(field: string, value: unknown): C;
  /**
   * The link references of a checked item, in a fixed order (absent ones as undefined), as a new
   * array: the bulk call writes the resolved ifindexes into it.
   */
  refs(item: C): Array<LinkRef | undefined>;
  /**
   * Writes the request of a checked item after its nlmsghdr, with its references resolved in order.
   * Called without `this`, once per item, straight from the transport's loop.
   */
  write(w: NlWriter, item: C, ifindexes: ReadonlyArray<number | undefined>): void;
}

/** The checked items of a bulk call, their link references, and the distinct names among them. */
export interface CheckedBatch<C> {
  checked: C[];
  refs: Array<Array<LinkRef | undefined>>;
  names: Set<string> | undefined;
}

/**
 * Validates every item (one bad item throws its ValidationError before anything is sent). One loop
 * in a function of its own: on a process's first call it is compiled (on-stack) once, alone.
 *
 * Every item is checked under one path for all (`items[]`), so no path string is built per item;
 * an item that fails is checked again under its own (`items[3]`), whose error is the one thrown.
 */
function checkItems<C>(field: string, items: readonly unknown[], codec: BulkCodec<C>): CheckedBatch<C> {
  const n = items.length;
  const checked = new Array<C>(n);
  const refs = new Array<Array<LinkRef | undefined>>(n);
  let names: Set<string> | undefined;
  const anyItem = `${field}[]`;
  for (let i = 0; i < n; i++) {
    // A hole would read Array.prototype's or a polluted Object.prototype's member at that index.
    if (!Object.hasOwn(items, i)) throw new ValidationError(`${field}[${i}]`, undefined, 'an array without holes is required');
    const value = items[i];
    let c: C;
    try {
      c = codec.check(anyItem, value);
    } catch (e) {
      throw itemError(codec, `${field}[${i}]`, value, e);
    }
    checked[i] = c;
    const list = codec.refs(c);
    refs[i] = list;
    for (let k = 0; k < list.length; k++) {
      const r = list[k];
      if (typeof r === 'string') (names ??= new Set()).add(r);
    }
  }
  return { checked, refs, names };
}

/**
 * The error of an item whose check threw `first` under the shared path: the same check under the
 * item's own `path`. Checks are pure, so it throws again; should it pass (a getter answering
 * differently the second time), the item is refused all the same, by its path.
 */
function itemError<C>(codec: BulkCodec<C>, path: string, value: unknown, first: unknown): unknown {
  try {
    codec.check(path, value);
  } catch (e) {
    return e;
  }
  if (!(first instanceof ValidationError)) return first;
  return new ValidationError(path, value, `refused, then accepted when read again (its getters answer differently): ${first.message}`);
}

/**
 * `${field}.`, the prefix of an item's option paths, remembered for the last `field`: a bulk call
 * checks every item under one path, so the prefix is built once per call, not per item.
 */
export function optionPrefix(field: string): string {
  if (field !== lastField) {
    lastField = field;
    lastPrefix = `${field}.`;
  }
  return lastPrefix;
}
let lastField = '';
let lastPrefix = '.';

/** Replaces the names in `list` by their ifindexes (every one of them resolved). */
function substitute(list: Array<LinkRef | undefined>, resolved: ReadonlyMap<string, number | NetlinkError>): ReadonlyArray<number | undefined> {
  for (let k = 0; k < list.length; k++) {
    const r = list[k];
    if (typeof r === 'string') list[k] = resolved.get(r) as number;
  }
  return list as ReadonlyArray<number | undefined>;
}

/**
 * Replaces the names of every item's references by their ifindexes (every name resolved). A loop of
 * its own, before the writes: a closure doing it per item would put one more function between the
 * transport's loop and the family's writer, compiled with the writer inlined once more.
 */
function substituteAll(refs: Array<Array<LinkRef | undefined>>, resolved: ReadonlyMap<string, number | NetlinkError>): Array<ReadonlyArray<number | undefined>> {
  for (let i = 0; i < refs.length; i++) substitute(refs[i]!, resolved);
  return refs as unknown as Array<ReadonlyArray<number | undefined>>;
}

/**
 * Sends one request of `type`/`flags` per item of `items` (an array, else a ValidationError naming
 * `field`), and resolves to one BulkResult per item, in order.
 *
 * Every item is checked in one loop, its link names are replaced by ifindexes in another, and the
 * family's writer then runs once per item straight from the transport's loop. Only when some name
 * does not resolve are the items sorted into those that fail alone and those that are sent.
 */
export function bulk<C>(conn: Connection, index: LinkIndexer, type: number, flags: number,
  field: string, items: unknown, codec: BulkCodec<C>): Promise<BulkResult[]> {
  try {
    return sendBatch(conn, index, type, flags, checkBatch(field, items, codec), codec);
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * The check half of {@link bulk}: `items` (an array, else a ValidationError naming `field`), every
 * item checked, before anything is sent or opened.
 */
export function checkBatch<C>(field: string, items: unknown, codec: BulkCodec<C>): CheckedBatch<C> {
  if (!Array.isArray(items)) throw new ValidationError(field, items, 'an array is required');
  return checkItems(field, items, codec);
}

/** The send half of {@link bulk}: a checked batch's names resolved, its requests sent, one result per item. */
export async function sendBatch<C>(conn: Connection, index: LinkIndexer, type: number, flags: number,
  batch: CheckedBatch<C>, codec: BulkCodec<C>): Promise<BulkResult[]> {
  const { checked, refs, names } = batch;
  const write = codec.write;
  if (names === undefined) return namingMissingLinks(await conn.bulkOf(type, flags, checked, refs as unknown as Array<ReadonlyArray<number | undefined>>, write), checked, codec);

  // Each distinct name once; an item naming a link the kernel does not know fails alone. The
  // lookups start in this call; the batch keeps its place in the call order meanwhile
  // (transport/call-order.ts), also when every name was known (an await all the same).
  const lookups = resolveNames(index, names);
  const slot = conn.reserve();
  try {
    return await sendNamed(conn, type, flags, batch, codec, await lookups, slot);
  } finally {
    slot.cancel();
  }
}

/** {@link sendBatch} once the names are resolved: the items whose links exist, sent in `slot`'s turn. */
async function sendNamed<C>(conn: Connection, type: number, flags: number, batch: CheckedBatch<C>, codec: BulkCodec<C>,
  resolved: Map<string, number | NetlinkError>, slot: OrderSlot): Promise<BulkResult[]> {
  const { checked, refs } = batch;
  const write = codec.write;
  let missing = false;
  for (const v of resolved.values()) if (v instanceof NetlinkError) missing = true;
  if (!missing) return namingMissingLinks(await sendInSlot(slot, () => conn.bulkOf(type, flags, checked, substituteAll(refs, resolved), write)), checked, codec);

  const results = new Array<BulkResult>(checked.length);
  const sentItems: C[] = [];
  const sentRefs: Array<ReadonlyArray<number | undefined>> = [];
  const order: number[] = [];
  for (let i = 0; i < checked.length; i++) {
    const list = refs[i]!;
    let failed: NetlinkError | undefined;
    for (let k = 0; k < list.length && failed === undefined; k++) {
      const r = list[k];
      if (typeof r !== 'string') continue;
      const v = resolved.get(r)!;
      if (v instanceof NetlinkError) failed = v;
    }
    if (failed !== undefined) {
      results[i] = { status: 'rejected', reason: failed };
    } else {
      sentItems.push(checked[i]!);
      sentRefs.push(substitute(list, resolved));
      order.push(i);
    }
  }
  const sent = namingMissingLinks(await sendInSlot(slot, () => conn.bulkOf(type, flags, sentItems, sentRefs, write)), sentItems, codec);
  for (let k = 0; k < order.length; k++) results[order[k]!] = sent[k]!;
  return results;
}

/**
 * Names the link in each item's ENODEV (`link "eth0" does not exist`, `link with ifindex 7 …`) when
 * the item has one link reference (see {@link soleRef}): the link was there when its name was
 * resolved, or the caller gave an ifindex the kernel does not have. `results[i]` is `items[i]`'s.
 */
function namingMissingLinks<C>(results: BulkResult[], items: readonly C[], codec: BulkCodec<C>): BulkResult[] {
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    if (r.status !== 'rejected' || !(r.reason instanceof NetlinkError) || r.reason.errno !== ENODEV || r.reason.link !== undefined) continue;
    const link = soleRef(codec.refs(items[i]!));
    if (link !== undefined) results[i] = { status: 'rejected', reason: r.reason.naming(link) };
  }
  return results;
}
