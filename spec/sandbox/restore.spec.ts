// Sandbox.restore (live restore): state rebuilt from the kernel, nothing changed in it, and later
// calls (names, conflicts, remove, unset) working on the restored state.
import { join } from 'node:path';
import { Sandbox, SandboxError } from '../../lib/sandbox/index.js';
import { liveTest } from '../helpers/netns.js';
import {
  destroyAtTeardown, ipIn, ipJsonIn, linkIn, linkNamesIn, sandboxFixture, tempKeyDir, veth, type IpLink, type IpRoute,
} from '../helpers/sandbox-fixtures.js';

/**
 * What configuration `ip` shows inside the namespace on `key`: each link's name, index, MAC,
 * admin state, master and addresses, and the routes (carrier and timers change by themselves).
 */
function kernelState(key: string): unknown[] {
  const links = ipJsonIn<Array<IpLink & { addr_info: Array<{ local: string; prefixlen: number }> }>>(key, ['addr']).map((l) => ({
    name: l.ifname, ifindex: l.ifindex, mac: l.address, up: l.flags.includes('UP'), master: l.master,
    addresses: l.addr_info.map((a) => `${a.local}/${a.prefixlen}`),
  }));
  const routes = [...ipJsonIn<IpRoute[]>(key, ['route']), ...ipJsonIn<IpRoute[]>(key, ['-6', 'route'])]
    .map((r) => [r.dst, r.gateway, r.dev, r.scope, r.protocol]);
  return [links, routes, ipJsonIn(key, ['neigh', 'show', 'nud', 'permanent'])];
}

async function populated(t: Parameters<typeof sandboxFixture>[0]) {
  const f = await sandboxFixture(t);
  veth(f.src.name, 'rs0', 'rs1');
  veth(f.src.name, 'rs2', 'rs3');
  await f.sb.addInterface('rsbr', 'br', { bridge: true });
  await f.sb.addInterface('rs0', 'eth', { address: '10.110.0.2/24', addressIPv6: 'fd10::2/64', master: 'rsbr' });
  await f.sb.addInterface('rs2', 'eth');
  await f.sb.addVeth('rsh', 'net', { address: '10.113.0.2/24' });
  await f.sb.setGateway('10.110.0.1');
  await f.sb.setGatewayIPv6('fd10::1');
  await f.sb.addStaticRoute({ destination: '10.111.0.0/16', nextHop: '10.110.0.9' });
  // lo down: restore must not touch it (it changes nothing).
  ipIn(f.key, ['link', 'set', 'lo', 'down']);
  return f;
}

liveTest('restore finds interfaces by address, exact name and prefix, takes gateways and static routes from the kernel, changes nothing', async (t) => {
  const { src, sb, key } = await populated(t);
  const before = kernelState(key);
  const rs = await Sandbox.restore(key, {
    interfaces: [
      { srcName: 'rsbr', dstName: 'br0', bridge: true },
      { srcName: 'rs0', dstPrefix: 'eth', address: '10.110.0.2/24', addressIPv6: 'fd10::2/64', master: 'rsbr' },
      { srcName: 'rs2', dstPrefix: 'eth' },
      { srcName: 'rsh', address: '10.113.0.2/24' },
    ],
    sourceNetns: src.path,
  });
  destroyAtTeardown(t, rs);
  t.deepEqual(kernelState(key), before, 'restore changed nothing in the kernel');
  const info = rs.info();
  t.deepEqual(info.interfaces.map((i) => [i.srcName, i.dstName, i.bridge, i.address ?? null, i.master ?? null]), [
    ['rsbr', 'br0', true, null, null],
    ['rs0', 'eth0', false, '10.110.0.2/24', 'rsbr'],
    ['rs2', 'eth1', false, null, null],
    ['rsh', 'net0', false, '10.113.0.2/24', null],
  ]);
  t.is(info.gateway, '10.110.0.1');
  t.is(info.gatewayIPv6, 'fd10::1');
  t.deepEqual(info.staticRoutes, [{ destination: '10.111.0.0/16', nextHop: '10.110.0.9' }]);
  t.deepEqual(sb.info().staticRoutes, info.staticRoutes);
  // The restored state works: names continue, unset removes the kernel route, remove moves back.
  veth(src.name, 'rs4', 'rs5');
  t.is((await rs.addInterface('rs4', 'eth')).dstName, 'eth2');
  await rs.unsetGateway();
  t.deepEqual(ipJsonIn<IpRoute[]>(key, ['route', 'show', 'default']), []);
  await rs.removeStaticRoute({ destination: '10.111.0.0/16', nextHop: '10.110.0.9' });
  await rs.info().interfaces[2]!.remove();
  t.truthy(linkIn(src.name, 'rs2'), 'the restored interface went back to the source namespace');
  await rs.info().interfaces[0]!.remove();
  // net0 was made by addVeth (its host end is in the source): remove() deletes the pair.
  const pair = rs.info().interfaces.find((i) => i.srcName === 'rsh')!;
  await pair.remove();
  t.is(linkIn(src.name, 'rsh'), undefined);
  t.deepEqual(linkNamesIn(key), ['eth0', 'eth2']);
  const lo = ipJsonIn<IpLink[]>(key, ['link', 'show', 'lo'])[0]!;
  t.false(lo.flags.includes('UP'));
});

liveTest('restore with given gateways and routes checks they are in the kernel; a missing one is an error', async (t) => {
  const { src, key } = await populated(t);
  const ok = await Sandbox.restore(key, {
    gateway: '10.110.0.1', staticRoutes: [{ destination: '10.111.0.0/16', nextHop: '10.110.0.9' }], sourceNetns: src.path,
  });
  destroyAtTeardown(t, ok);
  t.is(ok.info().gateway, '10.110.0.1');
  const before = kernelState(key);
  for (const options of [
    { gateway: '10.110.0.254' },
    { gatewayIPv6: 'fd10::99' },
    { staticRoutes: [{ destination: '10.112.0.0/16', nextHop: '10.110.0.9' }] },
    { interfaces: [{ srcName: 'ghost', address: '10.110.0.77/24' }] },
    { interfaces: [{ srcName: 'ghost', dstName: 'eth9' }] },
    { interfaces: [{ srcName: 'a', dstPrefix: 'eth' }, { srcName: 'b', dstPrefix: 'eth' }, { srcName: 'c', dstPrefix: 'eth' }] },
  ]) {
    const e = await t.throwsAsync(Sandbox.restore(key, { ...options, sourceNetns: src.path }), { instanceOf: SandboxError });
    t.is(e.step, 'restore', e.message);
  }
  t.deepEqual(kernelState(key), before);
  const dir = tempKeyDir(t);
  const none = await t.throwsAsync(Sandbox.restore(join(dir, 'nothing'), { sourceNetns: src.path }), { instanceOf: SandboxError });
  t.is(none.step, 'open');
  t.is(none.code, 'ENOENT');
});

liveTest('restore keeps the options given with each interface (link-local addresses, created inside), finds one by its IPv6 address, and default routes through an interface', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  const quiet = { advertiseAddrNMsgs: 0 };
  ipIn(key, ['link', 'add', 'rc0', 'type', 'veth', 'peer', 'name', 'rc1']);
  await sb.addInterface('rc0', 'in', { createdInContainer: true, address: '10.120.0.2/24', linkLocalAddresses: ['169.254.120.2/16'] }, quiet);
  await sb.addVeth('rv0', 'eth', { addressIPv6: 'fd12::2/64', routes: ['0.0.0.0/0', '::/0'] }, quiet);
  await sb.setDefaultRouteIPv4('rv0');
  await sb.setDefaultRouteIPv6('rv0');
  const before = kernelState(key);
  const records = [
    { srcName: 'rc0', address: '10.120.0.2/24', linkLocalAddresses: ['169.254.120.2/16'], createdInContainer: true, advertiseAddrNMsgs: 0 },
    { srcName: 'rv0', addressIPv6: 'fd12::2/64', routes: ['0.0.0.0/0', '::/0'], advertiseAddrNMsgs: 0 },
  ];
  const rs = await Sandbox.restore(key, { interfaces: records, defaultRouteIPv4: 'rv0', sourceNetns: src.path });
  destroyAtTeardown(t, rs);
  t.deepEqual(kernelState(key), before, 'restore changed nothing in the kernel');
  const [inside, veth0] = rs.info().interfaces;
  t.deepEqual([inside!.dstName, inside!.linkLocalAddresses], ['in0', ['169.254.120.2/16']]);
  t.is(veth0!.dstName, 'eth0', 'found by its IPv6 address');
  t.deepEqual([rs.info().defaultRouteIPv4, rs.info().defaultRouteIPv6], ['rv0', 'rv0'], 'the IPv6 one was found in the kernel');
  await rs.unsetDefaultRouteIPv4();
  t.deepEqual(ipJsonIn<IpRoute[]>(key, ['route', 'show', 'default']), []);
  // The link created inside stays inside on remove(), under its source name, without the addresses.
  await inside!.remove();
  t.deepEqual(linkNamesIn(key), ['eth0', 'rc0', 'rc1']);
  const [rc0] = ipJsonIn<Array<{ addr_info: Array<{ local: string; scope: string }> }>>(key, ['addr', 'show', 'dev', 'rc0']);
  t.deepEqual(rc0!.addr_info.filter((a) => a.scope !== 'link').map((a) => a.local), []);
  t.deepEqual(rc0!.addr_info.map((a) => a.local).filter((a) => a.startsWith('169.254.')), []);
  // A default route named but not in the kernel is an error; so is one through an interface not restored.
  for (const options of [{ defaultRouteIPv4: 'rv0' }, { interfaces: [records[1]!], defaultRouteIPv6: 'rc0' }]) {
    const e = await t.throwsAsync(Sandbox.restore(key, { interfaces: [records[1]!], ...options, sourceNetns: src.path }), { instanceOf: SandboxError });
    t.is(e.step, 'restore', e.message);
  }
});
