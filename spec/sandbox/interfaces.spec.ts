// addInterface / addVeth / Interface.remove: configuration as the kernel shows it (`ip -j` inside the
// sandbox), validation before any change, lowest free names, and a complete rollback after a
// failure at each step, provoked by real kernel refusals.
import dgram from 'node:dgram';
import test, { type ExecutionContext } from 'ava';
import { ValidationError } from '../../lib/netlink/index.js';
import { native } from '../../lib/netlink/transport/native.js';
import { Sandbox, SandboxError, type SandboxStep } from '../../lib/sandbox/index.js';
import { ip, ipJson, liveTest } from '../helpers/netns.js';
import {
  ipIn, ipJsonIn, linkIn, linkNames, linkNamesIn, sandboxFixture, veth, type IpAddrLink, type IpLink, type IpRoute,
} from '../helpers/sandbox-fixtures.js';

/** What a link looks like in a namespace: name, MAC, up, master, global addresses. */
function snapshot(ns: string, name: string) {
  const [l] = ipJson<IpAddrLink[]>(ns, ['addr', 'show', 'dev', name]);
  return {
    name: l!.ifname, mac: l!.address, up: l!.flags.includes('UP'), master: l!.master,
    addresses: l!.addr_info.filter((a) => a.scope === 'global').map((a) => `${a.local}/${a.prefixlen}`),
  };
}

/** The sandbox holds nothing but `lo` and what `keep` lists. */
function onlyIn(key: string, keep: string[] = []): string[] {
  return linkNamesIn(key).filter((n) => !keep.includes(n));
}

liveTest('addInterface applies MAC, IPv4, IPv6 without DAD, master, up and link routes, as ip shows them', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  veth(src.name, 'cfg0', 'cfg1');
  const br = await sb.addInterface('brsrc', 'br', { bridge: true, address: '10.20.0.1/24' });
  const i = await sb.addInterface('cfg0', 'eth', {
    mac: '02:42:ac:11:00:02', address: '10.0.0.2/24', addressIPv6: 'fd00::2/64', master: 'brsrc', routes: ['10.1.0.0/16', 'fd01::/64'],
  });
  t.is(br.dstName, 'br0');
  t.true(br.bridge);
  t.is(i.dstName, 'eth0');
  const [link] = ipJsonIn<IpAddrLink[]>(key, ['-d', 'addr', 'show', 'eth0']);
  t.is(link!.address, '02:42:ac:11:00:02');
  t.true(link!.flags.includes('UP'));
  t.is(link!.master, 'br0');
  const global = link!.addr_info.filter((a) => a.scope === 'global');
  t.deepEqual(global.map((a) => `${a.local}/${a.prefixlen}`), ['10.0.0.2/24', 'fd00::2/64']);
  t.true(global.find((a) => a.family === 'inet6')!.nodad);
  const r4 = ipJsonIn<IpRoute[]>(key, ['route', 'show', '10.1.0.0/16']);
  t.deepEqual(r4.map((r) => [r.dst, r.dev, r.scope]), [['10.1.0.0/16', 'eth0', 'link']]);
  const r6 = ipJsonIn<IpRoute[]>(key, ['-6', 'route', 'show', 'fd01::/64']);
  t.deepEqual(r6.map((r) => [r.dst, r.dev]), [['fd01::/64', 'eth0']]);
  const [brl] = ipJsonIn<IpLink[]>(key, ['-d', 'link', 'show', 'br0']);
  t.is(brl!.linkinfo?.info_kind, 'bridge');
  t.deepEqual([i.srcName, i.address, i.addressIPv6, i.mac, i.master, i.bridge, i.routes],
    ['cfg0', '10.0.0.2/24', 'fd00::2/64', '02:42:ac:11:00:02', 'brsrc', false, ['10.1.0.0/16', 'fd01::/64']]);
  t.is(linkIn(src.name, 'cfg0'), undefined, 'the link left the source namespace');
});

liveTest('options as several partial objects apply in order, null/undefined are skipped; getters and info() return copies', async (t) => {
  const { src, sb } = await sandboxFixture(t);
  veth(src.name, 'opt0', 'opt1');
  const o = sb.interfaceOptions();
  const i = await sb.addInterface('opt0', 'eth', o.address('10.3.0.9/24'), null, undefined, o.routes(['10.4.0.0/16']),
    { address: '10.3.0.2/24' }, o.mac('02:00:00:00:03:02'));
  t.is(i.address, '10.3.0.2/24');
  t.deepEqual(i.routes, ['10.4.0.0/16']);
  t.is(i.mac, '02:00:00:00:03:02');
  i.routes.push('junk');
  t.deepEqual(i.routes, ['10.4.0.0/16']);
  const info = sb.info();
  info.interfaces.length = 0;
  info.staticRoutes.push({ destination: '1.0.0.0/8', nextHop: '1.1.1.1' });
  t.is(sb.info().interfaces.length, 1);
  t.deepEqual(sb.info().staticRoutes, []);
  t.deepEqual(JSON.parse(JSON.stringify(i)), {
    srcName: 'opt0', dstName: 'eth0', address: '10.3.0.2/24', mac: '02:00:00:00:03:02', routes: ['10.4.0.0/16'],
    linkLocalAddresses: [], bridge: false,
  });
});

liveTest('malformed input is a ValidationError before anything changes, and consumes no name', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  veth(src.name, 'val0', 'val1');
  const before = snapshot(src.name, 'val0');
  const bad: Array<[string, string, unknown]> = [
    ['val0', 'eth', { address: '10.0.0.300/24' }],
    ['val0', 'eth', { address: 'fd00::1/64' }],
    ['val0', 'eth', { addressIPv6: '10.0.0.2/24' }],
    ['val0', 'eth', { address: '10.0.0.2' }],
    ['val0', 'eth', { routes: ['10.1.2.3/16'] }],
    ['val0', 'eth', { routes: '10.1.0.0/16' }],
    ['val0', 'eth', { mac: '02:00:00:00:00' }],
    ['val0', 'eth', { bridge: 'yes' }],
    ['val0', 'eth', { gateway: '10.0.0.1' }],
    ['val0', 'eth', 'address'],
    ['a-name-too-long-for-linux', 'eth', {}],
    ['val0', 'averyverylongpfx', {}],
    ['val0', 'eth/', {}],
  ];
  for (const [name, prefix, options] of bad) {
    await t.throwsAsync(sb.addInterface(name, prefix, options as never), { instanceOf: ValidationError }, JSON.stringify([name, prefix, options]));
  }
  t.throws(() => sb.interfaceOptions().address('fd00::1/64'), { instanceOf: ValidationError });
  t.throws(() => sb.interfaceOptions().routes(['10.0.0.1/8']), { instanceOf: ValidationError });
  t.deepEqual(snapshot(src.name, 'val0'), before);
  t.deepEqual(onlyIn(key), []);
  // A 14-byte prefix fits eth0..9 but the 11th name would be 16 bytes: refused, not truncated.
  t.is((await sb.addInterface('val0', 'abcdefghijklmn')).dstName, 'abcdefghijklmn0');
  await t.throwsAsync(sb.addVeth('val2', 'eth', { bridge: true }), { instanceOf: ValidationError });
  t.is((await sb.addVeth('val2', 'eth')).dstName, 'eth0', 'no failed call consumed a suffix');
});

liveTest('an unknown master, or one that is not a bridge of this sandbox, is an error and nothing changes', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  veth(src.name, 'ms0', 'ms1');
  veth(src.name, 'ms2', 'ms3');
  await sb.addInterface('ms2', 'eth');
  const before = snapshot(src.name, 'ms0');
  for (const master of ['nosuchbridge', 'ms2']) {
    const e = await t.throwsAsync(sb.addInterface('ms0', 'eth', { master }), { instanceOf: SandboxError });
    t.is(e.step, 'master');
    t.is(e.message, `could not find an appropriate master "${master}" for "ms0"`);
    t.is(e.code, 'ERR_SANDBOX');
  }
  t.deepEqual(snapshot(src.name, 'ms0'), before);
  t.deepEqual(onlyIn(key), ['eth0']);
});

liveTest('names: the lowest free suffix per prefix, reused after remove; prefixes are independent', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  for (let i = 0; i < 4; i++) veth(src.name, `nm${i}`, `np${i}`);
  const a = await sb.addInterface('nm0', 'eth');
  const b = await sb.addInterface('nm1', 'eth');
  const c = await sb.addInterface('nm2', 'net');
  t.deepEqual([a.dstName, b.dstName, c.dstName], ['eth0', 'eth1', 'net0']);
  await a.remove();
  t.is((await sb.addInterface('nm3', 'eth')).dstName, 'eth0');
  t.is((await sb.addVeth('nmh', 'eth')).dstName, 'eth2');
  t.deepEqual(linkNamesIn(key), ['eth0', 'eth1', 'eth2', 'net0']);
});

liveTest('addVeth: the inside end is born configured, the host end up in the source; concurrent calls get distinct names', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  const i = await sb.addVeth('host0', 'eth', { mac: '02:00:00:00:09:02', address: '10.9.0.2/24', addressIPv6: 'fd09::2/64', routes: ['10.10.0.0/16'] });
  t.deepEqual([i.srcName, i.dstName], ['host0', 'eth0']);
  const host = linkIn(src.name, 'host0')!;
  t.true(host.flags.includes('UP'));
  const [inside] = ipJsonIn<IpAddrLink[]>(key, ['addr', 'show', 'eth0']);
  t.is(inside!.address, '02:00:00:00:09:02');
  t.true(inside!.flags.includes('UP'));
  t.deepEqual(inside!.addr_info.filter((a) => a.scope === 'global').map((a) => `${a.local}/${a.prefixlen}`), ['10.9.0.2/24', 'fd09::2/64']);
  t.deepEqual(ipJsonIn<IpRoute[]>(key, ['route', 'show', '10.10.0.0/16']).map((r) => r.dev), ['eth0']);
  const more = await Promise.all(Array.from({ length: 6 }, (_, n) => sb.addVeth(`hp${n}`, 'eth', { address: `10.9.${n + 1}.2/24` })));
  t.deepEqual(more.map((m) => m.dstName).sort(), ['eth1', 'eth2', 'eth3', 'eth4', 'eth5', 'eth6']);
  t.deepEqual(linkNamesIn(key), ['eth0', 'eth1', 'eth2', 'eth3', 'eth4', 'eth5', 'eth6']);
});

liveTest('destroy while interfaces are being added: each add fails with step state, nothing is left in the source', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  veth(src.name, 'mv0', 'mv1');
  const adds = [
    sb.addInterface('mv1', 'eth', { address: '10.31.0.2/24' }),
    sb.addVeth('rv0', 'eth', { address: '10.32.0.2/24' }),
  ].map((p) => p.then(() => undefined, (e: unknown) => e));
  await sb.destroy();
  for (const e of await Promise.all(adds)) {
    t.true(e instanceof SandboxError, String(e));
    t.is((e as SandboxError).step, 'state', String(e));
    t.regex((e as SandboxError).message, /^sandbox ".*" was destroyed while interface "eth\d" was being added/);
  }
  t.false(sb.alive);
  t.deepEqual(linkNames(src.name).filter((n) => n === 'rv0'), [], 'the addVeth host end went with its pair');
  t.throws(() => ipIn(key, ['link']), undefined, 'the key is gone');
});

liveTest('remove: a moved link goes back down under its name without addresses; a bridge and an addVeth pair are deleted', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  veth(src.name, 'rm0', 'rm1');
  const br = await sb.addInterface('rmbr', 'br', { bridge: true });
  const moved = await sb.addInterface('rm0', 'eth', { address: '10.11.0.2/24', master: 'rmbr' });
  const pair = await sb.addVeth('rmh', 'eth');
  await moved.remove();
  const back = snapshot(src.name, 'rm0');
  t.deepEqual([back.up, back.addresses, back.master], [false, [], undefined]);
  veth(src.name, 'rm2', 'rm3');
  const port = await sb.addInterface('rm2', 'eth', { master: 'rmbr' });
  t.is(port.master, 'rmbr');
  await br.remove();
  t.is(port.master, undefined, 'deleting the bridge released its port');
  t.is(ipJsonIn<IpLink[]>(key, ['link', 'show', port.dstName])[0]!.master, undefined);
  await port.remove();
  await pair.remove();
  t.deepEqual(onlyIn(key), []);
  t.is(linkIn(src.name, 'rmh'), undefined, 'deleting the inside end deleted the host end');
  t.deepEqual(sb.info().interfaces, []);
  await t.throwsAsync(moved.statistics(), { instanceOf: SandboxError, message: /was removed from the sandbox/ });
  const again = await t.throwsAsync(moved.remove(), { instanceOf: SandboxError });
  t.is(again.step, 'remove');
  t.regex(again.message, /removed already/);
});

liveTest('remove twice at the same time: the second call fails clearly, the first succeeds', async (t) => {
  const { src, sb } = await sandboxFixture(t);
  veth(src.name, 'rr0', 'rr1');
  const i = await sb.addInterface('rr0', 'eth');
  const [first, second] = await Promise.allSettled([i.remove(), i.remove()]);
  t.is(first.status, 'fulfilled');
  t.is(second.status, 'rejected');
  t.true((second as PromiseRejectedResult).reason instanceof SandboxError);
  t.truthy(linkIn(src.name, 'rr0'));
});

/** Prepares a source link `name` (up, with a known MAC) and returns its snapshot. */
function sourceLink(ns: string, name: string, peer: string): ReturnType<typeof snapshot> {
  veth(ns, name, peer);
  ip(['-n', ns, 'link', 'set', name, 'address', '02:00:00:00:77:01', 'up']);
  return snapshot(ns, name);
}

async function expectRollback(t: ExecutionContext, sb: Sandbox, call: Promise<unknown>, step: SandboxStep, code: string) {
  const e = await t.throwsAsync(call, { instanceOf: SandboxError });
  t.is(e.step, step, e.message);
  t.is(e.code, code, e.message);
  t.deepEqual(e.rollbackErrors, [], 'the rollback was complete');
  t.true(e.cause instanceof Error);
  t.is(sb.info().interfaces.length, 0, 'nothing recorded');
  return e;
}

liveTest('rollback: unknown link (lookup) and a link whose name is taken inside (move) change nothing', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  await expectRollback(t, sb, sb.addInterface('nosuch0', 'eth', { address: '10.0.0.2/24' }), 'lookup', 'ENODEV');
  const before = sourceLink(src.name, 'rb0', 'rb1');
  ipIn(key, ['link', 'add', 'rb0', 'type', 'bridge']);
  const e = await expectRollback(t, sb, sb.addInterface('rb0', 'eth'), 'move', 'EEXIST');
  t.regex(e.message, /^failed to set namespace on link "rb0": RTM_NEWLINK: EEXIST/);
  t.deepEqual(snapshot(src.name, 'rb0'), before);
});

liveTest('rollback after the rename fails: back in the source under its name, MAC and up state; the name is released', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  const before = sourceLink(src.name, 'rn0', 'rn1');
  ipIn(key, ['link', 'add', 'eth0', 'type', 'bridge']);
  const e = await expectRollback(t, sb, sb.addInterface('rn0', 'eth', { mac: '02:00:00:00:77:99', address: '10.0.0.2/24' }), 'rename', 'EEXIST');
  t.regex(e.message, /^error renaming interface "rn0" to "eth0": RTM_NEWLINK: EEXIST \(File exists\)/);
  t.deepEqual(snapshot(src.name, 'rn0'), before);
  t.deepEqual(onlyIn(key), ['eth0']);
  ipIn(key, ['link', 'del', 'eth0']);
  t.is((await sb.addInterface('rn0', 'eth')).dstName, 'eth0');
});

liveTest('rollback after the MAC is refused (multicast): the original MAC is back', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  const before = sourceLink(src.name, 'mc0', 'mc1');
  await expectRollback(t, sb, sb.addInterface('mc0', 'eth', { mac: '01:00:5e:00:00:01' }), 'mac', 'EADDRNOTAVAIL');
  t.deepEqual(snapshot(src.name, 'mc0'), before);
  t.deepEqual(onlyIn(key), []);
});

liveTest('rollback after the IPv6 address is refused (a multicast address): no address is left, the link is back', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  const before = sourceLink(src.name, 'ad0', 'ad1');
  // The kernel refuses a multicast interface address without IFA_F_MCAUTOJOIN (EADDRNOTAVAIL).
  const e = await expectRollback(t, sb, sb.addInterface('ad0', 'eth', { address: '10.0.0.2/24', addressIPv6: 'ff05::2/64' }), 'address', 'EADDRNOTAVAIL');
  t.regex(e.message, /^error setting interface "ad0" IPv6 to "ff05::2\/64"/);
  t.deepEqual(snapshot(src.name, 'ad0'), before);
  t.deepEqual(onlyIn(key), []);
  t.deepEqual(ipJsonIn<IpRoute[]>(key, ['route']), [], 'no route of the IPv4 address stayed behind');
});

liveTest('rollback after the master is gone (bridge deleted behind our back): the port is back, the bridge entry stays', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  const br = await sb.addInterface('mbr', 'br', { bridge: true });
  ipIn(key, ['link', 'del', br.dstName]);
  const before = sourceLink(src.name, 'mp0', 'mp1');
  await t.throwsAsync(sb.addInterface('mp0', 'eth', { master: 'mbr' }), { instanceOf: SandboxError, message: /master/ });
  t.deepEqual(snapshot(src.name, 'mp0'), before);
  t.deepEqual(onlyIn(key), []);
});

liveTest('rollback after the link cannot go up (a vxlan whose UDP port is taken in its underlay namespace): back in the source', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  ip(['-n', src.name, 'link', 'add', 'vxup', 'type', 'vxlan', 'id', '77', 'dstport', '4790']);
  const before = snapshot(src.name, 'vxup');
  const sock = dgram.createSocket({ type: 'udp4', lookup: (h, _f, cb) => cb(null, h, 4) });
  t.teardown(() => sock.close());
  // A vxlan keeps its UDP socket in the namespace it was created in (the underlay), even once moved.
  native().invokeInNamespace(src.path, () => sock.bind(4790, '0.0.0.0'));
  const e = await expectRollback(t, sb, sb.addInterface('vxup', 'vx', { address: '10.77.0.1/24' }), 'up', 'EADDRINUSE');
  t.regex(e.message, /^failed to set link "vx0" up/);
  t.deepEqual(snapshot(src.name, 'vxup'), before);
  t.deepEqual(onlyIn(key), []);
});

liveTest('rollback after a route is refused (it duplicates the connected route): back in the source', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  const before = sourceLink(src.name, 'ro0', 'ro1');
  const e = await expectRollback(t, sb, sb.addInterface('ro0', 'eth', { address: '10.0.0.2/24', routes: ['10.5.0.0/16', '10.0.0.0/24'] }), 'route', 'EEXIST');
  t.regex(e.message, /routes to "10.5.0.0\/16, 10.0.0.0\/24"/);
  t.deepEqual(snapshot(src.name, 'ro0'), before);
  t.deepEqual(onlyIn(key), []);
  t.deepEqual(ipJsonIn<IpRoute[]>(key, ['route']), []);
});

liveTest('an address conflicting with a route inside is refused before the link moves', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  await sb.addVeth('cfh', 'eth', { address: '10.6.0.2/16' });
  const before = sourceLink(src.name, 'cf0', 'cf1');
  const ifindex = linkIn(src.name, 'cf0')!.ifindex;
  for (const address of ['10.6.9.9/24', '10.0.0.1/8']) {
    const e = await t.throwsAsync(sb.addInterface('cf0', 'eth', { address }), { instanceOf: SandboxError });
    t.is(e.step, 'address');
    t.regex(e.message, new RegExp(`^cannot program address ${address.replace(/\./g, '\\.')} in sandbox interface because it conflicts with existing route 10\\.6\\.0\\.0/16`));
  }
  t.deepEqual(snapshot(src.name, 'cf0'), before);
  t.is(linkIn(src.name, 'cf0')!.ifindex, ifindex, 'never moved (a move would change nothing visible but takes 17 ms)');
  t.deepEqual(onlyIn(key), ['eth0']);
  t.is((await sb.addInterface('cf0', 'eth', { address: '10.7.0.2/24' })).dstName, 'eth1');
});

liveTest('rollback of a bridge: creation refused (name taken), and a created bridge is deleted after a later failure', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  ipIn(key, ['link', 'add', 'br0', 'type', 'veth', 'peer', 'name', 'brpeer']);
  await expectRollback(t, sb, sb.addInterface('b', 'br', { bridge: true }), 'bridge', 'EEXIST');
  t.deepEqual(onlyIn(key), ['br0', 'brpeer']);
  await expectRollback(t, sb, sb.addInterface('b', 'brx', { bridge: true, addressIPv6: 'ff05::1/64' }), 'address', 'EADDRNOTAVAIL');
  t.deepEqual(onlyIn(key), ['br0', 'brpeer'], 'the bridge brx0 was deleted');
});

liveTest('rollback of addVeth: nothing is created when the host name is taken; the pair is deleted after a later failure', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  veth(src.name, 'vh0', 'vh1');
  await expectRollback(t, sb, sb.addVeth('vh0', 'eth'), 'veth', 'EEXIST');
  t.deepEqual(linkNames(src.name), ['vh0', 'vh1']);
  t.deepEqual(onlyIn(key), []);
  await expectRollback(t, sb, sb.addVeth('vh2', 'eth', { address: '10.0.0.2/24', routes: ['10.0.0.0/24'] }), 'route', 'EEXIST');
  await expectRollback(t, sb, sb.addVeth('vh3', 'eth', { mac: '01:00:5e:00:00:01' }), 'veth', 'EADDRNOTAVAIL');
  t.deepEqual(linkNames(src.name), ['vh0', 'vh1']);
  t.deepEqual(onlyIn(key), []);
  t.is((await sb.addVeth('vh2', 'eth')).dstName, 'eth0');
});

test('interfaceOptions()/neighborOptions() setters return frozen partial options', async (t) => {
  // The setters do not need a live sandbox: reach them through the prototype.
  const o = Sandbox.prototype.interfaceOptions.call(undefined as never);
  t.deepEqual(o.address('10.0.0.2/24'), { address: '10.0.0.2/24' });
  t.deepEqual(o.addressIPv6('FD00:0::2/64'), { addressIPv6: 'fd00::2/64' });
  t.deepEqual(o.bridge(true), { bridge: true });
  t.deepEqual(o.master('br'), { master: 'br' });
  t.deepEqual(o.mac('02:AA:00:00:00:01'), { mac: '02:aa:00:00:00:01' });
  t.deepEqual(o.routes(['10.1.0.0/16']), { routes: ['10.1.0.0/16'] });
  t.true(Object.isFrozen(o.address('10.0.0.2/24')));
  const n = Sandbox.prototype.neighborOptions.call(undefined as never);
  t.deepEqual(n.linkName('veth1a'), { linkName: 'veth1a' });
  t.deepEqual(n.family(7), { family: 'bridge' });
  t.deepEqual(n.family('inet6'), { family: 'inet6' });
  t.throws(() => n.family(3 as never), { instanceOf: ValidationError });
});
