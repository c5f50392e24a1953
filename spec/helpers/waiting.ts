/**
 * Helpers for tests of waiting paths: a promise that must settle within a bound (a hang fails the
 * test with a message instead of timing out the whole file), and a check that one has not settled.
 */

/** `p`, or a rejection naming `what` when it has not settled within `ms`. */
export function within<T>(p: Promise<T>, what = 'the promise', ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: not settled within ${ms} ms`)), ms); }),
  ]);
}

/** Whether `p` is still unsettled after a few event-loop turns (`ms`). */
export async function stillPending(p: Promise<unknown>, ms = 5): Promise<boolean> {
  const marker = Symbol('pending');
  const r = await Promise.race([p.then(() => 'settled', () => 'settled'), new Promise((res) => setTimeout(() => res(marker), ms))]);
  return r === marker;
}
