/**
 * Dumps shared by every family: streams, whose request is prepared (link names resolved) on the
 * first `next()` and whose objects come one at a time as the kernel produces them, and lists. Replies
 * a family's decoder drops (what the kernel could not filter) are skipped.
 */
import { ENODEV } from '../core/errno.js';
import { NetlinkError, ProtocolError } from '../core/errors.js';
import type { LinkRef } from '../core/validate.js';
import type { RequestBuilder, ReplyDecoder, Connection } from '../transport/connection.js';

/** A prepared dump: the request and the decoder (returning undefined for a reply to skip). */
export interface PreparedDump<T> {
  build: RequestBuilder;
  decode: ReplyDecoder<T | undefined>;
  /** Whether an error of the dump means there is nothing to dump (a table that does not exist): it then ends empty. */
  empty?: (error: unknown) => boolean;
  /** The one link the kernel filters the dump on, as the caller gave it: a NetlinkError ENODEV of the dump names it. */
  subject?: LinkRef | undefined;
}

/** The dump's error, naming its link (see {@link PreparedDump.subject}) when the kernel says ENODEV. */
function named(e: unknown, subject: LinkRef | undefined): unknown {
  return subject !== undefined && e instanceof NetlinkError && e.errno === ENODEV ? e.naming(subject) : e;
}

/**
 * Runs a prepared dump to its end and resolves to the objects the decoder kept, in order. The
 * `partial` objects of ERR_NL_DUMP_INTERRUPTED are the kept ones too.
 */
export async function dumpList<T>(conn: Connection, type: number, d: PreparedDump<T>): Promise<T[]> {
  let items: Array<T | undefined>;
  try {
    items = await conn.dump(type, 0, d.build, d.decode);
  } catch (e) {
    if (d.empty?.(e) === true) return [];
    if (e instanceof ProtocolError && e.code === 'ERR_NL_DUMP_INTERRUPTED' && e.partial) {
      throw new ProtocolError(e.code, e.op, e.message.slice(e.op.length + 2), e.partial.filter((x) => x !== undefined));
    }
    throw named(e, d.subject);
  }
  // Compacted in place: a dump of 100k objects is not copied.
  let n = 0;
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    if (x !== undefined) items[n++] = x;
  }
  items.length = n;
  return items as T[];
}

/**
 * Runs `check` now, when a stream is made (its options are read then, once: changing them before
 * the first `next()` changes nothing), and returns what gives its result on that first `next()`:
 * the checked options, or the refusal of bad ones (which rejects the first read).
 */
export function checkNow<C>(check: () => C): () => C {
  let checked: C;
  try {
    checked = check();
  } catch (error) {
    return () => { throw error; };
  }
  return () => checked;
}

/**
 * An async iterator over a dump of message type `type`. `prepare` runs on the first `next()` (so a
 * stream that is never read sends nothing); `return()` ends the dump early and frees its socket turn.
 */
export function dumpStream<T>(conn: Connection, type: number, prepare: () => PreparedDump<T> | Promise<PreparedDump<T>>): AsyncIterableIterator<T> {
  let inner: AsyncIterableIterator<T | undefined> | undefined;
  let empty: PreparedDump<T>['empty'];
  let subject: LinkRef | undefined;
  let done = false;
  const it: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => it,
    async next(): Promise<IteratorResult<T>> {
      if (done) return { value: undefined, done: true };
      if (inner === undefined) {
        const d = await prepare();
        if (done) return { value: undefined, done: true };
        inner = conn.stream(type, 0, d.build, d.decode);
        empty = d.empty;
        subject = d.subject;
      }
      for (;;) {
        let r: IteratorResult<T | undefined>;
        try {
          r = await inner.next();
        } catch (e) {
          done = true;
          if (empty?.(e) === true) return { value: undefined, done: true };
          throw named(e, subject);
        }
        if (r.done) {
          done = true;
          return { value: undefined, done: true };
        }
        if (r.value !== undefined) return { value: r.value, done: false };
      }
    },
    async return(): Promise<IteratorResult<T>> {
      done = true;
      await inner?.return?.();
      return { value: undefined, done: true };
    },
  };
  return it;
}
