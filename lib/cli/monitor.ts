/**
 * `rtnl monitor [ label ] [ all | link | address | route | neigh | rule ]…`: prints rtnetlink
 * events as they happen, the way `ip monitor` prints them (the object as `show` prints it,
 * `Deleted ` before deletions, `[LINK]`-style labels with `label`). With `-j`, each event is one
 * line of JSON: the object `ip -j … show` prints, with `"deleted": true` on deletions (ip 6.1's
 * monitor has no JSON output). Runs until interrupted (SIGINT, SIGTERM) or its output is closed.
 */
import type { Address, Link, MonitorGroup, Neighbor, Route, Rule } from '../netlink/index.js';
import { addressObject, addressText } from './address-format.js';
import type { Context, LinkTable } from './context.js';
import { UsageError } from './errors.js';
import { matchCommand } from './grammar.js';
import { formatJson, type JsonObject } from './json.js';
import { linkObject, linkText } from './link-format.js';
import { neighborObject, neighborText } from './neighbor-format.js';
import { routeObject, routeText } from './route-format.js';
import { ruleObject, ruleText } from './rule-format.js';

/** Usage of `rtnl monitor`. */
export const MONITOR_USAGE = `Usage: rtnl monitor [ label ] [ all | OBJECTS ]
OBJECTS := { link | address | route | neigh | rule }...
Prints events as they happen until interrupted; with -j, one JSON object per line.
`;

/** The objects `monitor` takes, in ip's matching order, with their groups per family. */
const OBJECTS: ReadonlyArray<{
  name: string;
  aliases?: readonly string[];
  groups: (family: 4 | 6 | undefined) => MonitorGroup[];
}> = [
  { name: 'link', groups: () => ['link'] },
  { name: 'address', groups: (f) => (f === 6 ? ['ipv6-ifaddr'] : f === 4 ? ['ipv4-ifaddr'] : ['ipv4-ifaddr', 'ipv6-ifaddr']) },
  { name: 'route', groups: (f) => (f === 6 ? ['ipv6-route'] : f === 4 ? ['ipv4-route'] : ['ipv4-route', 'ipv6-route']) },
  { name: 'neigh', aliases: ['neighbor', 'neighbour'], groups: () => ['neigh'] },
  { name: 'rule', groups: (f) => (f === 6 ? ['ipv6-rule'] : f === 4 ? ['ipv4-rule'] : ['rules']) },
];

/** One event, printed: its JSON object and its text lines. */
interface Printed {
  object: JsonObject;
  text: string[];
  label: string;
}

/** Formats one event's object as ip monitor prints it, and keeps the link table current. */
function format(kind: string, object: Link | Address | Route | Neighbor | Rule, deleted: boolean, links: LinkTable, ctx: Context): Printed {
  const o = ctx.options;
  switch (kind) {
    case 'link': {
      const link = object as Link;
      if (!deleted) links.set(link.ifindex, { name: link.name, flags: link.rawFlags, type: link.header.type });
      const obj = linkObject(link, links, { doLink: false, showQueue: false, details: o.details, stats: 0, family: undefined, deleted });
      return { object: obj, text: linkText(obj), label: 'LINK' };
    }
    case 'address': {
      const addr = object as Address;
      const obj = addressObject(addr, { deleted, dev: links.name(addr.ifindex) });
      return { object: obj, text: addressText(obj), label: 'ADDR' };
    }
    case 'route': {
      const obj = routeObject(object as Route, links, { details: o.details, stats: o.stats, deleted });
      return { object: obj, text: routeText(obj), label: 'ROUTE' };
    }
    case 'neighbor': {
      const obj = neighborObject(object as Neighbor, links, { stats: o.stats, deleted });
      return { object: obj, text: neighborText(obj), label: 'NEIGH' };
    }
    default: {
      const obj = ruleObject(object as Rule, { details: o.details, deleted });
      return { object: obj, text: ruleText(obj), label: 'RULE' };
    }
  }
}

/** The interface an address, route or neighbour event names (undefined for links and rules). */
function interfaceOf(kind: string, object: Link | Address | Route | Neighbor | Rule): number | undefined {
  if (kind === 'address') return (object as Address).ifindex;
  if (kind === 'neighbor') return (object as Neighbor).ifindex;
  if (kind === 'route') return (object as Route).oif;
  return undefined;
}

/** Runs `rtnl monitor` until it is stopped; resolves when the event socket is closed. */
export async function monitor(ctx: Context, words: readonly string[]): Promise<void> {
  let label = false;
  const chosen = new Set<MonitorGroup>();
  const family = ctx.options.family;
  for (const w of words) {
    if (w === 'label') {
      label = true;
      continue;
    }
    if (w === 'help') throw new UsageError(MONITOR_USAGE.trimEnd(), true);
    if (w === 'all') {
      for (const obj of OBJECTS) for (const g of obj.groups(family)) chosen.add(g);
      continue;
    }
    const obj = matchCommand(OBJECTS, w);
    if (obj === undefined) throw new UsageError(`Argument "${w}" is unknown, try "rtnl monitor help".`, true);
    for (const g of obj.groups(family)) chosen.add(g);
  }
  if (chosen.size === 0) for (const obj of OBJECTS) for (const g of obj.groups(family)) chosen.add(g);

  const nl = await ctx.nl();
  let links = await ctx.links();
  const events = nl.monitor({ groups: [...chosen] });
  const stop = (): void => events.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // A closed pipe (`rtnl monitor | head`) ends the monitor instead of failing every write.
  const onError = (e: NodeJS.ErrnoException): void => {
    if (e.code === 'EPIPE') stop();
  };
  process.stdout.on('error', onError);
  try {
    for await (const event of events) {
      if (event.type === 'overrun') {
        ctx.io.err('rtnl monitor: the kernel dropped events (receive queue overrun); the next ones follow\n');
        continue;
      }
      // Nexthop objects have no `rtnl` object (yet): their group is never joined, so none comes.
      if (event.kind === 'nexthop') continue;
      // An interface made after the table was read (and not announced by a link event this
      // monitor subscribed to): read the table again, as ip asks the kernel for a name it lacks.
      const ifindex = interfaceOf(event.kind, event.object);
      if (ifindex !== undefined && ifindex !== 0 && links.get(ifindex) === undefined) links = await ctx.links(true);
      const p = format(event.kind, event.object, event.type === 'del', links, ctx);
      if (ctx.options.json) ctx.io.out(`${formatJson(p.object)}\n`);
      else ctx.io.out(`${p.text.map((l, i) => (label && i === 0 ? `[${p.label}]${l}` : l)).join('\n')}\n`);
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    process.stdout.off('error', onError);
  }
}
