/**
 * `rtnl route show|add|change|append|replace|delete|get|flush`: ip's `ip route` grammar (ip/iproute.c
 * iproute_modify, iproute_list_flush_or_save, iproute_get) on `nl.routes`.
 *
 *     rtnl route show [ table TABLE | all ] [ dev DEV ] [ proto P ] [ scope S ] [ type T ] [ metric N ]
 *                     [ via ADDR ] [ src ADDR ] [ tos TOS ] [ [ to ] [ root | match | exact ] PREFIX ]
 *     rtnl route { add | change | append | replace | delete } [ TYPE ] PREFIX [ from PREFIX ] [ via [ FAMILY ] ADDR ] [ dev DEV ]
 *                     [ table T ] [ proto P ] [ scope S ] [ metric N ] [ src ADDR ] [ tos TOS ] [ onlink ]
 *                     [ mtu [ lock ] N ] [ advmss N ] … [ realms R ] [ nhid ID ] [ pref P ] [ expires S ]
 *                     [ nexthop via ADDR dev DEV weight W [ onlink ] ]…
 *     rtnl route get ADDR [ from ADDR ] [ iif DEV ] [ oif DEV ] [ mark N ] [ tos TOS ] [ uid N ] [ fibmatch ]
 */
import type { Route, RouteGetOptions, RouteNexthopSpec, RouteSpec } from '../netlink/index.js';
import type { Context } from './context.js';
import { UsageError, invalidArgument } from './errors.js';
import { flag, integer, modified, parseUnsigned, parseWords, rest, value, type Grammar, type Keyword } from './grammar.js';
import type { JsonObject } from './json.js';
import * as K from './kernel.js';
import { dsfields, ipProtocolNames, protos, realms, scopeNames, tables } from './names.js';
import { checkPrefixSel as prefixSel, sameBits, type PrefixSel } from './prefix.js';
import { routeObject, routeText, type RouteHide } from './route-format.js';

/** Usage of `rtnl route`. */
export const ROUTE_USAGE = `Usage: rtnl route { show | flush } [ SELECTOR ]
       rtnl route get ADDRESS [ from ADDRESS ] [ iif STRING ] [ oif STRING ] [ mark MARK ] [ tos TOS ] [ uid UID ] [ fibmatch ]
       rtnl route { add | del | change | append | replace } ROUTE
SELECTOR := [ root PREFIX ] [ match PREFIX ] [ exact PREFIX ] [ table TABLE_ID | all ] [ dev STRING ] [ via ADDRESS ]
            [ src ADDRESS ] [ proto RTPROTO ] [ type TYPE ] [ scope SCOPE ] [ metric METRIC ] [ tos TOS ]
ROUTE := [ TYPE ] PREFIX [ from PREFIX ] [ tos TOS ] [ table TABLE_ID ] [ proto RTPROTO ] [ scope SCOPE ] [ metric METRIC ]
         [ via [ inet | inet6 ] ADDRESS ] [ dev STRING ] [ src ADDRESS ] [ onlink ] [ realms REALM ] [ nhid ID ]
         [ mtu [ lock ] N ] [ advmss N ] [ hoplimit N ] [ window N ] [ rtt TIME ] [ rttvar TIME ] [ ssthresh N ] [ cwnd N ]
         [ initcwnd N ] [ initrwnd N ] [ reordering N ] [ rto_min TIME ] [ quickack 0|1 ] [ congctl NAME ] [ features ecn ]
         [ fastopen_no_cookie 0|1 ] [ pref low|medium|high ] [ expires SECONDS ] [ nexthop NH ]...
NH := [ via [ inet | inet6 ] ADDRESS ] [ dev STRING ] [ weight NUMBER ] [ onlink ]
TYPE := { unicast | local | broadcast | multicast | throw | unreachable | prohibit | blackhole | nat }
TIME := NUMBER[s|ms] (milliseconds without a unit)
`;

/** A table by name or number (rtnl_rttable_a2n). */
export function tableWord(v: string): number {
  const id = tables().id(v) ?? parseUnsigned(v);
  if (id === undefined || id > 0xffffffff) throw invalidArgument(v, '"table" value is invalid');
  return id;
}

/** A protocol by name or number (rtnl_rtprot_a2n). */
export function protoWord(v: string): number {
  const id = protos().id(v) ?? parseUnsigned(v);
  if (id === undefined || id > 255) throw invalidArgument(v, 'invalid "protocol" value');
  return id;
}

/** A scope by name or number. */
function scopeWord(v: string): number {
  const id = scopeNames().id(v) ?? parseUnsigned(v);
  if (id === undefined || id > 255) throw invalidArgument(v, 'invalid "scope" value');
  return id;
}

/** A route type by name (rtnl_rtntype_a2n) or number. */
function typeWord(v: string): number | undefined {
  return K.routeTypes.value(v) ?? parseUnsigned(v);
}

/** A TOS by rt_dsfield name or number. */
function tosWord(v: string): number {
  const id = dsfields().id(v) ?? parseUnsigned(v);
  if (id === undefined || id > 255) throw invalidArgument(v, 'TOS value is invalid');
  return id;
}

/** `realms [FROM/]TO` as RTA_FLOW (`to | from << 16`), names from rt_realms. */
function realmsWord(v: string): number {
  const one = (s: string): number => {
    const id = realms().id(s) ?? parseUnsigned(s);
    if (id === undefined || id > 0xffff) throw invalidArgument(v, '"realm" value is invalid');
    return id;
  };
  const slash = v.indexOf('/');
  return slash < 0 ? one(v) : (one(v.slice(slash + 1)) | (one(v.slice(0, slash)) << 16)) >>> 0;
}

/** A time as ip's get_time_rtt reads it: `N`, `Nms` (milliseconds) or `Ns`/`N.Ns` (seconds), in ms. */
function msWord(v: string, what: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(s|ms|msec|msecs|sec|secs)?$/.exec(v);
  if (m === null) throw invalidArgument(v, `"${what}" value is invalid`);
  const n = Number(m[1]);
  const ms = m[2] === undefined || m[2].startsWith('ms') ? n : n * 1000;
  if (!Number.isFinite(ms) || ms > 0xffffffff) throw invalidArgument(v, `"${what}" value is invalid`);
  return Math.round(ms);
}

/** The prefix word of a route: `default`/`all`/`any` or an address with an optional length. */
function dstWord(v: string): string {
  return v === 'all' || v === 'any' ? 'default' : v;
}

interface RouteChange {
  spec: RouteSpec & Record<string, unknown>;
  dstGiven: boolean;
}

/** Parses `nexthop NH nexthop NH …` into multipath hops. */
function parseHops(words: readonly string[]): RouteNexthopSpec[] {
  const hops: RouteNexthopSpec[] = [];
  let hop: RouteNexthopSpec | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = (): string => {
      const v = words[++i];
      if (v === undefined) throw new UsageError('Command line is not complete. Try "rtnl route help".', true);
      return v;
    };
    if (w === 'nexthop') {
      hop = {};
      hops.push(hop);
      continue;
    }
    if (hop === undefined) throw new UsageError(`"nexthop" expected, got "${w}"`);
    if (w === 'via') {
      let v = next();
      if (v === 'inet' || v === 'inet6') v = next();
      hop.gateway = v;
    } else if (w === 'dev') hop.oif = next();
    else if (w === 'weight') hop.weight = integer(next(), 'weight', 1, 256);
    else if (w === 'onlink') hop.onlink = true;
    else if (w === 'realms') hop.realms = realmsWord(next());
    else throw new UsageError(`unknown nexthop argument "${w}". Try "rtnl route help".`);
  }
  return hops;
}

/**
 * A metric keyword (`mtu [lock] N` …) storing `field`; `lock` adds the metric to RTAX_LOCK (the
 * kernel then never changes it, e.g. by path MTU discovery).
 */
function metric(ipName: string, field: string, parse: (v: string) => number = (v) => integer(v, ipName)): Keyword<RouteChange> {
  return modified([ipName], ['lock'], (s, v, mods) => {
    s.spec[field] = parse(v);
    if (mods.includes('lock')) (s.spec.lock ??= []).push(field);
  });
}

const MODIFY_KEYWORDS: ReadonlyArray<Keyword<RouteChange>> = [
  // `[TYPE] PREFIX`: the first bare word may be a route type, so `to` repeats once (checked here).
  { names: ['to'], takes: 'value', repeat: true, apply: (s, v) => {
    const type = s.dstGiven || s.spec.type !== undefined ? undefined : K.routeTypes.value(v);
    if (type !== undefined) {
      s.spec.type = v as RouteSpec['type'] & string;
      return;
    }
    if (s.dstGiven) throw new UsageError(`either "to" is duplicate, or "${v}" is a garbage.`);
    s.spec.dst = dstWord(v);
    s.dstGiven = true;
  } },
  value(['from'], (s, v) => { s.spec.src = v; }),
  // `via [inet|inet6] ADDR`: a gateway of the route's family is RTA_GATEWAY, of the other RTA_VIA
  // (an IPv6 nexthop of an IPv4 route); parseChange decides once the destination is known.
  modified(['via'], ['inet', 'inet6'], (s, v, mods) => {
    const fam = mods[0];
    if (fam !== undefined && (fam === 'inet6') !== v.includes(':')) throw invalidArgument(v, `an ${fam} address is required after "via ${fam}"`);
    s.spec.gateway = v;
  }),
  value(['dev', 'oif'], (s, v) => { s.spec.oif = v; }),
  value(['src'], (s, v) => { s.spec.prefsrc = v; }),
  value(['table'], (s, v) => { s.spec.table = tableWord(v); }),
  value(['proto', 'protocol'], (s, v) => { s.spec.protocol = protoWord(v); }),
  value(['scope'], (s, v) => { s.spec.scope = scopeWord(v); }),
  value(['metric', 'priority', 'preference'], (s, v) => { s.spec.metric = integer(v, 'metric'); }),
  value(['tos', 'dsfield'], (s, v) => { s.spec.tos = tosWord(v); }),
  flag(['onlink'], (s) => { s.spec.onlink = true; }),
  value(['realms', 'realm'], (s, v) => { s.spec.realms = realmsWord(v); }),
  value(['nhid'], (s, v) => { s.spec.nhid = integer(v, 'nhid'); }),
  value(['pref'], (s, v) => {
    if (v !== 'low' && v !== 'medium' && v !== 'high') throw invalidArgument(v, '"pref" value is invalid');
    s.spec.pref = v;
  }),
  value(['expires'], (s, v) => { s.spec.expires = integer(v, 'expires'); }),
  metric('mtu', 'mtu'), metric('advmss', 'advmss'), metric('hoplimit', 'hoplimit'), metric('window', 'window'),
  metric('rtt', 'rtt', (v) => msWord(v, 'rtt') * 8), metric('rttvar', 'rttvar', (v) => msWord(v, 'rttvar') * 4),
  metric('rto_min', 'rtoMin', (v) => msWord(v, 'rto_min')), metric('ssthresh', 'ssthresh'), metric('cwnd', 'cwnd'),
  metric('initcwnd', 'initcwnd'), metric('initrwnd', 'initrwnd'), metric('reordering', 'reordering'),
  value(['quickack'], (s, v) => { s.spec.quickack = integer(v, 'quickack', 0, 1) === 1; }),
  value(['fastopen_no_cookie'], (s, v) => { s.spec.fastopenNoCookie = integer(v, 'fastopen_no_cookie', 0, 1) === 1; }),
  value(['congctl'], (s, v) => { s.spec.congctl = v; }),
  value(['features'], (s, v) => {
    if (v !== 'ecn') throw invalidArgument(v, '"features" value not valid');
    s.spec.features = K.RTAX_FEATURE_ECN;
  }),
  rest(['nexthop'], (s, words) => { s.spec.multipath = parseHops(['nexthop', ...words]); }),
];

/** Parses add/replace/del words into the library's route spec. */
function parseChange(ctx: Context, words: readonly string[]): RouteSpec {
  const g: Grammar<RouteChange> = { object: 'route', bare: 'to', keywords: MODIFY_KEYWORDS };
  const c = parseWords(g, words, { spec: { dst: '' } as RouteChange['spec'], dstGiven: false });
  if (!c.dstGiven) throw new UsageError('Not enough information: the destination prefix is required.', true);
  const fam = ctx.options.family;
  if (fam !== undefined) c.spec.family = fam;
  // A gateway of the other family is RTA_VIA (`via inet6 fe80::1` on an IPv4 route).
  const gw = c.spec.gateway;
  if (gw !== undefined && c.spec.dst !== 'default' && gw.includes(':') !== c.spec.dst.includes(':')) {
    delete c.spec.gateway;
    c.spec.via = gw;
  }
  return c.spec;
}

async function add(ctx: Context, words: readonly string[]): Promise<void> {
  await (await ctx.nl()).routes.add(parseChange(ctx, words));
}

async function replace(ctx: Context, words: readonly string[]): Promise<void> {
  await (await ctx.nl()).routes.replace(parseChange(ctx, words));
}

async function append(ctx: Context, words: readonly string[]): Promise<void> {
  await (await ctx.nl()).routes.append(parseChange(ctx, words));
}

async function change(ctx: Context, words: readonly string[]): Promise<void> {
  await (await ctx.nl()).routes.change(parseChange(ctx, words));
}

async function del(ctx: Context, words: readonly string[]): Promise<void> {
  await (await ctx.nl()).routes.del(parseChange(ctx, words));
}

/** ip's route show filter (filter_nlmsg). */
interface RouteFilter {
  table: number | undefined;
  all: boolean;
  dev: string | undefined;
  protocol: number | undefined;
  scope: number | undefined;
  type: number | undefined;
  metric: number | undefined;
  tos: number | undefined;
  via: PrefixSel | undefined;
  src: PrefixSel | undefined;
  root: PrefixSel | undefined;
  match: PrefixSel | undefined;
}

const SHOW: Grammar<RouteFilter> = {
  object: 'route',
  bare: 'to',
  keywords: [
    value(['table'], (s, v) => {
      if (v === 'cache') throw new UsageError('the route cache cannot be listed (this library dumps FIB routes only)');
      const id = v === 'all' ? 0 : tableWord(v);
      if (id === 0) s.all = true;
      else s.table = id;
    }),
    value(['dev', 'oif'], (s, v) => { s.dev = v; }),
    value(['proto', 'protocol'], (s, v) => { s.protocol = v === 'all' ? undefined : protoWord(v); }),
    value(['scope'], (s, v) => { s.scope = v === 'all' ? undefined : scopeWord(v); }),
    value(['type'], (s, v) => {
      const t = typeWord(v);
      if (t === undefined) throw invalidArgument(v, 'node type value is invalid');
      s.type = t;
    }),
    value(['metric', 'priority', 'preference'], (s, v) => { s.metric = integer(v, 'metric'); }),
    value(['tos', 'dsfield'], (s, v) => { s.tos = tosWord(v); }),
    value(['via'], (s, v) => { s.via = prefixSel(v); }),
    value(['src'], (s, v) => { s.src = prefixSel(v); }),
    value(['root'], (s, v) => { s.root = prefixSel(v); }),
    value(['match'], (s, v) => { s.match = prefixSel(v); }),
    value(['exact'], (s, v) => { s.root = s.match = prefixSel(v); }),
    value(['to'], (s, v) => {
      if (v === 'root' || v === 'match' || v === 'exact') throw new UsageError(`"${v}" needs a prefix after it`);
      s.root = s.match = prefixSel(v);
    }),
  ],
};

/** ip's filter_nlmsg for the keywords above. */
function keep(r: Route, f: RouteFilter): boolean {
  const h = r.header;
  const a = r.attributes;
  const host = h.family === K.AF_INET6 ? 128 : 32;
  const table = a.table ?? h.table;
  if ((h.flags & K.RTM_F_CLONED) !== 0) return false;
  if (!f.all && table !== (f.table ?? K.routeTables.value('main'))) return false;
  if (f.protocol !== undefined && h.protocol !== f.protocol) return false;
  if (f.scope !== undefined && h.scope !== f.scope) return false;
  if (f.type !== undefined && h.type !== f.type) return false;
  if (f.tos !== undefined && h.tos !== f.tos) return false;
  if (f.metric !== undefined && (a.priority ?? 0) !== f.metric) return false;
  const dst = a.dst ?? (h.family === K.AF_INET6 ? '::' : '0.0.0.0');
  if (f.root !== undefined) {
    const len = f.root.len ?? host;
    if (len > h.dstLen || (len > 0 && !sameBits(dst, f.root.addr, len))) return false;
  }
  if (f.match !== undefined) {
    const len = f.match.len ?? host;
    if (len < h.dstLen || (h.dstLen > 0 && !sameBits(dst, f.match.addr, h.dstLen))) return false;
  }
  if (f.via !== undefined) {
    const gw = a.gateway ?? a.via?.address;
    if (gw === undefined || !sameBits(gw, f.via.addr, f.via.len ?? host)) return false;
  }
  if (f.src !== undefined) {
    if (a.prefsrc === undefined || !sameBits(a.prefsrc, f.src.addr, f.src.len ?? host)) return false;
  }
  return true;
}

/** The routes `words` select, and what ip then leaves out of each printed route. */
async function select(ctx: Context, words: readonly string[]): Promise<{ routes: Route[]; hide: RouteHide }> {
  const f = parseWords(SHOW, words, {
    table: undefined, all: false, dev: undefined, protocol: undefined, scope: undefined, type: undefined,
    metric: undefined, tos: undefined, via: undefined, src: undefined, root: undefined, match: undefined,
  });
  const nl = await ctx.nl();
  // ip dumps IPv4 only unless a family is given or every table is asked for (`table all`).
  const family = ctx.options.family ?? (f.all ? undefined : 4);
  let oif: number | undefined;
  if (f.dev !== undefined) {
    const table = await ctx.links();
    oif = table.index(f.dev);
    if (oif === undefined) throw new UsageError(`Cannot find device "${f.dev}"`, true);
  }
  const all = await nl.routes.list(family === undefined ? {} : { family });
  // As ip: `dev` matches RTA_OIF (a multipath route's hops are not looked at).
  const routes = all.filter((r) => keep(r, f) && (oif === undefined || r.attributes.oif === oif));
  // What ip does not print because the filter fixed it: `table` unless every table was asked
  // for, `dev`, `proto`, `scope`, `metric`, `tos` when given, `via`/`src` when given as a host.
  const host = (p: PrefixSel | undefined): boolean => p !== undefined && (p.len === undefined || p.len === 32 || p.len === 128);
  const hide: RouteHide = {
    dev: f.dev !== undefined, table: !f.all, protocol: f.protocol !== undefined, scope: f.scope !== undefined,
    metric: f.metric !== undefined, tos: f.tos !== undefined, gateway: host(f.via), prefsrc: host(f.src),
  };
  return { routes, hide };
}

async function show(ctx: Context, words: readonly string[]): Promise<void> {
  const { routes, hide } = await select(ctx, words);
  const table = await ctx.links();
  const o = ctx.options;
  const objects: JsonObject[] = routes.map((r) => routeObject(r, table, { details: o.details, stats: o.stats, hide }));
  ctx.print(objects, () => objects.flatMap(routeText));
}

async function flush(ctx: Context, words: readonly string[]): Promise<void> {
  if (words.length === 0) throw new UsageError('"ip route flush" requires arguments.', true);
  const { routes } = await select(ctx, words);
  const results = await (await ctx.nl()).routes.delMany(routes);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed?.status === 'rejected') throw failed.reason;
}

const GET: Grammar<{ to: string | undefined; options: RouteGetOptions }> = {
  object: 'route',
  bare: 'to',
  keywords: [
    value(['to'], (s, v) => { s.to = v; }),
    value(['from'], (s, v) => { s.options.from = v; }),
    value(['iif'], (s, v) => { s.options.iif = v; }),
    value(['oif', 'dev'], (s, v) => { s.options.oif = v; }),
    value(['mark'], (s, v) => { s.options.mark = integer(v, 'mark'); }),
    value(['tos', 'dsfield'], (s, v) => { s.options.tos = tosWord(v); }),
    value(['uid'], (s, v) => { s.options.uid = integer(v, 'uid'); }),
    value(['ipproto'], (s, v) => { s.options.ipProto = ipProtocolNames().id(v) ?? integer(v, 'ipproto', 0, 255); }),
    value(['sport'], (s, v) => { s.options.sport = integer(v, 'sport', 0, 0xffff); }),
    value(['dport'], (s, v) => { s.options.dport = integer(v, 'dport', 0, 0xffff); }),
    flag(['fibmatch'], (s) => { s.options.fibMatch = true; }),
  ],
};

async function get(ctx: Context, words: readonly string[]): Promise<void> {
  const g = parseWords(GET, words, { to: undefined, options: {} });
  if (g.to === undefined) throw new UsageError('need at least a destination address', true);
  const route = await (await ctx.nl()).routes.get(g.to, g.options);
  const table = await ctx.links();
  const o = ctx.options;
  const obj = routeObject(route, table, { details: o.details, stats: o.stats });
  ctx.print([obj], () => routeText(obj));
}

/** The commands of `rtnl route`, in ip's matching order. */
export const ROUTE_COMMANDS = [
  { name: 'add', run: add },
  { name: 'change', run: change },
  { name: 'replace', run: replace },
  { name: 'delete', aliases: ['del'], run: del },
  { name: 'show', aliases: ['list', 'lst'], run: show },
  { name: 'append', run: append },
  { name: 'get', run: get },
  { name: 'flush', run: flush },
] as const;
