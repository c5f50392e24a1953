// Hostile input on every public method of the sandbox and netns API, as one table: wrong types,
// NaN, ±Infinity, negative and huge numbers, NUL bytes, over-long names and paths, `..` and
// relative paths, unknown keys, options inherited through a prototype or hidden in getters, holes
// in arrays, and Object.prototype member names for every enum-valued field. Each call must be a
// ValidationError, and the kernel (ip -j inside the sandbox and in the source) and the disk
// (files and mounts) must be exactly as before. A polluted Object.prototype must change nothing.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { ValidationError, netns } from '../../lib/netlink/index.js';
import {
  InterfaceStatistics, Sandbox, generateKey, getBasePath, lowestFreeName, setBasePath, type Interface,
} from '../../lib/sandbox/index.js';
import { diskState, invalidPaths, ipJson, liveSerial, tempDir, tempNetns } from '../helpers/netns.js';
import { destroyAtTeardown, ipJsonIn, sandboxFixture } from '../helpers/sandbox-fixtures.js';

/** Values that are not strings (for every string argument). */
const NOT_STRINGS: unknown[] = [
  undefined, null, 0, 5, -1, NaN, Infinity, -Infinity, 2 ** 53, 10n, true, {}, [], ['eth0'], () => 'eth0', Symbol('eth0'),
  new String('eth0'), new Date(0),
];
/** Link names the kernel refuses (and one over a megabyte). */
const BAD_LINK_NAMES: unknown[] = ['', 'a\0b', 'x'.repeat(16), 'x'.repeat(1 << 20), '.', '..', 'a/b', 'a b', 'a:b', 'tab\t'];
/** Values that are not booleans. */
const NOT_BOOLEANS: unknown[] = [null, 0, 1, NaN, 'true', 'false', 'yes', {}, [], new Boolean(true)];
/** Fds that are not: out of range, not integers, not numbers. */
const BAD_FDS: unknown[] = [-1, -0.5, 1.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 53, 10n, null, {}, [], true];
/** Object.prototype's member names, for every enum-valued field. */
const PROTO_NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable',
  '__defineGetter__', 'toLocaleString'];
/** Over-long strings where an address is expected. */
const HUGE = '1'.repeat(1 << 20);

/**
 * Options objects that must be refused although they carry only valid values: not plain objects,
 * values inherited through a prototype or hidden in a getter, unknown keys (Object.prototype's
 * member names among them, and an own "__proto__" from JSON).
 */
function badOptionObjects(valid: Record<string, unknown>): unknown[] {
  const key = Object.keys(valid)[0]!;
  const withGetter = {};
  Object.defineProperty(withGetter, key, { get: () => valid[key], enumerable: true });
  class Options { constructor() { Object.assign(this, valid); } }
  return [
    5, 'x', true, NaN, Symbol('o'), [], [valid], new Map(Object.entries(valid)), new Options(), Object.create(valid),
    { __proto__: valid }, JSON.parse(`{"__proto__": ${JSON.stringify(valid)}}`), withGetter,
    { ...valid, unknownOption: 1 }, ...PROTO_NAMES.filter((n) => n !== '__proto__').map((n) => ({ ...valid, [n]: 1 })),
  ];
}

interface Case { name: string; call: () => unknown }

/** Builds one case per hostile value. */
function each(label: string, values: readonly unknown[], call: (v: unknown) => unknown): Case[] {
  return values.map((v, i) => ({ name: `${label} #${i} (${describe(v)})`, call: () => call(v) }));
}

function describe(v: unknown): string {
  if (typeof v === 'string') return v.length > 40 ? `string of ${v.length}` : JSON.stringify(v);
  if (typeof v === 'symbol' || typeof v === 'function') return typeof v;
  if (typeof v === 'bigint') return `${v}n`;
  try { return JSON.stringify(v) ?? String(v); } catch { return Object.prototype.toString.call(v); }
}

interface IpAddr { ifname: string; address: string; flags: string[]; addr_info: Array<{ local: string; prefixlen: number }> }
interface IpRouteAll { dst: string; gateway?: string; dev?: string; table?: string; type?: string }

/**
 * The configuration the kernel shows inside the sandbox and in the source namespace (names, MACs,
 * admin state, addresses, routes of every table, permanent neighbours): what a call could change,
 * without what changes by itself (link-local addresses and their routes, DAD, carrier, lifetimes).
 */
function kernelState(key: string, srcName: string): unknown {
  // IPv6 link-local addresses (and their local and multicast routes) come and go with DAD by themselves.
  const auto = (ip: string): boolean => ip.startsWith('fe80:') || ip.startsWith('ff00:') || ip === 'ff00::/8';
  const links = (json: IpAddr[]) => json.map((l) => [l.ifname, l.address, l.flags.includes('UP'),
    l.addr_info.filter((a) => !auto(a.local)).map((a) => `${a.local}/${a.prefixlen}`)]);
  const routes = (json: IpRouteAll[]) => json.filter((r) => !auto(r.dst)).map((r) => [r.dst, r.gateway, r.dev, r.table, r.type]);
  return {
    inside: links(ipJsonIn<IpAddr[]>(key, ['addr'])),
    routes: routes(ipJsonIn<IpRouteAll[]>(key, ['route', 'show', 'table', 'all'])),
    routes6: routes(ipJsonIn<IpRouteAll[]>(key, ['-6', 'route', 'show', 'table', 'all'])),
    neigh: ipJsonIn(key, ['neigh', 'show', 'nud', 'permanent']),
    source: links(ipJson<IpAddr[]>(srcName, ['addr'])),
    // The knobs a sysctl call could reach (stable_secret is unreadable: skipped).
    knobs: execFileSync('nsenter', [`--net=${key}`, 'sh', '-c',
      'grep -r . /proc/sys/net/ipv4/conf /proc/sys/net/ipv6/conf /proc/sys/net/ipv4/ip_forward /proc/sys/net/core/somaxconn 2>/dev/null; true'],
    { encoding: 'utf8' }),
  };
}

async function expectValidation(t: ExecutionContext, c: Case): Promise<void> {
  const e = await t.throwsAsync(async () => c.call(), undefined, c.name);
  t.true(e instanceof ValidationError, `${c.name}: ${e?.name}: ${e?.message.slice(0, 200)}`);
}

// Serial: a polluted Object.prototype must not reach other tests.
liveSerial('every sandbox and netns method refuses hostile input with a ValidationError before touching anything', async (t) => {
  const { src, sb, key, dir } = await sandboxFixture(t);
  await sb.addInterface('hbr', 'br', { bridge: true });
  const iface: Interface = await sb.addVeth('hv0', 'eth', { address: '10.70.0.2/24' });
  const ext = await tempNetns(t, 'hex');
  const work = tempDir(t);
  const good = join(work, 'good');
  const paths = invalidPaths(work).map((p) => p.path);
  const badIps = [...NOT_STRINGS.filter((v) => v !== undefined), '10.0.0.300', '10.0.0.1/24', 'fd00::1::1', 'a\0b', HUGE, 'constructor'];
  const badMacs = [...NOT_STRINGS, '02:00:00:00:00', '02:00:00:00:00:00:00', 'zz:00:00:00:00:01', '02-00-00-00-00-01\0', HUGE];
  const badCidrs = [...NOT_STRINGS, '10.0.0.2', '10.0.0.2/33', '10.0.0.2/-1', '10.0.0.2/ 24', 'a\0/24', HUGE, 'toString'];
  const hole: unknown[] = [];
  hole[1] = '10.71.0.0/16';
  const getterArray = ['10.71.0.0/16'];
  Object.defineProperty(getterArray, 0, { get: () => '10.71.0.0/16' });
  const badRoutes = [...NOT_STRINGS.filter((v) => !Array.isArray(v) && v !== undefined), '10.71.0.0/16', [5], ['10.71.2.3/16'], hole, getterArray, [HUGE]];
  const badFamilies = [...PROTO_NAMES, 'inet4', 'INET', 'ipv4', 0, 1, 3, 2.5, -2, NaN, Infinity, -Infinity, 2 ** 53, null, true, {}, [], '2'];
  const staticRoute = { destination: '10.72.0.0/16', nextHop: '10.70.0.9' };
  const badStaticRoutes = [
    undefined, ...badOptionObjects(staticRoute), { destination: '10.72.0.1/16', nextHop: '10.70.0.9' },
    { destination: '10.72.0.0/16', nextHop: 'fd00::9' }, ...badCidrs.map((d) => ({ destination: d, nextHop: '10.70.0.9' })),
    ...badIps.map((n) => ({ destination: '10.72.0.0/16', nextHop: n })),
  ];
  const interfaceOptionValues: Record<string, unknown[]> = {
    dstName: [...NOT_STRINGS.filter((v) => v !== undefined), ...BAD_LINK_NAMES],
    address: [...badCidrs.filter((v) => v !== undefined), 'fd00::2/64'],
    addressIPv6: [...badCidrs.filter((v) => v !== undefined), '10.0.0.2/24'],
    mac: badMacs.filter((v) => v !== undefined),
    bridge: NOT_BOOLEANS,
    master: [...NOT_STRINGS.filter((v) => v !== undefined), ...BAD_LINK_NAMES],
    routes: badRoutes,
    linkLocalAddresses: [...badRoutes, ['10.0.0.1/24'], ['fd00::1/64'], ['169.254.0.1/33'], ['fe80::1%eth0'], ['constructor']],
    sysctls: [...NOT_STRINGS.filter((v) => !Array.isArray(v) && v !== undefined), 'net.ipv4.conf.IFNAME.forwarding=1', hole,
      ['net.ipv4.conf.eth0.forwarding=1'], ['net.ipv4.ip_forward=1'], ['net.ipv4.conf.IFNAME.forwarding'], ['net.ipv4.conf.IFNAME.a=1\n'],
      ['net.ipv4.conf.IFNAME.../../x=1'], ['kernel.conf.IFNAME.x=1'], ['net.ipv4.neigh.IFNAME.x=1'], [HUGE], ['toString']],
    disableIPv6: NOT_BOOLEANS,
    advertiseAddrNMsgs: [-1, 4, 1.5, NaN, Infinity, -Infinity, 2 ** 53, '1', null, true, {}, [], 10n],
    advertiseAddrInterval: [0, 99, 2001, 150.5, NaN, Infinity, -100, '1000', null, true, {}, 10n],
    createdInContainer: NOT_BOOLEANS,
  };
  const badInterfaceOptions = [
    ...badOptionObjects({ address: '10.73.0.2/24' }),
    ...Object.entries(interfaceOptionValues).flatMap(([k, vs]) => vs.map((v) => ({ [k]: v }))),
  ];
  const o = sb.interfaceOptions();
  const n = sb.neighborOptions();
  const cases: Case[] = [
    // Sandbox.create / forExternalKey / restore: keys, paths and options.
    ...each('create key', [...NOT_STRINGS, ...paths], (v) => Sandbox.create(v as string, { sourceNetns: src.path })),
    ...each('create options', badOptionObjects({ osCreate: true }), (v) => Sandbox.create(good, v as never)),
    ...each('create osCreate', NOT_BOOLEANS, (v) => Sandbox.create(good, { osCreate: v as boolean, sourceNetns: src.path })),
    ...each('create sourceNetns', [...BAD_FDS, ...paths.filter((p) => typeof p === 'string')], (v) => Sandbox.create(good, { sourceNetns: v as number })),
    ...each('forExternalKey path', [...NOT_STRINGS, ...paths], (v) => Sandbox.forExternalKey(v as string, good, { sourceNetns: src.path })),
    ...each('forExternalKey key', [...NOT_STRINGS, ...paths, ext.path], (v) => Sandbox.forExternalKey(ext.path, v as string, { sourceNetns: src.path })),
    ...each('forExternalKey options', badOptionObjects({ sourceNetns: src.path }), (v) => Sandbox.forExternalKey(ext.path, good, v as never)),
    ...each('restore key', [...NOT_STRINGS, ...paths], (v) => Sandbox.restore(v as string, { sourceNetns: src.path })),
    ...each('restore options', badOptionObjects({ gateway: '10.70.0.1' }), (v) => Sandbox.restore(key, v as never)),
    ...each('restore interfaces', [
      5, 'x', {}, hole, [undefined], [null], [5], ...badOptionObjects({ srcName: 'hv0' }).map((x) => [x]),
      ...[...NOT_STRINGS, ...BAD_LINK_NAMES].map((s) => [{ srcName: s }]), [{ srcName: 'hv0', dstPrefix: 'x'.repeat(15) }],
      ...Object.entries(interfaceOptionValues).flatMap(([k, vs]) => vs.map((v) => [{ srcName: 'hv0', [k]: v }])),
      [{ srcName: 'hv0', unknownOption: 1 }], [{ srcName: 'hv0', constructor: 1 }], [{ srcName: 'hv0', toString: 'x' }],
    ], (v) => Sandbox.restore(key, { interfaces: v as never, sourceNetns: src.path })),
    ...each('restore gateway', [...badIps, 'fd00::1'], (v) => Sandbox.restore(key, { gateway: v as string, sourceNetns: src.path })),
    ...each('restore gatewayIPv6', [...badIps, '10.0.0.1'], (v) => Sandbox.restore(key, { gatewayIPv6: v as string, sourceNetns: src.path })),
    ...each('restore staticRoutes', [5, 'x', {}, hole, ...badStaticRoutes.map((r) => [r])], (v) => Sandbox.restore(key, { staticRoutes: v as never, sourceNetns: src.path })),
    // Interfaces.
    ...each('addInterface srcName', [...NOT_STRINGS, ...BAD_LINK_NAMES], (v) => sb.addInterface(v as string, 'eth')),
    ...each('addInterface dstPrefix', [...NOT_STRINGS, 'x'.repeat(15), 'a/', 'a\0', 'a b', HUGE], (v) => sb.addInterface('hx0', v as string)),
    ...each('addInterface options', badInterfaceOptions, (v) => sb.addInterface('hx0', 'eth', v as never)),
    ...each('addInterface later options', badInterfaceOptions, (v) => sb.addInterface('hx0', 'eth', { address: '10.74.0.2/24' }, null, v as never)),
    ...each('addVeth hostName', [...NOT_STRINGS, ...BAD_LINK_NAMES], (v) => sb.addVeth(v as string, 'eth')),
    ...each('addVeth options', [...badInterfaceOptions, { bridge: true }], (v) => sb.addVeth('hx1', 'eth', v as never)),
    // Option setters.
    ...each('interfaceOptions().bridge', NOT_BOOLEANS, (v) => o.bridge(v as boolean)),
    ...each('interfaceOptions().address', interfaceOptionValues.address!, (v) => o.address(v as string)),
    ...each('interfaceOptions().addressIPv6', interfaceOptionValues.addressIPv6!, (v) => o.addressIPv6(v as string)),
    ...each('interfaceOptions().mac', badMacs, (v) => o.mac(v as string)),
    ...each('interfaceOptions().master', [...NOT_STRINGS, ...BAD_LINK_NAMES], (v) => o.master(v as string)),
    ...each('interfaceOptions().routes', [undefined, ...badRoutes], (v) => o.routes(v as string[])),
    ...each('interfaceOptions().dstName', [undefined, ...interfaceOptionValues.dstName!], (v) => o.dstName(v as string)),
    ...each('interfaceOptions().linkLocalAddresses', [undefined, ...interfaceOptionValues.linkLocalAddresses!], (v) => o.linkLocalAddresses(v as string[])),
    ...each('interfaceOptions().sysctls', [undefined, ...interfaceOptionValues.sysctls!], (v) => o.sysctls(v as string[])),
    ...each('interfaceOptions().disableIPv6', [undefined, ...NOT_BOOLEANS], (v) => o.disableIPv6(v as boolean)),
    ...each('interfaceOptions().advertiseAddrNMsgs', [undefined, ...interfaceOptionValues.advertiseAddrNMsgs!], (v) => o.advertiseAddrNMsgs(v as number)),
    ...each('interfaceOptions().advertiseAddrInterval', [undefined, ...interfaceOptionValues.advertiseAddrInterval!], (v) => o.advertiseAddrInterval(v as number)),
    ...each('interfaceOptions().createdInContainer', [undefined, ...NOT_BOOLEANS], (v) => o.createdInContainer(v as boolean)),
    ...each('neighborOptions().linkName', [...NOT_STRINGS, ...BAD_LINK_NAMES], (v) => n.linkName(v as string)),
    ...each('neighborOptions().family', [undefined, ...badFamilies], (v) => n.family(v as 'inet')),
    // Gateways and static routes.
    ...each('setGateway', [...badIps, 'fd00::1'], (v) => sb.setGateway(v as string)),
    ...each('setGatewayIPv6', [...badIps, '10.0.0.1'], (v) => sb.setGatewayIPv6(v as string)),
    ...each('addStaticRoute', badStaticRoutes, (v) => sb.addStaticRoute(v as never)),
    ...each('removeStaticRoute', badStaticRoutes, (v) => sb.removeStaticRoute(v as never)),
    ...each('setDefaultRouteIPv4', [...NOT_STRINGS, ...BAD_LINK_NAMES], (v) => sb.setDefaultRouteIPv4(v as string)),
    ...each('setDefaultRouteIPv6', [...NOT_STRINGS, ...BAD_LINK_NAMES], (v) => sb.setDefaultRouteIPv6(v as string)),
    ...each('restore defaultRouteIPv4', [...NOT_STRINGS.filter((v) => v !== undefined), ...BAD_LINK_NAMES], (v) => Sandbox.restore(key, { defaultRouteIPv4: v as string, sourceNetns: src.path })),
    ...each('restore defaultRouteIPv6', [...NOT_STRINGS.filter((v) => v !== undefined), ...BAD_LINK_NAMES], (v) => Sandbox.restore(key, { defaultRouteIPv6: v as string, sourceNetns: src.path })),
    // Namespace operations and kernel knobs.
    ...each('addAliasIP ifName', [...NOT_STRINGS, ...BAD_LINK_NAMES], (v) => sb.addAliasIP(v as string, '10.75.0.1/32')),
    ...each('addAliasIP ip', [...badIps.filter((v) => v !== '10.0.0.1/24'), '10.75.0.1/33'], (v) => sb.addAliasIP('lo', v as string)),
    ...each('removeAliasIP ifName', [...NOT_STRINGS, ...BAD_LINK_NAMES], (v) => sb.removeAliasIP(v as string, '10.75.0.1/32')),
    ...each('removeAliasIP ip', [...badIps.filter((v) => v !== '10.0.0.1/24'), 'fd00::1/129'], (v) => sb.removeAliasIP('lo', v as string)),
    ...each('disableARPForVIP', [...NOT_STRINGS, ...BAD_LINK_NAMES], (v) => sb.disableARPForVIP(v as string)),
    ...each('interfaceBySrcName', [...NOT_STRINGS, ...BAD_LINK_NAMES], (v) => sb.interfaceBySrcName(v as string)),
    ...each('applyOSTweaks', [undefined, null, 5, 'ingress', {}, hole, ...PROTO_NAMES.map((p) => [p]), ['Ingress'], ['lb'], [0], [1], [null]],
      (v) => sb.applyOSTweaks(v as never)),
    ...each('readSysctl', [...NOT_STRINGS, '', 'net', 'kernel.hostname', 'net..ipv4', 'net.ipv4./..', 'net.ipv4.a b', 'net.a\0b', `net.${HUGE}`,
      'net/ipv4/ip_forward', '/proc/sys/net/ipv4/ip_forward', 'constructor', 'toString'], (v) => sb.readSysctl(v as string)),
    ...each('writeSysctl key', ['kernel.hostname', 'net.ipv4./../../kernel/hostname', 'net..ipv4', 'vm.drop_caches', ''], (v) => sb.writeSysctl(v as string, '1')),
    ...each('writeSysctl value', [undefined, null, NaN, 1.5, Infinity, 2 ** 53, 10n, true, {}, [], '', ' 1', '1\n', 'a\0', HUGE],
      (v) => sb.writeSysctl('net.ipv4.ip_forward', v as string)),
    // Neighbours.
    ...each('addNeighbor ip', badIps, (v) => sb.addNeighbor(v as string, '02:00:00:00:70:09', { linkName: 'hv0' })),
    ...each('addNeighbor mac', badMacs, (v) => sb.addNeighbor('10.70.0.9', v as string, { linkName: 'hv0' })),
    ...each('addNeighbor options', [
      ...badOptionObjects({ linkName: 'hv0' }), {}, { family: 'inet' }, { linkName: 'hv0', family: 'inet6' },
      ...badFamilies.map((f) => ({ linkName: 'hv0', family: f })), ...[...NOT_STRINGS.filter((v) => v !== undefined), ...BAD_LINK_NAMES].map((l) => ({ linkName: l })),
    ], (v) => sb.addNeighbor('10.70.0.9', '02:00:00:00:70:09', v as never)),
    ...each('deleteNeighbor ip', badIps, (v) => sb.deleteNeighbor(v as string, '02:00:00:00:70:09')),
    ...each('deleteNeighbor mac', badMacs, (v) => sb.deleteNeighbor('10.70.0.9', v as string)),
    ...each('deleteNeighbor options', [...badOptionObjects({ linkName: 'hv0' }), ...badFamilies.map((f) => ({ family: f }))],
      (v) => sb.deleteNeighbor('10.70.0.9', '02:00:00:00:70:09', v as never)),
    // invoke.
    ...each('invoke', NOT_STRINGS.filter((v) => typeof v !== 'function'), (v) => sb.invoke(v as () => void)),
    // Keys, base path, names, statistics.
    ...each('generateKey', [...NOT_STRINGS, '', 'a/b', '..', '.', 'x\0y', '/'], (v) => generateKey(v as string)),
    ...each('setBasePath', [...NOT_STRINGS, ...paths], (v) => setBasePath(v as string)),
    ...each('lowestFreeName prefix', NOT_STRINGS, (v) => lowestFreeName(v as string, [])),
    ...each('lowestFreeName names', [undefined, null, 5, 'eth0', {}, [5], new Set([null])], (v) => lowestFreeName('eth', v as string[])),
    ...each('InterfaceStatistics', [undefined, null, 5, {}, { rxBytes: 1 }, {
      rxBytes: -1n, rxPackets: 0n, rxErrors: 0n, rxDropped: 0n, txBytes: 0n, txPackets: 0n, txErrors: 0n, txDropped: 0n,
    }, {
      rxBytes: 1n << 64n, rxPackets: 0n, rxErrors: 0n, rxDropped: 0n, txBytes: 0n, txPackets: 0n, txErrors: 0n, txDropped: 0n,
    }], (v) => new InterfaceStatistics(v as never)),
    // netns.
    ...each('netns.create path', [...NOT_STRINGS, ...paths], (v) => netns.create(v as string)),
    ...each('netns.create options', badOptionObjects({ sharedMount: false }), (v) => netns.create(good, v as never)),
    ...each('netns.create sharedMount', NOT_BOOLEANS, (v) => netns.create(good, { sharedMount: v as boolean })),
    ...each('netns.remove', [...NOT_STRINGS, ...paths], (v) => netns.remove(v as string)),
    ...each('netns.list', [null, 0, 5, NaN, {}, [], true, ...paths.filter((p) => p !== '/' && p !== undefined)], (v) => netns.list(v as string)),
  ];
  const kernelBefore = kernelState(key, src.name);
  const diskBefore = diskState(dir);
  const workBefore = diskState(work);
  for (const c of cases) await expectValidation(t, c);
  t.deepEqual(kernelState(key, src.name), kernelBefore, 'the kernel is unchanged');
  t.deepEqual(diskState(dir), diskBefore, 'the key directory is unchanged');
  t.deepEqual(diskState(work), workBefore, 'nothing was made');
  t.false(existsSync(good));
  t.is(getBasePath(), '/var/run/docker/netns');
  t.deepEqual(sb.info().interfaces.map((i) => i.dstName), ['br0', 'eth0']);
  t.deepEqual(iface.toObject(), { srcName: 'hv0', dstName: 'eth0', address: '10.70.0.2/24', routes: [], linkLocalAddresses: [], bridge: false });
  t.log(`${cases.length} hostile calls`);
});

/**
 * How a polluted Object.prototype gets its properties: by assignment (enumerable, what a merge
 * gadget does) or by Object.defineProperty without `enumerable` (invisible to for...in and
 * Object.keys, still inherited by every plain object).
 */
type PollutionMode = 'assigned' | 'hidden';

function pollute(proto: Record<string, unknown>, key: string, value: unknown, mode: PollutionMode): void {
  if (mode === 'assigned') proto[key] = value;
  else Object.defineProperty(proto, key, { value, writable: true, configurable: true, enumerable: false });
}

for (const mode of ['assigned', 'hidden'] as const) {
liveSerial(`a polluted Object.prototype (${mode} properties) changes nothing: options are read from own properties only`, async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  const work = tempDir(t);
  // Every option name of the sandbox and netns API, and of lib/netlink's calls under them (mac,
  // master, family).
  const pollution: Record<string, unknown> = {
    mac: '02:00:00:00:98:98', master: 'nope0', family: 6,
    address: '10.98.0.2/24', addressIPv6: 'fd98::2/64', bridge: true, routes: ['10.99.0.0/16'],
    osCreate: false, sourceNetns: '/proc/self/ns/net', sharedMount: true, linkName: 'nope0', gateway: '10.98.0.1',
    gatewayIPv6: 'fd98::1', staticRoutes: [{ destination: '10.97.0.0/16', nextHop: '10.98.0.9' }], interfaces: [{ srcName: 'nope0' }],
    destination: '10.96.0.0/16', nextHop: '10.95.0.1', srcName: 'nope0', dstName: 'nope0', dstPrefix: 'nope',
    linkLocalAddresses: ['169.254.98.2/16'], sysctls: ['net.ipv4.conf.IFNAME.forwarding=1'], disableIPv6: true, advertiseAddrNMsgs: 0,
    advertiseAddrInterval: 100, createdInContainer: true, defaultRouteIPv4: 'nope0', defaultRouteIPv6: 'nope0',
  };
  const proto = Object.prototype as Record<string, unknown>;
  const ipSnapshot = () => ipJsonIn(key, ['addr']);
  let made!: Interface;
  let other!: Sandbox;
  let restored!: Sandbox;
  for (const [k, v] of Object.entries(pollution)) pollute(proto, k, v, mode);
  try {
    made = await sb.addVeth('pv0', 'eth', {});
    await sb.addNeighbor('10.70.0.9', '02:00:00:00:70:09', { linkName: 'pv0' });
    other = await Sandbox.create(join(work, 'other'), { sourceNetns: src.path });
    restored = await Sandbox.restore(key, { sourceNetns: src.path });
    await netns.create(join(work, 'ns'));
  } finally {
    for (const k of Object.keys(pollution)) delete proto[k];
  }
  destroyAtTeardown(t, other);
  destroyAtTeardown(t, restored);
  t.deepEqual(made.toObject(), { srcName: 'pv0', dstName: 'eth0', routes: [], linkLocalAddresses: [], bridge: false });
  t.is(execFileSync('nsenter', [`--net=${key}`, 'cat', '/proc/sys/net/ipv4/conf/eth0/forwarding'], { encoding: 'utf8' }).trim(), '0',
    'no polluted sysctl was applied');
  t.is(execFileSync('nsenter', [`--net=${key}`, 'cat', '/proc/sys/net/ipv6/conf/eth0/disable_ipv6'], { encoding: 'utf8' }).trim(), '0',
    'IPv6 was not disabled by a polluted option');
  t.false(JSON.stringify(ipSnapshot()).includes('10.98.'), 'no polluted address reached the kernel');
  t.deepEqual(ipJsonIn<Array<{ dst: string; lladdr: string }>>(key, ['neigh', 'show', 'dev', 'eth0']).map((x) => [x.dst, x.lladdr]),
    [['10.70.0.9', '02:00:00:00:70:09']], 'an ARP entry, not an FDB entry');
  t.not(statSync(other.key).ino, statSync(src.path).ino, 'a new namespace (osCreate was not read from the prototype)');
  t.deepEqual(restored.info(), {
    interfaces: [], gateway: undefined, gatewayIPv6: undefined, defaultRouteIPv4: undefined, defaultRouteIPv6: undefined, staticRoutes: [],
  });
  t.true(existsSync(join(work, 'ns')));
  await netns.remove(join(work, 'ns'));
});
}
