/**
 * Links as `ip` prints them (iproute2 6.1, ip/ipaddress.c print_linkinfo): {@link linkObject}
 * builds the object `ip -j link show` prints — same keys, same values, same order — and
 * {@link linkText} renders that object as ip's text lines. `ip addr show` prints the same object
 * without `linkmode` (and with its `addr_info`, see address-format.ts).
 *
 * `-d` adds what ip's details add (promiscuity, MTU bounds, queue counts, GSO/TSO sizes, address
 * generation mode, `linkinfo`), with the kind-specific `info_data` / `info_slave_data` of the kinds
 * link-kind-format.ts reproduces.
 */
import type { Link, LinkStats64 } from '../netlink/index.js';
import type { LinkTable } from './context.js';
import { JsonNumberText, type JsonObject, type JsonValue } from './json.js';
import * as K from './kernel.js';
import { kindDataObject, slaveDataObject } from './link-kind-format.js';
import { groupName } from './names.js';

/** How a link is printed (what ip's globals and the subcommand decide). */
export interface LinkFormat {
  /** `ip link` (true) rather than `ip addr` (false): prints `linkmode`, `ifalias`, statistics. */
  doLink: boolean;
  /** Print `txqlen` (ip's filter.showqueue: set for show, not for monitor). */
  showQueue: boolean;
  /** `-d` count. */
  details: number;
  /** `-s` count. */
  stats: number;
  /** `-4`/`-6` of `ip addr`: the link-layer lines are left out (unless `-d`). */
  family: 4 | 6 | undefined;
  /** An RTM_DELLINK notification (`"deleted": true`, `Deleted ` in text). */
  deleted?: boolean;
}

/** IFF_* in the order ip prints them (print_link_flags), with their names. */
const FLAG_ORDER: ReadonlyArray<readonly [number, string]> = [
  [K.IFF_LOOPBACK, 'LOOPBACK'], [K.IFF_BROADCAST, 'BROADCAST'], [K.IFF_POINTOPOINT, 'POINTOPOINT'],
  [K.IFF_MULTICAST, 'MULTICAST'], [K.IFF_NOARP, 'NOARP'], [K.IFF_ALLMULTI, 'ALLMULTI'], [K.IFF_PROMISC, 'PROMISC'],
  [K.IFF_MASTER, 'MASTER'], [K.IFF_SLAVE, 'SLAVE'], [K.IFF_DEBUG, 'DEBUG'], [K.IFF_DYNAMIC, 'DYNAMIC'],
  [K.IFF_AUTOMEDIA, 'AUTOMEDIA'], [K.IFF_PORTSEL, 'PORTSEL'], [K.IFF_NOTRAILERS, 'NOTRAILERS'], [K.IFF_UP, 'UP'],
  [K.IFF_LOWER_UP, 'LOWER_UP'], [K.IFF_DORMANT, 'DORMANT'], [K.IFF_ECHO, 'ECHO'],
];

/** IF_OPER_* names (ip's oper_states). */
const OPER_STATES = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'];
/** IF_LINK_MODE_* names (ip's link_modes). */
const LINK_MODES = ['DEFAULT', 'DORMANT'];
/** IFLA_EVENT_* names (ip's link_events). */
const LINK_EVENTS = ['NONE', 'REBOOT', 'FEATURE CHANGE', 'BONDING FAILOVER', 'NOTIFY PEERS', 'RESEND IGMP', 'BONDING OPTION'];

/** ifi_flags as ip's `flags` array: NO-CARRIER first when up without carrier, RUNNING left out, M-DOWN last. */
export function linkFlagList(flags: number, mDown: boolean): string[] {
  const out: string[] = [];
  if ((flags & K.IFF_UP) !== 0 && (flags & K.IFF_RUNNING) === 0) out.push('NO-CARRIER');
  let rest = flags & ~K.IFF_RUNNING;
  for (const [bit, name] of FLAG_ORDER) {
    if ((rest & bit) !== 0) {
      out.push(name);
      rest &= ~bit;
    }
  }
  if (rest !== 0) out.push((rest >>> 0).toString(16));
  if (mDown) out.push('M-DOWN');
  return out;
}

/** Bytes as ip's hexstring_n2a prints them (`phys_port_id`). */
function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** IFLA_STATS64 as ip's `stats64` object (`-s`; `-s -s` adds the error details). */
export function statsObject(s: LinkStats64, level: number, carrierChanges: number | undefined): JsonObject {
  const rx: JsonObject = {
    bytes: s.rxBytes, packets: s.rxPackets, errors: s.rxErrors, dropped: s.rxDropped,
    over_errors: s.rxOverErrors, multicast: s.multicast,
  };
  if (s.rxCompressed !== 0n) rx.compressed = s.rxCompressed;
  if (level > 1) {
    Object.assign(rx, {
      length_errors: s.rxLengthErrors, crc_errors: s.rxCrcErrors, frame_errors: s.rxFrameErrors,
      fifo_errors: s.rxFifoErrors, missed_errors: s.rxMissedErrors,
    });
    if (s.rxNohandler !== undefined && s.rxNohandler !== 0n) rx.nohandler = s.rxNohandler;
    if (s.rxOtherhostDropped !== undefined && s.rxOtherhostDropped !== 0n) rx.otherhost = s.rxOtherhostDropped;
  }
  const tx: JsonObject = {
    bytes: s.txBytes, packets: s.txPackets, errors: s.txErrors, dropped: s.txDropped,
    carrier_errors: s.txCarrierErrors, collisions: s.collisions,
  };
  if (s.txCompressed !== 0n) tx.compressed = s.txCompressed;
  if (level > 1) {
    Object.assign(tx, {
      aborted_errors: s.txAbortedErrors, fifo_errors: s.txFifoErrors, window_errors: s.txWindowErrors,
      heartbeat_errors: s.txHeartbeatErrors,
    });
    if (carrierChanges !== undefined) tx.carrier_changes = carrierChanges;
  }
  return { rx, tx };
}

/** The `-d` part of a link (ip's show_details block). */
function details(link: Link, links: LinkTable, f: LinkFormat, o: JsonObject): void {
  const a = link.attributes;
  if (a.promiscuity !== undefined) o.promiscuity = a.promiscuity;
  if (a.allmulti !== undefined) o.allmulti = a.allmulti;
  if (a.minMtu !== undefined) o.min_mtu = a.minMtu;
  if (a.maxMtu !== undefined) o.max_mtu = a.maxMtu;
  if (a.linkinfo !== undefined) {
    const info: JsonObject = {};
    if (a.linkinfo.kind !== undefined) {
      info.info_kind = a.linkinfo.kind;
      const data = kindDataObject(a.linkinfo, links);
      if (data !== undefined) info.info_data = data;
    }
    if (a.linkinfo.slaveKind !== undefined) {
      info.info_slave_kind = a.linkinfo.slaveKind;
      const data = slaveDataObject(a.linkinfo, links);
      if (data !== undefined) info.info_slave_data = data;
    }
    o.linkinfo = info;
  }
  const mode = f.doLink ? a.afSpec?.inet6?.addrGenMode : undefined;
  if (mode !== undefined) o.inet6_addr_gen_mode = typeof mode === 'number' ? `0x${mode.toString(16).padStart(2, '0')}` : mode;
  if (a.numTxQueues !== undefined) o.num_tx_queues = a.numTxQueues;
  if (a.numRxQueues !== undefined) o.num_rx_queues = a.numRxQueues;
  if (a.gsoMaxSize !== undefined) o.gso_max_size = a.gsoMaxSize;
  if (a.gsoMaxSegs !== undefined) o.gso_max_segs = a.gsoMaxSegs;
  if (a.tsoMaxSize !== undefined) o.tso_max_size = a.tsoMaxSize;
  if (a.tsoMaxSegs !== undefined) o.tso_max_segs = a.tsoMaxSegs;
  if (a.groMaxSize !== undefined) o.gro_max_size = a.groMaxSize;
  if (a.physPortName !== undefined) o.phys_port_name = a.physPortName;
  if (a.physPortId !== undefined) o.phys_port_id = hex(a.physPortId);
  if (a.physSwitchId !== undefined) o.phys_switch_id = hex(a.physSwitchId);
  if (a.parentDevBusName !== undefined) o.parentbus = a.parentDevBusName;
  if (a.parentDevName !== undefined) o.parentdev = a.parentDevName;
}

/** The object `ip -j link show` (or, with `doLink` false, `ip -j addr show`) prints for `link`. */
export function linkObject(link: Link, links: LinkTable, f: LinkFormat): JsonObject {
  const h = link.header;
  const a = link.attributes;
  const o: JsonObject = {};
  if (f.deleted === true) o.deleted = true;
  o.ifindex = h.index;
  let mDown = false;
  if (a.link !== undefined) {
    if (a.link === 0) o.link = null;
    else if (a.linkNetnsid !== undefined) o.link_index = a.link;
    else {
      o.link = links.name(a.link);
      mDown = ((links.get(a.link)?.flags ?? 0) & K.IFF_UP) === 0;
    }
  }
  o.ifname = link.name;
  o.flags = linkFlagList(h.flags, mDown);
  if (a.mtu !== undefined) o.mtu = a.mtu;
  if (a.qdisc !== undefined) o.qdisc = a.qdisc;
  if (a.master !== undefined) o.master = links.name(a.master);
  if (a.operstate !== undefined) {
    const s = OPER_STATES[a.operstate];
    if (s === undefined) o.operstate_index = a.operstate;
    else o.operstate = s;
  }
  if (f.doLink && a.linkmode !== undefined) {
    const m = LINK_MODES[a.linkmode];
    if (m === undefined) o.linkmode_index = a.linkmode;
    else o.linkmode = m;
  }
  if (a.group !== undefined) o.group = groupName(a.group);
  if (f.showQueue && a.txqlen !== undefined && a.txqlen !== 0) o.txqlen = a.txqlen;
  if (a.event !== undefined) {
    if (a.event >= LINK_EVENTS.length) o.event = a.event;
    else if (a.event !== 0) o.event = LINK_EVENTS[a.event]!;
  }
  if (f.family === undefined || f.details > 0) {
    o.link_type = link.linkType;
    if (a.address !== undefined) o.address = a.address;
    if (a.broadcast !== undefined) {
      if ((h.flags & K.IFF_POINTOPOINT) !== 0) o.link_pointtopoint = true;
      o.broadcast = a.broadcast;
    }
    if (a.permAddress !== undefined && a.permAddress !== a.address) o.permaddr = a.permAddress;
  }
  if (a.linkNetnsid !== undefined) o.link_netnsid = a.linkNetnsid;
  if (a.protoDown !== undefined && a.protoDown !== 0) o.proto_down = true;
  if (f.details > 0) details(link, links, f, o);
  if ((f.doLink || f.details > 0) && a.ifalias !== undefined) o.ifalias = a.ifalias;
  if (f.doLink && f.stats > 0) addStats(link, f.stats, o);
  if (a.propList !== undefined) o.altnames = [...(a.propList.altIfnames ?? [])];
  return o;
}

/** Adds ip's `stats64` (or `stats` from the 32-bit IFLA_STATS) object of `link` to `o`. */
export function addStats(link: Link, level: number, o: JsonObject): void {
  const a = link.attributes;
  if (a.stats64 !== undefined) {
    o.stats64 = statsObject(a.stats64, level, a.carrierChanges);
  } else if (a.stats !== undefined) {
    const s = a.stats;
    const wide = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? BigInt(v) : v])) as unknown as LinkStats64;
    o.stats = statsObject(wide, level, a.carrierChanges);
  }
}

// ---- text ----

/** A value of the object as text. */
function str(v: JsonValue | undefined): string {
  if (v instanceof JsonNumberText) return v.text;
  return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** ip's statistics block (`RX:  bytes packets …`), from a `stats64` object. */
export function statsText(s: JsonObject, indent: string): string[] {
  const rx = s.rx as JsonObject;
  const tx = s.tx as JsonObject;
  const row = (cols: Array<[string, JsonValue | undefined]>): string[] => {
    const widths = cols.map(([h, v]) => Math.max(h.length, str(v ?? 0).length));
    return [
      cols.map(([h], i) => h.padStart(widths[i]!)).join(' '),
      cols.map(([, v], i) => str(v ?? 0).padStart(widths[i]!)).join(' '),
    ];
  };
  const [rh, rv] = row([['bytes', rx.bytes], ['packets', rx.packets], ['errors', rx.errors], ['dropped', rx.dropped], ['missed', rx.missed_errors], ['mcast', rx.multicast]]);
  const [th, tv] = row([['bytes', tx.bytes], ['packets', tx.packets], ['errors', tx.errors], ['dropped', tx.dropped], ['carrier', tx.carrier_errors], ['collsns', tx.collisions]]);
  return [`${indent}RX: ${rh}`, `${indent}    ${rv}`, `${indent}TX: ${th}`, `${indent}    ${tv}`];
}

/** The text lines ip prints for a link object (first line `N: name: <FLAGS> mtu …`). */
export function linkText(o: JsonObject): string[] {
  let name = str(o.ifname);
  if (o.link === null) name += '@NONE';
  else if (o.link !== undefined) name += `@${str(o.link)}`;
  else if (o.link_index !== undefined) name += `@if${str(o.link_index)}`;
  const flags = (o.flags as string[]).join(',');
  let line = `${o.deleted === true ? 'Deleted ' : ''}${str(o.ifindex)}: ${name}: <${flags}>`;
  if (o.mtu !== undefined) line += ` mtu ${str(o.mtu)}`;
  if (o.qdisc !== undefined) line += ` qdisc ${str(o.qdisc)}`;
  if (o.master !== undefined) line += ` master ${str(o.master)}`;
  if (o.operstate !== undefined) line += ` state ${str(o.operstate)}`;
  if (o.linkmode !== undefined) line += ` mode ${str(o.linkmode)}`;
  if (o.group !== undefined) line += ` group ${str(o.group)}`;
  if (o.txqlen !== undefined) line += ` qlen ${str(o.txqlen)}`;
  if (o.event !== undefined) line += ` event ${str(o.event)}`;
  const lines = [line];
  if (o.link_type !== undefined) {
    let l2 = `    link/${str(o.link_type)}`;
    if (o.address !== undefined) l2 += ` ${str(o.address)}`;
    if (o.broadcast !== undefined) l2 += ` ${o.link_pointtopoint === true ? 'peer' : 'brd'} ${str(o.broadcast)}`;
    if (o.permaddr !== undefined) l2 += ` permaddr ${str(o.permaddr)}`;
    if (o.link_netnsid !== undefined) l2 += ` link-netnsid ${str(o.link_netnsid)}`;
    if (o.proto_down === true) l2 += ' protodown on';
    lines.push(l2);
  }
  const d: string[] = [];
  for (const [key, label] of [['promiscuity', 'promiscuity'], ['allmulti', 'allmulti'], ['min_mtu', 'minmtu'], ['max_mtu', 'maxmtu']] as const) {
    if (o[key] !== undefined) d.push(`${label} ${str(o[key])}`);
  }
  if (d.length > 0) lines.push(`    ${d.join(' ')}`);
  const info = o.linkinfo as JsonObject | undefined;
  const pairs = (d: JsonValue | undefined): string => (d === undefined || d === null || typeof d !== 'object' || Array.isArray(d)
    ? '' : Object.entries(d).map(([k, v]) => ` ${k} ${str(v)}`).join(''));
  if (info?.info_kind !== undefined) lines.push(`    ${str(info.info_kind)}${pairs(info.info_data)}`);
  if (info?.info_slave_kind !== undefined) lines.push(`    ${str(info.info_slave_kind)}_slave${pairs(info.info_slave_data)}`);
  const q: string[] = [];
  for (const [key, label] of [
    ['inet6_addr_gen_mode', 'addrgenmode'], ['num_tx_queues', 'numtxqueues'], ['num_rx_queues', 'numrxqueues'],
    ['gso_max_size', 'gso_max_size'], ['gso_max_segs', 'gso_max_segs'], ['tso_max_size', 'tso_max_size'],
    ['tso_max_segs', 'tso_max_segs'], ['gro_max_size', 'gro_max_size'], ['phys_port_name', 'portname'],
    ['phys_port_id', 'portid'], ['phys_switch_id', 'switchid'], ['parentbus', 'parentbus'], ['parentdev', 'parentdev'],
  ] as const) {
    if (o[key] !== undefined) q.push(`${label} ${str(o[key])}`);
  }
  if (q.length > 0) lines.push(`    ${q.join(' ')}`);
  if (o.ifalias !== undefined) lines.push(`    alias ${str(o.ifalias)}`);
  const stats = (o.stats64 ?? o.stats) as JsonObject | undefined;
  if (stats !== undefined) lines.push(...statsText(stats, '    '));
  for (const alt of (o.altnames as string[] | undefined) ?? []) lines.push(`    altname ${alt}`);
  return lines;
}
