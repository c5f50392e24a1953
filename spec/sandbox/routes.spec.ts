// Gateways, static routes and neighbour entries of a sandbox: kernel first, records after, removal
// by value, and everything checked against `ip -j route` / `ip -j neigh` / `bridge -j fdb` inside.
import test from 'ava';
import { ValidationError } from '../../lib/netlink/index.js';
import { SandboxError } from '../../lib/sandbox/index.js';
import { ip, liveTest } from '../helpers/netns.js';
import { bridgeJsonIn, ipIn, ipJsonIn, sandboxFixture, type IpRoute } from '../helpers/sandbox-fixtures.js';

interface IpNeigh {
  dst: string;
  dev: string;
  lladdr?: string;
  state: string[];
}

interface Fdb {
  mac: string;
  ifname: string;
  dst?: string;
  flags?: string[];
  state?: string;
}

liveTest('IPv4 gateway: set through the link that reaches it, EEXIST for a second one, unset removes it', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  await sb.addVeth('gwh', 'eth', { address: '10.30.0.2/24' });
  await sb.addVeth('gwh2', 'eth', { address: '10.31.0.2/24' });
  await sb.setGateway('10.31.0.1');
  t.deepEqual(ipJsonIn<IpRoute[]>(key, ['route', 'show', 'default']).map((r) => [r.gateway, r.dev]), [['10.31.0.1', 'eth1']]);
  t.is(sb.info().gateway, '10.31.0.1');
  const twice = await t.throwsAsync(sb.setGateway('10.30.0.1'), { instanceOf: SandboxError });
  t.is(twice.code, 'EEXIST');
  t.is(twice.step, 'gateway');
  t.is(sb.info().gateway, '10.31.0.1', 'the record did not change');
  await sb.unsetGateway();
  t.deepEqual(ipJsonIn<IpRoute[]>(key, ['route', 'show', 'default']), []);
  t.is(sb.info().gateway, undefined);
  await sb.unsetGateway(); // nothing recorded: a no-op
  await sb.setGateway(''); // libnetwork: an empty gateway is a no-op
  t.deepEqual(ipJsonIn<IpRoute[]>(key, ['route', 'show', 'default']), []);
  await t.throwsAsync(sb.setGateway('fd00::1'), { instanceOf: ValidationError });
  await t.throwsAsync(sb.setGatewayIPv6('10.0.0.1'), { instanceOf: ValidationError });
});

liveTest('a gateway no link reaches, or only through another gateway, is a clear error and nothing is recorded', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  const none = await t.throwsAsync(sb.setGateway('10.40.0.1'), { instanceOf: SandboxError });
  t.is(none.step, 'gateway');
  t.is(none.code, 'ENETUNREACH');
  t.regex(none.message, /^route for the gateway 10\.40\.0\.1 could not be found: RTM_GETROUTE: ENETUNREACH/);
  await sb.addVeth('ig', 'eth', { address: '10.41.0.2/24' });
  await sb.addStaticRoute({ destination: '10.42.0.0/16', nextHop: '10.41.0.254' });
  const indirect = await t.throwsAsync(sb.setGateway('10.42.0.1'), { instanceOf: SandboxError });
  t.is(indirect.message, 'direct route for the gateway 10.42.0.1 could not be found (it is only reachable through 10.41.0.254)');
  t.is(sb.info().gateway, undefined);
  t.deepEqual(ipJsonIn<IpRoute[]>(key, ['route', 'show', 'default']), []);
  const self = await t.throwsAsync(sb.setGateway('10.41.0.2'), { instanceOf: SandboxError });
  t.regex(self.message, /direct route for the gateway 10\.41\.0\.2 could not be found \(the kernel resolves it as local\)/);
});

liveTest('IPv6 gateway works like IPv4 (recorded, unset really removes it), link-local gateways included', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  await sb.addVeth('g6h', 'eth', { addressIPv6: 'fd50::2/64' });
  await sb.setGatewayIPv6('fd50::1');
  t.deepEqual(ipJsonIn<IpRoute[]>(key, ['-6', 'route', 'show', 'default']).map((r) => [r.gateway, r.dev]), [['fd50::1', 'eth0']]);
  t.is(sb.info().gatewayIPv6, 'fd50::1');
  await sb.unsetGatewayIPv6();
  t.deepEqual(ipJsonIn<IpRoute[]>(key, ['-6', 'route', 'show', 'default']), []);
  t.is(sb.info().gatewayIPv6, undefined);
  await sb.setGatewayIPv6('fe80::1');
  t.deepEqual(ipJsonIn<IpRoute[]>(key, ['-6', 'route', 'show', 'default']).map((r) => [r.gateway, r.dev]), [['fe80::1', 'eth0']]);
  await sb.unsetGatewayIPv6();
  t.deepEqual(ipJsonIn<IpRoute[]>(key, ['-6', 'route', 'show', 'default']), []);
  const e = await t.throwsAsync(sb.setGatewayIPv6('fd51::1'), { instanceOf: SandboxError });
  t.is(e.code, 'ENETUNREACH');
});

liveTest('static routes: added via a direct next hop, removed by value (an equal object), records follow the kernel', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  await sb.addVeth('sth', 'eth', { address: '10.60.0.2/24', addressIPv6: 'fd60::2/64' });
  await sb.addStaticRoute({ destination: '10.61.0.0/16', nextHop: '10.60.0.254' });
  await sb.addStaticRoute({ destination: 'fd61::/64', nextHop: 'fd60::254' });
  t.deepEqual(ipJsonIn<IpRoute[]>(key, ['route', 'show', '10.61.0.0/16']).map((r) => [r.gateway, r.dev]), [['10.60.0.254', 'eth0']]);
  t.deepEqual(ipJsonIn<IpRoute[]>(key, ['-6', 'route', 'show', 'fd61::/64']).map((r) => [r.gateway, r.dev]), [['fd60::254', 'eth0']]);
  t.deepEqual(sb.info().staticRoutes, [
    { destination: '10.61.0.0/16', nextHop: '10.60.0.254' }, { destination: 'fd61::/64', nextHop: 'fd60::254' },
  ]);
  const dup = await t.throwsAsync(sb.addStaticRoute({ destination: '10.61.0.0/16', nextHop: '10.60.0.254' }), { instanceOf: SandboxError });
  t.is(dup.code, 'EEXIST');
  t.is(sb.info().staticRoutes.length, 2);
  await sb.removeStaticRoute({ destination: '10.61.0.0/16', nextHop: '10.60.0.254' });
  t.deepEqual(ipJsonIn<IpRoute[]>(key, ['route', 'show', '10.61.0.0/16']), []);
  t.deepEqual(sb.info().staticRoutes, [{ destination: 'fd61::/64', nextHop: 'fd60::254' }]);
  const gone = await t.throwsAsync(sb.removeStaticRoute({ destination: '10.61.0.0/16', nextHop: '10.60.0.254' }), { instanceOf: SandboxError });
  t.is(gone.code, 'ESRCH');
  t.deepEqual(sb.info().staticRoutes, [{ destination: 'fd61::/64', nextHop: 'fd60::254' }]);
  const far = await t.throwsAsync(sb.addStaticRoute({ destination: '10.62.0.0/16', nextHop: '10.99.0.1' }), { instanceOf: SandboxError });
  t.regex(far.message, /^route for the next hop 10\.99\.0\.1 could not be found/);
  await t.throwsAsync(sb.addStaticRoute({ destination: '10.62.0.0/16', nextHop: 'fd60::1' }), { instanceOf: ValidationError });
  await t.throwsAsync(sb.addStaticRoute({ destination: '10.62.1.0/16', nextHop: '10.60.0.1' }), { instanceOf: ValidationError });
  await t.throwsAsync(sb.addStaticRoute({ destination: '10.62.0.0/16', nextHop: '10.60.0.1', routeType: 1 } as never), { instanceOf: ValidationError });
});

liveTest('removing an interface drops the records of the routes and neighbours the kernel flushed with it', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  ip(['-n', src.name, 'link', 'add', 'fl0', 'type', 'veth', 'peer', 'name', 'fl1']);
  const i = await sb.addInterface('fl0', 'eth', { address: '10.70.0.2/24' });
  await sb.addVeth('flh', 'eth', { address: '10.71.0.2/24' });
  await sb.setGateway('10.70.0.1');
  await sb.addStaticRoute({ destination: '10.72.0.0/16', nextHop: '10.70.0.9' });
  await sb.addStaticRoute({ destination: '10.73.0.0/16', nextHop: '10.71.0.9' });
  await sb.addNeighbor('10.70.0.7', '02:00:00:00:70:07', { linkName: 'fl0' });
  await i.remove();
  t.deepEqual(ipJsonIn<IpRoute[]>(key, ['route', 'show', 'default']), []);
  t.deepEqual(sb.info(), {
    interfaces: sb.info().interfaces, gateway: undefined, gatewayIPv6: undefined, defaultRouteIPv4: undefined, defaultRouteIPv6: undefined,
    staticRoutes: [{ destination: '10.73.0.0/16', nextHop: '10.71.0.9' }],
  });
  await t.throwsAsync(sb.deleteNeighbor('10.70.0.7', '02:00:00:00:70:07'), { message: /could not find the neighbor entry/ });
  // Nothing stops setting a gateway again through the remaining link.
  await sb.setGateway('10.71.0.1');
  t.is(sb.info().gateway, '10.71.0.1');
});

liveTest('neighbours: permanent ARP and NDP entries, in the kernel; a second add is a no-op; delete removes them', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  await sb.addVeth('nbh', 'eth', { address: '10.80.0.2/24', addressIPv6: 'fd80::2/64' });
  await sb.addNeighbor('10.80.0.7', '02:00:00:00:80:07', { linkName: 'nbh' });
  await sb.addNeighbor('fd80::7', '02:00:00:00:80:08', sb.neighborOptions().linkName('nbh'));
  await sb.addNeighbor('10.80.0.7', '02:00:00:00:80:07', { linkName: 'nbh' });
  const v4 = ipJsonIn<IpNeigh[]>(key, ['-4', 'neigh', 'show', 'dev', 'eth0']);
  t.deepEqual(v4.map((n) => [n.dst, n.lladdr, n.state]), [['10.80.0.7', '02:00:00:00:80:07', ['PERMANENT']]]);
  const v6 = ipJsonIn<IpNeigh[]>(key, ['-6', 'neigh', 'show', 'dev', 'eth0']).filter((n) => n.state.includes('PERMANENT'));
  t.deepEqual(v6.map((n) => [n.dst, n.lladdr]), [['fd80::7', '02:00:00:00:80:08']]);
  // The second add above sent nothing (libnetwork caches the pair): an entry removed behind our
  // back is not re-added by adding the same pair again.
  ipIn(key, ['neigh', 'del', '10.80.0.7', 'dev', 'eth0']);
  await sb.addNeighbor('10.80.0.7', '02:00:00:00:80:07', { linkName: 'nbh' });
  t.deepEqual(ipJsonIn<IpNeigh[]>(key, ['-4', 'neigh', 'show', 'dev', 'eth0']), []);
  // Deleting it reports the kernel's ENOENT and drops the record (kernel and records agree again).
  const drift = await t.throwsAsync(sb.deleteNeighbor('10.80.0.7', '02:00:00:00:80:07'), { instanceOf: SandboxError });
  t.is(drift.code, 'ENOENT');
  await sb.addNeighbor('10.80.0.9', '02:00:00:00:80:09', { linkName: 'nbh' });
  await sb.deleteNeighbor('10.80.0.9', '02:00:00:00:80:09', { linkName: 'nbh' });
  await sb.deleteNeighbor('fd80::7', '02:00:00:00:80:08');
  t.deepEqual(ipJsonIn<IpNeigh[]>(key, ['-4', 'neigh', 'show', 'dev', 'eth0']), []);
  t.deepEqual(ipJsonIn<IpNeigh[]>(key, ['-6', 'neigh', 'show', 'dev', 'eth0']).filter((n) => n.state.includes('PERMANENT')), []);
  const unknown = await t.throwsAsync(sb.deleteNeighbor('10.80.0.7', '02:00:00:00:80:07'), { instanceOf: SandboxError });
  t.is(unknown.step, 'neighbor');
  t.regex(unknown.message, /could not find the neighbor entry to delete/);
});

liveTest('neighbours with family bridge: an FDB entry (self, permanent, with the remote) on a vxlan and on a veth', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  ip(['-n', src.name, 'link', 'add', 'vxn', 'type', 'vxlan', 'id', '88', 'dstport', '4789']);
  const vx = await sb.addInterface('vxn', 'vxlan', { address: '10.88.0.1/24' });
  await sb.addVeth('fdh', 'eth');
  await sb.addNeighbor('192.0.2.8', '02:00:00:00:88:01', { linkName: 'vxn', family: 'bridge' });
  await sb.addNeighbor('192.0.2.9', '02:00:00:00:88:02', { linkName: 'fdh' }, sb.neighborOptions().family(7));
  await sb.addNeighbor('10.88.0.5', '02:00:00:00:88:01', { linkName: 'vxn' });
  const fdb = bridgeJsonIn<Fdb[]>(key, ['fdb', 'show']).filter((f) => f.mac.startsWith('02:00:00:00:88'));
  t.deepEqual(fdb.map((f) => [f.mac, f.ifname, f.dst, f.flags, f.state]).sort(), [
    ['02:00:00:00:88:01', vx.dstName, '192.0.2.8', ['self'], 'permanent'],
    ['02:00:00:00:88:02', 'eth0', undefined, ['self'], 'permanent'],
  ]);
  t.deepEqual(ipJsonIn<IpNeigh[]>(key, ['-4', 'neigh', 'show', 'dev', vx.dstName]).map((n) => [n.dst, n.lladdr]), [['10.88.0.5', '02:00:00:00:88:01']]);
  // Only the FDB entry of that MAC goes when the family narrows the delete.
  await sb.deleteNeighbor('192.0.2.8', '02:00:00:00:88:01', { family: 'bridge' });
  await sb.deleteNeighbor('192.0.2.9', '02:00:00:00:88:02', { linkName: 'fdh' });
  t.deepEqual(bridgeJsonIn<Fdb[]>(key, ['fdb', 'show']).filter((f) => f.mac.startsWith('02:00:00:00:88')), []);
  t.is(ipJsonIn<IpNeigh[]>(key, ['-4', 'neigh', 'show', 'dev', vx.dstName]).length, 1);
});

liveTest('neighbour input: the link is required and must be an interface of the sandbox; families must match the IP', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  await sb.addVeth('nih', 'eth', { address: '10.90.0.2/24' });
  await t.throwsAsync(sb.addNeighbor('10.90.0.7', '02:00:00:00:90:07'), { instanceOf: ValidationError, message: /linkName/ });
  const unknown = await t.throwsAsync(sb.addNeighbor('10.90.0.7', '02:00:00:00:90:07', { linkName: 'eth0' }), { instanceOf: SandboxError });
  t.is(unknown.message, 'could not find the interface with name eth0');
  await t.throwsAsync(sb.addNeighbor('10.90.0.7', '02:00:00:00:90:07', { linkName: 'nih', family: 'inet6' }), { instanceOf: ValidationError });
  await t.throwsAsync(sb.addNeighbor('10.90.0.7', 'nope', { linkName: 'nih' }), { instanceOf: ValidationError });
  await t.throwsAsync(sb.addNeighbor('10.90.0.7', '02:00:00:00:90:07', { linkName: 'nih', famly: 'inet' } as never), { instanceOf: ValidationError });
  t.deepEqual(ipJsonIn<IpNeigh[]>(key, ['neigh', 'show']), []);
  ipIn(key, ['link', 'set', 'eth0', 'down']);
  await sb.addNeighbor('10.90.0.8', '02:00:00:00:90:08', { linkName: 'nih' });
  t.is(ipJsonIn<IpNeigh[]>(key, ['neigh', 'show']).length, 1, 'a permanent entry is accepted on a down link');
});

test('neighbour and static-route values are compared canonically (case and zero compression do not matter)', async (t) => {
  // Pure option handling: the setters normalise, so equal values written differently match.
  const { checkIp, checkMac, checkDestination } = await import('../../lib/sandbox/options.js');
  t.is(checkIp('ip', 'FD00:0:0::7').text, 'fd00::7');
  t.is(checkMac('mac', '02:AA:BB:CC:DD:EE'), '02:aa:bb:cc:dd:ee');
  t.is(checkDestination('d', 'FD61:0::/64').text, 'fd61::/64');
});
