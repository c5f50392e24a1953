/**
 * `rtnl link show|add|delete|set`: ip's `ip link` grammar (ip/iplink.c iplink_parse and
 * ipaddress.c's show filters) on `nl.links`.
 *
 *     rtnl link show [ [dev] DEV ] [ up ] [ master DEV ] [ type KIND ] [ group GROUP ]
 *     rtnl link add [ link DEV ] [ name ] NAME type KIND [ KIND ARGS ] [ LINK OPTIONS ]
 *     rtnl link set [ dev ] DEV [ up | down ] [ LINK OPTIONS ] [ name NEWNAME ] [ nomaster ] [ type KIND ARGS ]
 *     rtnl link delete [ dev ] DEV
 *     rtnl link property { add | del } [ dev ] DEV altname NAME…
 *     LINK OPTIONS := mtu N | address LLADDR | broadcast LLADDR | txqueuelen N | alias NAME | group N
 *                     | master DEV | netns { NAME | PID } | numtxqueues N | numrxqueues N | up | down
 *                     | promisc on|off | allmulticast on|off | multicast on|off | arp on|off
 *                     | gso_max_size N | gso_max_segs N | gro_max_size N
 */
import { NetlinkError, type Link, type LinkAddOptions, type LinkSetOptions } from '../netlink/index.js';
import { namespacePath, type Context } from './context.js';
import { CliFailure, UsageError } from './errors.js';
import { flag, integer, parseUnsigned, parseWords, rest, value, type Grammar, type Keyword } from './grammar.js';
import { parseKindArgs, type KindArgs } from './link-kinds.js';
import { linkObject, linkText, type LinkFormat } from './link-format.js';
import type { JsonObject } from './json.js';
import { groups } from './names.js';

/** Usage of `rtnl link`. */
export const LINK_USAGE = `Usage: rtnl link show [ [ dev ] DEVICE ] [ up ] [ master DEVICE ] [ type TYPE ] [ group GROUP ]
       rtnl link add [ link DEVICE ] [ name ] NAME type TYPE [ ARGS ] [ OPTIONS ]
       rtnl link set [ dev ] DEVICE [ up | down ] [ OPTIONS ] [ name NEWNAME ] [ nomaster ] [ type TYPE ARGS ]
       rtnl link delete [ dev ] DEVICE
       rtnl link property { add | del } [ dev ] DEVICE altname NAME [ altname NAME ]...
OPTIONS := { mtu MTU | address LLADDR | broadcast LLADDR | txqueuelen PACKETS | alias NAME | group GROUP |
             master DEVICE | netns { NAME | PID } | numtxqueues N | numrxqueues N | up | down |
             promisc on|off | allmulticast on|off | multicast on|off | arp on|off |
             gso_max_size BYTES | gso_max_segs N | gro_max_size BYTES }
TYPE := { bridge | veth | vxlan | macvlan | macvtap | vlan | ipvlan | ipvtap | ifb | dummy | ... }
ARGS of veth:   peer [ name ] NAME [ address LLADDR ] [ mtu MTU ] [ txqueuelen N ] [ netns NAME ]
ARGS of bridge: forward_delay CS | hello_time CS | max_age CS | ageing_time CS (CS: hundredths of a second)
                stp_state 0|1 | priority N | vlan_filtering 0|1 | vlan_protocol 802.1Q|802.1ad | mcast_snooping 0|1 ...
ARGS of vxlan:  id VNI [ remote | group ADDR ] [ local ADDR ] [ dev DEVICE ] [ dstport PORT ] [ ttl N ] [ [no]learning ] ...
ARGS of macvlan, macvtap: mode { private | vepa | bridge | passthru | source }
ARGS of bridge_slave (set): cost N | priority N | state N | learning on|off | flood on|off | hairpin on|off ...
`;

/** A `netns` word as ip takes it: a PID (its /proc namespace) or a name under /run/netns (or a path). */
export function netnsWord(v: string): string {
  return /^[0-9]+$/.test(v) ? `/proc/${v}/ns/net` : namespacePath(v);
}

/** What `add` and `set` collect. */
interface LinkChange {
  dev: string | undefined;
  name: string | undefined;
  kind: string | undefined;
  kindArgs: KindArgs | undefined;
  lower: string | undefined;
  up: boolean | undefined;
  promisc: boolean | undefined;
  allmulticast: boolean | undefined;
  multicast: boolean | undefined;
  arp: boolean | undefined;
  gsoMaxSize: number | undefined;
  gsoMaxSegs: number | undefined;
  groMaxSize: number | undefined;
  mtu: number | undefined;
  mac: string | undefined;
  broadcast: string | undefined;
  txqlen: number | undefined;
  alias: string | undefined;
  group: number | undefined;
  master: string | null | undefined;
  netns: string | undefined;
  numTxQueues: number | undefined;
  numRxQueues: number | undefined;
}

function emptyChange(): LinkChange {
  return {
    dev: undefined, name: undefined, kind: undefined, kindArgs: undefined, lower: undefined, up: undefined,
    promisc: undefined, allmulticast: undefined, multicast: undefined, arp: undefined, gsoMaxSize: undefined,
    gsoMaxSegs: undefined, groMaxSize: undefined, mtu: undefined, mac: undefined, broadcast: undefined, txqlen: undefined, alias: undefined, group: undefined,
    master: undefined, netns: undefined, numTxQueues: undefined, numRxQueues: undefined,
  };
}

/** A link group by name (`default`, the `group` file's names) or number. */
function groupWord(v: string): number {
  const id = groups().id(v) ?? parseUnsigned(v);
  if (id === undefined || id > 0xffffffff) throw new UsageError(`argument "${v}" is wrong: Invalid "group" value`);
  return id;
}

/** `on` / `off` as ip's parse_on_off takes them. */
function onOff(v: string, what: string): boolean {
  if (v === 'on') return true;
  if (v === 'off') return false;
  throw new UsageError(`argument "${v}" is wrong: "${what}" takes "on" or "off"`);
}

/** The options shared by add and set (iplink_parse). */
const OPTIONS: ReadonlyArray<Keyword<LinkChange>> = [
  flag(['up'], (s) => { s.up = true; }),
  flag(['down'], (s) => { s.up = false; }),
  value(['promisc'], (s, v) => { s.promisc = onOff(v, 'promisc'); }),
  value(['allmulticast'], (s, v) => { s.allmulticast = onOff(v, 'allmulticast'); }),
  value(['multicast'], (s, v) => { s.multicast = onOff(v, 'multicast'); }),
  value(['arp'], (s, v) => { s.arp = onOff(v, 'arp'); }),
  value(['gso_max_size'], (s, v) => { s.gsoMaxSize = integer(v, 'gso_max_size'); }),
  value(['gso_max_segs'], (s, v) => { s.gsoMaxSegs = integer(v, 'gso_max_segs'); }),
  value(['gro_max_size'], (s, v) => { s.groMaxSize = integer(v, 'gro_max_size'); }),
  value(['mtu'], (s, v) => { s.mtu = integer(v, 'mtu'); }),
  value(['address', 'lladdr'], (s, v) => { s.mac = v; }),
  value(['broadcast', 'brd'], (s, v) => { s.broadcast = v; }),
  value(['txqueuelen', 'qlen', 'txqlen'], (s, v) => { s.txqlen = integer(v, 'txqueuelen'); }),
  value(['alias'], (s, v) => { s.alias = v; }),
  value(['group'], (s, v) => { s.group = groupWord(v); }),
  value(['master'], (s, v) => { s.master = v; }),
  flag(['nomaster'], (s) => { s.master = null; }),
  value(['netns'], (s, v) => { s.netns = netnsWord(v); }),
  value(['numtxqueues'], (s, v) => { s.numTxQueues = integer(v, 'numtxqueues', 1, 4096); }),
  value(['numrxqueues'], (s, v) => { s.numRxQueues = integer(v, 'numrxqueues', 1, 4096); }),
  rest(['type'], (s, words) => {
    const [kind, ...args] = words;
    if (kind === undefined) throw new UsageError('Command line is not complete. Try "rtnl link help".', true);
    s.kind = kind;
    s.kindArgs = parseKindArgs(kind, args, netnsWord);
  }),
];

const ADD: Grammar<LinkChange> = {
  object: 'link',
  bare: 'name',
  keywords: [
    ...OPTIONS,
    value(['name', 'dev'], (s, v) => { s.name = v; }),
    value(['link'], (s, v) => { s.lower = v; }),
  ],
};

const SET: Grammar<LinkChange> = {
  object: 'link',
  bare: 'dev',
  keywords: [
    ...OPTIONS,
    value(['dev'], (s, v) => { s.dev = v; }),
    value(['name'], (s, v) => { s.name = v; }),
  ],
};

/** The settings shared by add and set, as the library takes them. */
function settings(c: LinkChange): LinkSetOptions {
  const o: LinkSetOptions = {};
  if (c.up !== undefined) o.up = c.up;
  if (c.promisc !== undefined) o.promisc = c.promisc;
  if (c.allmulticast !== undefined) o.allmulticast = c.allmulticast;
  if (c.multicast !== undefined) o.multicast = c.multicast;
  if (c.arp !== undefined) o.arp = c.arp;
  if (c.gsoMaxSize !== undefined) o.gsoMaxSize = c.gsoMaxSize;
  if (c.gsoMaxSegs !== undefined) o.gsoMaxSegs = c.gsoMaxSegs;
  if (c.groMaxSize !== undefined) o.groMaxSize = c.groMaxSize;
  if (c.mtu !== undefined) o.mtu = c.mtu;
  if (c.mac !== undefined) o.mac = c.mac;
  if (c.broadcast !== undefined) o.broadcast = c.broadcast;
  if (c.txqlen !== undefined) o.txqlen = c.txqlen;
  if (c.alias !== undefined) o.alias = c.alias;
  if (c.group !== undefined) o.group = c.group;
  if (c.master !== undefined) o.master = c.master;
  if (c.netns !== undefined) o.netns = c.netns;
  return o;
}

/** `rtnl link add`. */
async function add(ctx: Context, words: readonly string[]): Promise<void> {
  const c = parseWords(ADD, words, emptyChange());
  if (c.name === undefined) throw new UsageError('Not enough information: "dev" argument is required.', true);
  if (c.kind === undefined) throw new UsageError('Not enough information: "type" argument is required', true);
  const { data, peer, slaveData } = c.kindArgs ?? { data: undefined, peer: undefined, slaveData: undefined };
  if (slaveData !== undefined) throw new UsageError(`"type ${c.kind}" options are set on an existing port with "rtnl link set"`);
  const { master, ...rest } = settings(c);
  const options = { ...rest, name: c.name, kind: c.kind } as LinkAddOptions & Record<string, unknown>;
  if (master !== undefined && master !== null) options.master = master;
  if (c.lower !== undefined) options.link = c.lower;
  if (c.numTxQueues !== undefined) options.numTxQueues = c.numTxQueues;
  if (c.numRxQueues !== undefined) options.numRxQueues = c.numRxQueues;
  if (peer !== undefined) options.peer = peer;
  if (data !== undefined) options.data = data;
  const nl = await ctx.nl();
  await nl.links.add(options);
}

/** `rtnl link set`. */
async function set(ctx: Context, words: readonly string[]): Promise<void> {
  const c = parseWords(SET, words, emptyChange());
  if (c.dev === undefined) throw new UsageError('Not enough of information: "dev" argument is required.', true);
  if (c.numTxQueues !== undefined || c.numRxQueues !== undefined) {
    throw new UsageError('numtxqueues and numrxqueues can only be given when the link is created');
  }
  const changes = settings(c) as LinkSetOptions & Record<string, unknown>;
  if (c.name !== undefined) changes.name = c.name;
  if (c.kindArgs?.peer !== undefined) throw new UsageError('a veth peer can only be given when the pair is created');
  if (c.kindArgs?.slaveData !== undefined) changes.slaveData = c.kindArgs.slaveData;
  if (c.kindArgs?.data !== undefined && c.kind !== undefined) {
    changes.kind = c.kind;
    changes.data = c.kindArgs.data;
  }
  const nl = await ctx.nl();
  await nl.links.set(c.dev, changes);
}

/** `rtnl link delete`. */
async function del(ctx: Context, words: readonly string[]): Promise<void> {
  const g: Grammar<{ dev: string | undefined }> = {
    object: 'link',
    bare: 'dev',
    keywords: [value(['dev'], (s, v) => { s.dev = v; })],
  };
  const { dev } = parseWords(g, words, { dev: undefined });
  if (dev === undefined) throw new UsageError('Not enough information: "dev" argument is required.', true);
  const nl = await ctx.nl();
  await nl.links.del(dev);
}

/** What `link property add|del` names: the link and its alternative names. */
interface PropertyChange {
  dev: string | undefined;
  altnames: string[];
}

const PROPERTY: Grammar<PropertyChange> = {
  object: 'link',
  bare: 'dev',
  keywords: [
    value(['dev'], (s, v) => { s.dev = v; }),
    value(['altname'], (s, v) => { s.altnames.push(v); }, true),
  ],
};

/** `rtnl link property { add | del } [ dev ] DEV altname NAME [ altname NAME … ]`. */
async function property(ctx: Context, words: readonly string[]): Promise<void> {
  const [op, ...rest] = words;
  if (op !== 'add' && op !== 'del' && op !== 'delete') throw new UsageError('Command line is not complete. Try "rtnl link help".', true);
  const c = parseWords(PROPERTY, rest, { dev: undefined, altnames: [] });
  if (c.dev === undefined) throw new UsageError('Not enough information: "dev" argument is required.', true);
  if (c.altnames.length === 0) throw new UsageError('Not enough information: "altname" argument is required.', true);
  const nl = await ctx.nl();
  if (op === 'add') await nl.links.addAltName(c.dev, c.altnames);
  else await nl.links.delAltName(c.dev, c.altnames);
}

/** The filters of `link show` (and `addr show`). */
export interface LinkFilter {
  dev: string | undefined;
  up: boolean;
  master: string | undefined;
  kind: string | undefined;
  slaveKind: string | undefined;
  group: number | undefined;
}

/** The keywords of ip's show filters (ipaddr_list_flush_or_save), shared with `addr show`. */
export const SHOW_FILTERS: ReadonlyArray<Keyword<LinkFilter>> = [
  value(['dev'], (s, v) => { s.dev = v; }),
  flag(['up'], (s) => { s.up = true; }),
  value(['master'], (s, v) => { s.master = v; }),
  value(['type'], (s, v) => {
    if (v.endsWith('_slave')) s.slaveKind = v.slice(0, -'_slave'.length);
    else s.kind = v;
  }),
  value(['group'], (s, v) => { s.group = groupWord(v); }),
];

/** A link filter with nothing set. */
export function emptyFilter(): LinkFilter {
  return { dev: undefined, up: false, master: undefined, kind: undefined, slaveKind: undefined, group: undefined };
}

/**
 * The links `filter` selects, in the kernel's order: one RTM_GETLINK for `dev` (ip's `Device "x"
 * does not exist.` when missing), else a dump filtered as ip filters it.
 */
export async function selectLinks(ctx: Context, filter: LinkFilter, stats: boolean): Promise<Link[]> {
  const nl = await ctx.nl();
  let links: Link[];
  if (filter.dev !== undefined) {
    try {
      links = [await nl.links.get(filter.dev)];
    } catch (e) {
      if (e instanceof NetlinkError && e.code === 'ENODEV') throw new CliFailure(`Device "${filter.dev}" does not exist.`);
      throw e;
    }
  } else {
    links = await nl.links.list({ stats });
  }
  let master: number | undefined;
  if (filter.master !== undefined) {
    const table = await ctx.links();
    master = table.index(filter.master);
    if (master === undefined) throw new UsageError(`argument "${filter.master}" is wrong: Device does not exist`);
  }
  return links.filter((l) => (!filter.up || l.up)
    && (master === undefined || l.master === master)
    && (filter.kind === undefined || l.kind === filter.kind)
    && (filter.slaveKind === undefined || l.slaveKind === filter.slaveKind)
    && (filter.group === undefined || (l.group ?? 0) === filter.group));
}

/** `rtnl link show`. */
async function show(ctx: Context, words: readonly string[]): Promise<void> {
  const filter = parseWords<LinkFilter>({ object: 'link', bare: 'dev', keywords: SHOW_FILTERS }, words, emptyFilter());
  const links = await selectLinks(ctx, filter, ctx.options.stats > 0);
  const table = await ctx.links();
  const o = ctx.options;
  const f: LinkFormat = { doLink: true, showQueue: true, details: o.details, stats: o.stats, family: undefined };
  const objects: JsonObject[] = links.map((l) => linkObject(l, table, f));
  ctx.print(objects, () => objects.flatMap(linkText));
}

/** The commands of `rtnl link`, in ip's matching order. */
export const LINK_COMMANDS = [
  { name: 'add', run: add },
  { name: 'set', aliases: ['change'], run: set },
  { name: 'delete', aliases: ['del'], run: del },
  { name: 'show', aliases: ['list', 'lst'], run: show },
  { name: 'property', run: property },
] as const;
