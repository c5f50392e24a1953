// The public methods of lib/netlink (as the package root exports them), described for the hostile
// sweep: per method, valid arguments and, per argument and per option field, the values it must
// refuse. The cases are generated from these descriptions (cases.ts); a new option is one line
// here. Link kind data is described by the kind table itself (kinds.ts), so a new kind field is
// swept without a line here.
import { Route, RtNetlink, errnoName, errnoNumber, formatBridgeId, linkFlagNames, linkKindData, linkSlaveData, netns } from '../../../lib/netlink/index.js';
import { kindDataFields, slaveDataFields } from './kinds.js';
import * as V from './values.js';

/** What the objects of the world the calls name are (the fake kernel's, or a live namespace's). */
export interface World {
  /** A link that exists, by name (a bridge in the live namespace). */
  link: string;
  /** A port of {@link link} (a veth end), by name. */
  port: string;
  /** A namespace other than the handle's, as a file or an open fd (links.set netns, nsids peer). */
  otherNs: string | number;
  /** An empty directory (nsids.resolve, netns.list). */
  dir: string;
}

/**
 * What one option field refuses. Its key in {@link ParamSpec.fields} is the field's dotted path
 * (`mtu`, `peer.mac`, `data.port`), optionally followed by a space and a note that tells apart
 * several descriptions of one field (`label (IPv6)`, with another base).
 */
export interface FieldSpec {
  /** Values it must refuse with a ValidationError. */
  bad: unknown[];
  /**
   * A value it accepts (with its base): getters switch between it and a bad value, and a polluted
   * Object.prototype carries it (so an option read through the prototype would change the request).
   */
  ok?: unknown;
  /** The field the error must name (default: the field's own path); a RegExp for fields named in several ways. */
  expect?: string | RegExp;
  /** Another valid base object for this field (one whose other fields make the field apply). */
  base?: Record<string, unknown>;
  /** The field is itself an options object (its valid value is the base's): refuses inherited options, unknown keys … */
  object?: true;
  /**
   * A name field (link names, interface names in rules, aliases, labels): Object.prototype's member
   * names are ordinary names there. Each is sent as a control name of the same length would be.
   */
  names?: true;
}

/** One argument of a method. */
export interface ParamSpec {
  /** The field the error names for a bad whole value (`'options'`, `'link'`, `'route'` …). */
  name: string;
  /** What the error of a bad whole value names, when not just {@link name}. */
  expect?: RegExp;
  /** Bad whole values. */
  bad?: FieldSpec['bad'];
  /** A name field as a whole (see {@link FieldSpec.names}); `'array'`: an array of names, each one. */
  names?: true | 'array';
  /** An options object: also refuses non-plain objects, inherited options, unknown keys, and runs getters once. */
  object?: true;
  /** The fields of the options object (or of each item, for {@link items}). */
  fields?: Record<string, FieldSpec>;
  /** An array of items (bulk calls): the items are options objects described by {@link fields}. */
  items?: true;
  /** Values of other types the argument also takes (an options argument that may be a name too). */
  alsoTakes?: (value: unknown) => boolean;
}

/** One public method. */
export interface MethodSpec {
  /** `'links.add'`. */
  name: string;
  /** Valid arguments: the call with them succeeds (against the fake kernel). */
  args: unknown[];
  /** Calls the method with `args`. */
  call: (nl: RtNetlink, args: unknown[]) => unknown;
  /** The arguments, in order. */
  params: ParamSpec[];
  /** Whether the valid call sends nothing (pure helpers, listings of an empty directory). */
  sendsNothing?: true;
  /** A pure helper's result that stands for "nothing there" (as good as a refusal for bad input). */
  none?: unknown;
}

// ---- field kinds shared by several families ----

const linkRef = (): FieldSpec => ({ bad: V.linkRef(), names: true, ok: 'lo' });
const linkName = (): FieldSpec => ({ bad: V.linkName(), names: true, ok: 'okname0' });
const u8 = (): FieldSpec => ({ bad: V.u8(), ok: 7 });
const u16 = (): FieldSpec => ({ bad: V.u16(), ok: 7 });
const u32 = (): FieldSpec => ({ bad: V.u32(), ok: 7 });
const int = (min: number, max: number): FieldSpec => ({ bad: V.intOutside(min, max), ok: Math.max(min, Math.min(max, 7)) });
const bool = (): FieldSpec => ({ bad: V.bool(), ok: true });
const enumField = (min: number, max: number): FieldSpec => ({ bad: V.enumOf(min, max), ok: Math.max(min, Math.min(max, 7)) });
/** Families 4 and 6 only. */
const family46 = (): FieldSpec => ({ bad: [...V.namesOnly(), 0, 2, 10, 5, '4', 'inet', 'bridge', 4.5], ok: 4 });
/** A tunnel id, rule tunId: a u64 bigint. */
const u64big = (): FieldSpec => ({ bad: [-1n, 2n ** 64n, 1, 1.5, '1', null, true, NaN, {}, [], 2 ** 64], ok: 7n });
/** A port / uid range: a number or `{ start, end }` within `[min, max]`. */
function range(min: number, max: number): FieldSpec {
  return {
    bad: [
      ...V.intOutside(min, max).filter((v) => typeof v !== 'object' || v === null), {}, { start: min }, { end: max }, { start: min, end: max + 1 },
      { start: min - 1, end: max }, { start: max, end: min }, { start: '1', end: 2 }, { start: 1.5, end: 2 }, { start: min, end: max, step: 1 },
      { start: min, end: max, constructor: 1 }, { __proto__: { start: min, end: max } }, [min, max],
    ],
    ok: { start: min + 1, end: min + 2 },
  };
}
/** An array of names from a table. */
const nameArray = (valid: string): FieldSpec => ({ bad: V.arrayOf(V.namesOnly(), valid), ok: [valid] });
/** A lifetime: seconds below 2^32 - 1, or Infinity / 'forever'. */
const lifetime = (): FieldSpec => ({ bad: [...V.intOutside(0, 0xfffffffe).filter((v) => v !== Infinity), 'Forever', 'infinity', ...V.PROTO_NAMES], ok: 50 });

// ---- links ----

/** The settings links.add, links.set and a veth peer share. */
function settingsFields(): Record<string, FieldSpec> {
  return {
    mtu: int(0, 0x7fffffff), mac: { bad: V.mac(), ok: '02:00:00:00:00:07' }, broadcast: { bad: V.mac(), ok: 'ff:ff:ff:ff:ff:fe' }, txqlen: u32(), group: u32(),
    alias: { bad: V.text(255, true), names: true, ok: 'okalias' }, up: bool(), promisc: bool(), allmulticast: bool(), multicast: bool(), arp: bool(),
    gsoMaxSize: u32(), gsoMaxSegs: u32(), groMaxSize: u32(), gsoIpv4MaxSize: u32(), groIpv4MaxSize: u32(),
    master: { bad: V.linkRef(), names: true, ok: 'lo' }, netns: { bad: V.namespaceRef(), ok: '/proc/self/ns/net' },
  };
}

/** The fields of links.add. */
function linkAddFields(w: World): Record<string, FieldSpec> {
  const veth = { name: 'hx0', kind: 'veth' };
  const withPeer = { ...veth, peer: { name: 'hx1' } };
  const peer = (fields: Record<string, FieldSpec>): Record<string, FieldSpec> => Object.fromEntries(Object.entries(fields).map(([k, f]) => [
    `peer.${k}`, { ...f, base: withPeer },
  ]));
  const peerSettings = settingsFields();
  delete peerSettings.master;
  return {
    name: linkName(),
    kind: { bad: [...V.namesOnly(), 'Bridge', 'BRIDGE', 'bridge ', 'bridge\0'], ok: 'ifb' },
    ...settingsFields(),
    master: { bad: [...V.linkRef(), null], names: true, ok: 'lo' },
    index: int(1, 0x7fffffff), link: linkRef(), numTxQueues: int(1, 4096), numRxQueues: int(1, 4096),
    peer: { bad: [null, 5, 'hx1', [], [{ name: 'hx1' }], new Map(), { master: 'lo' }], base: withPeer, object: true, ok: { name: 'okpeer' } },
    ...peer({ name: linkName(), index: int(1, 0x7fffffff), numTxQueues: int(1, 4096), numRxQueues: int(1, 4096), ...peerSettings }),
    // Every writable field of every kind with typed data, from the kind table.
    ...kindDataFields((kind) => ({ name: 'hx0', kind, data: {} })),
    data: { bad: [null, 5, 'x', [], [1], true, new Map()], base: { name: 'hx0', kind: 'bridge' }, ok: { priority: 7 } },
  };
}

/**
 * The fields of links.add of a tun device: TUNSETIFF flags, not kind attributes (the kind table has
 * no writable tun fields), and what TUNSETIFF cannot do.
 */
function tunAddFields(): Record<string, FieldSpec> {
  return {
    name: linkName(),
    kind: { bad: [...V.namesOnly(), 'TUN', 'tap', 'tuntap', 'tun\0'], ok: 'tun' },
    ...settingsFields(),
    data: { bad: [undefined, null, 5, 'tap', [], true, new Uint8Array(4)], object: true, ok: { type: 'tap' } },
    'data.type': { bad: [...V.namesOnly(), 'TAP', 'tap ', 'tap\0', 1, 2, undefined], ok: 'tun' },
    'data.pi': { bad: V.bool(), ok: true },
    'data.vnetHdr': { bad: V.bool(), ok: true },
    'data.multiQueue': { bad: V.bool(), ok: true },
    'data.owner': { bad: [...V.intOutside(0, 0xfffffffe), -1], ok: 1000 },
    'data.group': { bad: [...V.intOutside(0, 0xfffffffe), -1], ok: 1000 },
    index: { bad: [5, ...V.intOutside(1, 0x7fffffff)] },
    numTxQueues: { bad: [2, ...V.intOutside(1, 4096)] },
    numRxQueues: { bad: [2, ...V.intOutside(1, 4096)] },
    link: { bad: ['lo', ...V.linkRef()] },
    peer: { bad: [{ name: 'hx1' }] },
    master: { bad: [...V.linkRef(), null], names: true, ok: 'lo' },
  };
}

/** The fields of links.set. */
function linkSetFields(w: World): Record<string, FieldSpec> {
  const withNetns = { netns: w.otherNs };
  return {
    ...settingsFields(),
    master: { bad: V.linkRef().filter((v) => v !== null), names: true, ok: null },
    name: linkName(),
    index: { ...int(1, 0x7fffffff), base: withNetns },
    addrGenMode: { bad: [...V.namesOnly(), 0, 1, 'EUI64', 'stable-secret'], ok: 'none' },
    kind: { bad: [...V.namesOnly(), 'Bridge'], base: { kind: 'bridge', data: {} }, ok: 'bridge' },
    data: { bad: [null, 5, 'x', [], true], base: { kind: 'bridge', data: {} }, ok: { priority: 7 } },
    ...kindDataFields((kind) => ({ kind, data: {} })),
    slaveKind: { bad: [...V.namesOnly(), 'vrf', 'Bridge', 'veth'], base: { slaveData: {} }, ok: 'bond' },
    slaveData: { bad: [null, 5, 'x', [], true], ok: { cost: 7 } },
    ...slaveDataFields(),
  };
}

function linkMethods(w: World): MethodSpec[] {
  const listFields: Record<string, FieldSpec> = {
    kind: { bad: [...V.notString(), ...V.NUL_STRINGS, ...V.LONE_SURROGATES, V.HUGE, ''], ok: 'bridge' }, master: linkRef(), alias: { bad: V.text(255, true), names: true, ok: 'okalias' },
    stats: bool(),
  };
  // get and index also take alternative names (16..127 bytes): those are not bad there.
  const getRef = V.linkRef().filter((v) => typeof v !== 'string' || Buffer.byteLength(v) < 16 || Buffer.byteLength(v) > 127 || /[\s/:\0]/.test(v));
  const altNames: unknown[] = [
    ...V.notString().filter((v) => !Array.isArray(v)), '', '.', '..', 'a/b', 'a:b', 'a b', 'x'.repeat(128), V.HUGE, ...V.NUL_STRINGS, [],
    Array.from({ length: 65 }, (_v, i) => `alt${i}`), ...V.arrayOf([...V.notString(), '', 'x'.repeat(128), 'a b', 'a\0b'], 'altname0').slice(3),
  ];
  return [
    { name: 'links.list', args: [{}], call: (nl, [o]) => nl.links.list(o as never), params: [{ name: 'options', object: true, fields: listFields }] },
    { name: 'links.stream', args: [{}], call: (nl, [o]) => nl.links.stream(o as never), params: [{ name: 'options', object: true, fields: listFields }] },
    { name: 'links.get', args: [w.link], call: (nl, [r]) => nl.links.get(r as never), params: [{ name: 'link', bad: getRef, names: true }] },
    {
      name: 'links.get by alias', args: [{ alias: 'uplink' }], call: (nl, [r]) => nl.links.get(r as never),
      params: [{
        name: 'link', object: true, fields: { alias: { bad: V.text(255, true), names: true, expect: 'link.alias', ok: 'okalias' } },
        // A name or an ifindex is the other form of the argument (swept by links.get).
        alsoTakes: (v) => typeof v === 'string' || typeof v === 'number',
      }],
    },
    { name: 'links.index', args: [w.link], call: (nl, [r]) => nl.links.index(r as never), params: [{ name: 'link', bad: getRef, names: true }] },
    {
      name: 'links.add', args: [{ name: 'hx0', kind: 'bridge' }], call: (nl, [o]) => nl.links.add(o as never),
      params: [{ name: 'options', object: true, fields: linkAddFields(w) }],
    },
    {
      name: 'links.addMany', args: [[{ name: 'hx0', kind: 'bridge' }]], call: (nl, [o]) => nl.links.addMany(o as never),
      params: [{ name: 'items', object: true, items: true, fields: linkAddFields(w) }],
    },
    {
      // A tun device is made by ioctl (the native helper's tunCreate, counted as an open), not by a
      // netlink request: against the fake kernel the valid call stops at SIOCGSKNS (EPERM there).
      name: 'links.add (tun)', args: [{ name: 'hx0', kind: 'tun', data: { type: 'tap' } }], call: (nl, [o]) => nl.links.add(o as never), sendsNothing: true,
      params: [{ name: 'options', object: true, fields: tunAddFields() }],
    },
    {
      // Files of /dev/net/tun left open (the native helper's tunCreate, counted as an open).
      name: 'links.openTun', args: [{ name: 'hx0', kind: 'tun', data: { type: 'tap' } }], call: (nl, [o]) => nl.links.openTun(o as never), sendsNothing: true,
      params: [{
        name: 'options', object: true,
        fields: { ...tunAddFields(), queues: { bad: [...V.intOutside(1, 256), 2], ok: 1 }, nonBlocking: { bad: V.bool(), ok: true } },
      }],
    },
    {
      // Queues of a tun device (tunCreate again, counted as an open); the fake kernel has no such device.
      name: 'links.openTunQueues', args: [w.link, 1, {}], call: (nl, [r, n, o]) => nl.links.openTunQueues(r as never, n as never, o as never), sendsNothing: true,
      params: [
        { name: 'link', bad: V.linkRef(), names: true },
        { name: 'count', bad: [...V.intOutside(1, 256), undefined] },
        { name: 'options', object: true, fields: { nonBlocking: { bad: V.bool(), expect: 'options.nonBlocking', ok: true } } },
      ],
    },
    {
      name: 'links.set', args: [w.link, { mtu: 1400 }], call: (nl, [r, o]) => nl.links.set(r as never, o as never),
      params: [{ name: 'link', bad: V.linkRef(), names: true }, { name: 'changes', object: true, fields: linkSetFields(w) }],
    },
    {
      name: 'links.addAltName', args: [w.link, 'altname0'], call: (nl, [r, n]) => nl.links.addAltName(r as never, n as never),
      params: [{ name: 'link', bad: V.linkRef(), names: true }, { name: 'names', bad: altNames, names: true, expect: /^names?(\.|\[|$)/ }],
    },
    {
      name: 'links.delAltName', args: [w.link, ['altname0']], call: (nl, [r, n]) => nl.links.delAltName(r as never, n as never),
      params: [{ name: 'link', bad: V.linkRef(), names: true }, { name: 'names', bad: altNames, expect: /^names?(\.|\[|$)/ }],
    },
    { name: 'links.del', args: [w.port], call: (nl, [r]) => nl.links.del(r as never), params: [{ name: 'link', bad: V.linkRef(), names: true }] },
    {
      name: 'links.delMany', args: [[w.port]], call: (nl, [r]) => nl.links.delMany(r as never),
      params: [{ name: 'links', bad: V.arrayOf(V.linkRef(), w.port), names: 'array' }],
    },
  ];
}

// ---- addresses ----

function addressFields(): Record<string, FieldSpec> {
  const v6 = (f: FieldSpec): FieldSpec => ({ ...f, base: { link: 'lo', address: 'fd61::1/64' } });
  return {
    link: linkRef(),
    address: { bad: V.cidr(), ok: '10.61.7.7/24' },
    peer: { bad: V.cidr(4), ok: '10.61.0.2' },
    broadcast: { bad: [...V.ip(4).filter((v) => v !== true), false, 'true', '+'], ok: '10.61.0.255' },
    label: { bad: V.text(15), names: true, ok: 'lo:ok' },
    'label (IPv6)': v6({ bad: ['x'], expect: 'label' }),
    scope: { bad: [...V.enumOf(0, 255), 'universe ', 'Global'], ok: 'link' },
    'scope (IPv6)': v6({ bad: ['global', 0], expect: 'scope' }),
    flags: { bad: [...V.arrayOf(V.namesOnly(), 'noprefixroute'), ['nodad'], ['optimistic'], ['permanent'], ['secondary'], 'nodad', 8], ok: ['noprefixroute'] },
    'flags (IPv6)': v6({ bad: [['permanent'], ['secondary'], ['tentative'], ...V.arrayOf(V.namesOnly(), 'nodad').slice(6)], expect: /^flags/ }),
    validLft: { bad: [...lifetime().bad, 0] },
    preferredLft: lifetime(),
    'preferredLft above validLft': { bad: [101, 'forever', Infinity], base: { link: 'lo', address: '10.61.0.1/24', validLft: 100 }, expect: 'preferredLft' },
    metric: u32(),
    proto: { bad: [...V.enumOf(0, 255), 'kernel'], ok: 'kernel_ll' },
  };
}

function addressListFields(): Record<string, FieldSpec> {
  return {
    link: linkRef(), family: family46(),
    label: { bad: [...V.notString(), '', 'x'.repeat(256), V.HUGE, ...V.NUL_STRINGS], names: true, ok: 'lo*' },
    scope: enumField(0, 255),
    flags: { bad: [...V.arrayOf(V.namesOnly(), 'permanent'), ['-'], ['--permanent'], ['permanent', '-permanent'], 'permanent'], ok: ['permanent'] },
    to: { bad: V.cidr(), ok: '10.0.0.0/8' }, 'to (family 4)': { bad: ['fd00::/64'], base: { family: 4 }, expect: 'to' },
    proto: enumField(0, 255),
  };
}

function addressMethods(w: World): MethodSpec[] {
  const base = { link: w.link, address: '10.61.0.1/24' };
  const one = (name: string, call: MethodSpec['call']): MethodSpec => ({
    name, args: [base], call, params: [{ name: 'options', object: true, fields: addressFields() }],
  });
  const many = (name: string, call: MethodSpec['call']): MethodSpec => ({
    name, args: [[base]], call, params: [{ name: 'items', object: true, items: true, fields: addressFields() }],
  });
  return [
    { name: 'addresses.list', args: [{}], call: (nl, [o]) => nl.addresses.list(o as never), params: [{ name: 'options', object: true, fields: addressListFields() }] },
    { name: 'addresses.stream', args: [{}], call: (nl, [o]) => nl.addresses.stream(o as never), params: [{ name: 'options', object: true, fields: addressListFields() }] },
    one('addresses.add', (nl, [o]) => nl.addresses.add(o as never)),
    one('addresses.replace', (nl, [o]) => nl.addresses.replace(o as never)),
    one('addresses.del', (nl, [o]) => nl.addresses.del(o as never)),
    many('addresses.addMany', (nl, [o]) => nl.addresses.addMany(o as never)),
    many('addresses.delMany', (nl, [o]) => nl.addresses.delMany(o as never)),
  ];
}

// ---- routes ----

function encapBad(): unknown[] {
  return [
    null, 5, 'ip', [], {}, { type: 'constructor' }, { type: 'toString' }, { type: 'seg6' }, { type: 'IP' }, { type: 5 },
    { type: 'ip', id: -1 }, { type: 'ip', id: 2 ** 53 }, { type: 'ip', id: 2n ** 64n }, { type: 'ip', id: '1' }, { type: 'ip', dst: 'fd00::1' },
    { type: 'ip', dst: 'constructor' }, { type: 'ip', src: 5 }, { type: 'ip', ttl: 256 }, { type: 'ip', tos: -1 }, { type: 'ip', hoplimit: 1 },
    { type: 'ip6', dst: '10.0.0.1' }, { type: 'ip6', hoplimit: NaN }, { type: 'ip6', tc: 1.5 }, { type: 'ip6', ttl: 1 },
    { type: 'mpls' }, { type: 'mpls', labels: [] }, { type: 'mpls', labels: 5 }, { type: 'mpls', labels: [2 ** 20] }, { type: 'mpls', labels: [-1] },
    { type: 'mpls', labels: ['1'] }, { type: 'mpls', labels: Array.from({ length: 31 }, () => 16) }, ...V.sparse(16).map((labels) => ({ type: 'mpls', labels })),
    { type: 'mpls', labels: [16], ttl: 256 }, { type: 'mpls', labels: [16], dst: '10.0.0.1' }, { type: 'ip', unknown: [] },
    { __proto__: { type: 'ip' } }, { type: 'ip', constructor: 1 },
  ];
}

function hopBad(): unknown[] {
  return [
    null, 5, 'x', [], {}, { weight: 2 }, { gateway: 'fd00::1' }, { gateway: 5 }, { gateway: 'constructor' }, { oif: '' }, { oif: 'x'.repeat(16) },
    { oif: -1 }, { oif: 'lo', weight: 0 }, { oif: 'lo', weight: 257 }, { oif: 'lo', weight: 1.5 }, { oif: 'lo', onlink: 1 },
    { oif: 'lo', realms: -1 }, { oif: 'lo', via: 'nonsense' }, { gateway: '10.0.0.1', via: '10.0.0.2' }, { oif: 'lo', bogus: 1 },
    { oif: 'lo', constructor: 1 }, { __proto__: { oif: 'lo' } },
  ];
}

function routeFields(w: World): Record<string, FieldSpec> {
  const v6 = { dst: 'fd62::/64', oif: w.link };
  const metric = (key: string, max = 0xffffffff): [string, FieldSpec] => [key, int(0, max)];
  return {
    dst: { bad: [...V.cidr(4).filter((v) => v !== 'fd00::/64'), '10.62.0.1/24', 'Default', 'default\0', 'all'], ok: '10.62.7.0/24' },
    family: { ...family46(), base: { dst: 'default', family: 4, oif: w.link } },
    'family against dst': { bad: [6], expect: 'dst' },
    src: { bad: [...V.cidr(4), '10.0.0.1/8'], ok: '10.0.0.0/8' },
    gateway: { bad: V.ip(4), ok: '10.62.1.1' },
    via: { bad: V.ip(), ok: 'fe80::1' },
    'via (IPv6)': { bad: ['10.0.0.1'], base: v6, expect: 'via' },
    oif: linkRef(),
    table: { bad: [...V.enumOf(1, 0xffffffff), 'Main', 'all', 'unspec', 'compat'], ok: 'local' },
    metric: u32(),
    scope: { bad: [...V.enumOf(0, 255), 'Global'], ok: 'host' },
    protocol: { bad: [...V.enumOf(0, 255), 'Static'], ok: 'static' },
    type: { bad: [...V.enumOf(0, 255), 'none', 'Unicast'], ok: 'blackhole' },
    prefsrc: { bad: V.ip(4), ok: '10.62.0.2' },
    tos: u8(), onlink: bool(), realms: u32(), nhid: int(1, 0xffffffff),
    multipath: { bad: [null, 5, 'x', [], {}, ...hopBad().map((h) => [h]), ...V.sparse({ oif: w.link }), [{ oif: w.link }, ...hopBad().slice(0, 3)]], expect: /^multipath/, ok: [{ oif: 'lo', weight: 2 }, { gateway: '10.62.1.2', oif: 'lo' }] },
    'multipath with gateway': { bad: [[{ oif: w.link }]], base: { dst: '10.62.0.0/24', gateway: '10.62.1.1' }, expect: 'multipath' },
    encap: { bad: encapBad(), expect: /^encap/, ok: { type: 'mpls', labels: [100] } },
    pref: { bad: [...V.namesOnly(), 'Low', 'none'], base: v6, ok: 'high' },
    'pref (IPv4)': { bad: ['low'], expect: 'pref' },
    expires: { ...u32(), base: v6 },
    'expires (IPv4)': { bad: [10], expect: 'expires' },
    ...Object.fromEntries([
      metric('mtu'), metric('advmss'), metric('hoplimit', 255), metric('window'), metric('rtt'), metric('rttvar'), metric('ssthresh'),
      metric('cwnd'), metric('initcwnd'), metric('initrwnd'), metric('reordering'), metric('features'), metric('rtoMin'),
    ]),
    quickack: bool(), fastopenNoCookie: bool(),
    congctl: { bad: V.text(15), ok: 'reno' },
    lock: nameArray('mtu'),
  };
}

function routeListFields(): Record<string, FieldSpec> {
  return {
    family: family46(), table: { bad: [...V.enumOf(1, 0xffffffff), 'all'], ok: 'main' }, oif: linkRef(), protocol: enumField(0, 255), type: enumField(0, 255),
    dst: { bad: V.cidr(), ok: '10.0.0.0/8' }, 'dst (family 4)': { bad: ['fd00::/64'], base: { family: 4 }, expect: 'dst' }, src: { bad: V.cidr(), ok: '10.0.0.0/8' },
    gateway: { bad: V.ip(), ok: '10.0.0.1' }, prefsrc: { bad: V.ip(), ok: '10.0.0.1' }, 'prefsrc (family 6)': { bad: ['10.0.0.1'], base: { family: 6 }, expect: 'prefsrc' },
    iif: linkRef(), tos: u8(), scope: enumField(0, 255), metric: u32(), mark: u32(), realms: u32(), nhid: u32(), hoplimit: u8(),
  };
}

function routeMethods(w: World): MethodSpec[] {
  const base = { dst: '10.62.0.0/24', oif: w.link };
  // Route views are what del takes besides specs: an object that only inherits from Route.prototype holds no message.
  class SubRoute extends Route {}
  const notViews = (): unknown[] => [Object.create(Route.prototype), Object.create(SubRoute.prototype)];
  const one = (name: string, call: MethodSpec['call']): MethodSpec => ({
    name, args: [base], call, params: [{ name: 'route', object: true, bad: notViews(), fields: routeFields(w) }],
  });
  const many = (name: string, call: MethodSpec['call']): MethodSpec => ({
    name, args: [[base]], call, params: [{ name: 'routes', object: true, items: true, bad: notViews().map((v) => [v]), fields: routeFields(w) }],
  });
  const getFields: Record<string, FieldSpec> = {
    from: { bad: V.ip(4), ok: '10.62.0.2' }, iif: { ...linkRef(), base: { from: '10.62.0.2' } }, oif: linkRef(), mark: u32(), uid: u32(), tos: u8(), ipProto: u8(),
    sport: u16(), dport: u16(), fibMatch: bool(),
  };
  return [
    { name: 'routes.list', args: [{}], call: (nl, [o]) => nl.routes.list(o as never), params: [{ name: 'options', object: true, fields: routeListFields() }] },
    { name: 'routes.stream', args: [{}], call: (nl, [o]) => nl.routes.stream(o as never), params: [{ name: 'options', object: true, fields: routeListFields() }] },
    {
      name: 'routes.get', args: ['10.62.0.1', {}], call: (nl, [a, o]) => nl.routes.get(a as never, o as never),
      params: [{ name: 'address', bad: V.ip() }, { name: 'options', object: true, fields: getFields }],
    },
    one('routes.add', (nl, [r]) => nl.routes.add(r as never)),
    one('routes.replace', (nl, [r]) => nl.routes.replace(r as never)),
    one('routes.append', (nl, [r]) => nl.routes.append(r as never)),
    one('routes.change', (nl, [r]) => nl.routes.change(r as never)),
    one('routes.del', (nl, [r]) => nl.routes.del(r as never)),
    many('routes.addMany', (nl, [r]) => nl.routes.addMany(r as never)),
    many('routes.replaceMany', (nl, [r]) => nl.routes.replaceMany(r as never)),
    many('routes.appendMany', (nl, [r]) => nl.routes.appendMany(r as never)),
    many('routes.changeMany', (nl, [r]) => nl.routes.changeMany(r as never)),
    many('routes.delMany', (nl, [r]) => nl.routes.delMany(r as never)),
  ];
}

// ---- neighbours ----

function neighborFields(w: World): Record<string, FieldSpec> {
  // Not a MAC of any length (1..32 bytes) nor an IP address (a tunnel's lladdr).
  const lladdrBad = [
    ...V.notString(), '', 'zz', '0', '02:00:00:00:00:0g', `${'02:'.repeat(32)}02`, '02-00-00-00-00-01', '10.0.0.256', 'fd00::1::1', V.HUGE,
    ...V.NUL_STRINGS, ...V.PROTO_NAMES,
  ];
  const fdb = { family: 'bridge', link: w.port, lladdr: '02:00:00:00:63:01' };
  // An empty list is NUD_NONE (0), as the number 0 is.
  const states = [...V.namesOnly().filter((v) => typeof v !== 'number' && !(Array.isArray(v) && v.length === 0)), 0x10000, -1, 1.5, NaN, ['permanent', 'constructor'], ...V.sparse('permanent')];
  return {
    link: linkRef(),
    family: { bad: [...V.namesOnly(), 0, 2, 7, 'inet', 'Bridge', '4'], ok: 4 },
    'family against dst': { bad: [6], expect: /^(dst|family)$/ },
    dst: { bad: V.ip(), ok: '10.63.0.7' },
    lladdr: { bad: lladdrBad, ok: '02:00:00:00:63:07' },
    'lladdr (bridge)': { bad: [...V.mac(), '10.0.0.1', '02:00'], base: fdb, expect: 'lladdr' },
    state: { bad: states, expect: /^state/, ok: 'stale' },
    flags: { bad: [...V.arrayOf(V.namesOnly(), 'router').filter((v) => v !== 5), 256, -1, 1.5, 'router'], expect: /^flags/, ok: ['router'] },
    proxy: { bad: V.bool(), base: { link: w.link, dst: '10.63.0.9' } },
    'proxy with lladdr': { bad: [true], expect: /^(proxy|lladdr)$/ },
    protocol: enumField(0, 255),
    master: linkRef(),
    vlan: { ...int(0, 4094), base: fdb }, vni: { ...int(0, 0xffffff), base: fdb }, port: { ...u16(), base: fdb }, srcVni: { ...int(0, 0xffffff), base: fdb },
    via: { ...linkRef(), base: fdb }, nhId: { ...u32(), base: fdb },
    'vlan (IPv4)': { bad: [5], expect: 'vlan' },
  };
}

function neighborMethods(w: World): MethodSpec[] {
  const base = { link: w.link, dst: '10.63.0.9', lladdr: '02:00:00:00:63:09' };
  const one = (name: string, call: MethodSpec['call']): MethodSpec => ({
    name, args: [base], call, params: [{ name: 'options', object: true, fields: neighborFields(w) }],
  });
  const many = (name: string, call: MethodSpec['call']): MethodSpec => ({
    name, args: [[base]], call, params: [{ name: 'items', object: true, items: true, fields: neighborFields(w) }],
  });
  const listFields: Record<string, FieldSpec> = {
    link: linkRef(), family: { bad: [...V.namesOnly(), 0, 2, 7, 'inet'], ok: 6 }, master: linkRef(), proxy: bool(),
    'proxy (bridge)': { bad: [true], base: { family: 'bridge' }, expect: 'proxy' },
    state: { bad: [...V.namesOnly().filter((v) => typeof v !== 'number'), 0x10000, -1, 1.5, NaN, [], ...V.sparse('stale')], expect: /^state/, ok: ['stale'] },
  };
  const fdbGet = { family: 'bridge', link: w.port, lladdr: '02:00:00:00:63:01' };
  const getFields: Record<string, FieldSpec> = {
    link: linkRef(), family: { bad: [...V.namesOnly(), 0, 2, 7], ok: 4 }, dst: { bad: V.ip(), ok: '10.63.0.7' }, proxy: bool(),
    lladdr: { bad: V.mac(), base: fdbGet, ok: '02:00:00:00:63:07' }, master: { ...linkRef(), base: fdbGet }, vlan: { ...int(0, 4094), base: fdbGet },
    vni: { ...int(0, 0xffffff), base: fdbGet }, flags: { bad: [...V.arrayOf(V.namesOnly(), 'self'), ['router'], 'self', 1], base: fdbGet, expect: /^flags/, ok: ['master'] },
    'lladdr (IPv4)': { bad: ['02:00:00:00:00:01'], expect: 'lladdr' },
  };
  return [
    { name: 'neighbors.list', args: [{}], call: (nl, [o]) => nl.neighbors.list(o as never), params: [{ name: 'options', object: true, fields: listFields }] },
    { name: 'neighbors.stream', args: [{}], call: (nl, [o]) => nl.neighbors.stream(o as never), params: [{ name: 'options', object: true, fields: listFields }] },
    {
      name: 'neighbors.get', args: [{ link: w.link, dst: '10.63.0.9' }], call: (nl, [o]) => nl.neighbors.get(o as never),
      params: [{ name: 'options', object: true, fields: getFields }],
    },
    one('neighbors.add', (nl, [o]) => nl.neighbors.add(o as never)),
    one('neighbors.replace', (nl, [o]) => nl.neighbors.replace(o as never)),
    one('neighbors.append', (nl, [o]) => nl.neighbors.append(o as never)),
    one('neighbors.del', (nl, [o]) => nl.neighbors.del(o as never)),
    many('neighbors.addMany', (nl, [o]) => nl.neighbors.addMany(o as never)),
    many('neighbors.replaceMany', (nl, [o]) => nl.neighbors.replaceMany(o as never)),
    many('neighbors.delMany', (nl, [o]) => nl.neighbors.delMany(o as never)),
  ];
}

// ---- rules ----

function ruleSelectorFields(): Record<string, FieldSpec> {
  return {
    family: family46(), priority: u32(), table: { bad: [...V.enumOf(1, 0xffffffff), 'Main', 'all'], ok: 'local' },
    action: { bad: [...V.namesOnly(), 'unspec', 'Lookup', 'table'], ok: 'nop' },
    src: { bad: V.cidr(), ok: '10.0.0.0/8' }, dst: { bad: V.cidr(), ok: '10.0.0.0/8' }, tos: u8(), fwmark: u32(), fwmask: u32(),
    iif: linkName(), oif: linkName(), not: bool(), l3mdev: bool(), ipProto: enumField(0, 255),
    sport: range(1, 0xffff), dport: range(1, 0xffff), uidRange: range(0, 0xffffffff), protocol: enumField(0, 255), tunId: u64big(),
  };
}

function ruleMethods(): MethodSpec[] {
  const base = { priority: 1000, table: 100, src: '10.64.0.0/16' };
  const fields = (): Record<string, FieldSpec> => ({
    ...ruleSelectorFields(),
    // Options of add/del beyond the list selectors.
    'dst (against src)': { bad: ['fd00::/64'], expect: 'dst' },
    dscp: int(0, 63), 'dscp with tos': { bad: [5], base: { ...base, tos: 4 }, expect: 'dscp' },
    suppressPrefixlen: int(0, 32), suppressIfgroup: u32(), goto: { ...u32(), base: { priority: 1000, action: 'goto', goto: 2000 } },
    l3mdev: { ...bool(), base: { priority: 1000 } },
    'goto with lookup': { bad: [2000], base: { priority: 1000, action: 'lookup' }, expect: 'goto' },
    flow: u32(),
    flowlabel: { ...int(0, 0xfffff), base: { family: 6, priority: 1000, table: 100 } },
    'flowlabel (IPv4)': { bad: [5], expect: 'flowlabel' },
    flowlabelMask: { ...int(0, 0xfffff), base: { family: 6, priority: 1000, table: 100, flowlabel: 5 } },
    'l3mdev with table': { bad: [true], expect: 'l3mdev' },
    // A table name that is an Object.prototype member must never become a table id (it once deleted `lookup local`).
    'table (del)': { bad: V.PROTO_NAMES, base: { priority: 0 }, expect: 'table' },
  });
  return [
    { name: 'rules.list', args: [{}], call: (nl, [o]) => nl.rules.list(o as never), params: [{ name: 'options', object: true, fields: ruleSelectorFields() }] },
    { name: 'rules.stream', args: [{}], call: (nl, [o]) => nl.rules.stream(o as never), params: [{ name: 'options', object: true, fields: ruleSelectorFields() }] },
    { name: 'rules.add', args: [base], call: (nl, [o]) => nl.rules.add(o as never), params: [{ name: 'options', object: true, fields: fields() }] },
    {
      name: 'rules.del', args: [base], call: (nl, [o]) => nl.rules.del(o as never),
      params: [{ name: 'options', object: true, bad: [{}, { family: 4 }, { family: 6 }, { priority: undefined }], fields: fields() }],
    },
  ];
}

// ---- nsids ----

function nsidMethods(w: World): MethodSpec[] {
  const peerBad = [
    ...V.namespaceRef().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)), {}, { pid: 0 }, { pid: -1 }, { pid: 1.5 },
    { pid: 2 ** 22 + 1 }, { pid: '1' }, { pid: null }, { pid: 1, fd: 3 }, { pid: 1, constructor: 1 }, { __proto__: { pid: 1 } }, new Map([['pid', 1]]),
  ];
  const target = { target: int(0, 0x7fffffff) };
  return [
    {
      name: 'nsids.get', args: [w.otherNs, {}], call: (nl, [p, o]) => nl.nsids.get(p as never, o as never),
      params: [{ name: 'peer', bad: peerBad }, { name: 'options', object: true, fields: target }],
    },
    {
      name: 'nsids.set', args: [w.otherNs, 5], call: (nl, [p, n]) => nl.nsids.set(p as never, n as never),
      params: [{ name: 'peer', bad: peerBad }, { name: 'nsid', bad: [...V.intOutside(0, 0x7fffffff), ...V.PROTO_NAMES, 'AUTO', 'auto ', ''] }],
    },
    { name: 'nsids.list', args: [{}], call: (nl, [o]) => nl.nsids.list(o as never), params: [{ name: 'options', object: true, fields: target }] },
    { name: 'nsids.stream', args: [{}], call: (nl, [o]) => nl.nsids.stream(o as never), params: [{ name: 'options', object: true, fields: target }] },
    {
      name: 'nsids.resolve', args: [3, { dir: w.dir }], call: (nl, [n, o]) => nl.nsids.resolve(n as never, o as never), sendsNothing: true,
      params: [
        { name: 'nsid', bad: V.intOutside(0, 0x7fffffff).filter((v) => v !== undefined) },
        { name: 'options', object: true, fields: { dir: { bad: [...V.notString(), ...V.paths()], ok: '/run/netns' } } },
      ],
    },
  ];
}

// ---- nexthops ----

function nexthopFields(w: World): Record<string, FieldSpec> {
  const group = { id: 66, group: [{ id: 65 }] };
  const resilient = { ...group, type: 'resilient' };
  const clock = (): FieldSpec => ({ bad: [-1, NaN, Infinity, -Infinity, 0.001, 1.005, 0xffffffff, '1', null, true, {}, [], 10n], base: resilient, ok: 1.5 });
  return {
    id: int(1, 0xffffffff),
    family: family46(),
    gateway: { bad: V.ip(), ok: '10.65.0.7' }, 'gateway (family 6)': { bad: ['10.0.0.1'], base: { id: 65, family: 6, oif: w.link }, expect: 'gateway' },
    oif: linkRef(), onlink: bool(), blackhole: { ...bool(), base: { id: 65, blackhole: true } }, fdb: { ...bool(), base: { id: 65, fdb: true, gateway: '10.65.0.1' } },
    'blackhole with oif': { bad: [true], expect: /^(blackhole|oif|gateway)$/ },
    group: {
      bad: [null, 5, 'x', [], {}, [{}], [{ id: 0 }], [{ id: 65 }, { id: 65 }], [{ id: 65, weight: 0 }], [{ id: 65, weight: 65536 }], [{ id: 65, weight: 1.5 }],
        [{ id: 65, bogus: 1 }], [{ id: 65, constructor: 1 }], [{ __proto__: { id: 65 } }], [null], [65], ...V.sparse({ id: 65 })],
      base: { id: 66, group: [{ id: 65 }] }, expect: /^group/, ok: [{ id: 65 }],
    },
    'group with oif': { bad: [[{ id: 65 }]], expect: /^(gateway|oif|group)$/ },
    type: { bad: [...V.namesOnly().filter((v) => typeof v !== 'number' || !Number.isInteger(v) || v < 0), 'Resilient', 'mpath ', 2 ** 16], base: group, ok: 'resilient' },
    'type without group': { bad: ['resilient'], expect: 'type' },
    buckets: { ...int(1, 0xffff), base: resilient }, idleTimer: clock(), unbalancedTimer: clock(),
    'buckets (mpath)': { bad: [8], base: group, expect: 'buckets' },
    hwStats: { ...bool(), base: group },
    protocol: enumField(0, 255),
    encap: { bad: encapBad(), expect: /^encap/, ok: { type: 'ip', dst: '10.65.0.9' } },
  };
}

function nexthopMethods(w: World): MethodSpec[] {
  const base = { id: 65, gateway: '10.65.0.1', oif: w.link };
  const listFields: Record<string, FieldSpec> = {
    family: family46(), oif: linkRef(), master: linkRef(), groups: bool(), fdb: bool(), protocol: enumField(0, 255), stats: bool(),
  };
  const id = { name: 'id', bad: V.intOutside(1, 0xffffffff) };
  return [
    { name: 'nexthops.list', args: [{}], call: (nl, [o]) => nl.nexthops.list(o as never), params: [{ name: 'options', object: true, fields: listFields }] },
    { name: 'nexthops.stream', args: [{}], call: (nl, [o]) => nl.nexthops.stream(o as never), params: [{ name: 'options', object: true, fields: listFields }] },
    {
      name: 'nexthops.get', args: [65, {}], call: (nl, [i, o]) => nl.nexthops.get(i as never, o as never),
      params: [id, { name: 'options', object: true, fields: { stats: bool() } }],
    },
    { name: 'nexthops.add', args: [base], call: (nl, [s]) => nl.nexthops.add(s as never), params: [{ name: 'nexthop', object: true, fields: nexthopFields(w) }] },
    { name: 'nexthops.replace', args: [base], call: (nl, [s]) => nl.nexthops.replace(s as never), params: [{ name: 'nexthop', object: true, fields: nexthopFields(w) }] },
    { name: 'nexthops.del', args: [65], call: (nl, [i]) => nl.nexthops.del(i as never), params: [id] },
    {
      name: 'nexthops.addMany', args: [[base]], call: (nl, [s]) => nl.nexthops.addMany(s as never),
      params: [{ name: 'nexthops', object: true, items: true, fields: nexthopFields(w) }],
    },
    { name: 'nexthops.delMany', args: [[65]], call: (nl, [s]) => nl.nexthops.delMany(s as never), params: [{ name: 'ids', bad: V.arrayOf(V.intOutside(1, 0xffffffff), 65) }] },
  ];
}

// ---- the handle, events, netns, helpers ----

function handleMethods(): MethodSpec[] {
  const openFields: Record<string, FieldSpec> = {
    netns: { bad: V.namespaceRef(), ok: '/proc/self/ns/net' }, timeout: int(1, 0x7fffffff), dumpRetries: int(0, 1000), maxDatagramSize: int(4096, 0x7fffffff),
    receiveBufferSize: int(1024, 0x3fffffff), sendBufferSize: int(1024, 0x3fffffff), extendedAck: bool(), strictCheck: bool(), capAck: bool(),
    onWarning: { bad: [null, 5, 'f', {}, [], true, Symbol('f')], ok: () => undefined },
  };
  const monitorFields: Record<string, FieldSpec> = {
    groups: { bad: [...V.arrayOf(V.namesOnly(), 'link'), [], 'link', ['Link'], ['ipv4-ifaddr '], Array.from({ length: 65 }, () => 'link')], expect: /^groups/, ok: ['neigh'] },
    allNamespaces: bool(), receiveBufferSize: int(1024, 0x7fffffff), listExisting: bool(),
  };
  return [
    {
      name: 'RtNetlink.open', args: [{}], sendsNothing: true,
      call: async (_nl, [o]) => { (await RtNetlink.open(o as never)).close(); },
      params: [{ name: 'options', object: true, fields: openFields }],
    },
    {
      name: 'nl.monitor', args: [{ groups: ['link'] }], sendsNothing: true,
      call: (nl, [o]) => { const m = nl.monitor(o as never); m.close(); },
      params: [{ name: 'options', object: true, bad: [{}], expect: /^(options|groups)$/, fields: monitorFields }],
    },
  ];
}

function netnsMethods(w: World): MethodSpec[] {
  const path = [...V.notString(), ...V.paths(), '/'];
  return [
    // Against the fake kernel, the valid create and remove fail (EPERM, ENOENT) without touching
    // anything; spec/netns covers what they do.
    {
      name: 'netns.create', args: [`${w.dir}/never-made`, {}], call: (_nl, [p, o]) => netns.create(p as never, o as never), sendsNothing: true,
      params: [{ name: 'path', bad: path }, { name: 'options', object: true, fields: { sharedMount: bool() } }],
    },
    { name: 'netns.remove', args: [`${w.dir}/never-made`], call: (_nl, [p]) => netns.remove(p as never), sendsNothing: true, params: [{ name: 'path', bad: path }] },
    { name: 'netns.list', args: [w.dir], call: (_nl, [p]) => netns.list(p as never), sendsNothing: true, params: [{ name: 'dir', bad: [...path.filter((p) => p !== '/'), null] }] },
  ];
}

function helperMethods(): MethodSpec[] {
  const id = { priority: 0x8000, address: '02:00:00:00:00:01' };
  return [
    {
      name: 'errnoName', args: [17], call: (_nl, [n]) => errnoName(n as never), sendsNothing: true,
      params: [{ name: 'errno', bad: [...V.notInteger(), 'EEXIST', ...V.PROTO_NAMES] }],
    },
    { name: 'errnoNumber', args: ['EEXIST'], call: (_nl, [n]) => errnoNumber(n as never), sendsNothing: true, params: [{ name: 'name', bad: V.notString() }] },
    {
      name: 'formatBridgeId', args: [id], call: (_nl, [i]) => formatBridgeId(i as never), sendsNothing: true,
      params: [{ name: 'id', object: true, fields: { priority: u16(), address: { bad: V.mac(), ok: '02:00:00:00:00:07' } } }],
    },
    { name: 'linkFlagNames', args: [0x11043], call: (_nl, [b]) => linkFlagNames(b as never), sendsNothing: true, params: [{ name: 'bits', bad: V.u32() }] },
    {
      name: 'linkKindData', args: [{ kind: 'bridge', data: {} }, 'bridge'], call: (_nl, [i, k]) => linkKindData(i as never, k as never), sendsNothing: true, none: undefined,
      params: [{ name: 'info', bad: [null, 5, 'x', true, Symbol('i')] }, { name: 'kind', bad: [null, 5, {}, Symbol('k')] }],
    },
    {
      name: 'linkSlaveData', args: [{ slaveKind: 'bridge', slaveData: {} }, 'bridge'], call: (_nl, [i, k]) => linkSlaveData(i as never, k as never), sendsNothing: true, none: undefined,
      params: [{ name: 'info', bad: [null, 5, 'x', true, Symbol('i')] }, { name: 'kind', bad: [null, 5, {}, Symbol('k')] }],
    },
  ];
}

/** Every public method, described. */
export function methods(w: World): MethodSpec[] {
  return [
    ...handleMethods(), ...linkMethods(w), ...addressMethods(w), ...routeMethods(w), ...neighborMethods(w), ...ruleMethods(), ...nsidMethods(w),
    ...nexthopMethods(w), ...netnsMethods(w), ...helperMethods(),
  ];
}
