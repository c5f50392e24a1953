/**
 * What every subcommand works with: the global options (`-n`, `-j`, `-p`, `-d`, `-s`, `-4`/`-6`),
 * the output streams, one netlink handle opened on first use in the chosen namespace, and the
 * interface table (ifindex → name, flags, type) that `ip` keeps to print `dev eth0` rather than an
 * index (its ll_init_map).
 */
import { NetlinkError, RtNetlink, netns } from '../netlink/index.js';
import { CliFailure } from './errors.js';
import { errnoMessage } from './kernel.js';
import { formatJson, type JsonObject } from './json.js';

/** The global options, as `ip` spells them. */
export interface GlobalOptions {
  /** `-n NETNS`: a name under /run/netns (as `ip -n`), or a namespace file path. */
  netns: string | undefined;
  /** `-j`: JSON output shaped like `ip -j`. */
  json: boolean;
  /** `-p`: pretty JSON, laid out as `ip -j -p`. */
  pretty: boolean;
  /** `-d` given this many times: details (kinds, queue counts …). */
  details: number;
  /** `-s` given this many times: statistics. */
  stats: number;
  /** `-4` / `-6`: only this family (addresses, routes, neighbours, rules). */
  family: 4 | 6 | undefined;
}

/** Where the CLI writes: standard output and standard error (tests pass their own). */
export interface CliIo {
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  /**
   * Imports the ES module at `url` (`rtnl bench` loads the benchmark harness with it); `import()`
   * when absent. The bundled command passes its own: code compiled from a V8 code cache by node:vm
   * cannot `import()` on Node 20.
   */
  importModule?(url: string): Promise<unknown>;
}

/** One interface as the CLI's name table keeps it. */
export interface LinkEntry {
  /** IFLA_IFNAME. */
  name: string;
  /** ifi_flags. */
  flags: number;
  /** ifi_type (ARPHRD_*). */
  type: number;
}

/** The interfaces of the namespace by ifindex, for names in output (ip's ll_index_to_name). */
export class LinkTable {
  readonly #byIndex = new Map<number, LinkEntry>();

  /** Adds or replaces an interface. */
  set(ifindex: number, entry: LinkEntry): void {
    this.#byIndex.set(ifindex, entry);
  }

  /** The interface `ifindex`, when known. */
  get(ifindex: number): LinkEntry | undefined {
    return this.#byIndex.get(ifindex);
  }

  /** The name of `ifindex` as ip prints it: the name, or `if<N>` for an index it does not know. */
  name(ifindex: number): string {
    return this.#byIndex.get(ifindex)?.name ?? `if${ifindex}`;
  }

  /** The ifindex of a name, or undefined. */
  index(name: string): number | undefined {
    for (const [i, e] of this.#byIndex) if (e.name === name) return i;
    return undefined;
  }
}

/** The file of a namespace given to `-n`: a name under /run/netns, or a path as given. */
export function namespacePath(name: string): string {
  return name.includes('/') ? name : `${netns.NETNS_RUN_DIR}/${name}`;
}

/** A run of the CLI: options, output, and the handle it opens. */
export class Context {
  #nl: RtNetlink | undefined;
  #links: LinkTable | undefined;

  constructor(readonly options: GlobalOptions, readonly io: CliIo) {}

  /** The netlink handle, opened on first use inside `-n`'s namespace (ip's message when it cannot). */
  async nl(): Promise<RtNetlink> {
    if (this.#nl !== undefined) return this.#nl;
    const name = this.options.netns;
    try {
      this.#nl = await RtNetlink.open(name === undefined ? {} : { netns: namespacePath(name) });
    } catch (e) {
      if (name !== undefined && e instanceof NetlinkError) {
        throw new CliFailure(`Cannot open network namespace "${name}": ${errnoMessage(e.errno)}`);
      }
      throw e;
    }
    return this.#nl;
  }

  /** The interface table, from one link dump (cached for the run; `refresh` dumps again). */
  async links(refresh = false): Promise<LinkTable> {
    if (this.#links !== undefined && !refresh) return this.#links;
    const nl = await this.nl();
    const table = new LinkTable();
    for (const l of await nl.links.list({ stats: false })) {
      table.set(l.ifindex, { name: l.name, flags: l.rawFlags, type: l.header.type });
    }
    this.#links = table;
    return table;
  }

  /** Prints `objects` as one JSON array (`-j`, `-p` as ip lays it out) or `text` lines. */
  print(objects: readonly JsonObject[], text: () => readonly string[]): void {
    if (this.options.json) {
      this.io.out(`${formatJson([...objects], this.options.pretty)}\n`);
      return;
    }
    const lines = text();
    if (lines.length > 0) this.io.out(`${lines.join('\n')}\n`);
  }

  /** Closes the handle (idempotent). */
  close(): void {
    this.#nl?.close();
    this.#nl = undefined;
  }
}
