/**
 * Pulled dumps: a dump read one datagram at a time, as its consumer asks for objects (the kernel
 * builds each dump datagram inside the read), so a table of any size never sits in memory at once.
 */
import { NLM_F_DUMP, NLM_F_REQUEST } from '../core/protocol.js';
import { DumpWaiter, type DumpSink, type ReplyDecoder, type RequestBuilder } from './waiters.js';

/** What a pulled dump needs from its connection. */
export interface StreamHost {
  /** Throws ERR_NL_CLOSED (named after `type`) if the handle is closed. */
  assertOpen(type: number): void;
  /** Queues or starts a dump. */
  startDump(waiter: DumpWaiter<unknown>): void;
  /** Reads one datagram for `waiter`, waiting for readability if none is queued. */
  pull(waiter: DumpWaiter<unknown>): Promise<void>;
  /** The consumer stopped early: drop the rest of the dump as it is read. */
  abandonDump(waiter: DumpWaiter<unknown>): void;
}

/**
 * A dump of `type` yielding decoded objects one at a time. An inconsistent dump (NLM_F_DUMP_INTR)
 * cannot be restarted once objects were yielded: the iterator throws ERR_NL_DUMP_INTERRUPTED at
 * its end. Breaking out of the loop drains the rest of the dump.
 */
export function pulledDump<T>(host: StreamHost, type: number, flags: number, build: RequestBuilder,
  decode: ReplyDecoder<T>): AsyncIterableIterator<T> {
  const items: T[] = [];
  let head = 0;
  let ended = false;
  let failure: Error | undefined;
  const sink: DumpSink<T> = {
    push: (v) => { items.push(v); },
    restart: () => { /* pull dumps are never restarted */ },
    end: (error) => { ended = true; failure = error; },
  };
  const waiter = new DumpWaiter(type, flags | NLM_F_REQUEST | NLM_F_DUMP, build, decode, sink, true, 0) as DumpWaiter<unknown>;
  let started = false;
  const iterator: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]() { return iterator; },
    async next(): Promise<IteratorResult<T>> {
      if (!started) {
        started = true;
        host.assertOpen(type);
        host.startDump(waiter);
      }
      for (;;) {
        if (head < items.length) {
          const value = items[head]!;
          items[head++] = undefined as T;
          if (head > 1024 && head * 2 > items.length) { items.splice(0, head); head = 0; }
          return { value, done: false };
        }
        if (ended) {
          if (failure) { const f = failure; failure = undefined; throw f; }
          return { value: undefined, done: true };
        }
        await host.pull(waiter);
      }
    },
    async return(): Promise<IteratorResult<T>> {
      if (started && !ended) host.abandonDump(waiter);
      ended = true;
      items.length = 0;
      return { value: undefined, done: true };
    },
  };
  return iterator;
}
