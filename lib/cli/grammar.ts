/**
 * The object grammar of `ip` as data: each command (`link add`, `route show` …) is a table of
 * keywords, each taking no value (`up`), one value (`mtu 1400`) or the rest of the line (`type
 * bridge stp_state 1` hands `stp_state 1` to the bridge's own table), plus what a word that is no
 * keyword means (`ip link set eth0 …` is `dev eth0`; `ip route add 10.0.0.0/24` is the prefix).
 * {@link parseWords} walks the words through a table into a state object; value parsers turn
 * strings into checked numbers and names, and every failure is a UsageError worded as ip's.
 */
import { UsageError, duplicateArgument, invalidArgument } from './errors.js';

/** One keyword of a command. */
export interface Keyword<S> {
  /** The keyword and its aliases (`['address', 'lladdr']`); the first one is shown in help. */
  readonly names: readonly string[];
  /**
   * What follows: nothing (a switch such as `up`), one value (`'NAME'` etc., shown in help), or
   * `'rest'` (every remaining word goes to {@link apply} as `rest`).
   */
  readonly takes?: 'value' | 'rest';
  /**
   * May appear more than once with a value (`nud`); otherwise a second one is ip's "duplicate"
   * error. Switches without a value may always repeat.
   */
  readonly repeat?: boolean;
  /**
   * Words that may stand between the keyword and its value, each at most once (`mtu lock 1400`,
   * `via inet6 fe80::1`); `apply` gets the ones given as `rest`.
   */
  readonly modifiers?: readonly string[];
  /**
   * Stores the keyword's meaning in `state`; throws a UsageError for a bad value. `rest` is the
   * rest of the line for `takes: 'rest'`, the modifiers given for `takes: 'value'`.
   */
  apply(state: S, value: string, rest: readonly string[], keyword: string): void;
}

/** A command's grammar: its keywords and the meaning of a bare word. */
export interface Grammar<S> {
  /** The command as ip's messages name it (`link`, `route`), for "try rtnl link help". */
  readonly object: string;
  readonly keywords: ReadonlyArray<Keyword<S>>;
  /**
   * A word that is no keyword: the keyword it implies (`dev`, `to`), taken once; with none, such a
   * word is an error.
   */
  readonly bare?: string;
}

/** Looks keywords up by every name, in a Map (a word such as `constructor` is just unknown). */
function index<S>(g: Grammar<S>): Map<string, Keyword<S>> {
  const map = new Map<string, Keyword<S>>();
  for (const k of g.keywords) for (const n of k.names) map.set(n, k);
  return map;
}

const indexes = new WeakMap<object, Map<string, Keyword<unknown>>>();

/** ip's message when a keyword's value is missing. */
export function incomplete(object: string): UsageError {
  return new UsageError(`Command line is not complete. Try "rtnl ${object} help".`, true);
}

/**
 * Walks `words` through grammar `g` into `state` and returns it. A keyword with a value takes the
 * next word (missing: "Command line is not complete"); a word that is no keyword is the bare
 * keyword's value once, else a "duplicate or garbage" error.
 */
export function parseWords<S>(g: Grammar<S>, words: readonly string[], state: S): S {
  let map = indexes.get(g) as Map<string, Keyword<S>> | undefined;
  if (map === undefined) {
    map = index(g);
    indexes.set(g, map as Map<string, Keyword<unknown>>);
  }
  const seen = new Set<Keyword<S>>();
  let i = 0;
  while (i < words.length) {
    const word = words[i]!;
    let key = map.get(word);
    let value: string;
    if (key === undefined) {
      if (word === 'help') throw new UsageError(`Try "rtnl ${g.object} help".`, true);
      key = g.bare === undefined ? undefined : map.get(g.bare);
      if (key === undefined) throw new UsageError(`unknown argument "${word}" for "rtnl ${g.object}". Try "rtnl ${g.object} help".`);
      if (seen.has(key) && key.repeat !== true) throw duplicateArgument(g.bare!, word);
      seen.add(key);
      key.apply(state, word, [], g.bare!);
      i++;
      continue;
    }
    // A switch may be repeated (`up up`, as ip allows); a value given twice is ip's duplicate error.
    if (seen.has(key) && key.repeat !== true && key.takes !== undefined) {
      throw duplicateArgument(word, words[i + 1] ?? word);
    }
    seen.add(key);
    if (key.takes === 'rest') {
      key.apply(state, '', words.slice(i + 1), word);
      return state;
    }
    const mods: string[] = [];
    if (key.takes === 'value') {
      i++;
      while (i < words.length - 1 && key.modifiers?.includes(words[i]!) === true && !mods.includes(words[i]!)) mods.push(words[i++]!);
      if (i >= words.length) throw incomplete(g.object);
      value = words[i++]!;
    } else {
      value = '';
      i++;
    }
    key.apply(state, value, mods, word);
  }
  return state;
}

// ---- value parsers: ip's get_u32 / get_unsigned style (decimal, 0x hex, 0 octal), checked ----

/** An unsigned integer as C's strtoul(…, 0) reads it, or undefined when `s` is not one. */
export function parseUnsigned(s: string): number | undefined {
  let n: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(s)) n = Number.parseInt(s.slice(2), 16);
  else if (/^0[0-7]+$/.test(s)) n = Number.parseInt(s.slice(1), 8);
  else if (/^(0|[1-9][0-9]*)$/.test(s)) n = Number(s);
  else return undefined;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** An integer in `[min, max]`, or ip's `Invalid "<what>" value` usage error. */
export function integer(s: string, what: string, min = 0, max = 0xffffffff): number {
  const n = parseUnsigned(s);
  if (n === undefined || n < min || n > max) throw invalidArgument(s, `Invalid "${what}" value`);
  return n;
}

/** A keyword that stores one value (`repeat`: it may be given more than once). */
export function value<S>(names: readonly string[], apply: (state: S, v: string, keyword: string) => void, repeat = false): Keyword<S> {
  return { names, takes: 'value', repeat, apply: (s, v, _rest, k) => apply(s, v, k) };
}

/** A keyword with a value that may be preceded by modifier words (`mtu lock 1400`). */
export function modified<S>(names: readonly string[], modifiers: readonly string[],
  apply: (state: S, v: string, mods: readonly string[]) => void): Keyword<S> {
  return { names, takes: 'value', modifiers, apply: (s, v, mods) => apply(s, v, mods) };
}

/** A keyword without a value. */
export function flag<S>(names: readonly string[], apply: (state: S, keyword: string) => void): Keyword<S> {
  return { names, apply: (s, _v, _rest, k) => apply(s, k) };
}

/** A keyword that takes the rest of the line. */
export function rest<S>(names: readonly string[], apply: (state: S, rest: readonly string[]) => void): Keyword<S> {
  return { names, takes: 'rest', apply: (s, _v, r) => apply(s, r) };
}

/**
 * Dispatches a command word (`show`, `add` …) by ip's rule: the word or an abbreviation of it,
 * the first entry in table order winning (`ip l` is `ip link`, `ip r` is `ip route`). Returns the
 * entry, or undefined.
 */
export function matchCommand<T extends { readonly name: string; readonly aliases?: readonly string[] }>(
  table: readonly T[], word: string,
): T | undefined {
  if (word === '') return undefined;
  for (const entry of table) {
    if (entry.name === word || entry.aliases?.includes(word) === true) return entry;
  }
  for (const entry of table) {
    if (entry.name.startsWith(word)) return entry;
  }
  return undefined;
}
