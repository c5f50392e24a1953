/**
 * EnumTable: one kernel enumeration (RTPROT_*, RT_SCOPE_*, RT_TABLE_* …) with the names `ip` gives
 * its values, looked up in both directions through `Map`s only — never through an object's
 * properties, so `'constructor'`, `'toString'` or `'__proto__'` are unknown names like any other.
 */
import { ValidationError } from './errors.js';

/** How {@link EnumTable.check} accepts numbers. */
export interface EnumRange {
  /** Smallest number accepted as is (default 0). */
  min?: number;
  /** Largest number accepted as is (default 255: most of these enums are a u8 in a header). */
  max?: number;
}

/** A kernel enumeration: canonical names by value, and names (with aliases) to values. */
export class EnumTable<N extends string = string> {
  /** What the values are, for error messages (`'route protocol'`). */
  readonly what: string;
  readonly #names: ReadonlyArray<readonly [N, number]>;
  readonly #aliases: ReadonlyArray<readonly [string, number]>;
  /**
   * Canonical names by value and values by name (and alias), built on first use: ~70 tables are made
   * at import and most are never used by a process; their maps were ~60 KB of a fresh process's
   * heap, which a young-generation GC then had to copy.
   */
  #byValue: Map<number, N> | undefined;
  #byName: Map<string, number> | undefined;
  /**
   * nameOr() of 0..255, computed on the first nameOr(): views name a u8 header field of every
   * object they decode, and most tables are never used by a process (built at import, they cost
   * ~2 ms of its start).
   */
  #small: Array<N | number> | undefined;
  readonly #min: number;
  readonly #max: number;

  /**
   * @param what    what a value is, for error messages
   * @param names   canonical `[name, value]` pairs, as `ip` prints them
   * @param aliases further names accepted on input (`'universe'` for `'global'`), never printed
   * @param range   the numbers accepted as is by {@link check}
   */
  constructor(what: string, names: ReadonlyArray<readonly [N, number]>, aliases: ReadonlyArray<readonly [string, number]> = [], range: EnumRange = {}) {
    this.what = what;
    this.#names = names;
    this.#aliases = aliases;
    this.#min = range.min ?? 0;
    this.#max = range.max ?? 255;
  }

  /** Builds both maps; returns the one by name. (Fields, not getters: a getter per lookup costs a cold process.) */
  #index(): Map<string, number> {
    const byValue = new Map<number, N>();
    const byName = new Map<string, number>();
    for (const [name, value] of this.#names) {
      if (!byValue.has(value)) byValue.set(value, name);
      byName.set(name, value);
    }
    for (const [name, value] of this.#aliases) byName.set(name, value);
    this.#byValue = byValue;
    this.#byName = byName;
    return byName;
  }

  /** The map of names by value, built on first use. */
  #values(): Map<number, N> {
    if (this.#byValue === undefined) this.#index();
    return this.#byValue!;
  }

  /** The canonical name of `value`, or undefined when it has none. */
  name(value: number): N | undefined {
    return (this.#byValue ?? this.#values()).get(value);
  }

  /** The canonical name of `value`, or the number itself when it has none (as `ip -j` prints). */
  nameOr(value: number): N | number {
    if (value >= 0 && value < 256 && Number.isInteger(value)) {
      const small = this.#small ??= Array.from({ length: 256 }, (_, v) => (this.#byValue ?? this.#values()).get(v) ?? v);
      return small[value]!;
    }
    return (this.#byValue ?? this.#values()).get(value) ?? value;
  }

  /** The value of a name or alias, or undefined for an unknown name. */
  value(name: string): number | undefined {
    return (this.#byName ?? this.#index()).get(name);
  }

  /** Whether `name` is a known name or alias. */
  has(name: string): boolean {
    return (this.#byName ?? this.#index()).has(name);
  }

  /** The names accepted on input (canonical names and aliases), in table order. */
  names(): string[] {
    return [...(this.#byName ?? this.#index()).keys()];
  }

  /**
   * Checks caller input: a known name (or alias), or an integer in the table's range. Throws a
   * ValidationError naming `field` for anything else.
   */
  check(field: string, value: unknown): number {
    if (typeof value === 'string') {
      const v = (this.#byName ?? this.#index()).get(value);
      if (v === undefined) throw new ValidationError(field, value, `unknown ${this.what} (known: ${this.names().join(', ')}; or a number ${this.#min}..${this.#max})`);
      return v;
    }
    if (typeof value === 'number' && Number.isInteger(value) && value >= this.#min && value <= this.#max) return value;
    throw new ValidationError(field, value, `a ${this.what} name or a number ${this.#min}..${this.#max} is required`);
  }
}
