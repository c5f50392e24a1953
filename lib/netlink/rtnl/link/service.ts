/**
 * `nl.links`: list, get, add, set and delete network interfaces (RTM_*LINK).
 *
 * Every method validates its input completely before sending anything. Links are named by name or
 * ifindex; a name the kernel does not know is a NetlinkError ENODEV (only the kernel can know).
 */
import { NetlinkError, ValidationError } from '../../core/errors.js';
import { ENODEV } from '../../core/errno.js';
import type { BulkResult, Connection } from '../../transport/connection.js';
import * as C from './constants.js';
import { writeIfInfoMsg } from './codec.js';
import {
  LINK_KINDS, VETH_INFO_PEER, checkKindData, type BridgePortOptions, type CheckedKindData, type LinkKindOptions,
  type LinkKindOptionsMap,
} from './kinds/index.js';
import { Link, linkView } from './view.js';
import { parseMac } from '../../core/mac.js';
import { openNamespace } from '../../../netns/netns.js';
import { NLM_F_CREATE, NLM_F_EXCL } from '../../core/protocol.js';
import { RTM_DELLINK, RTM_GETLINK, RTM_NEWLINK } from '../rtm.js';
import {
  checkBool, checkInt, checkKeys, checkLinkName, checkLinkRef, checkNamespace, checkObject, checkU32,
  type LinkRef,
} from '../../core/validate.js';
import { NlWriter } from '../../core/writer.js';

export type { LinkRef } from '../../core/validate.js';

/**
 * Link kinds this library accepts in `add`. Kinds with typed IFLA_INFO_DATA are in LINK_KINDS;
 * the others are created without kind data (the kernel may still refuse them: EOPNOTSUPP when the
 * driver is not built in).
 */
export const KNOWN_KINDS: readonly string[] = [...new Set([
  ...LINK_KINDS, 'veth', 'bridge', 'vxlan', 'macvlan', 'macvtap', 'vlan', 'ipvlan', 'ipvtap', 'dummy', 'ifb',
  'bond', 'team', 'wireguard', 'vrf', 'geneve', 'gre', 'gretap', 'ip6gre', 'ip6gretap', 'ipip', 'sit',
  'ip6tnl', 'vti', 'vti6', 'nlmon', 'netkit', 'bareudp', 'xfrm', 'hsr', 'macsec', 'virt_wifi',
])];

/** Settings shared by `add` and `set`. */
export interface LinkSettings {
  /** IFLA_MTU. */
  mtu?: number;
  /** IFLA_ADDRESS: the hardware address, `'02:00:00:00:00:01'`. */
  mac?: string;
  /** IFLA_BROADCAST. */
  broadcast?: string;
  /** IFLA_TXQLEN. */
  txqlen?: number;
  /** IFLA_GROUP. */
  group?: number;
  /** IFLA_IFALIAS. */
  alias?: string;
  /** Administrative state (IFF_UP through ifi_flags / ifi_change). */
  up?: boolean;
  /** IFLA_MASTER: the bridge or bond to enslave the link to; `null` releases it. */
  master?: LinkRef | null;
  /**
   * IFLA_NET_NS_FD: move the link into this namespace (a path such as `/run/netns/red`, or an open
   * namespace fd). Moving costs the kernel ~17 ms; creating a link in place is much cheaper.
   */
  netns?: string | number;
}

/** The far end of a veth pair (VETH_INFO_PEER). */
export interface VethPeer {
  /** The peer's name (the kernel picks `vethN` if omitted). */
  name?: string;
  /** Create the peer directly inside this namespace (path or fd). */
  netns?: string | number;
  /** The peer's hardware address. */
  mac?: string;
  /** The peer's MTU. */
  mtu?: number;
  /** The peer's IFLA_TXQLEN. */
  txqlen?: number;
  /**
   * Bring the peer up once the pair exists. The kernel cannot open a veth end before its peer is
   * registered (ENOTCONN), so this is a second request after the creation; it needs the peer in
   * the same namespace as the handle.
   */
  up?: boolean;
}

/** What `links.add` needs whatever the kind. */
export interface LinkAddBase extends LinkSettings {
  /** IFLA_IFNAME (1..15 bytes, no `/`, `:` or whitespace). */
  name: string;
  /** IFLA_LINK: the lower device of stacked kinds (macvlan, vlan, ipvlan …). */
  link?: LinkRef;
  /** IFLA_NUM_TX_QUEUES. */
  numTxQueues?: number;
  /** IFLA_NUM_RX_QUEUES. */
  numRxQueues?: number;
}

/**
 * The kind (IFLA_INFO_KIND) and its options (IFLA_INFO_DATA): typed per kind (`{ kind: 'vxlan',
 * data: { id: 42, port: 4789 } }`), a `peer` for veth, raw bytes for kinds without a table.
 */
export type LinkAddKind =
  | { kind: 'veth'; peer?: VethPeer; data?: never }
  | { [K in keyof LinkKindOptionsMap]: { kind: K; data?: LinkKindOptionsMap[K] } }[keyof LinkKindOptionsMap]
  | { kind: string; data?: Uint8Array };

/** What `links.add` creates. */
export type LinkAddOptions = LinkAddBase & LinkAddKind;

/** What `links.set` changes. */
export interface LinkSetOptions extends LinkSettings {
  /** A new name (IFLA_IFNAME). */
  name?: string;
  /**
   * The link's kind, for `data`: given, `data` is validated before anything is sent (and the
   * kernel refuses a wrong kind with EOPNOTSUPP); omitted, the kind is read from the kernel first.
   */
  kind?: string;
  /** IFLA_INFO_DATA changes for the link's kind (sent in IFLA_LINKINFO with the kind). */
  data?: LinkKindOptions | Uint8Array;
  /** IFLA_INFO_SLAVE_DATA changes of a bridge port (IFLA_BRPORT_*, e.g. `{ cost: 10, learning: false }`). */
  slaveData?: BridgePortOptions;
}

/** Filters of `links.list` and `links.stream`, applied by the kernel. */
export interface LinkListOptions {
  /** Only links of this kind (IFLA_LINKINFO / IFLA_INFO_KIND in the dump request). */
  kind?: string;
  /** Only ports of this master (IFLA_MASTER in the dump request). */
  master?: LinkRef;
  /** Include IFLA_STATS64 (default true; false asks the kernel to skip statistics, which is faster). */
  stats?: boolean;
}

const SETTINGS_KEYS = ['mtu', 'mac', 'broadcast', 'txqlen', 'group', 'alias', 'up', 'master', 'netns'] as const;
const ADD_KEYS = [...SETTINGS_KEYS, 'name', 'kind', 'peer', 'link', 'data', 'numTxQueues', 'numRxQueues'];
const SET_KEYS = [...SETTINGS_KEYS, 'name', 'kind', 'data', 'slaveData'];
const PEER_KEYS = ['name', 'netns', 'mac', 'mtu', 'txqlen', 'up'];

/** Checked settings, ready to encode. */
/**
 * Settings of links.add / links.set / a veth peer, checked. Every field is present (undefined when
 * not given): a fixed shape reads no property through the prototype chain, however polluted.
 */
interface CheckedSettings {
  mtu: number | undefined;
  mac: Uint8Array | undefined;
  broadcast: Uint8Array | undefined;
  txqlen: number | undefined;
  group: number | undefined;
  alias: string | undefined;
  up: boolean | undefined;
  master: LinkRef | null | undefined;
  netns: string | number | undefined;
}

/** IFALIASZ - 1: the longest interface alias in bytes. */
const ALIAS_MAX = 255;

function checkAlias(field: string, value: unknown): string {
  if (typeof value !== 'string' || Buffer.byteLength(value) > ALIAS_MAX) {
    throw new ValidationError(field, value, `a string of at most ${ALIAS_MAX} bytes is required`);
  }
  // The kernel keeps the alias as a C string: a NUL would silently cut it.
  if (value.includes('\0')) throw new ValidationError(field, value, 'an alias cannot contain NUL');
  return value;
}

function checkSettings(field: string, o: Record<string, unknown>): CheckedSettings {
  const p = field === '' ? '' : `${field}.`;
  return {
    mtu: o.mtu === undefined ? undefined : checkInt(`${p}mtu`, o.mtu, 68, 0x7fffffff),
    mac: o.mac === undefined ? undefined : parseMac(`${p}mac`, o.mac),
    broadcast: o.broadcast === undefined ? undefined : parseMac(`${p}broadcast`, o.broadcast),
    txqlen: o.txqlen === undefined ? undefined : checkU32(`${p}txqlen`, o.txqlen),
    group: o.group === undefined ? undefined : checkU32(`${p}group`, o.group),
    alias: o.alias === undefined ? undefined : checkAlias(`${p}alias`, o.alias),
    up: o.up === undefined ? undefined : checkBool(`${p}up`, o.up),
    master: o.master === undefined ? undefined : o.master === null ? null : checkLinkRef(`${p}master`, o.master),
    netns: o.netns === undefined ? undefined : checkNamespace(`${p}netns`, o.netns),
  };
}

/** Writes the IFLA_* attributes of checked settings (master and netns resolved by the caller). */
function writeSettings(w: NlWriter, s: CheckedSettings, master: number | undefined, nsFd: number | undefined): void {
  if (s.mtu !== undefined) w.attrU32(C.IFLA_MTU, s.mtu);
  if (s.mac !== undefined) w.attrBytes(C.IFLA_ADDRESS, s.mac);
  if (s.broadcast !== undefined) w.attrBytes(C.IFLA_BROADCAST, s.broadcast);
  if (s.txqlen !== undefined) w.attrU32(C.IFLA_TXQLEN, s.txqlen);
  if (s.group !== undefined) w.attrU32(C.IFLA_GROUP, s.group);
  if (s.alias !== undefined) w.attrString(C.IFLA_IFALIAS, s.alias);
  if (master !== undefined) w.attrU32(C.IFLA_MASTER, master);
  if (nsFd !== undefined) w.attrU32(C.IFLA_NET_NS_FD, nsFd);
}

/**
 * A rejection handler that names `ref` in a NetlinkError ENODEV (`link "nope" does not exist`), as
 * `ip` says `Device "nope" does not exist.`; other errors pass unchanged.
 */
function naming(ref: LinkRef): (e: unknown) => never {
  return (e) => {
    throw e instanceof NetlinkError && e.errno === ENODEV ? e.naming(ref) : e;
  };
}

/** ifinfomsg flags/change for an `up` setting. */
function upFlags(up: boolean | undefined): { flags: number; change: number } {
  if (up === undefined) return { flags: 0, change: 0 };
  return { flags: up ? C.IFF_UP : 0, change: C.IFF_UP };
}

/** Writes an ifinfomsg naming a link by index, or index 0 plus IFLA_IFNAME. */
function writeRef(w: NlWriter, ref: LinkRef, flags = 0, change = 0): void {
  writeIfInfoMsg(w, { family: 0, type: 0, index: typeof ref === 'number' ? ref : 0, flags, change });
  if (typeof ref === 'string') w.attrString(C.IFLA_IFNAME, ref);
}

/** Runs `fn` with namespace fds opened for the given references, closing them afterwards. */
async function withNamespaces<T>(refs: Array<[string, string | number | undefined]>,
  fn: (fds: Array<number | undefined>) => Promise<T>): Promise<T> {
  const opened: Array<{ fd: number; close(): void } | undefined> = [];
  try {
    for (const [field, ref] of refs) opened.push(ref === undefined ? undefined : openNamespace(field, ref));
    return await fn(opened.map((o) => o?.fd));
  } finally {
    for (const o of opened) o?.close();
  }
}

/** The links of one netlink handle. Obtain it as `nl.links`. */
export class Links {
  /** @internal */
  constructor(private readonly conn: Connection) {}

  /** All links (one RTM_GETLINK dump), optionally filtered by the kernel. */
  list(options: LinkListOptions = {}): Promise<Link[]> {
    return this.dumpRequest(options).then((build) => this.conn.dump(RTM_GETLINK, 0, build, linkView));
  }

  /** Like {@link list}, one link at a time, reading from the kernel as the loop advances. */
  stream(options: LinkListOptions = {}): AsyncIterableIterator<Link> {
    const conn = this.conn;
    const request = this.dumpRequest(options);
    let inner: AsyncIterableIterator<Link> | undefined;
    const it: AsyncIterableIterator<Link> = {
      [Symbol.asyncIterator]: () => it,
      async next() {
        inner ??= conn.stream(RTM_GETLINK, 0, await request, linkView);
        return inner.next();
      },
      async return() {
        return inner?.return?.() ?? { value: undefined, done: true };
      },
    };
    return it;
  }

  private async dumpRequest(options: LinkListOptions): Promise<(w: NlWriter) => void> {
    const o = checkObject('options', options);
    checkKeys('', o, ['kind', 'master', 'stats']);
    if (o.kind !== undefined && typeof o.kind !== 'string') throw new ValidationError('kind', o.kind, 'a kind string is required');
    const stats = o.stats === undefined ? true : checkBool('stats', o.stats);
    const master = o.master === undefined ? undefined : await this.index(checkLinkRef('master', o.master));
    const kind = o.kind as string | undefined;
    return (w) => {
      writeIfInfoMsg(w, { family: 0, type: 0, index: 0, flags: 0, change: 0 });
      w.attrU32(C.IFLA_EXT_MASK, C.RTEXT_FILTER_VF | (stats ? 0 : C.RTEXT_FILTER_SKIP_STATS));
      if (master !== undefined) w.attrU32(C.IFLA_MASTER, master);
      if (kind !== undefined) {
        const info = w.beginNest(C.IFLA_LINKINFO);
        w.attrString(C.IFLA_INFO_KIND, kind);
        w.endNest(info);
      }
    };
  }

  /** One link by name or ifindex (RTM_GETLINK). A missing link is a NetlinkError ENODEV. */
  get(ref: LinkRef): Promise<Link> {
    let checked: LinkRef;
    try {
      checked = checkLinkRef('link', ref);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    return this.conn.get(RTM_GETLINK, 0, (w) => {
      writeRef(w, checked);
      w.attrU32(C.IFLA_EXT_MASK, C.RTEXT_FILTER_VF);
    }, linkView).catch(naming(checked));
  }

  /**
   * @internal Resolves link references to ifindexes. When every reference is already an ifindex
   * (or absent) the answer is synchronous, so a caller that sends right after does so in the same
   * tick, and requests leave in the order they were made.
   */
  resolve(refs: ReadonlyArray<LinkRef | undefined>): Array<number | undefined> | Promise<Array<number | undefined>> {
    if (refs.every((r) => r === undefined || typeof r === 'number')) return refs as Array<number | undefined>;
    return Promise.all(refs.map((r) => (r === undefined ? undefined : this.index(r))));
  }

  /** The ifindex of a link given by name (an index is returned as it is). */
  async index(ref: LinkRef): Promise<number> {
    if (typeof ref === 'number') return checkLinkRef('link', ref) as number;
    const checked = checkLinkName('link', ref);
    return this.conn.get(RTM_GETLINK, 0, (w) => {
      writeRef(w, checked);
      w.attrU32(C.IFLA_EXT_MASK, C.RTEXT_FILTER_SKIP_STATS);
    }, (buf, off) => buf.readInt32LE(off + 20)).catch(naming(checked));
  }

  /**
   * Creates a link (RTM_NEWLINK with NLM_F_CREATE | NLM_F_EXCL). An existing name is a NetlinkError
   * EEXIST; a kind the kernel cannot create is EOPNOTSUPP.
   */
  async add(options: LinkAddOptions): Promise<void> {
    const o = checkObject('options', options);
    checkKeys('', o, ADD_KEYS);
    const name = checkLinkName('name', o.name);
    if (typeof o.kind !== 'string' || !KNOWN_KINDS.includes(o.kind)) {
      throw new ValidationError('kind', o.kind, `unknown link kind (known: ${KNOWN_KINDS.join(', ')})`);
    }
    const kind = o.kind;
    const s = checkSettings('', o);
    if (s.master === null) throw new ValidationError('master', null, 'null (release) only makes sense in set');
    const numTx = o.numTxQueues === undefined ? undefined : checkInt('numTxQueues', o.numTxQueues, 1, 4096);
    const numRx = o.numRxQueues === undefined ? undefined : checkInt('numRxQueues', o.numRxQueues, 1, 4096);
    const lower = o.link === undefined ? undefined : checkLinkRef('link', o.link);
    let peer: (CheckedSettings & { name: string | undefined }) | undefined;
    if (o.peer !== undefined) {
      if (kind !== 'veth') throw new ValidationError('peer', o.peer, 'only a veth has a peer');
      const po = checkObject('peer', o.peer);
      checkKeys('peer', po, PEER_KEYS);
      peer = { ...checkSettings('peer', po), name: po.name === undefined ? undefined : checkLinkName('peer.name', po.name) };
      if (peer.up === true && (peer.netns !== undefined || s.netns !== undefined)) {
        throw new ValidationError('peer.up', po.up, 'a peer in another namespace is brought up from a handle in that namespace');
      }
    }
    if (o.data !== undefined && kind === 'veth') throw new ValidationError('data', o.data, 'give the veth peer as the peer option');
    const data = o.data === undefined ? undefined : checkKindData('data', kind, o.data);

    const [master, lowerIndex, refs] = await Promise.all([
      s.master === undefined ? undefined : this.index(s.master),
      lower === undefined ? undefined : this.index(lower),
      this.resolveRefs(data),
    ]);
    await withNamespaces([['netns', s.netns], ['peer.netns', peer?.netns]], ([nsFd, peerNsFd]) => {
      return this.conn.ack(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, (w) => {
        const { flags, change } = upFlags(s.up);
        writeIfInfoMsg(w, { family: 0, type: 0, index: 0, flags, change });
        w.attrString(C.IFLA_IFNAME, name);
        writeSettings(w, s, master, nsFd);
        if (lowerIndex !== undefined) w.attrU32(C.IFLA_LINK, lowerIndex);
        if (numTx !== undefined) w.attrU32(C.IFLA_NUM_TX_QUEUES, numTx);
        if (numRx !== undefined) w.attrU32(C.IFLA_NUM_RX_QUEUES, numRx);
        const li = w.beginNest(C.IFLA_LINKINFO);
        w.attrString(C.IFLA_INFO_KIND, kind);
        if (peer !== undefined) {
          // VETH_INFO_PEER carries a whole link body: ifinfomsg + IFLA_* of the other end.
          // The peer opens only after the creation (see VethPeer.up).
          const pf = upFlags(peer.up === true ? undefined : peer.up);
          const d = w.beginNest(C.IFLA_INFO_DATA);
          const p = w.beginNest(VETH_INFO_PEER);
          writeIfInfoMsg(w, { family: 0, type: 0, index: 0, flags: pf.flags, change: pf.change });
          if (peer.name !== undefined) w.attrString(C.IFLA_IFNAME, peer.name);
          writeSettings(w, peer, undefined, peerNsFd);
          w.endNest(p);
          w.endNest(d);
        } else if (data !== undefined) {
          w.attrBytes(C.IFLA_INFO_DATA, data.payload(refs));
        }
        w.endNest(li);
      });
    });
    if (peer?.up === true) {
      // The new link's IFLA_LINK is its peer's ifindex.
      const peerIndex = peer.name ?? (await this.get(name)).link;
      if (peerIndex === undefined) throw new ValidationError('peer.up', true, 'the kernel did not report the peer of the new veth');
      await this.conn.ack(RTM_NEWLINK, 0, (w) => writeRef(w, peerIndex, C.IFF_UP, C.IFF_UP));
    }
  }

  /** Resolves the link names inside kind data (vxlan `link`, bridge port `backupPort`) to ifindexes. */
  private async resolveRefs(...checked: Array<CheckedKindData | undefined>): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const names = new Map<string, Promise<number>>();
    for (const c of checked) {
      for (const [field, name] of c?.refs ?? []) {
        let p = names.get(name);
        if (p === undefined) names.set(name, p = this.index(name));
        out.set(field, await p);
      }
    }
    return out;
  }

  /**
   * Changes a link (RTM_NEWLINK without NLM_F_CREATE, as `ip link set` does). All changes travel
   * in one request; the kernel applies a namespace move first, then the other settings.
   */
  async set(ref: LinkRef, changes: LinkSetOptions): Promise<void> {
    const target = checkLinkRef('link', ref);
    const o = checkObject('changes', changes);
    checkKeys('', o, SET_KEYS);
    const s = checkSettings('', o);
    const name = o.name === undefined ? undefined : checkLinkName('name', o.name);
    if (o.kind !== undefined && (typeof o.kind !== 'string' || !KNOWN_KINDS.includes(o.kind))) {
      throw new ValidationError('kind', o.kind, `unknown link kind (known: ${KNOWN_KINDS.join(', ')})`);
    }
    if (o.kind !== undefined && o.data === undefined) throw new ValidationError('kind', o.kind, 'kind only goes with data (a link cannot change kind)');
    let kind = o.kind as string | undefined;
    let data = o.data === undefined || kind === undefined ? undefined : checkKindData('data', kind, o.data);
    const slaveData = o.slaveData === undefined ? undefined : checkKindData('slaveData', 'bridge', o.slaveData, true);
    // A rename puts the new name in IFLA_IFNAME, so the link must then be named by index; kind
    // data without a kind needs the link's kind from the kernel.
    let index = typeof target === 'number' ? target : undefined;
    if (o.data !== undefined && data === undefined) {
      const link = await this.get(target);
      index = link.ifindex;
      kind = link.kind;
      if (kind === undefined) throw new ValidationError('data', o.data, `link ${String(target)} has no kind to take data`);
      data = checkKindData('data', kind, o.data);
    } else if (name !== undefined && index === undefined) {
      index = await this.index(target);
    }
    const masterRef = s.master === null ? 0 : s.master;
    const resolved = this.resolve([masterRef === 0 ? undefined : masterRef]);
    const [resolvedMaster] = resolved instanceof Promise ? await resolved : resolved;
    const master = masterRef === 0 ? 0 : resolvedMaster;
    const refs = data === undefined && slaveData === undefined ? new Map<string, number>() : await this.resolveRefs(data, slaveData);
    await withNamespaces([['netns', s.netns]], ([nsFd]) => this.conn.ack(RTM_NEWLINK, 0, (w) => {
      const { flags, change } = upFlags(s.up);
      writeRef(w, index ?? target, flags, change);
      if (name !== undefined) w.attrString(C.IFLA_IFNAME, name);
      writeSettings(w, s, master, nsFd);
      if (data !== undefined || slaveData !== undefined) {
        const li = w.beginNest(C.IFLA_LINKINFO);
        if (data !== undefined && kind !== undefined) {
          w.attrString(C.IFLA_INFO_KIND, kind);
          w.attrBytes(C.IFLA_INFO_DATA, data.payload(refs));
        }
        if (slaveData !== undefined) {
          w.attrString(C.IFLA_INFO_SLAVE_KIND, 'bridge');
          w.attrBytes(C.IFLA_INFO_SLAVE_DATA, slaveData.payload(refs));
        }
        w.endNest(li);
      }
    }).catch(naming(target)));
  }

  /** Deletes a link (RTM_DELLINK). Deleting one end of a veth deletes both. */
  del(ref: LinkRef): Promise<void> {
    let target: LinkRef;
    try {
      target = checkLinkRef('link', ref);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    return this.conn.ack(RTM_DELLINK, 0, (w) => writeRef(w, target)).catch(naming(target));
  }

  /**
   * Deletes many links at once. Deleting links one by one costs the kernel an RCU grace period
   * (~16 ms) each; instead, the links are first moved into a fresh IFLA_GROUP (one batched
   * request, with a result per link) and then the whole group is deleted with one RTM_DELLINK,
   * which the kernel unregisters together. Resolves to one result per item, in order.
   */
  async delMany(refs: readonly LinkRef[]): Promise<BulkResult[]> {
    if (!Array.isArray(refs)) throw new ValidationError('links', refs, 'an array of link names or indexes is required');
    const targets = refs.map((r, i) => checkLinkRef(`links[${i}]`, r));
    if (targets.length === 0) return [];
    // A group number no link uses, so the group delete cannot touch anything else.
    const links = await this.list({ stats: false });
    const used = new Set(links.map((l) => l.group));
    let group: number;
    do group = 0x40000000 + Math.floor(Math.random() * 0x3fffffff);
    while (used.has(group));
    const originalGroup = new Map<number, number>();
    const byName = new Map<string, Link>();
    for (const l of links) {
      originalGroup.set(l.ifindex, l.group ?? 0);
      byName.set(l.name, l);
    }
    const results = await this.conn.bulk(RTM_NEWLINK, 0, targets.length, (w, i) => {
      writeRef(w, targets[i]!);
      w.attrU32(C.IFLA_GROUP, group);
    });
    if (!results.some((r) => r.status === 'fulfilled')) return results;
    try {
      await this.conn.ack(RTM_DELLINK, 0, (w) => {
        writeIfInfoMsg(w, { family: 0, type: 0, index: 0, flags: 0, change: 0 });
        w.attrU32(C.IFLA_GROUP, group);
      });
    } catch (error) {
      // Put the links back in their groups, then report the failure on every item it affected.
      await this.conn.bulk(RTM_NEWLINK, 0, targets.length, (w, i) => {
        const t = targets[i]!;
        const idx = typeof t === 'number' ? t : byName.get(t)?.ifindex;
        writeRef(w, t);
        w.attrU32(C.IFLA_GROUP, idx === undefined ? 0 : originalGroup.get(idx) ?? 0);
      });
      return results.map((r) => (r.status === 'fulfilled' ? { status: 'rejected', reason: error as Error } : r));
    }
    return results;
  }
}

export { Link };
