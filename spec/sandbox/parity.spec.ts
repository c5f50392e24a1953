// The test cases of libnetwork's own osl/sandbox package (reference, section 5), ported with the
// modern expectations: the lowest free interface suffix, an IPv6 gateway that is really set, the
// address-conflict check, and files removed at destroy. Each test uses a throwaway source namespace
// (in place of SetupTestOSContext's fresh test namespace) and a temporary base directory.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { Sandbox, SandboxError, gc, lowestFreeName } from '../../lib/sandbox/index.js';
import { ip, liveTest, tempNetns } from '../helpers/netns.js';
import {
  destroyAtTeardown, ipIn, ipJsonIn, linkIn, linkNames, linkNamesIn, sandboxFixture, tempKeyDir, veth, type IpAddrLink,
  type IpRoute,
} from '../helpers/sandbox-fixtures.js';

/** libnetwork's newInfo: two veth pairs in the test namespace and the template of three interfaces. */
function newInfo(ns: string) {
  veth(ns, 'wierdlongname1', 'wierdlongname2');
  veth(ns, 'wierdlongname3', 'wierdlongname4');
  return {
    interfaces: [
      { srcName: 'wierdlongname2', dstPrefix: 'containername', address: '192.168.1.100/24', addressIPv6: 'fdac:97b4:dbcc::2/64', bridge: false },
      { srcName: 'testbridge', dstPrefix: 'containername', bridge: true },
      { srcName: 'wierdlongname4', dstPrefix: 'containername', bridge: false },
    ],
    gateway: '192.168.1.1',
    gatewayIPv6: 'fdac:97b4:dbcc::1',
  };
}

type Template = ReturnType<typeof newInfo>['interfaces'][number];

/** AddInterface(src, prefix, Bridge(...), Address(...), AddressIPv6(...)) as the Go tests call it. */
function addFromTemplate(sb: Sandbox, i: Template) {
  const o = sb.interfaceOptions();
  return sb.addInterface(i.srcName, i.dstPrefix, o.bridge(i.bridge),
    'address' in i && i.address !== undefined ? o.address(i.address) : null,
    'addressIPv6' in i && i.addressIPv6 !== undefined ? o.addressIPv6(i.addressIPv6) : null);
}

/** verifySandbox: the `containername<n>` links inside, sorted (compared with the expected suffixes). */
function verifySandbox(key: string): string[] {
  return linkNamesIn(key).filter((n) => n.startsWith('containername')).sort();
}

function expect(suffixes: number[]): string[] {
  return suffixes.map((s) => `containername${s}`);
}

liveTest('parity 1 TestSandboxCreate: key, three interfaces as containername0..2, both gateways, destroy removes the file', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  t.is(sb.key, key);
  const info = newInfo(src.name);
  for (const i of info.interfaces) await addFromTemplate(sb, i);
  await sb.setGateway(info.gateway);
  await sb.setGatewayIPv6(info.gatewayIPv6);
  t.deepEqual(verifySandbox(key), expect([0, 1, 2]));
  t.is(sb.info().gateway, '192.168.1.1');
  t.is(sb.info().gatewayIPv6, 'fdac:97b4:dbcc::1');
  const routes4 = ipJsonIn<IpRoute[]>(key, ['route', 'show', 'default']);
  const routes6 = ipJsonIn<IpRoute[]>(key, ['-6', 'route', 'show', 'default']);
  t.deepEqual(routes4.map((r) => [r.gateway, r.dev]), [['192.168.1.1', 'containername0']]);
  t.deepEqual(routes6.map((r) => [r.gateway, r.dev]), [['fdac:97b4:dbcc::1', 'containername0']]);
  await sb.destroy();
  t.false(existsSync(key), 'verifyCleanup: the key is gone at once');
});

liveTest('parity 2 TestSandboxCreateTwice: the second create over the same key succeeds; destroy + GC remove the file', async (t) => {
  const src = await tempNetns(t, 'sbs');
  const dir = tempKeyDir(t);
  const key = join(dir, 'twice');
  const first = await Sandbox.create(key, { sourceNetns: src.path });
  destroyAtTeardown(t, first);
  const inode1 = statSync(key).ino;
  const second = await Sandbox.create(key, { sourceNetns: src.path });
  destroyAtTeardown(t, second);
  t.not(statSync(key).ino, inode1, 'a new namespace is mounted on the key');
  await second.destroy();
  await gc();
  t.false(existsSync(key));
  // The first sandbox's key was taken over: destroying it touches no file and still succeeds.
  writeFileSync(key, 'someone else');
  await first.destroy();
  t.is(readFileSync(key, 'utf8'), 'someone else');
});

liveTest('parity 3 TestSandboxGC: create, destroy, GC: the file is gone', async (t) => {
  const dir = tempKeyDir(t);
  const src = await tempNetns(t, 'sbs');
  const key = join(dir, 'gc');
  const sb = await Sandbox.create(key, { sourceNetns: src.path });
  await sb.destroy();
  t.deepEqual(await gc(), []);
  t.false(existsSync(key));
});

liveTest('parity 4 TestAddRemoveInterface: remove the first, re-add it: the lowest free suffix 0 is reused', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  const info = newInfo(src.name);
  for (const i of info.interfaces) await addFromTemplate(sb, i);
  t.deepEqual(verifySandbox(key), expect([0, 1, 2]));
  await sb.info().interfaces[0]!.remove();
  t.deepEqual(verifySandbox(key), expect([1, 2]));
  t.true(linkNames(src.name).includes('wierdlongname2'), 'the veth is back in the test namespace under its name');
  const again = await addFromTemplate(sb, info.interfaces[0]!);
  t.is(again.dstName, 'containername0');
  t.deepEqual(verifySandbox(key), expect([0, 1, 2]));
  await sb.destroy();
  await gc();
  t.false(existsSync(key));
});

/** /proc/net/dev parsed properly: the name anchored, counters after the colon (glued or not). */
function procNetDev(text: string, name: string): bigint[] | undefined {
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.slice(0, colon).trim() !== name) continue;
    return line.slice(colon + 1).trim().split(/\s+/).map((v) => BigInt(v));
  }
  return undefined;
}

liveTest('parity 5 TestScanStatistics (ported as: statistics() equals /proc/net/dev read inside, every counter, errors and drops included)', async (t) => {
  const { src, sb } = await sandboxFixture(t);
  sb.invoke(() => {
    writeFileSync('/proc/sys/net/ipv6/conf/all/disable_ipv6', '1');
    writeFileSync('/proc/sys/net/ipv6/conf/default/disable_ipv6', '1');
  });
  ip(['-n', src.name, 'link', 'add', 'vx55', 'type', 'vxlan', 'id', '55', 'dstport', '4789']);
  const vx = await sb.addInterface('vx55', 'vxlan', { address: '10.55.0.1/24' });
  // No route to the VTEP: every packet through vxlan0 is a tx error (ENETUNREACH in vxlan_xmit_one).
  await sb.addNeighbor('10.55.0.2', '02:00:00:00:00:55', { linkName: 'vx55' });
  await sb.addNeighbor('10.99.99.99', '02:00:00:00:00:55', { linkName: 'vx55', family: 'bridge' });
  const dgram = await import('node:dgram');
  const sock = dgram.createSocket({ type: 'udp4', lookup: (host, _f, cb) => cb(null, host, 4) });
  t.teardown(() => sock.close());
  // With a lookup that answers synchronously, bind() creates the socket (and emits 'listening') inside.
  const listening = new Promise<void>((resolve) => sock.once('listening', () => resolve()));
  sb.invoke(() => sock.bind(0, '10.55.0.1'));
  await listening;
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => sock.send(Buffer.alloc(100), 9999, '10.55.0.2', () => resolve()));
  const stats = await vx.statistics();
  const dev = sb.invoke(() => readFileSync('/proc/thread-self/net/dev', 'utf8'));
  const row = procNetDev(dev, vx.dstName);
  t.truthy(row, `${vx.dstName} is in /proc/net/dev`);
  const [rxBytes, rxPackets, rxErrs, rxDrop, , , , , txBytes, txPackets, txErrs, txDrop] = row!;
  t.deepEqual(
    [stats.rxBytes, stats.rxPackets, stats.rxErrors, stats.rxDropped, stats.txBytes, stats.txPackets, stats.txErrors, stats.txDropped],
    [rxBytes, rxPackets, rxErrs, rxDrop, txBytes, txPackets, txErrs, txDrop]);
  t.is(stats.txErrors, 3n, 'three packets failed to reach the unroutable VTEP');
  t.is(String(stats), `\nRxBytes: ${rxBytes}, RxPackets: ${rxPackets}, RxErrors: ${rxErrs}, RxDropped: ${rxDrop}, `
    + `TxBytes: ${txBytes}, TxPackets: ${txPackets}, TxErrors: 3, TxDropped: ${txDrop}`);
});

liveTest('parity 6 TestDisableIPv6DAD: the IPv6 address carries IFA_F_NODAD', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  veth(src.name, 'sideA', 'sideB');
  const i = await sb.addInterface('sideA', 'eth', sb.interfaceOptions().addressIPv6('2001:db8::44/64'));
  const [link] = ipJsonIn<IpAddrLink[]>(key, ['addr', 'show', i.dstName]);
  const v6 = link!.addr_info.filter((a) => a.family === 'inet6' && a.scope === 'global');
  t.is(v6[0]?.local, '2001:db8::44');
  t.true(v6[0]?.nodad);
});

async function setInterfaceIPFixture(t: Parameters<typeof sandboxFixture>[0]) {
  const f = await sandboxFixture(t);
  veth(f.src.name, 'vethA', 'vethB');
  const o = f.sb.interfaceOptions();
  await f.sb.addInterface('vethA', 'eth', o.address('172.30.0.33/24'), o.addressIPv6('2001:db8::44/64'));
  return f;
}

liveTest('parity 7 TestSetInterfaceIP: the same v4 or v6 network on a second link conflicts with the existing route', async (t) => {
  const { src, sb } = await setInterfaceIPFixture(t);
  const o = sb.interfaceOptions();
  const v4 = await t.throwsAsync(sb.addInterface('vethB', 'eth', o.address('172.30.0.33/24')), { instanceOf: SandboxError });
  t.regex(v4.message, /conflicts with existing route/);
  t.is(v4.step, 'address');
  const v6 = await t.throwsAsync(sb.addInterface('vethB', 'eth', o.addressIPv6('2001:db8::44/64')), { instanceOf: SandboxError });
  t.regex(v6.message, /conflicts with existing route/);
  t.true(linkIn(src.name, 'vethB') !== undefined, 'vethB never left its namespace');
  t.is(sb.info().interfaces.length, 1);
});

liveTest('parity 8 TestLiveRestore: a restored sandbox still refuses the conflicting addresses, and restore changed nothing', async (t) => {
  const { src, sb, key } = await setInterfaceIPFixture(t);
  const before = [ipJsonIn(key, ['addr']), ipJsonIn(key, ['route']), ipJsonIn(key, ['-6', 'route'])];
  const rs = await Sandbox.restore(key, {
    interfaces: [{ srcName: 'vethA', dstPrefix: 'eth', address: '172.30.0.33/24', addressIPv6: '2001:db8::44/64' }],
    sourceNetns: src.path,
  });
  destroyAtTeardown(t, rs);
  t.deepEqual([ipJsonIn(key, ['addr']), ipJsonIn(key, ['route']), ipJsonIn(key, ['-6', 'route'])], before);
  t.deepEqual(rs.info().interfaces.map((i) => [i.srcName, i.dstName, i.address, i.addressIPv6]),
    [['vethA', sb.info().interfaces[0]!.dstName, '172.30.0.33/24', '2001:db8::44/64']]);
  const o = rs.interfaceOptions();
  await t.throwsAsync(rs.addInterface('vethB', 'eth', o.address('172.30.0.33/24')), { message: /conflicts with existing route/ });
  await t.throwsAsync(rs.addInterface('vethB', 'eth', o.addressIPv6('2001:db8::44/64')), { message: /conflicts with existing route/ });
  // The restored name is taken: the next interface gets eth1.
  t.is((await rs.addInterface('vethB', 'eth')).dstName, 'eth1');
});

test('parity 9 TestGenerateIfaceName: lowest free suffix per prefix', (t) => {
  t.is(lowestFreeName('test', ['test0', 'test1']), 'test2');
  t.is(lowestFreeName('test', ['test0', 'test2']), 'test1');
  t.is(lowestFreeName('test', ['test2']), 'test0');
  t.is(lowestFreeName('test', ['test-0', 'test-1']), 'test0');
  t.is(lowestFreeName('test', []), 'test0');
});

liveTest('parity 10 TestAddInterfaceInParallel: ten links added concurrently become exactly eth0..eth9', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  for (let i = 0; i < 10; i++) veth(src.name, `par${i}`, `peer${i}`);
  const added = await Promise.all(Array.from({ length: 10 }, (_, i) => sb.addInterface(`par${i}`, 'eth')));
  const expected = Array.from({ length: 10 }, (_, i) => `eth${i}`).sort();
  t.deepEqual(added.map((i) => i.dstName).sort(), expected);
  t.deepEqual(linkNamesIn(key), expected);
});

liveTest('parity 11 TestRemoveInterfaceTwice: the link was deleted behind our back: remove fails, the entry stays, a second call fails too', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  veth(src.name, 'gone0', 'gone1');
  const i = await sb.addInterface('gone0', 'eth');
  ipIn(key, ['link', 'del', i.dstName]);
  const first = await t.throwsAsync(i.remove(), { instanceOf: SandboxError });
  t.is(first.code, 'ENODEV');
  t.is(sb.info().interfaces.length, 1);
  const second = await t.throwsAsync(i.remove(), { instanceOf: SandboxError });
  t.is(second.code, 'ENODEV');
  t.is(sb.info().interfaces.length, 1);
});
