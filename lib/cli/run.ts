/**
 * The `rtnl` command line: `rtnl [ OPTIONS ] OBJECT { COMMAND | help } [ ARGS ]`, after `ip`.
 * The global options before the object are parsed with `util.parseArgs`; what follows the object
 * is ip's positional grammar, read by each object's keyword tables (grammar.ts). {@link runCli}
 * runs one command line and resolves to the exit status: 0, 1 when the operation failed (kernel
 * refusal, missing device), 2 for a bad command line.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ADDRESS_COMMANDS, ADDRESS_USAGE } from './address.js';
import { bench } from './bench.js';
import { Context, type CliIo, type GlobalOptions } from './context.js';
import { EXIT_USAGE, UsageError, describeError } from './errors.js';
import { matchCommand } from './grammar.js';
import { LINK_COMMANDS, LINK_USAGE } from './link.js';
import { MONITOR_USAGE, monitor } from './monitor.js';
import { NEIGHBOR_COMMANDS, NEIGHBOR_USAGE } from './neighbor.js';
import { NETNS_COMMANDS, NETNS_USAGE } from './netns.js';
import { ROUTE_COMMANDS, ROUTE_USAGE } from './route.js';
import { RULE_COMMANDS, RULE_USAGE } from './rule.js';
import { TUNTAP_COMMANDS, TUNTAP_USAGE } from './tuntap.js';

/** For dist/bundle/load.cjs only: the native helper it loaded to read cli.cjs's code cache. */
export { adoptNativeBinding as __adoptNativeBinding } from '../netlink/transport/native.js';

/** Usage of `rtnl`. */
export const USAGE = `Usage: rtnl [ OPTIONS ] OBJECT { COMMAND | help }
       rtnl bench [ BENCHMARK OPTIONS ]
where  OBJECT := { link | address | route | neigh | rule | tuntap | monitor | netns }
       OPTIONS := { -n[etns] NAME | -j[son] | -p[retty] | -d[etails] | -s[tatistics] | -4 | -6 |
                    -h[elp] | -V[ersion] }
Like ip(8), on this package's netlink client: -j prints what ip -j prints, -n NAME works inside
/run/netns/NAME (or a namespace file given by path). Exit status: 0, 1 when the kernel refused
or a device is missing, 2 for a bad command line.
`;

/** The options `util.parseArgs` reads before the object. */
const OPTIONS = {
  netns: { type: 'string', short: 'n' },
  json: { type: 'boolean', short: 'j' },
  pretty: { type: 'boolean', short: 'p' },
  details: { type: 'boolean', short: 'd', multiple: true },
  stats: { type: 'boolean', short: 's', multiple: true },
  statistics: { type: 'boolean', multiple: true },
  inet: { type: 'boolean', short: '4' },
  inet6: { type: 'boolean', short: '6' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** A subcommand: reads its words and acts (or resolves to an exit status, for `bench`). */
type Run = (ctx: Context, words: readonly string[]) => Promise<void | number>;

/** An object with commands (`link add` …). */
interface ObjectEntry {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly usage: string;
  /** Its commands in ip's matching order; absent: `run` takes every word. */
  readonly commands?: ReadonlyArray<{ readonly name: string; readonly aliases?: readonly string[]; readonly run: Run }>;
  readonly run?: Run;
  /** The command run when none is given (`rtnl link` is `rtnl link show`). */
  readonly defaultCommand?: string;
}

/** The objects, in ip's matching order (`rtnl a` is address, `rtnl r` route, `rtnl l` link). */
const OBJECTS: readonly ObjectEntry[] = [
  { name: 'address', aliases: ['addr'], usage: ADDRESS_USAGE, commands: ADDRESS_COMMANDS, defaultCommand: 'show' },
  { name: 'route', usage: ROUTE_USAGE, commands: ROUTE_COMMANDS, defaultCommand: 'show' },
  { name: 'rule', usage: RULE_USAGE, commands: RULE_COMMANDS, defaultCommand: 'show' },
  { name: 'neighbor', aliases: ['neigh', 'neighbour'], usage: NEIGHBOR_USAGE, commands: NEIGHBOR_COMMANDS, defaultCommand: 'show' },
  { name: 'link', usage: LINK_USAGE, commands: LINK_COMMANDS, defaultCommand: 'show' },
  { name: 'tuntap', aliases: ['tap'], usage: TUNTAP_USAGE, commands: TUNTAP_COMMANDS, defaultCommand: 'show' },
  { name: 'monitor', usage: MONITOR_USAGE, run: monitor },
  { name: 'netns', usage: NETNS_USAGE, commands: NETNS_COMMANDS, defaultCommand: 'list' },
  { name: 'bench', usage: 'Usage: rtnl bench [ BENCHMARK OPTIONS ]   (rtnl bench --help lists them)\n', run: bench },
];

/** The package version, from the package.json beside dist/ (or lib/ when run from source). */
function version(): string {
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'rtnetlink') return pkg.version ?? 'unknown';
    } catch {
      // try the next place
    }
  }
  return 'unknown';
}

/**
 * Splits `argv` at the object: the options before it are parsed by `util.parseArgs` (strictly:
 * an unknown option is a usage error); the object and everything after it are positional, so
 * `rtnl route add … metric -1` reaches the route grammar as written.
 */
export function parseGlobal(argv: readonly string[]): { options: GlobalOptions; help: boolean; version: boolean; rest: string[] } {
  const { tokens } = parseArgs({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const first = tokens.find((t) => t.kind === 'positional' || t.kind === 'option-terminator');
  const cut = first === undefined ? argv.length : first.index;
  let values;
  try {
    ({ values } = parseArgs({ args: argv.slice(0, cut), options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}. Try "rtnl help".`, true);
  }
  if (values.inet === true && values.inet6 === true) throw new UsageError('-4 and -6 exclude each other. Try "rtnl help".', true);
  const rest = argv.slice(first?.kind === 'option-terminator' ? cut + 1 : cut);
  return {
    options: {
      netns: values.netns,
      json: values.json === true,
      pretty: values.pretty === true,
      details: values.details?.length ?? 0,
      stats: (values.stats?.length ?? 0) + (values.statistics?.length ?? 0),
      family: values.inet === true ? 4 : values.inet6 === true ? 6 : undefined,
    },
    help: values.help === true,
    version: values.version === true,
    rest,
  };
}

/** Runs the object's command for the remaining words. */
async function dispatch(ctx: Context, words: readonly string[]): Promise<number> {
  const [word, ...rest] = words;
  if (word === undefined || word === 'help') {
    ctx.io[word === 'help' ? 'out' : 'err'](USAGE);
    return word === 'help' ? 0 : EXIT_USAGE;
  }
  const obj = matchCommand(OBJECTS, word);
  if (obj === undefined) throw new UsageError(`Object "${word}" is unknown, try "rtnl help".`, true);
  if (obj.run !== undefined) {
    if (obj.name !== 'bench' && rest[0] === 'help') {
      ctx.io.out(obj.usage);
      return 0;
    }
    const status = await obj.run(ctx, rest);
    return typeof status === 'number' ? status : 0;
  }
  const [cmdWord, ...args] = rest;
  if (cmdWord === 'help' || args[0] === 'help') {
    ctx.io.out(obj.usage);
    return 0;
  }
  const cmd = matchCommand(obj.commands!, cmdWord ?? obj.defaultCommand ?? '');
  if (cmd === undefined) throw new UsageError(`Command "${cmdWord}" is unknown, try "rtnl ${obj.name} help".`, true);
  const status = await cmd.run(ctx, args);
  return typeof status === 'number' ? status : 0;
}

/** The process's standard streams. */
export const STDIO: CliIo = {
  out: (text) => { process.stdout.write(text); },
  err: (text) => { process.stderr.write(text); },
};

/** Runs one `rtnl` command line; resolves to its exit status (never rejects). */
export async function runCli(argv: readonly string[], io: CliIo = STDIO): Promise<number> {
  let ctx: Context | undefined;
  try {
    const g = parseGlobal(argv);
    if (g.version) {
      io.out(`rtnl, rtnetlink ${version()}\n`);
      return 0;
    }
    if (g.help) {
      io.out(USAGE);
      return 0;
    }
    ctx = new Context(g.options, io);
    return await dispatch(ctx, g.rest);
  } catch (e) {
    const { message, status } = describeError(e, 'rtnl');
    io.err(`${message}\n`);
    return status;
  } finally {
    ctx?.close();
  }
}
