/**
 * `rtnl tuntap add|del|show`: persistent tun and tap devices, as `ip tuntap` makes and lists them
 * (the library's `links.add({ kind: 'tun' })`, `links.del` and a link dump filtered by kind).
 *
 * Where it differs from ip 6.1: `show` reads the devices over netlink, not from /sys/class/net (so
 * it lists the devices of `-n NETNS`, where ip's reads the mount namespace's sysfs), and therefore
 * never prints `one_queue` (IFF_ONE_QUEUE, a flag without effect that netlink does not report) nor
 * `-d`'s attached processes; `del` of a device that is no tun device of that mode fails with ip's
 * message, and of a missing one with `Cannot find device` (ip makes and unmakes a device there).
 */
import { NetlinkError } from '../netlink/index.js';
import type { Link } from '../netlink/rtnl/link/view.js';
import { accountId, type AccountFile } from './accounts.js';
import type { Context } from './context.js';
import { CliFailure, UsageError, invalidArgument } from './errors.js';
import { flag, parseUnsigned, parseWords, value, type Grammar } from './grammar.js';
import type { JsonObject } from './json.js';
import { errnoMessage } from './kernel.js';

/** Usage of `rtnl tuntap`. */
export const TUNTAP_USAGE = `Usage: rtnl tuntap { add | del | show | list | lst | help } [ dev PHYS_DEV ]
       [ mode { tun | tap } ] [ user USER ] [ group GROUP ]
       [ one_queue ] [ pi ] [ vnet_hdr ] [ multi_queue ] [ name NAME ]

Where: USER  := { STRING | NUMBER }
       GROUP := { STRING | NUMBER }
`;

/** What `tuntap add|del` names. */
interface TuntapWords {
  dev: string | undefined;
  mode: 'tun' | 'tap' | undefined;
  user: number | undefined;
  group: number | undefined;
  pi: boolean;
  vnetHdr: boolean;
  multiQueue: boolean;
}

/** `user` / `group`: a number, or a name from /etc/passwd or /etc/group (ip: getpwnam / getgrnam). */
function owner(word: string, file: AccountFile, what: 'user' | 'group'): number {
  const id = parseUnsigned(word) ?? accountId(file, word);
  if (id === undefined || id > 0xfffffffe) throw new UsageError(`invalid ${what} "${word}"`, true);
  return id;
}

const MODES = new Map<string, 'tun' | 'tap'>([['tun', 'tun'], ['tap', 'tap']]);

const GRAMMAR: Grammar<TuntapWords> = {
  object: 'tuntap',
  bare: 'dev',
  keywords: [
    value(['dev', 'name'], (s, v) => { s.dev = v; }),
    value(['mode'], (s, v) => {
      const mode = MODES.get(v);
      if (mode === undefined) throw new UsageError(`Unknown tunnel mode "${v}"`, true);
      s.mode = mode;
    }),
    value(['user'], (s, v) => { s.user = owner(v, '/etc/passwd', 'user'); }),
    value(['group'], (s, v) => { s.group = owner(v, '/etc/group', 'group'); }),
    // IFF_ONE_QUEUE: accepted as ip accepts it; the kernel documents it as having no effect.
    flag(['one_queue'], () => undefined),
    flag(['pi'], (s) => { s.pi = true; }),
    flag(['vnet_hdr'], (s) => { s.vnetHdr = true; }),
    flag(['multi_queue'], (s) => { s.multiQueue = true; }),
  ],
};

function parse(words: readonly string[]): TuntapWords {
  const s = parseWords(GRAMMAR, words, {
    dev: undefined, mode: undefined, user: undefined, group: undefined, pi: false, vnetHdr: false, multiQueue: false,
  });
  if (s.mode === undefined) throw new CliFailure('You failed to specify a tunnel mode');
  return s;
}

/** ip's message for a refused TUNSETIFF: `ioctl(TUNSETIFF): Device or resource busy`. */
function ioctlFailure(e: unknown): never {
  // links.add says EEXIST where TUNSETIFF said EBUSY (an existing name, as for every kind).
  if (e instanceof NetlinkError && e.op === 'ioctl(TUNSETIFF)') throw new CliFailure(`ioctl(TUNSETIFF): ${errnoMessage(e.code === 'EEXIST' ? 16 : e.errno)}`);
  throw e;
}

async function add(ctx: Context, words: readonly string[]): Promise<void> {
  const s = parse(words);
  if (s.dev !== undefined && Buffer.byteLength(s.dev) > 15) throw invalidArgument(s.dev, '"name" not a valid ifname');
  const nl = await ctx.nl();
  const data = {
    type: s.mode!, pi: s.pi, vnetHdr: s.vnetHdr, multiQueue: s.multiQueue,
    ...(s.user === undefined ? {} : { owner: s.user }), ...(s.group === undefined ? {} : { group: s.group }),
  };
  await nl.links.add({ ...(s.dev === undefined ? {} : { name: s.dev }), kind: 'tun', data }).catch(ioctlFailure);
}

async function del(ctx: Context, words: readonly string[]): Promise<void> {
  const s = parse(words);
  if (s.dev === undefined) throw new CliFailure('ioctl(TUNSETIFF): Invalid argument');
  const nl = await ctx.nl();
  const link = await nl.links.get(s.dev);
  // ip attaches with the mode given: another kind or mode is EINVAL there, and nothing changes.
  if (link.kind !== 'tun' || (link.data as { type?: string } | undefined)?.type !== s.mode) throw new CliFailure('ioctl(TUNSETIFF): Invalid argument');
  await nl.links.del(link.ifindex);
}

/** One device as `ip -j tuntap show` prints it. */
function tuntapObject(link: Link): JsonObject {
  const d = (link.data ?? {}) as { type?: string; pi?: boolean; vnetHdr?: boolean; multiQueue?: boolean; persist?: boolean; owner?: number; group?: number };
  const flags: string[] = [d.type ?? 'tun'];
  if (d.pi === true) flags.push('pi');
  if (d.multiQueue === true) flags.push('multi_queue');
  if (d.vnetHdr === true) flags.push('vnet_hdr');
  if (d.persist === true) flags.push('persist');
  // IFF_NOFILTER is IFF_NO_PI's bit: ip prints `filter` when it is clear.
  if (d.pi === true) flags.push('filter');
  const o: JsonObject = { ifname: link.name, flags };
  if (d.owner !== undefined) o.user = d.owner;
  if (d.group !== undefined) o.group = d.group;
  return o;
}

async function show(ctx: Context, words: readonly string[]): Promise<void> {
  // ip 6.1 parses the words as for add and lists every device whatever they say.
  parseWords(GRAMMAR, words, { dev: undefined, mode: undefined, user: undefined, group: undefined, pi: false, vnetHdr: false, multiQueue: false });
  const nl = await ctx.nl();
  const objects = (await nl.links.list({ kind: 'tun', stats: false })).map(tuntapObject);
  ctx.print(objects, () => objects.map((o) => `${String(o.ifname)}: ${(o.flags as string[]).join(' ')}`
    + `${o.user === undefined ? '' : ` user ${String(o.user)}`}${o.group === undefined ? '' : ` group ${String(o.group)}`}`));
}

/** The commands of `rtnl tuntap`, in ip's matching order. */
export const TUNTAP_COMMANDS = [
  { name: 'add', run: add },
  { name: 'del', aliases: ['delete'], run: del },
  { name: 'show', aliases: ['list', 'lst'], run: show },
] as const;
