/**
 * `rtnl rule show|add|delete|flush`: ip's `ip rule` grammar (ip/iprule.c iprule_modify,
 * iprule_list_flush_or_save) on `nl.rules`. Without `-6`, rules are IPv4 (as ip).
 *
 *     rtnl rule { add | del } [ not ] [ from PREFIX ] [ to PREFIX ] [ tos TOS ] [ fwmark MARK[/MASK] ]
 *              [ iif DEV ] [ oif DEV ] [ pref N ] [ l3mdev ] [ uidrange A-B ] [ ipproto P ] [ sport A[-B] ]
 *              [ dport A[-B] ] [ tun_id ID ] [ protocol PROTO ] [ realms [SRC/]DST ]
 *              [ lookup TABLE | goto N | nop | blackhole | unreachable | prohibit ]
 *              [ suppress_prefixlength N ] [ suppress_ifgroup GROUP ]
 *     rtnl rule show [ pref N ] [ table TABLE ] [ from PREFIX ] [ to PREFIX ] [ fwmark MARK ] [ iif DEV ] [ oif DEV ]
 */
import type { Rule, RuleOptions } from '../netlink/index.js';
import type { Context } from './context.js';
import { UsageError, invalidArgument } from './errors.js';
import { flag, integer, parseUnsigned, parseWords, value, type Grammar } from './grammar.js';
import type { JsonObject } from './json.js';
import * as K from './kernel.js';
import { dsfields, groups, ipProtocolNames, realms } from './names.js';
import { protoWord, tableWord } from './route.js';
import { ruleObject, ruleText } from './rule-format.js';

/** Usage of `rtnl rule`. */
export const RULE_USAGE = `Usage: rtnl rule { add | del } SELECTOR ACTION
       rtnl rule { flush | show } [ SELECTOR ]
SELECTOR := [ not ] [ from PREFIX ] [ to PREFIX ] [ tos TOS ] [ fwmark FWMARK[/MASK] ] [ iif STRING ] [ oif STRING ]
            [ pref NUMBER ] [ l3mdev ] [ uidrange NUMBER-NUMBER ] [ ipproto PROTOCOL ] [ sport [ NUMBER | NUMBER-NUMBER ] ]
            [ dport [ NUMBER | NUMBER-NUMBER ] ] [ tun_id TUN_ID ] [ protocol PROTO ]
ACTION := [ table TABLE_ID ] [ realms [SRCREALM/]DSTREALM ] [ goto NUMBER ] [ nop ] [ blackhole | unreachable | prohibit ]
          [ suppress_prefixlength NUMBER ] [ suppress_ifgroup GROUP ]
`;

/** `A-B` or `A` as a range. */
function rangeWord(v: string, what: string, max: number): { start: number; end: number } {
  const m = /^([^-]+)(?:-(.+))?$/.exec(v);
  if (m === null) throw invalidArgument(v, `invalid ${what}`);
  const start = integer(m[1]!, what, 0, max);
  return { start, end: m[2] === undefined ? start : integer(m[2], what, 0, max) };
}

/** A rule action word (`type X` or X): the library's action name, or undefined when `v` is none. */
function actionWord(v: string): RuleOptions['action'] | undefined {
  if (v === 'nop' || v === 'blackhole' || v === 'unreachable' || v === 'prohibit') return v;
  return undefined;
}

const KEYWORDS = [
  flag<RuleOptions>(['not'], (s) => { s.not = true; }),
  value<RuleOptions>(['from', 'src'], (s, v) => { if (v !== 'all') s.src = v; }),
  value<RuleOptions>(['to', 'dst'], (s, v) => { if (v !== 'all') s.dst = v; }),
  value<RuleOptions>(['tos', 'dsfield'], (s, v) => {
    const id = dsfields().id(v) ?? parseUnsigned(v);
    if (id === undefined || id > 255) throw invalidArgument(v, 'TOS value is invalid');
    s.tos = id;
  }),
  value<RuleOptions>(['fwmark'], (s, v) => {
    const [mark, mask] = v.split('/');
    s.fwmark = integer(mark!, 'fwmark');
    if (mask !== undefined) s.fwmask = integer(mask, 'fwmask');
  }),
  value<RuleOptions>(['iif', 'dev'], (s, v) => { s.iif = v; }),
  value<RuleOptions>(['oif'], (s, v) => { s.oif = v; }),
  value<RuleOptions>(['preference', 'pref', 'order', 'priority', 'prio'], (s, v) => { s.priority = integer(v, 'preference'); }),
  flag<RuleOptions>(['l3mdev'], (s) => { s.l3mdev = true; }),
  value<RuleOptions>(['uidrange'], (s, v) => { s.uidRange = rangeWord(v, 'UID range', 0xffffffff); }),
  value<RuleOptions>(['ipproto'], (s, v) => { s.ipProto = ipProtocolNames().id(v) ?? integer(v, 'ipproto', 0, 255); }),
  value<RuleOptions>(['sport'], (s, v) => { s.sport = rangeWord(v, 'port range', 0xffff); }),
  value<RuleOptions>(['dport'], (s, v) => { s.dport = rangeWord(v, 'dport range', 0xffff); }),
  value<RuleOptions>(['tun_id'], (s, v) => { s.tunId = BigInt(integer(v, 'tun_id', 0, Number.MAX_SAFE_INTEGER)); }),
  value<RuleOptions>(['protocol', 'proto'], (s, v) => { s.protocol = protoWord(v); }),
  value<RuleOptions>(['table', 'lookup'], (s, v) => { s.table = tableWord(v); }),
  value<RuleOptions>(['realms'], (s, v) => {
    const one = (w: string): number => {
      const id = realms().id(w) ?? parseUnsigned(w);
      if (id === undefined || id > 0xffff) throw invalidArgument(v, 'invalid realms');
      return id;
    };
    const slash = v.indexOf('/');
    s.flow = slash < 0 ? one(v) : (one(v.slice(slash + 1)) | (one(v.slice(0, slash)) << 16)) >>> 0;
  }),
  value<RuleOptions>(['goto'], (s, v) => {
    s.action = 'goto';
    s.goto = integer(v, 'goto target');
  }),
  value<RuleOptions>(['suppress_prefixlength', 'sup_pl'], (s, v) => { s.suppressPrefixlen = integer(v, 'suppress_prefixlength', 0, 128); }),
  value<RuleOptions>(['suppress_ifgroup', 'sup_group'], (s, v) => {
    const id = groups().id(v) ?? parseUnsigned(v);
    if (id === undefined || id > 0xffffffff) throw invalidArgument(v, 'Invalid "suppress_ifgroup" value');
    s.suppressIfgroup = id;
  }),
  value<RuleOptions>(['type'], (s, v) => {
    const action = actionWord(v);
    if (action === undefined) throw invalidArgument(v, 'Failed to parse rule type');
    s.action = action;
  }),
  value<RuleOptions>(['action'], (s, v) => {
    const action = actionWord(v);
    if (action === undefined) throw invalidArgument(v, 'Failed to parse rule type');
    s.action = action;
  }),
];

const MODIFY: Grammar<RuleOptions> = { object: 'rule', bare: 'action', keywords: KEYWORDS };

function parseRule(ctx: Context, words: readonly string[]): RuleOptions {
  const r = parseWords(MODIFY, words, {});
  const fam = ctx.options.family;
  if (fam !== undefined) r.family = fam;
  return r;
}

async function add(ctx: Context, words: readonly string[]): Promise<void> {
  await (await ctx.nl()).rules.add(parseRule(ctx, words));
}

async function del(ctx: Context, words: readonly string[]): Promise<void> {
  const r = parseRule(ctx, words);
  if (Object.keys(r).every((k) => k === 'family')) throw new UsageError('"rtnl rule del" requires a selector (pref, from, table …)', true);
  await (await ctx.nl()).rules.del(r);
}

/** The rules `words` select, in the kernel's order (IPv4 unless `-6`). */
async function select(ctx: Context, words: readonly string[]): Promise<Rule[]> {
  const f = parseWords<RuleOptions>({ object: 'rule', keywords: KEYWORDS }, words, {});
  const rules = await (await ctx.nl()).rules.list({ family: ctx.options.family ?? 4 });
  return rules.filter((r) => {
    const h = r.header;
    const a = r.attributes;
    if (f.priority !== undefined && (a.priority ?? 0) !== f.priority) return false;
    if (f.table !== undefined && (a.table ?? h.table) !== f.table) return false;
    if (f.not === true && (h.flags & K.FIB_RULE_INVERT) === 0) return false;
    if (f.fwmark !== undefined && (a.fwmark ?? 0) !== f.fwmark) return false;
    if (f.fwmask !== undefined && (a.fwmask ?? 0) !== f.fwmask) return false;
    if (f.iif !== undefined && a.iifname !== f.iif) return false;
    if (f.oif !== undefined && a.oifname !== f.oif) return false;
    if (f.tos !== undefined && h.tos !== f.tos) return false;
    if (f.protocol !== undefined && (a.protocol ?? 0) !== f.protocol) return false;
    if (f.l3mdev === true && (a.l3mdev ?? 0) === 0) return false;
    for (const [sel, addr, len] of [[f.src, a.src, h.srcLen], [f.dst, a.dst, h.dstLen]] as const) {
      if (sel === undefined) continue;
      const [s, l] = sel.split('/');
      if (addr !== s || (l !== undefined && Number(l) !== len)) return false;
    }
    return true;
  });
}

async function show(ctx: Context, words: readonly string[]): Promise<void> {
  const rules = await select(ctx, words);
  const objects: JsonObject[] = rules.map((r) => ruleObject(r, { details: ctx.options.details }));
  ctx.print(objects, () => objects.flatMap(ruleText));
}

async function flush(ctx: Context, words: readonly string[]): Promise<void> {
  const rules = await select(ctx, words);
  const nl = await ctx.nl();
  // As ip: every rule with a priority is removed, the kernel's priority-0 rule (local) is kept.
  for (const r of rules) {
    const pref = r.attributes.priority ?? 0;
    if (pref === 0) continue;
    await nl.rules.del({ family: r.family === 6 ? 6 : 4, priority: pref });
  }
}

/** The commands of `rtnl rule`, in ip's matching order. */
export const RULE_COMMANDS = [
  { name: 'add', run: add },
  { name: 'delete', aliases: ['del'], run: del },
  { name: 'show', aliases: ['list', 'lst'], run: show },
  { name: 'flush', run: flush },
] as const;
