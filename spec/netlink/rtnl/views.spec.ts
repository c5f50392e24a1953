// Every family's view over every golden capture: toObject() is the getters' values (read first on
// a fresh view, and after all the others), toJSON() is toObject() made JSON-safe and nothing else,
// JSON.stringify(view) is toJSON(); copies and printing show fields, never the view's internals.
import test from 'ava';
import { inspect } from 'node:util';
import { hexFiles } from '../../fuzz/corpus.js';
import { fixturesDir } from '../../helpers/fixtures.js';
import * as helpers from '../../helpers/bytes.js';
import type { MessageView } from '../../../lib/netlink/core/message-view.js';
import { addressView } from '../../../lib/netlink/rtnl/address/view.js';
import { linkView } from '../../../lib/netlink/rtnl/link/view.js';
import { neighborView } from '../../../lib/netlink/rtnl/neighbor/view.js';
import { routeView } from '../../../lib/netlink/rtnl/route/view.js';
import { ruleView } from '../../../lib/netlink/rtnl/rule/view.js';
import { nexthopView } from '../../../lib/netlink/rtnl/nexthop/view.js';
import { nsidView } from '../../../lib/netlink/rtnl/nsid/view.js';

interface Family {
  view: (buf: Buffer, off: number, len: number) => MessageView;
  /** nlmsg_types of the family's objects (NEW and DEL). */
  types: number[];
  /** Every field toObject() may hold (written out here, independently of the views). */
  fields: string[];
  /** What toJSON() turns a value into, beyond bigints and bytes (addresses: lifetimes). */
  json?: (key: string, value: unknown) => unknown;
}

const FAMILIES: Record<string, Family> = {
  link: {
    view: linkView, types: [16, 17],
    fields: ['ifindex', 'name', 'flags', 'linkType', 'operstate', 'altNames', 'kind', 'mtu', 'minMtu', 'maxMtu', 'mac',
      'broadcast', 'permAddress', 'linkmode', 'qdisc', 'master', 'link', 'linkNetnsId', 'txqlen', 'group', 'promiscuity',
      'allmulti', 'carrier', 'carrierChanges', 'numTxQueues', 'numRxQueues', 'alias', 'parentDevName', 'linkInfo',
      'addrGenMode', 'stats'],
  },
  address: {
    view: addressView, types: [20, 21],
    fields: ['family', 'ifindex', 'local', 'address', 'prefixlen', 'cidr', 'scope', 'flags', 'peer', 'broadcast', 'anycast',
      'multicast', 'label', 'validLft', 'preferredLft', 'metric', 'proto', 'dynamic'],
    json: (key, value) => ((key === 'validLft' || key === 'preferredLft') && value === Infinity ? 'forever' : value),
  },
  route: {
    view: routeView, types: [24, 25],
    fields: ['family', 'type', 'dst', 'tos', 'table', 'protocol', 'scope', 'flags', 'src', 'gateway', 'via', 'oif', 'iif',
      'prefsrc', 'metric', 'metrics', 'multipath', 'pref', 'expires', 'mark', 'uid', 'realms', 'nhid', 'encapType', 'encap',
      'newdst', 'ttlPropagate', 'cacheinfo'],
  },
  neighbor: {
    view: neighborView, types: [28, 29],
    fields: ['family', 'ifindex', 'state', 'flags', 'router', 'proxy', 'type', 'dst', 'lladdr', 'lladdrIp', 'vlan', 'vni', 'srcVni', 'port',
      'master', 'viaIfindex', 'linkNetnsId', 'cacheinfo', 'probes', 'protocol', 'nhId'],
  },
  rule: {
    view: ruleView, types: [32, 33],
    fields: ['family', 'priority', 'not', 'srcLen', 'dstLen', 'tos', 'action', 'l3mdev', 'flags', 'src', 'dst', 'dscp',
      'fwmark', 'fwmask', 'iif', 'oif', 'uidRange', 'ipProto', 'sport', 'dport', 'table', 'goto', 'suppressPrefixlen',
      'suppressIfgroup', 'flow', 'tunId', 'flowlabel', 'flowlabelMask', 'protocol', 'sportMask', 'dportMask', 'dscpMask'],
  },
  nexthop: {
    view: nexthopView, types: [104, 105],
    fields: ['id', 'scope', 'protocol', 'flags', 'family', 'group', 'type', 'resilientArgs', 'gateway', 'oif', 'blackhole',
      'fdb', 'encapType', 'encap', 'hwStats', 'groupStats'],
  },
  nsid: {
    view: nsidView, types: [88, 89],
    fields: ['nsid', 'currentNsid'],
  },
};

/** The golden object messages of a family (requests and other types left out). */
function captures(name: string, family: Family): Array<{ name: string; bytes: Buffer }> {
  return hexFiles(fixturesDir(name)).filter((s) => s.bytes.length >= 16 && family.types.includes(s.bytes.readUInt16LE(4)));
}

/** JSON's view of a toObject() value, bigints as decimal strings and bytes as hex. */
function asJson(value: object, family: Family): unknown {
  // The replacer sees a Buffer after Buffer#toJSON ran: take the value from its holder instead.
  return JSON.parse(JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const w = family.json ? family.json(key, this[key]) : this[key];
    if (w === undefined) return v;
    if (typeof w === 'bigint') return w.toString();
    if (w instanceof Uint8Array) return Buffer.from(w).toString('hex');
    return w;
  }));
}

for (const [name, family] of Object.entries(FAMILIES)) {
  const golden = captures(name, family);

  test(`${name}: golden captures exist`, (t) => {
    t.true(golden.length >= 3, `${golden.length} ${name} captures`);
  });

  for (const capture of golden) {
    const fresh = (): Record<string, unknown> => family.view(capture.bytes, 0, capture.bytes.length) as unknown as Record<string, unknown>;

    test(`${name} ${capture.name}: toObject() holds the getters' values, set fields only`, (t) => {
      const object = (family.view(capture.bytes, 0, capture.bytes.length).toObject()) as Record<string, unknown>;
      for (const key of Object.keys(object)) {
        t.true(family.fields.includes(key), `unexpected field ${key}`);
        t.not(object[key], undefined, `${key} is present only when set`);
      }
      const all = fresh();
      for (const field of family.fields) {
        t.deepEqual(fresh()[field], object[field], `${field} read first`);
        t.deepEqual(all[field], object[field], `${field} read after the others`);
      }
      t.not(family.view(capture.bytes, 0, capture.bytes.length).toObject(), object, 'a new object each call');
    });

    test(`${name} ${capture.name}: toJSON() is toObject() made JSON-safe; JSON.stringify uses it`, (t) => {
      const view = family.view(capture.bytes, 0, capture.bytes.length);
      const expected = asJson(view.toObject(), family);
      t.deepEqual(view.toJSON(), expected);
      t.deepEqual(JSON.parse(JSON.stringify(view)), expected);
      t.is(JSON.stringify(view), JSON.stringify(view.toJSON()));
    });

    test(`${name} ${capture.name}: copies and printing show fields, never internals`, (t) => {
      const view = family.view(capture.bytes, 0, capture.bytes.length);
      t.deepEqual(Object.keys(view), []);
      t.deepEqual({ ...view }, {});
      t.deepEqual(Object.getOwnPropertySymbols(view), []);
      t.deepEqual(structuredClone(view), {});
      const printed = inspect(view, { depth: 4 });
      t.true(printed.startsWith(`${view.constructor.name} {`), printed.slice(0, 40));
      t.notRegex(printed, /(^|[\s{,])(buf|off|len|index)\s*:/m);
      // Raw bytes of an attribute no decoder knows may print as a Buffer; the message itself never.
      t.false(printed.includes(`<Buffer ${capture.bytes.subarray(0, 8).toString('hex').replace(/(..)(?!$)/g, '$1 ')}`), 'the message printed');
      const object = view.toObject() as Record<string, unknown>;
      for (const [key, value] of Object.entries(object)) {
        if (typeof value !== 'object') t.true(printed.includes(`${key}: `), `${key} printed`);
      }
      const line = String(view);
      t.false(line.includes('[object'), line);
      t.false(line.includes('\n'), line);
      t.is(`${view}`, line);
    });
  }
}

/** The first capture of `family` named `file`, as a view. */
function golden<T extends MessageView>(family: string, file: string, make: (buf: Buffer, off: number, len: number) => T): T {
  const capture = hexFiles(fixturesDir(family)).find((s) => s.name === file);
  if (capture === undefined) throw new Error(`no capture ${family}/${file}`);
  return make(capture.bytes, 0, capture.bytes.length);
}

test('String(view) is a short ip-like line for each family', (t) => {
  t.is(String(golden('link', 'newlink-lo.hex', linkView)), '1: lo <LOOPBACK,UP,LOWER_UP> mtu 65536 state UNKNOWN link/loopback 00:00:00:00:00:00');
  t.is(String(golden('route', 'inet4-gateway-table.hex', routeView)), '10.2.0.0/16 via 10.1.0.2 dev 3 table 1000 proto static src 10.1.0.1 metric 5');
  t.is(String(golden('route', 'inet4-link.hex', routeView)), '10.3.0.0/24 dev 3 proto boot scope link');
  t.is(String(golden('route', 'inet4-blackhole.hex', routeView)), 'blackhole 10.4.0.0/24 proto boot');
  t.is(String(golden('address', 'v4-brd-label.hex', addressView)).split(' dev ')[0]!.includes('/'), true);
  t.is(String(golden('rule', 'default-inet4-32766.hex', ruleView)), '32766: from all lookup main');
  t.regex(String(golden('neighbor', 'inet4-permanent.hex', neighborView)), /^\d+\.\d+\.\d+\.\d+ dev \d+ lladdr [0-9a-f:]{17} PERMANENT$/);
});

test('link flags: the getter, toObject() and toJSON() have the same object of booleans', (t) => {
  const lo = golden('link', 'newlink-lo.hex', linkView);
  t.like(lo.flags, { up: true, loopback: true, lowerUp: true, broadcast: false });
  t.deepEqual(lo.toObject().flags, lo.flags);
  t.deepEqual((lo.toJSON() as { flags: unknown }).flags, lo.flags);
});

test('names where ip prints names: route and rule tables, protocols, address proto, neighbour protocol and type', (t) => {
  const rt = golden('route', 'inet4-kernel-local.hex', routeView);
  t.is(rt.table, 'local');
  t.is(rt.tableId, 255);
  t.is(rt.protocol, 'kernel');
  t.is(golden('route', 'inet4-gateway-table.hex', routeView).table, 1000);
  t.is(golden('rule', 'default-inet4-0.hex', ruleView).table, 'local');
  t.is(golden('rule', 'default-inet4-0.hex', ruleView).protocol, 'kernel');
  t.is(golden('address', 'v6-linklocal-proto.hex', addressView).proto, 'kernel_ll');
  t.is(golden('neighbor', 'inet4-stale-static.hex', neighborView).protocol, 'static');
  t.is(golden('neighbor', 'inet4-permanent.hex', neighborView).type, 'unicast');
});

test('the link view\'s own fast readers agree with the schema decode on every capture (linkInfo, stats, addrGenMode)', (t) => {
  const links = captures('link', FAMILIES.link!);
  for (const capture of links) {
    const view = linkView(capture.bytes, 0, capture.bytes.length);
    const attrs = view.attributes;
    t.deepEqual(view.linkInfo, attrs.linkinfo, `${capture.name} linkInfo`);
    t.deepEqual(view.stats, attrs.stats64, `${capture.name} stats`);
    t.is(view.addrGenMode, attrs.afSpec?.inet6?.addrGenMode, `${capture.name} addrGenMode`);
  }
  // Kind only, slave kind only, both in either order, and what must go to the codec.
  const { attr, bytes, cstr, nlmsg } = helpers;
  const link = (...info: Buffer[]): Buffer => nlmsg(16, 0, 1, 0, Buffer.alloc(16), attr(18, ...info));
  const cases = [
    link(attr(1, cstr('ifb'))),
    link(attr(4, cstr('bridge'))),
    link(attr(1, cstr('veth')), attr(4, cstr('bridge'))),
    link(attr(4, cstr('bridge')), attr(1, cstr('veth'))),
    link(),
    link(attr(1, cstr('dummy')), attr(1, cstr('again'))),
    link(attr(1 | 0x8000, cstr('flagged'))),
    link(attr(1, cstr('vxlan')), attr(2, bytes(attr(1, [42, 0, 0, 0])))),
    link(attr(1, cstr('ifb')), attr(3, [1, 2, 3, 4])),
  ];
  for (const raw of cases) {
    const view = linkView(raw, 0, raw.length);
    t.deepEqual(view.linkInfo, view.attributes.linkinfo, raw.toString('hex'));
    t.deepEqual(Object.keys(view.linkInfo!), Object.keys(view.attributes.linkinfo!), `order ${raw.toString('hex')}`);
  }
});
