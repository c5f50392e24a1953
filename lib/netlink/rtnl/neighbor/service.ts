/**
 * `nl.neighbors`: list, add, replace and delete neighbour entries (ARP / NDP) and bridge FDB
 * entries (RTM_*NEIGH), one at a time or many at once.
 *
 * An entry is identified by its link and `dst` (families 4 and 6), or by its link, `lladdr` and
 * `vlan` for bridge FDB entries (on a VXLAN device also `dst`, `vni`, `port` to pick one remote).
 * Every method validates its input completely before sending anything; link names are resolved
 * with `links.index` (a missing link is the kernel's NetlinkError ENODEV).
 */
import { NetlinkError, ValidationError } from '../../core/errors.js';
import type { BulkResult, Connection } from '../../transport/connection.js';
import { AF_BRIDGE, AF_INET, AF_INET6, AF_UNSPEC, parseIp } from '../../core/inet.js';
import type { Links } from '../link/service.js';
import * as N from './codec.js';
import { Neighbor, neighborView } from './view.js';
import { NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../core/protocol.js';
import { RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH } from '../rtm.js';
import { PROTOCOLS } from '../enums.js';
import { checkBool, checkInt, checkKeys, checkLinkRef, checkObject, checkU32, type LinkRef } from '../../core/validate.js';
import type { NlWriter } from '../../core/writer.js';

/** The family of a neighbour request: 4 (ARP), 6 (NDP) or `'bridge'` (FDB). */
export type NeighborFamily = 4 | 6 | 'bridge';

/** NUD_* state names (lower-case, as `ip neigh … nud NAME` takes them; upper-case is accepted too). */
export type NeighborStateName =
  | 'none' | 'incomplete' | 'reachable' | 'stale' | 'delay' | 'probe' | 'failed' | 'noarp' | 'permanent';

/** NTF_* / NTF_EXT_* flag names, as iproute2 spells them. */
export type NeighborFlagName =
  | 'use' | 'self' | 'master' | 'proxy' | 'extern_learn' | 'offload' | 'sticky' | 'router'
  | 'managed' | 'locked' | 'ext_validated';

/** Filters of `neighbors.list` and `neighbors.stream`, applied by the kernel. */
export interface NeighborListOptions {
  /** Only entries on this link (NDA_IFINDEX in the dump request). */
  link?: LinkRef;
  /** Only this family; omitted: IPv4 and IPv6 neighbours (FDB entries need `'bridge'`). */
  family?: NeighborFamily;
  /** Only entries of links enslaved to this master (NDA_MASTER in the dump request). */
  master?: LinkRef;
  /** The proxy entries (NTF_PROXY, `ip neigh show proxy`) instead of the ordinary ones. */
  proxy?: boolean;
}

/** What identifies a neighbour or FDB entry (the options of `del`). */
export interface NeighborKey {
  /** The link (ndm_ifindex), by name or ifindex. */
  link: LinkRef;
  /** The family; inferred from `dst` (4 or 6), or `'bridge'` when only `lladdr` is given. */
  family?: NeighborFamily;
  /** NDA_DST: the neighbour's address; for a VXLAN FDB entry, the remote (IPv4 or IPv6). */
  dst?: string;
  /** NDA_LLADDR: the hardware address (required for FDB entries). */
  lladdr?: string;
  /** NDA_VLAN (FDB only): 0..4094. */
  vlan?: number;
  /** NDA_VNI (VXLAN FDB only): the remote's VNI, 0..16777215. */
  vni?: number;
  /** NDA_PORT (VXLAN FDB only): the remote's UDP port. */
  port?: number;
  /** NDA_SRC_VNI (VXLAN FDB on a collect-metadata device only). */
  srcVni?: number;
  /** NDA_IFINDEX (VXLAN FDB only): the device to reach the remote through (`via DEV`). */
  via?: LinkRef;
  /**
   * NTF_* flags by name (`['self']`, `['master']`, `['router']`, `['extern_learn']` …; `managed`,
   * `locked`, `ext_validated` go to NDA_FLAGS_EXT), or ndm_flags as a number 0..255. An FDB entry
   * (family `'bridge'`) with neither `self` nor `master` gets `self`, as `bridge fdb add|del` does.
   */
  flags?: NeighborFlagName[] | number;
  /**
   * NDA_MASTER: the master (bridge, VRF) of the link, resolved to its ifindex and sent along. Kernel
   * 6.18 reads NDA_MASTER only in dump requests (see {@link NeighborListOptions.master}); on add and
   * delete it is accepted and ignored.
   */
  master?: LinkRef;
}

/** A neighbour or FDB entry to add, replace or append. */
export interface NeighborOptions extends NeighborKey {
  /** NUD_* state: a name, names, or the raw bits (default `'permanent'`). */
  state?: NeighborStateName | NeighborStateName[] | number;
  /** NDA_PROTOCOL: who installed the entry (RTPROT_* number or name: `'static'`, `'boot'` …). */
  protocol?: number | string;
  /** NDA_NH_ID (VXLAN FDB only): a nexthop group for the remote. */
  nhId?: number;
}

const KEYS = ['link', 'family', 'dst', 'lladdr', 'vlan', 'vni', 'port', 'srcVni', 'via', 'flags', 'master', 'state', 'protocol', 'nhId'];
const LIST_KEYS = ['link', 'family', 'master', 'proxy'];
const BRIDGE_ONLY = ['vlan', 'vni', 'port', 'srcVni', 'via', 'nhId'];

const STATE_BY_NAME = new Map<string, number>([['none', N.NUD_NONE],
  ...N.NUD_NAMES.map(([bit, name]) => [name.toLowerCase(), bit] as [string, number])]);
const FLAG_BY_NAME = new Map<string, number>(N.NTF_NAMES.map(([bit, name]) => [name, bit]));
const EXT_FLAG_BY_NAME = new Map<string, number>(N.NTF_EXT_NAMES.map(([bit, name]) => [name, bit]));

/** A validated request, ready to encode (link references still to resolve). */
interface Checked {
  af: number;
  link: LinkRef;
  dst: Uint8Array | undefined;
  lladdr: Uint8Array | undefined;
  state: number;
  flags: number;
  flagsExt: number | undefined;
  vlan: number | undefined;
  vni: number | undefined;
  port: number | undefined;
  srcVni: number | undefined;
  via: LinkRef | undefined;
  master: LinkRef | undefined;
  protocol: number | undefined;
  nhId: number | undefined;
}

function checkFamily(field: string, value: unknown): NeighborFamily {
  if (value === 4 || value === 6 || value === 'bridge') return value;
  throw new ValidationError(field, value, "4, 6 or 'bridge' is required");
}

function checkState(field: string, value: unknown): number {
  if (value === undefined) return N.NUD_PERMANENT;
  if (typeof value === 'number') return checkInt(field, value, 0, 0xffff);
  const one = (v: unknown, f: string): number => {
    const bit = typeof v === 'string' ? STATE_BY_NAME.get(v.toLowerCase()) : undefined;
    if (bit === undefined) throw new ValidationError(f, v, `unknown state (known: ${[...STATE_BY_NAME.keys()].join(', ')})`);
    return bit;
  };
  if (Array.isArray(value)) return value.reduce<number>((acc, v, i) => acc | one(v, `${field}[${i}]`), 0);
  return one(value, field);
}

function checkFlags(field: string, value: unknown): { flags: number; ext: number | undefined } {
  if (value === undefined) return { flags: 0, ext: undefined };
  if (typeof value === 'number') return { flags: checkInt(field, value, 0, 0xff), ext: undefined };
  if (!Array.isArray(value)) throw new ValidationError(field, value, 'an array of flag names or a number 0..255 is required');
  let flags = 0;
  let ext: number | undefined;
  value.forEach((v, i) => {
    const name = typeof v === 'string' ? v : '';
    const bit = FLAG_BY_NAME.get(name);
    if (bit !== undefined) { flags |= bit; return; }
    const extBit = EXT_FLAG_BY_NAME.get(name);
    if (extBit !== undefined) { ext = (ext ?? 0) | extBit; return; }
    throw new ValidationError(`${field}[${i}]`, v,
      `unknown flag (known: ${[...FLAG_BY_NAME.keys(), ...EXT_FLAG_BY_NAME.keys()].join(', ')})`);
  });
  return { flags, ext };
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * A hardware address `aa:bb:…` of 1..32 bytes; FDB entries need exactly 6. A char-code loop: this
 * runs once per item of a bulk call, where a split/regex parser costs more than the kernel's work.
 */
function checkLladdr(field: string, value: unknown, bridge: boolean): Uint8Array {
  const bad = (): never => {
    throw new ValidationError(field, value, bridge ? 'a 6-byte MAC address (aa:bb:cc:dd:ee:ff) is required'
      : 'a link-layer address (aa:bb:…, 1 to 32 bytes) is required');
  };
  if (typeof value !== 'string') return bad();
  const n = (value.length + 1) / 3;
  if (!Number.isInteger(n) || n < 1 || n > 32 || (bridge && n !== 6)) return bad();
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const hi = hexDigit(value.charCodeAt(3 * i));
    const lo = hexDigit(value.charCodeAt(3 * i + 1));
    if (hi < 0 || lo < 0 || (i + 1 < n && value.charCodeAt(3 * i + 2) !== 58)) return bad();
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Validates one request object completely (no I/O). */
function checkNeighbor(field: string, value: unknown): Checked {
  const o = checkObject(field || 'options', value);
  const p = field === '' ? '' : `${field}.`;
  checkKeys(field, o, KEYS);
  if (o.link === undefined) throw new ValidationError(`${p}link`, undefined, 'the link is required');
  const link = checkLinkRef(`${p}link`, o.link);
  let family = o.family === undefined ? undefined : checkFamily(`${p}family`, o.family);
  const dst = o.dst === undefined ? undefined : parseIp(`${p}dst`, o.dst);
  if (family === undefined) {
    if (dst !== undefined) family = dst.version;
    else if (o.lladdr !== undefined) family = 'bridge';
    else throw new ValidationError(`${p}dst`, undefined, 'a dst (or, for an FDB entry, an lladdr) is required');
  }
  const bridge = family === 'bridge';
  if (!bridge) {
    if (dst === undefined) throw new ValidationError(`${p}dst`, undefined, `a dst is required for family ${family}`);
    if (dst.version !== family) throw new ValidationError(`${p}dst`, o.dst, `an IPv${family} address is required for family ${family}`);
    for (const k of BRIDGE_ONLY) {
      if (o[k] !== undefined) throw new ValidationError(`${p}${k}`, o[k], "only bridge FDB entries (family 'bridge') take this option");
    }
  } else if (o.lladdr === undefined) {
    throw new ValidationError(`${p}lladdr`, undefined, 'an FDB entry needs its lladdr (MAC address)');
  }
  const lladdr = o.lladdr === undefined ? undefined : checkLladdr(`${p}lladdr`, o.lladdr, bridge);
  const checkedFlags = checkFlags(`${p}flags`, o.flags);
  // bridge fdb add|del "assume self": with neither NTF_SELF nor NTF_MASTER a vxlan refuses the entry
  // (EOPNOTSUPP) and a bridge port hands it to its master.
  const flags = bridge && (checkedFlags.flags & (N.NTF_SELF | N.NTF_MASTER)) === 0 ? checkedFlags.flags | N.NTF_SELF : checkedFlags.flags;
  const ext = checkedFlags.ext;
  return {
    af: family === 4 ? AF_INET : family === 6 ? AF_INET6 : AF_BRIDGE,
    link,
    dst: dst?.bytes,
    lladdr,
    state: checkState(`${p}state`, o.state),
    flags,
    flagsExt: ext,
    vlan: o.vlan === undefined ? undefined : checkInt(`${p}vlan`, o.vlan, 0, 4094),
    vni: o.vni === undefined ? undefined : checkInt(`${p}vni`, o.vni, 0, 0xffffff),
    port: o.port === undefined ? undefined : checkInt(`${p}port`, o.port, 0, 0xffff),
    srcVni: o.srcVni === undefined ? undefined : checkInt(`${p}srcVni`, o.srcVni, 0, 0xffffff),
    via: o.via === undefined ? undefined : checkLinkRef(`${p}via`, o.via),
    master: o.master === undefined ? undefined : checkLinkRef(`${p}master`, o.master),
    protocol: o.protocol === undefined ? undefined : PROTOCOLS.check(`${p}protocol`, o.protocol),
    nhId: o.nhId === undefined ? undefined : checkU32(`${p}nhId`, o.nhId),
  };
}

/** Writes ndmsg and NDA_* of a checked request (iproute2's attribute order for each family). */
function writeNeighbor(w: NlWriter, c: Checked, ifindex: number, via: number | undefined, master: number | undefined): void {
  // struct ndmsg, inline: family, pad1, pad2, ifindex, state, flags, type.
  w.putU32(c.af);
  w.putS32(ifindex);
  w.putU16(c.state);
  w.putU8(c.flags);
  w.putU8(0);
  if (c.af === AF_BRIDGE) {
    w.attrBytes(N.NDA_LLADDR, c.lladdr!);
    if (c.dst !== undefined) w.attrBytes(N.NDA_DST, c.dst);
    if (c.vlan !== undefined) w.attrU16(N.NDA_VLAN, c.vlan);
    if (c.port !== undefined) w.attrU16Be(N.NDA_PORT, c.port);
    if (c.vni !== undefined) w.attrU32(N.NDA_VNI, c.vni);
    if (via !== undefined) w.attrU32(N.NDA_IFINDEX, via);
    if (c.srcVni !== undefined) w.attrU32(N.NDA_SRC_VNI, c.srcVni);
    if (c.nhId !== undefined) w.attrU32(N.NDA_NH_ID, c.nhId);
  } else {
    w.attrBytes(N.NDA_DST, c.dst!);
    if (c.lladdr !== undefined) w.attrBytes(N.NDA_LLADDR, c.lladdr);
  }
  if (master !== undefined) w.attrU32(N.NDA_MASTER, master);
  if (c.flagsExt !== undefined) w.attrU32(N.NDA_FLAGS_EXT, c.flagsExt);
  if (c.protocol !== undefined) w.attrU8(N.NDA_PROTOCOL, c.protocol);
}

/** The neighbour and FDB entries of one netlink handle. Obtain it as `nl.neighbors`. */
export class Neighbors {
  /** @internal */
  constructor(protected readonly conn: Connection, protected readonly links: Links) {}

  /** All entries (one RTM_GETNEIGH dump), optionally filtered by the kernel. */
  list(options: NeighborListOptions = {}): Promise<Neighbor[]> {
    return this.dumpRequest(options).then((build) => this.conn.dump(RTM_GETNEIGH, 0, build, neighborView));
  }

  /** Like {@link list}, one entry at a time, reading from the kernel as the loop advances. */
  stream(options: NeighborListOptions = {}): AsyncIterableIterator<Neighbor> {
    const conn = this.conn;
    const request = this.dumpRequest(options);
    // Do not leave the promise's rejection unhandled before the first next().
    request.catch(() => {});
    let inner: AsyncIterableIterator<Neighbor> | undefined;
    const it: AsyncIterableIterator<Neighbor> = {
      [Symbol.asyncIterator]: () => it,
      async next() {
        inner ??= conn.stream(RTM_GETNEIGH, 0, await request, neighborView);
        return inner.next();
      },
      async return() {
        return inner?.return?.() ?? { value: undefined, done: true };
      },
    };
    return it;
  }

  private async dumpRequest(options: NeighborListOptions): Promise<(w: NlWriter) => void> {
    const o = checkObject('options', options);
    checkKeys('', o, LIST_KEYS);
    const family = o.family === undefined ? undefined : checkFamily('family', o.family);
    const proxy = o.proxy === undefined ? false : checkBool('proxy', o.proxy);
    if (proxy && family === 'bridge') throw new ValidationError('proxy', o.proxy, 'FDB entries have no proxy table');
    const linkRef = o.link === undefined ? undefined : checkLinkRef('link', o.link);
    const masterRef = o.master === undefined ? undefined : checkLinkRef('master', o.master);
    const [link, master] = await Promise.all([
      linkRef === undefined ? undefined : this.links.index(linkRef),
      masterRef === undefined ? undefined : this.links.index(masterRef),
    ]);
    const af = family === undefined ? AF_UNSPEC : family === 4 ? AF_INET : family === 6 ? AF_INET6 : AF_BRIDGE;
    // Strict checking wants a zero header (NTF_PROXY aside) and the filters as attributes.
    return (w) => {
      N.writeNdMsg(w, { family: af, ifindex: 0, state: 0, flags: proxy ? N.NTF_PROXY : 0, type: 0 });
      if (link !== undefined) w.attrU32(N.NDA_IFINDEX, link);
      if (master !== undefined) w.attrU32(N.NDA_MASTER, master);
    };
  }

  /**
   * Adds an entry (RTM_NEWNEIGH with NLM_F_CREATE | NLM_F_EXCL; state `permanent` unless told
   * otherwise). An existing entry is a NetlinkError EEXIST.
   */
  add(options: NeighborOptions): Promise<void> {
    return this.one(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, options);
  }

  /** Adds or overwrites an entry (RTM_NEWNEIGH with NLM_F_CREATE | NLM_F_REPLACE). */
  replace(options: NeighborOptions): Promise<void> {
    return this.one(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, options);
  }

  /**
   * Adds one more remote to a VXLAN FDB entry (RTM_NEWNEIGH with NLM_F_CREATE | NLM_F_APPEND, as
   * `bridge fdb append`), e.g. several `dst` for the all-zeros MAC (head-end replication).
   */
  append(options: NeighborOptions): Promise<void> {
    return this.one(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_APPEND, options);
  }

  /**
   * Deletes an entry (RTM_DELNEIGH): link + dst, or link + lladdr (+ vlan; + dst/vni/port for one
   * VXLAN remote) for FDB entries; `flags: ['self']` / `['master']` say which FDB. A missing entry
   * is a NetlinkError ENOENT.
   */
  del(key: NeighborKey | NeighborOptions): Promise<void> {
    return this.one(RTM_DELNEIGH, 0, key);
  }

  /**
   * Adds many entries (NLM_F_CREATE | NLM_F_EXCL each), packed into as few datagrams as possible.
   * Every item is validated first (one bad item rejects the call and nothing is sent), each
   * distinct link name is resolved once; resolves to one result per item, in order (an item whose
   * link does not exist gets that ENODEV).
   */
  addMany(items: readonly NeighborOptions[]): Promise<BulkResult[]> {
    return this.many(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, items);
  }

  /** Like {@link addMany} with NLM_F_REPLACE: adds or overwrites each entry. */
  replaceMany(items: readonly NeighborOptions[]): Promise<BulkResult[]> {
    return this.many(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, items);
  }

  /** Deletes many entries; one result per item, in order (see {@link addMany}). */
  delMany(items: ReadonlyArray<NeighborKey | NeighborOptions>): Promise<BulkResult[]> {
    return this.many(RTM_DELNEIGH, 0, items);
  }

  private async one(type: number, flags: number, options: unknown): Promise<void> {
    const c = checkNeighbor('', options);
    const r = this.links.resolve([c.link, c.via, c.master]);
    const [ifindex, via, master] = r instanceof Promise ? await r : r;
    return this.conn.ack(type, flags, (w) => writeNeighbor(w, c, ifindex!, via, master));
  }

  private async many(type: number, flags: number, items: readonly unknown[]): Promise<BulkResult[]> {
    if (!Array.isArray(items)) throw new ValidationError('items', items, 'an array of neighbour entries is required');
    const checked = items.map((item, i) => checkNeighbor(`items[${i}]`, item));
    // Resolve each distinct link name once; a missing one fails only the items naming it.
    const names = new Set<string>();
    for (const c of checked) {
      if (typeof c.link === 'string') names.add(c.link);
      if (typeof c.via === 'string') names.add(c.via);
      if (typeof c.master === 'string') names.add(c.master);
    }
    const resolved = new Map<string, number | NetlinkError>();
    await Promise.all([...names].map((name) => this.links.index(name).then(
      (index) => { resolved.set(name, index); },
      (error: unknown) => {
        if (!(error instanceof NetlinkError)) throw error;
        resolved.set(name, error);
      })));
    const lookup = (ref: LinkRef | undefined): number | NetlinkError | undefined =>
      ref === undefined ? undefined : typeof ref === 'number' ? ref : resolved.get(ref)!;

    const results = new Array<BulkResult>(checked.length);
    const send: number[] = [];
    const ifindex = new Int32Array(checked.length);
    const via = new Array<number | undefined>(checked.length);
    const master = new Array<number | undefined>(checked.length);
    for (let i = 0; i < checked.length; i++) {
      const c = checked[i]!;
      const l = lookup(c.link);
      const v = lookup(c.via);
      const m = lookup(c.master);
      const failed = l instanceof NetlinkError ? l : v instanceof NetlinkError ? v : m instanceof NetlinkError ? m : undefined;
      if (failed !== undefined) {
        results[i] = { status: 'rejected', reason: failed };
        continue;
      }
      ifindex[i] = l as number;
      if (v !== undefined) via[i] = v as number;
      if (m !== undefined) master[i] = m as number;
      send.push(i);
    }
    const sent = await this.conn.bulk(type, flags, send.length, (w, k) => {
      const i = send[k]!;
      writeNeighbor(w, checked[i]!, ifindex[i]!, via[i], master[i]);
    });
    for (let k = 0; k < send.length; k++) results[send[k]!] = sent[k]!;
    return results;
  }
}

export { Neighbor };
