/**
 * `rtnl addr show|add|replace|delete|flush`: ip's `ip address` grammar (ip/ipaddress.c
 * ipaddr_modify and ipaddr_list_flush_or_save) on `nl.addresses`.
 *
 *     rtnl addr show [ [dev] DEV ] [ scope SCOPE ] [ label PATTERN ] [ up ] [ master DEV ] [ type KIND ]
 *     rtnl addr { add | replace | del } IFADDR dev DEV [ LIFETIME ] [ CONFFLAG … ]
 *     rtnl addr flush [ dev ] DEV [ scope SCOPE ] [ label PATTERN ]
 *     IFADDR := PREFIX | ADDR peer PREFIX [ broadcast ADDR | brd + ] [ label LABEL ] [ scope SCOPE ] [ metric N ]
 *     LIFETIME := valid_lft { SECONDS | forever } preferred_lft { SECONDS | forever }
 */
import { NetlinkError, type Address, type AddressAddOptions, type AddressFlagOption, type Link } from '../netlink/index.js';
import { addressObject, addressText } from './address-format.js';
import type { Context, LinkTable } from './context.js';
import { UsageError, invalidArgument } from './errors.js';
import { flag, integer, parseUnsigned, parseWords, value, type Grammar } from './grammar.js';
import type { JsonObject } from './json.js';
import { SHOW_FILTERS, emptyFilter, selectLinks, type LinkFilter } from './link.js';
import { addStats, linkObject, linkText, type LinkFormat } from './link-format.js';
import { scopeNames } from './names.js';

/** Usage of `rtnl addr`. */
export const ADDRESS_USAGE = `Usage: rtnl address { add | replace | del } IFADDR dev IFNAME [ LIFETIME ] [ CONFFLAG-LIST ]
       rtnl address show [ [ dev ] IFNAME ] [ scope SCOPE ] [ label PATTERN ] [ up ] [ master DEVICE ] [ type TYPE ]
       rtnl address flush [ dev ] IFNAME [ scope SCOPE ] [ label PATTERN ]
IFADDR := PREFIX | ADDR peer PREFIX [ broadcast ADDR | brd + ] [ anycast ADDR ] [ label IFNAME ] [ scope SCOPE ] [ metric METRIC ]
SCOPE := { host | link | global | NUMBER }
LIFETIME := [ valid_lft LFT ] [ preferred_lft LFT ]   (LFT: seconds or forever)
CONFFLAG := [ home | nodad | mngtmpaddr | noprefixroute | autojoin ]
`;

/** A scope by name or number (rtnl_rtscope_a2n). */
export function scopeWord(v: string): number {
  const id = scopeNames().id(v) ?? parseUnsigned(v);
  if (id === undefined || id > 255) throw invalidArgument(v, 'invalid scope value.');
  return id;
}

/** A lifetime word: seconds or `forever`. */
function lifetimeWord(v: string, what: string): number | 'forever' {
  if (v === 'forever') return 'forever';
  return integer(v, what, 0, 0xfffffffe);
}

interface AddressChange {
  local: string | undefined;
  dev: string | undefined;
  peer: string | undefined;
  broadcast: string | true | undefined;
  label: string | undefined;
  scope: number | undefined;
  metric: number | undefined;
  validLft: number | 'forever' | undefined;
  preferredLft: number | 'forever' | undefined;
  flags: AddressFlagOption[];
}

const CONF_FLAGS: ReadonlyArray<AddressFlagOption> = ['home', 'nodad', 'mngtmpaddr', 'noprefixroute', 'autojoin'];

const MODIFY: Grammar<AddressChange> = {
  object: 'address',
  bare: 'local',
  keywords: [
    value(['local'], (s, v) => { s.local = v; }),
    value(['dev'], (s, v) => { s.dev = v; }),
    value(['peer', 'remote'], (s, v) => { s.peer = v; }),
    value(['broadcast', 'brd'], (s, v) => { s.broadcast = v === '+' ? true : v; }),
    value(['label'], (s, v) => { s.label = v; }),
    value(['scope'], (s, v) => { s.scope = scopeWord(v); }),
    value(['metric', 'priority', 'preference'], (s, v) => { s.metric = integer(v, 'metric'); }),
    value(['valid_lft'], (s, v) => { s.validLft = lifetimeWord(v, 'valid_lft'); }),
    value(['preferred_lft'], (s, v) => { s.preferredLft = lifetimeWord(v, 'preferred_lft'); }),
    ...CONF_FLAGS.map((name) => flag<AddressChange>([name], (s) => { s.flags.push(name); })),
  ],
};

/** Parses add/replace/del words into the library's options. */
function parseChange(words: readonly string[]): AddressAddOptions {
  const c = parseWords(MODIFY, words, {
    local: undefined, dev: undefined, peer: undefined, broadcast: undefined, label: undefined, scope: undefined,
    metric: undefined, validLft: undefined, preferredLft: undefined, flags: [],
  });
  if (c.dev === undefined) throw new UsageError('Not enough information: "dev" argument is required.', true);
  if (c.local === undefined) throw new UsageError('Not enough information: the address is required.', true);
  const o: AddressAddOptions = { link: c.dev, address: c.local };
  if (c.peer !== undefined) o.peer = c.peer;
  if (c.broadcast !== undefined) o.broadcast = c.broadcast;
  if (c.label !== undefined) o.label = c.label;
  if (c.scope !== undefined) o.scope = c.scope;
  if (c.metric !== undefined) o.metric = c.metric;
  if (c.validLft !== undefined) o.validLft = c.validLft;
  if (c.preferredLft !== undefined) o.preferredLft = c.preferredLft;
  if (c.flags.length > 0) o.flags = c.flags;
  return o;
}

async function add(ctx: Context, words: readonly string[]): Promise<void> {
  await (await ctx.nl()).addresses.add(parseChange(words));
}

async function replace(ctx: Context, words: readonly string[]): Promise<void> {
  await (await ctx.nl()).addresses.replace(parseChange(words));
}

async function del(ctx: Context, words: readonly string[]): Promise<void> {
  await (await ctx.nl()).addresses.del(parseChange(words));
}

/** The filters of `addr show|flush` beyond the link filters. */
interface AddressFilter extends LinkFilter {
  scope: number | undefined;
  label: string | undefined;
}

/** ip's label match: a shell pattern where `*` matches anything (fnmatch without classes). */
function labelMatches(pattern: string, label: string | undefined): boolean {
  if (label === undefined) return false;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(label);
}

function parseFilter(words: readonly string[]): AddressFilter {
  const g: Grammar<AddressFilter> = {
    object: 'address',
    bare: 'dev',
    keywords: [
      ...SHOW_FILTERS,
      value(['scope'], (s, v) => { s.scope = v === 'all' ? undefined : scopeWord(v); }),
      value(['label'], (s, v) => { s.label = v; }),
    ],
  };
  return parseWords(g, words, { ...emptyFilter(), scope: undefined, label: undefined });
}

/** Whether an address passes the address filters (scope, label). */
function selected(a: Address, f: AddressFilter): boolean {
  return (f.scope === undefined || a.header.scope === f.scope) && (f.label === undefined || labelMatches(f.label, a.attributes.label));
}

/**
 * A link as `ip -6 addr show` prints it. ip then dumps links with family AF_INET6, and the kernel
 * answers with its IPv6 view of each link (inet6_fill_ifinfo): name, MTU, IFLA_LINK, operstate —
 * no qdisc, master, group or altnames, and IFLA_LINK without its netns id, which ip then names in
 * its own namespace. ip adds `txqlen` from an ioctl.
 */
function inet6Link(full: JsonObject, table: LinkTable): JsonObject {
  const o: JsonObject = {};
  for (const key of ['ifindex', 'link', 'link_index', 'ifname', 'flags', 'mtu', 'operstate', 'txqlen']) {
    const v = full[key];
    if (v === undefined) continue;
    if (key === 'link_index') o.link = table.name(v as number);
    else o[key] = v;
  }
  return o;
}

async function show(ctx: Context, words: readonly string[]): Promise<void> {
  const f = parseFilter(words);
  const nl = await ctx.nl();
  const o = ctx.options;
  const links = await selectLinks(ctx, f, o.stats > 0);
  const addrs = await nl.addresses.list(o.family === undefined ? {} : { family: o.family });
  const byLink = new Map<number, Address[]>();
  for (const a of addrs) {
    if (!selected(a, f)) continue;
    const list = byLink.get(a.ifindex);
    if (list === undefined) byLink.set(a.ifindex, [a]);
    else list.push(a);
  }
  // ip's ipaddr_filter: with an address filter (family, scope, label), links without a matching
  // address are left out; without one, every link is shown, addresses or not.
  const filtering = o.family !== undefined || f.scope !== undefined || f.label !== undefined;
  const shown: Link[] = links.filter((l) => !filtering || byLink.has(l.ifindex));
  const table = await ctx.links();
  const lf: LinkFormat = { doLink: false, showQueue: true, details: o.details, stats: 0, family: o.family };
  const objects: JsonObject[] = shown.map((l) => {
    const obj = o.family === 6 ? inet6Link(linkObject(l, table, lf), table) : linkObject(l, table, lf);
    obj.addr_info = (byLink.get(l.ifindex) ?? []).map((a) => addressObject(a));
    if (o.stats > 0) addStats(l, o.stats, obj);
    return obj;
  });
  ctx.print(objects, () => objects.flatMap((obj) => [
    ...linkText(obj),
    ...(obj.addr_info as JsonObject[]).flatMap((a) => addressText(a)),
  ]));
}

async function flush(ctx: Context, words: readonly string[]): Promise<void> {
  if (words.length === 0) throw new UsageError('Flush requires arguments.', true);
  const f = parseFilter(words);
  const nl = await ctx.nl();
  const links = await selectLinks(ctx, f, false);
  const wanted = new Set(links.map((l) => l.ifindex));
  const family = ctx.options.family;
  const addrs = (await nl.addresses.list(family === undefined ? {} : { family })).filter((a) => wanted.has(a.ifindex) && selected(a, f));
  const results = await nl.addresses.delMany(addrs.map((a) => ({ link: a.ifindex, address: `${a.local}/${a.prefixlen}`, ...(a.peer === undefined ? {} : { peer: a.peer }) })));
  // An IPv4 primary's secondaries go with it (ENOENT/EADDRNOTAVAIL afterwards): not a failure of the flush.
  const failed = results.find((r) => r.status === 'rejected'
    && !(r.reason instanceof NetlinkError && (r.reason.code === 'EADDRNOTAVAIL' || r.reason.code === 'ENOENT')));
  if (failed?.status === 'rejected') throw failed.reason;
}

/** The commands of `rtnl address`, in ip's matching order. */
export const ADDRESS_COMMANDS = [
  { name: 'add', run: add },
  { name: 'replace', aliases: ['change'], run: replace },
  { name: 'delete', aliases: ['del'], run: del },
  { name: 'show', aliases: ['list', 'lst'], run: show },
  { name: 'flush', run: flush },
] as const;
