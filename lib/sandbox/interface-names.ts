/**
 * Interface names inside a sandbox: `<prefix><n>` with the lowest n that no interface of the
 * sandbox uses (libnetwork's modern rule; the old per-namespace counter never reused a number).
 */
import { ValidationError } from '../netlink/core/errors.js';

/** The decimal suffix of `name` after `prefix` (`'eth12'`, `'eth'` → 12), or -1 if it is not one. */
export function suffixOf(name: string, prefix: string): number {
  if (!name.startsWith(prefix) || name.length === prefix.length) return -1;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9][0-9]{0,8})$/.test(rest) ? Number(rest) : -1;
}

/**
 * The name `<prefix><n>` with the lowest n ≥ 0 not taken in `names` (libnetwork's
 * `generateIfaceName`): ['test0', 'test2'] → 'test1'; names that merely start with the prefix
 * (`'test-0'`) do not count.
 */
export function lowestFreeName(prefix: string, names: Iterable<string>): string {
  if (typeof prefix !== 'string') throw new ValidationError('prefix', prefix, 'a name prefix string is required');
  if (typeof names !== 'object' || names === null || typeof (names as Partial<Iterable<string>>)[Symbol.iterator] !== 'function') {
    throw new ValidationError('names', names, 'an iterable of name strings is required');
  }
  const used = new Set<number>();
  for (const name of names) {
    if (typeof name !== 'string') throw new ValidationError('names', name, 'every name must be a string');
    const n = suffixOf(name, prefix);
    if (n >= 0) used.add(n);
  }
  let n = 0;
  while (used.has(n)) n++;
  return `${prefix}${n}`;
}
