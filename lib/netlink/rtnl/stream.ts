/**
 * Streams of dumped objects shared by every family: the request is prepared (link names resolved)
 * on the first `next()`, objects come one at a time as the kernel produces them, and replies a
 * family's decoder drops (what the kernel could not filter) are skipped.
 */
import type { RequestBuilder, ReplyDecoder, Connection } from '../transport/connection.js';

/** A prepared dump: the request and the decoder (returning undefined for a reply to skip). */
export interface PreparedDump<T> {
  build: RequestBuilder;
  decode: ReplyDecoder<T | undefined>;
}

/**
 * An async iterator over a dump of message type `type`. `prepare` runs on the first `next()` (so a
 * stream that is never read sends nothing); `return()` ends the dump early and frees its socket turn.
 */
export function dumpStream<T>(conn: Connection, type: number, prepare: () => PreparedDump<T> | Promise<PreparedDump<T>>): AsyncIterableIterator<T> {
  let inner: AsyncIterableIterator<T | undefined> | undefined;
  let done = false;
  const it: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => it,
    async next(): Promise<IteratorResult<T>> {
      if (done) return { value: undefined, done: true };
      if (inner === undefined) {
        const d = await prepare();
        if (done) return { value: undefined, done: true };
        inner = conn.stream(type, 0, d.build, d.decode);
      }
      for (;;) {
        const r = await inner.next();
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
