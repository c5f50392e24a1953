/**
 * Printing of the sandbox's objects: `util.inspect` shows the class name and the same fields as
 * `toJSON()` (`Interface { srcName: 'veth1a', dstName: 'eth0', … }` instead of `Interface {}`,
 * since their state is private).
 */
import type { InspectOptionsStylized, inspect as inspectFn } from 'node:util';

/** The `[util.inspect.custom]` body of an object printed as `Name { …fields }`. */
export function inspectAs(name: string, fields: object, depth: number, options: InspectOptionsStylized,
  inspect: typeof inspectFn): string {
  if (depth < 0) return options.stylize(`[${name}]`, 'special');
  // `depth` is what is left at this level (null: unlimited); the fields stand where the object stood.
  return `${options.stylize(name, 'special')} ${inspect(fields, { ...options, depth })}`;
}

/** `fields` without the keys whose value is undefined (what JSON.stringify would drop anyway). */
export function defined<T extends object>(fields: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(fields) as Array<[keyof T, T[keyof T]]>) if (v !== undefined) out[k] = v;
  return out;
}
