/**
 * iproute2's name databases (lib/rt_names.c): routing tables, protocols, scopes, realms, link
 * groups and DS fields, by the names `ip` prints and accepts. The built-in names are the library's
 * (kernel enumerations defined once, see kernel.ts); like ip, the CLI then reads the system's
 * files — `/usr/share/iproute2/<db>` and `/etc/iproute2/<db>`, and `<db>.d/*.conf` for tables and
 * protocols — so a table named in /etc/iproute2/rt_tables prints and parses by its name here too.
 * The files are read on first use, never written.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { protocols, routeTables, scopes, type KernelEnum } from './kernel.js';

/** Where iproute2 keeps its databases: the distribution's defaults, then the administrator's. */
export const CONFIG_DIRS: readonly string[] = ['/usr/share/iproute2', '/etc/iproute2'];

/** One database: names by id and ids by name (Maps only: no name is looked up on an object). */
export class NameDb {
  readonly #byId = new Map<number, string>();
  readonly #byName = new Map<string, number>();

  /** Adds (or replaces) the name of `id`; the last definition of an id wins, as in iproute2. */
  set(id: number, name: string): void {
    this.#byId.set(id, name);
    this.#byName.set(name, id);
  }

  /** The name of `id`, or undefined. */
  name(id: number): string | undefined {
    return this.#byId.get(id);
  }

  /** The id of `name`, or undefined. */
  id(name: string): number | undefined {
    return this.#byName.get(name);
  }
}

/** Parses one database file's lines as iproute2's fread_id_name does: `<id> <name>`, ids decimal or 0x-hex. */
export function parseDb(text: string, db: NameDb, max: number): void {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(0x[0-9a-fA-F]+|\d+)\s+([^\s#]+)/.exec(line);
    if (m === null) continue;
    const id = Number(m[1]);
    if (Number.isSafeInteger(id) && id >= 0 && id <= max) db.set(id, m[2]!);
  }
}

/** Reads `file` into `db` when it exists and is readable (a missing database is not an error). */
function readDb(file: string, db: NameDb, max: number): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return;
  }
  parseDb(text, db, max);
}

/** A database with built-in names, overlaid with the system's files `name` (and `name.d/*.conf`). */
function load(name: string, builtin: ReadonlyArray<readonly [number, string]>, max: number, withDir: boolean): NameDb {
  const db = new NameDb();
  for (const [id, n] of builtin) db.set(id, n);
  for (const dir of CONFIG_DIRS) {
    readDb(join(dir, name), db, max);
    if (!withDir) continue;
    let entries: string[] = [];
    try {
      entries = readdirSync(join(dir, `${name}.d`)).filter((f) => f.endsWith('.conf') && !f.startsWith('.')).sort();
    } catch {
      // no drop-in directory
    }
    for (const f of entries) readDb(join(dir, `${name}.d`, f), db, max);
  }
  return db;
}

/** The names of every value 0..`max` a kernel enumeration names. */
function enumNames(table: KernelEnum, max: number): Array<readonly [number, string]> {
  const out: Array<readonly [number, string]> = [];
  for (let v = 0; v <= max; v++) {
    const n = table.name(v);
    if (n !== undefined) out.push([v, n]);
  }
  return out;
}

const cache = new Map<string, NameDb>();

/** A database by name, loaded on first use. */
function db(name: string, make: () => NameDb): NameDb {
  let d = cache.get(name);
  if (d === undefined) cache.set(name, d = make());
  return d;
}

/** Routing tables (`rt_tables`): `local`, `main`, `default` and the system's names. */
export function tables(): NameDb {
  return db('rt_tables', () => load('rt_tables', enumNames(routeTables, 255), 0xffffffff, true));
}

/** Route protocols (`rt_protos`). */
export function protos(): NameDb {
  return db('rt_protos', () => load('rt_protos', enumNames(protocols, 255), 255, true));
}

/** Scopes (`rt_scopes`). */
export function scopeNames(): NameDb {
  return db('rt_scopes', () => load('rt_scopes', enumNames(scopes, 255), 255, false));
}

/** Realms (`rt_realms`; 0 is `unknown`). */
export function realms(): NameDb {
  return db('rt_realms', () => load('rt_realms', [[0, 'unknown']], 255, false));
}

/** Link groups (`group`; 0 is `default`). */
export function groups(): NameDb {
  return db('group', () => load('group', [[0, 'default']], 0x7fffffff, false));
}

/** DS field (TOS) names (`rt_dsfield`). */
export function dsfields(): NameDb {
  return db('rt_dsfield', () => load('rt_dsfield', [], 255, false));
}

/**
 * IP protocols as ip names them (getprotobyname / getprotobynumber): from /etc/protocols, each
 * line `name number [alias …] [# comment]`. A number prints as the first name listed for it; a name
 * or alias parses to its number. No file: no names, as with ip (`ipproto-6` prints, `tcp` does not
 * parse). Not the library's IP_PROTOCOLS: /etc/protocols calls 4 `ipencap` and 94 `ipip`, where
 * netinet/in.h calls 4 IPPROTO_IPIP.
 */
export function ipProtocolNames(): NameDb {
  return db('protocols', () => {
    const d = new NameDb();
    let text = '';
    try {
      text = readFileSync('/etc/protocols', 'utf8');
    } catch {
      return d;
    }
    const firstOf = new Map<number, string>();
    for (const raw of text.split('\n')) {
      const words = raw.replace(/#.*/, '').trim().split(/\s+/);
      if (words.length < 2) continue;
      const id = /^\d+$/.test(words[1]!) ? Number(words[1]) : -1;
      if (id < 0 || id > 255) continue;
      if (!firstOf.has(id)) firstOf.set(id, words[0]!);
      for (const name of [words[0]!, ...words.slice(2)]) if (d.id(name) === undefined) d.set(id, name);
    }
    // NameDb keeps the last name set for an id: put the first listed back.
    for (const [id, name] of firstOf) d.set(id, name);
    return d;
  });
}

/** A table id as ip prints it: its name, else the number (`"100"`). */
export function tableName(id: number): string {
  return tables().name(id) ?? String(id);
}

/** A protocol as ip prints it: its name, else the number. */
export function protoName(id: number): string {
  return protos().name(id) ?? String(id);
}

/** A scope as ip prints it: its name, else the number. */
export function scopeName(id: number): string {
  return scopeNames().name(id) ?? String(id);
}

/** A realm as ip prints it. */
export function realmName(id: number): string {
  return realms().name(id) ?? String(id);
}

/** A link group as ip prints it (`default`). */
export function groupName(id: number): string {
  return groups().name(id) ?? String(id);
}

/** A TOS byte as ip prints it: its rt_dsfield name, else `0x%02x`. */
export function dsfieldName(id: number): string {
  return dsfields().name(id) ?? `0x${id.toString(16).padStart(2, '0')}`;
}
