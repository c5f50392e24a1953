/**
 * `rtnl neigh show|add|replace|delete|flush`: ip's `ip neigh` grammar (ip/ipneigh.c
 * ipneigh_modify, do_show_or_flush) on `nl.neighbors`.
 *
 *     rtnl neigh { add | replace | del } { ADDR [ lladdr LLADDR ] [ nud STATE ] | proxy ADDR }
 *                [ dev DEV ] [ router ] [ extern_learn ] [ protocol PROTO ]
 *     rtnl neigh { show | flush } [ proxy ] [ to PREFIX ] [ dev DEV ] [ nud STATE ] [ master DEV ] [ protocol PROTO ]
 */
import type { Neighbor, NeighborFlagName, NeighborOptions } from '../netlink/index.js';
import type { Context } from './context.js';
import { UsageError, invalidArgument } from './errors.js';
import { flag, parseUnsigned, parseWords, value, type Grammar } from './grammar.js';
import type { JsonObject } from './json.js';
import * as K from './kernel.js';
import { neighborObject, neighborText } from './neighbor-format.js';
import { checkPrefixSel, inPrefix, type PrefixSel } from './prefix.js';
import { protoWord } from './route.js';

/** Usage of `rtnl neigh`. */
export const NEIGHBOR_USAGE = `Usage: rtnl neigh { add | del | replace } { ADDR [ lladdr LLADDR ] [ nud STATE ] | proxy ADDR } [ dev DEV ]
                [ router ] [ extern_learn ] [ protocol PROTO ]
       rtnl neigh { show | flush } [ proxy ] [ to PREFIX ] [ dev DEV ] [ nud STATE ] [ master DEV ] [ protocol PROTO ]
STATE := { delay | failed | incomplete | noarp | none | permanent | probe | reachable | stale }
`;

/** NUD state names as `nud` takes them (ip's nud_state_a2n), with their bits. */
const NUD = new Map<string, number>([
  ['permanent', K.NUD_PERMANENT], ['reachable', K.NUD_REACHABLE], ['noarp', K.NUD_NOARP], ['none', 0],
  ['stale', K.NUD_STALE], ['incomplete', K.NUD_INCOMPLETE], ['delay', K.NUD_DELAY], ['probe', K.NUD_PROBE],
  ['failed', K.NUD_FAILED],
]);

/** A `nud` word: a state name, or one NUD_* bit as a number. */
function nudWord(v: string): number {
  const named = NUD.get(v);
  if (named !== undefined) return named;
  const n = parseUnsigned(v);
  if (n === undefined || n >= 0x100 || (n & (n - 1)) !== 0) throw invalidArgument(v, 'nud state is bad');
  return n;
}

interface NeighborChange {
  dst: string | undefined;
  dev: string | undefined;
  lladdr: string | undefined;
  state: number | undefined;
  flags: NeighborFlagName[];
  protocol: number | undefined;
}

const MODIFY: Grammar<NeighborChange> = {
  object: 'neigh',
  bare: 'to',
  keywords: [
    value(['to'], (s, v) => { s.dst = v; }),
    value(['lladdr'], (s, v) => { s.lladdr = v; }),
    value(['nud'], (s, v) => { s.state = nudWord(v); }),
    value(['proxy'], (s, v) => {
      s.dst = v;
      s.flags.push('proxy');
    }),
    flag(['router'], (s) => { s.flags.push('router'); }),
    flag(['extern_learn'], (s) => { s.flags.push('extern_learn'); }),
    flag(['managed'], (s) => {
      s.flags.push('managed');
      s.state = 0;
    }),
    value(['dev'], (s, v) => { s.dev = v; }),
    value(['protocol', 'proto'], (s, v) => { s.protocol = protoWord(v); }),
  ],
};

/** Parses add/replace/del words into the library's options. */
function parseChange(words: readonly string[], forDelete: boolean): NeighborOptions {
  const c = parseWords(MODIFY, words, { dst: undefined, dev: undefined, lladdr: undefined, state: undefined, flags: [], protocol: undefined });
  if (c.dev === undefined || c.dst === undefined) throw new UsageError('Device and destination are required arguments.', true);
  const o: NeighborOptions = { link: c.dev, dst: c.dst };
  if (c.lladdr !== undefined && c.lladdr !== 'null') o.lladdr = c.lladdr;
  if (c.flags.length > 0) o.flags = c.flags;
  if (c.protocol !== undefined) o.protocol = c.protocol;
  // ip sends NUD_PERMANENT unless told otherwise (also on delete, where the kernel ignores it).
  if (!forDelete) o.state = c.state ?? K.NUD_PERMANENT;
  return o;
}

async function add(ctx: Context, words: readonly string[]): Promise<void> {
  await (await ctx.nl()).neighbors.add(parseChange(words, false));
}

async function replace(ctx: Context, words: readonly string[]): Promise<void> {
  await (await ctx.nl()).neighbors.replace(parseChange(words, false));
}

async function del(ctx: Context, words: readonly string[]): Promise<void> {
  await (await ctx.nl()).neighbors.del(parseChange(words, true));
}

/** ip's show filter. */
interface NeighborFilter {
  dev: string | undefined;
  /** NUD bits to show; 0x100 stands for NUD_NONE. */
  state: number;
  stateGiven: boolean;
  proxy: boolean;
  to: PrefixSel | undefined;
  master: string | undefined;
  protocol: number | undefined;
}

const SHOW: Grammar<NeighborFilter> = {
  object: 'neigh',
  bare: 'to',
  keywords: [
    value(['dev'], (s, v) => { s.dev = v; }),
    value(['nud'], (s, v) => {
      if (!s.stateGiven) {
        s.stateGiven = true;
        s.state = 0;
      }
      const bit = v === 'all' ? 0x1ff : nudWord(v);
      s.state |= bit === 0 ? 0x100 : bit;
    }, true),
    flag(['proxy'], (s) => { s.proxy = true; }),
    value(['master'], (s, v) => { s.master = v; }),
    value(['protocol', 'proto'], (s, v) => { s.protocol = v === 'all' ? undefined : protoWord(v); }),
    value(['to'], (s, v) => { s.to = checkPrefixSel(v); }),
  ],
};

async function select(ctx: Context, words: readonly string[]): Promise<{ entries: Neighbor[]; filter: NeighborFilter }> {
  const f = parseWords(SHOW, words, {
    dev: undefined, state: 0xff & ~K.NUD_NOARP, stateGiven: false, proxy: false, to: undefined, master: undefined, protocol: undefined,
  });
  const nl = await ctx.nl();
  const family = ctx.options.family;
  const entries = await nl.neighbors.list({
    ...(family === undefined ? {} : { family }),
    ...(f.dev === undefined ? {} : { link: f.dev }),
    ...(f.master === undefined ? {} : { master: f.master }),
    ...(f.proxy ? { proxy: true } : {}),
  });
  const kept = entries.filter((n) => {
    const h = n.header;
    if ((f.state & h.state) === 0 && (h.flags & K.NTF_PROXY) === 0 && (h.flags & K.NTF_EXT_LEARNED) === 0
      && (h.state !== 0 || (f.state & 0x100) === 0)) return false;
    if (f.to !== undefined && !inPrefix(n.attributes.dst, f.to)) return false;
    if (f.protocol !== undefined && (n.attributes.protocol ?? 0) !== f.protocol) return false;
    return true;
  });
  return { entries: kept, filter: f };
}

async function show(ctx: Context, words: readonly string[]): Promise<void> {
  const { entries, filter } = await select(ctx, words);
  const table = await ctx.links();
  const objects: JsonObject[] = entries.map((n) => neighborObject(n, table, { stats: ctx.options.stats, hideDev: filter.dev !== undefined }));
  ctx.print(objects, () => objects.flatMap(neighborText));
}

async function flush(ctx: Context, words: readonly string[]): Promise<void> {
  if (words.length === 0) throw new UsageError('Flush requires arguments.', true);
  const { entries } = await select(ctx, words);
  const doomed = entries.filter((n) => (n.header.state & (K.NUD_PERMANENT | K.NUD_NOARP)) === 0);
  const results = await (await ctx.nl()).neighbors.delMany(doomed.map((n) => ({ link: n.ifindex, dst: n.attributes.dst ?? '' })));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed?.status === 'rejected') throw failed.reason;
}

/** The commands of `rtnl neigh`, in ip's matching order. */
export const NEIGHBOR_COMMANDS = [
  { name: 'add', run: add },
  { name: 'replace', aliases: ['change', 'chg'], run: replace },
  { name: 'delete', aliases: ['del'], run: del },
  { name: 'show', aliases: ['list', 'lst'], run: show },
  { name: 'flush', run: flush },
] as const;
