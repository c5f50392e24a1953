// The interface options of today's osl: link-local addresses, per-interface sysctls, IPv6 switched
// off (or on) per interface, links created inside the sandbox (configured in place, put back as
// found), and default routes through an interface. Oracles: `ip -j` and `cat /proc/sys/...` run
// inside the sandbox (nsenter); rollbacks are checked against a snapshot taken before the call.
import { execFileSync } from 'node:child_process';
import { ValidationError } from '../../lib/netlink/index.js';
import { SandboxError, type Sandbox, type SandboxStep } from '../../lib/sandbox/index.js';
import { ip, liveTest } from '../helpers/netns.js';
import { ipIn, ipJsonIn, linkIn, linkNamesIn, sandboxFixture, type IpAddrLink, type IpRoute } from '../helpers/sandbox-fixtures.js';

/** `cat` of a /proc/sys file inside the namespace on `key`. */
function catIn(key: string, file: string): string {
  return execFileSync('nsenter', [`--net=${key}`, 'cat', file], { encoding: 'utf8' }).trim();
}

/** A link inside as `ip` shows it, with the knobs the tests set (a snapshot to compare). */
function insideLink(key: string, name: string) {
  const [l] = ipJsonIn<Array<IpAddrLink & { master?: string }>>(key, ['-d', 'addr', 'show', 'dev', name]);
  return {
    name: l!.ifname, ifindex: l!.ifindex, mac: l!.address, up: l!.flags.includes('UP'), master: l!.master,
    addresses: l!.addr_info.filter((a) => !a.local.startsWith('fe80:')).map((a) => `${a.local}/${a.prefixlen}`).sort(),
    forwarding: catIn(key, `/proc/sys/net/ipv4/conf/${name}/forwarding`),
    disableIPv6: catIn(key, `/proc/sys/net/ipv6/conf/${name}/disable_ipv6`),
    routes: ipJsonIn<IpRoute[]>(key, ['route', 'show', 'dev', name]).map((r) => r.dst).sort(),
  };
}

const quiet = { advertiseAddrNMsgs: 0 };

liveTest('linkLocalAddresses: IPv4 and IPv6 link-local addresses are added after the others and reported', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  const i = await sb.addVeth('ll0', 'eth', { address: '10.88.0.2/24', linkLocalAddresses: ['169.254.8.2/16', 'FE80::8:2/64', '169.254.9.9'] }, quiet);
  t.deepEqual(i.linkLocalAddresses, ['169.254.8.2/16', 'fe80::8:2/64', '169.254.9.9/32']);
  const [link] = ipJsonIn<IpAddrLink[]>(key, ['addr', 'show', 'dev', 'eth0']);
  const have = link!.addr_info.map((a) => `${a.local}/${a.prefixlen}`);
  for (const a of ['10.88.0.2/24', '169.254.8.2/16', 'fe80::8:2/64', '169.254.9.9/32']) t.true(have.includes(a), a);
  for (const bad of [['10.0.0.1/24'], ['fd00::1/64'], ['169.255.0.1/16'], ['fec0::1/64'], ['169.254.0.1/33'], 'fe80::1/64', [5], [null]]) {
    await t.throwsAsync(sb.addVeth('ll1', 'eth', { linkLocalAddresses: bad as never }), { instanceOf: ValidationError }, JSON.stringify(bad));
    t.throws(() => sb.interfaceOptions().linkLocalAddresses(bad as never), { instanceOf: ValidationError });
  }
  t.deepEqual(linkNamesIn(key), ['eth0']);
});

liveTest('sysctls: net.X.conf.IFNAME.Z is set on the interface inside the sandbox, nowhere else', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  const o = sb.interfaceOptions();
  await sb.addVeth('sy0', 'eth', { address: '10.89.0.2/24' }, o.sysctls([
    'net.ipv4.conf.IFNAME.forwarding=1', 'net.ipv4.conf.ifname.log_martians=1', 'net.ipv6.conf.IFNAME.accept_ra=0',
  ]), quiet);
  t.is(catIn(key, '/proc/sys/net/ipv4/conf/eth0/forwarding'), '1');
  t.is(catIn(key, '/proc/sys/net/ipv4/conf/eth0/log_martians'), '1');
  t.is(catIn(key, '/proc/sys/net/ipv6/conf/eth0/accept_ra'), '0');
  t.is(catIn(key, '/proc/sys/net/ipv4/conf/all/forwarding'), '0', 'only the interface');
  t.is(catIn(src.path, '/proc/sys/net/ipv4/conf/sy0/forwarding'), '0', 'not the host end in the source');
});

liveTest('sysctls: an unknown setting or a value the kernel refuses rolls everything back', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  ip(['-n', src.name, 'link', 'add', 'sf0', 'type', 'veth', 'peer', 'name', 'sf1']);
  const before = ip(['-n', src.name, '-j', 'addr', 'show', 'dev', 'sf0']);
  for (const [sysctl, code] of [['net.ipv4.conf.IFNAME.nosuchknob=1', 'ENOENT'], ['net.ipv4.conf.IFNAME.forwarding=abc', 'EINVAL']] as const) {
    const e = await t.throwsAsync(sb.addInterface('sf0', 'eth', { address: '10.89.1.2/24', sysctls: ['net.ipv4.conf.IFNAME.forwarding=1', sysctl] }),
      { instanceOf: SandboxError });
    t.is(e.step, 'sysctl', e.message);
    t.is(e.code, code);
    t.regex(e.message, new RegExp(`^failed to set sysctl ${sysctl.replaceAll('.', '\\.')} on interface "eth0"`));
    t.deepEqual(e.rollbackErrors, []);
    t.deepEqual(linkNamesIn(key), []);
    t.is(ip(['-n', src.name, '-j', 'addr', 'show', 'dev', 'sf0']), before, 'back in the source as it was');
  }
  t.deepEqual(sb.info().interfaces, []);
});

liveTest('disableIPv6 switches IPv6 off on the interface; an IPv6 address switches it on first (osl), a sysctl that drops it is reported', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  await sb.addVeth('d60', 'eth', { address: '10.87.0.2/24', disableIPv6: true }, quiet);
  t.is(catIn(key, '/proc/sys/net/ipv6/conf/eth0/disable_ipv6'), '1');
  const [off] = ipJsonIn<IpAddrLink[]>(key, ['addr', 'show', 'dev', 'eth0']);
  t.deepEqual(off!.addr_info.filter((a) => a.family === 'inet6'), [], 'not even a link-local address');
  // New interfaces start with IPv6 off here; an IPv6 address turns it on for its interface only.
  await sb.writeSysctl('net.ipv6.conf.default.disable_ipv6', 1);
  const on = await sb.addVeth('d61', 'eth', { addressIPv6: 'fd87::2/64' }, quiet);
  t.is(catIn(key, '/proc/sys/net/ipv6/conf/eth1/disable_ipv6'), '0');
  t.is(on.addressIPv6, 'fd87::2/64');
  t.true(ipJsonIn<IpAddrLink[]>(key, ['addr', 'show', 'dev', 'eth1'])[0]!.addr_info.some((a) => a.local === 'fd87::2'));
  await sb.writeSysctl('net.ipv6.conf.default.disable_ipv6', 0);
  const dropped = await sb.addVeth('d62', 'eth', { address: '10.87.2.2/24', addressIPv6: 'fd87:2::2/64', sysctls: ['net.ipv6.conf.IFNAME.disable_ipv6=1'] });
  t.is(dropped.addressIPv6, undefined, 'the kernel dropped it: the interface no longer has it');
  t.false(ipJsonIn<IpAddrLink[]>(key, ['addr', 'show', 'dev', 'eth2'])[0]!.addr_info.some((a) => a.family === 'inet6'));
  const report = await dropped.advertisement;
  t.is(report.end, 'done', 'the IPv4 address was still announced');
  await t.throwsAsync(sb.addVeth('d63', 'eth', { addressIPv6: 'fd87:3::2/64', disableIPv6: true }), { instanceOf: ValidationError });
  await t.throwsAsync(sb.addVeth('d63', 'eth', { linkLocalAddresses: ['fe80::3/64'] }, { disableIPv6: true }), { instanceOf: ValidationError });
  t.deepEqual(linkNamesIn(key), ['eth0', 'eth1', 'eth2']);
});

/** A veth pair made inside the sandbox by "the driver" (not by the sandbox), up, with a known MAC. */
function madeInside(key: string, name: string, peer: string): void {
  ipIn(key, ['link', 'add', name, 'address', '02:00:00:00:c1:01', 'type', 'veth', 'peer', 'name', peer]);
  ipIn(key, ['link', 'set', name, 'up']);
}

liveTest('createdInContainer: configured where it is (not moved); remove() puts back name, MAC, addresses, routes, sysctls, master and state', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  madeInside(key, 'ci0', 'ci1');
  await sb.addInterface('cibr', 'br', { bridge: true }, quiet);
  const before = insideLink(key, 'ci0');
  const i = await sb.addInterface('ci0', 'eth', {
    createdInContainer: true, address: '10.86.0.2/24', addressIPv6: 'fd86::2/64', linkLocalAddresses: ['169.254.86.2/16'],
    mac: '02:00:00:00:86:02', sysctls: ['net.ipv4.conf.IFNAME.forwarding=1'], routes: ['10.85.0.0/16'], master: 'cibr', advertiseAddrNMsgs: 0,
  });
  t.is(i.dstName, 'eth0');
  const now = insideLink(key, 'eth0');
  t.is(now.ifindex, before.ifindex, 'the same link, configured in place');
  t.deepEqual([now.mac, now.up, now.master, now.forwarding], ['02:00:00:00:86:02', true, 'br0', '1']);
  t.deepEqual(now.addresses, ['10.86.0.2/24', '169.254.86.2/16', 'fd86::2/64']);
  t.true(now.routes.includes('10.85.0.0/16'));
  t.is(linkIn(src.name, 'ci0'), undefined, 'nothing came from (or went to) the source');
  await i.remove();
  t.deepEqual(insideLink(key, 'ci0'), before, 'put back as it was found');
  t.deepEqual(linkNamesIn(key), ['br0', 'ci0', 'ci1']);
  await t.throwsAsync(i.remove(), { instanceOf: SandboxError, message: /removed already/ });
  // It can be added again.
  t.is((await sb.addInterface('ci0', 'eth', { createdInContainer: true }, quiet)).dstName, 'eth0');
});

liveTest('createdInContainer: a failure at any later step puts the link back as found, inside', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  madeInside(key, 'cf0', 'cf1');
  const before = insideLink(key, 'cf0');
  const attempts: Array<[Record<string, unknown>, SandboxStep, string]> = [
    [{ address: '10.84.0.2/24', addressIPv6: 'ff05::2/64' }, 'address', 'EADDRNOTAVAIL'],
    [{ address: '10.84.0.2/24', mac: '02:00:00:00:84:02', sysctls: ['net.ipv4.conf.IFNAME.forwarding=1', 'net.ipv4.conf.IFNAME.nosuch=1'] }, 'sysctl', 'ENOENT'],
    [{ address: '10.84.0.2/24', routes: ['10.84.0.0/24'] }, 'route', 'EEXIST'],
    [{ mac: '01:00:5e:00:00:01' }, 'mac', 'EADDRNOTAVAIL'],
  ];
  for (const [options, step, code] of attempts) {
    const e = await t.throwsAsync(sb.addInterface('cf0', 'eth', { createdInContainer: true, ...options }), { instanceOf: SandboxError });
    t.is(e.step, step, e.message);
    t.is(e.code, code, e.message);
    t.deepEqual(e.rollbackErrors, [], 'the rollback was complete');
    t.deepEqual(insideLink(key, 'cf0'), before, JSON.stringify(options));
  }
  ipIn(key, ['link', 'add', 'eth0', 'type', 'bridge']);
  const e = await t.throwsAsync(sb.addInterface('cf0', 'eth', { createdInContainer: true, address: '10.84.0.2/24' }), { instanceOf: SandboxError });
  t.is(e.step, 'rename');
  t.deepEqual(insideLink(key, 'cf0'), before);
  const missing = await t.throwsAsync(sb.addInterface('nosuch0', 'eth', { createdInContainer: true }), { instanceOf: SandboxError });
  t.is(missing.step, 'lookup');
  t.is(missing.code, 'ENODEV');
  t.deepEqual(sb.info().interfaces, []);
  await t.throwsAsync(sb.addVeth('cf9', 'eth', { createdInContainer: true }), { instanceOf: ValidationError });
  await t.throwsAsync(sb.addInterface('cf9', 'br', { createdInContainer: true, bridge: true }), { instanceOf: ValidationError });
});

liveTest('dstName: the exact name inside instead of prefix and number; a name taken by another interface is refused before anything changes', async (t) => {
  const { src, sb, key } = await sandboxFixture(t);
  const wan = await sb.addVeth('dn0', 'eth', sb.interfaceOptions().dstName('wan0'), quiet);
  t.is(wan.dstName, 'wan0');
  t.is((await sb.addVeth('dn1', 'wan', quiet)).dstName, 'wan1', 'the numbered names skip it');
  const e = await t.throwsAsync(sb.addVeth('dn2', 'eth', { dstName: 'wan0' }, quiet), { instanceOf: SandboxError });
  t.is(e.step, 'state');
  t.is(linkIn(src.name, 'dn2'), undefined, 'no pair was made');
  await wan.remove();
  t.is((await sb.addVeth('dn2', 'eth', { dstName: 'wan0' }, quiet)).dstName, 'wan0');
  t.deepEqual(linkNamesIn(key), ['wan0', 'wan1']);
  for (const bad of ['', 'x'.repeat(16), 'a/b', 'a b', 5, null]) {
    await t.throwsAsync(sb.addVeth('dn3', 'eth', { dstName: bad as string }), { instanceOf: ValidationError });
  }
});

liveTest('TestAddInterfaceInParallel (moby): 10 links made inside, added at once with createdInContainer, become eth0..eth9', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  // moby uses dummies; this kernel has none: the inside ends of veth pairs made inside.
  for (let k = 0; k < 10; k++) ipIn(key, ['link', 'add', `par${k}`, 'type', 'veth', 'peer', 'name', `pap${k}`]);
  const added = await Promise.all(Array.from({ length: 10 }, (_, k) => sb.addInterface(`par${k}`, 'eth', { createdInContainer: true }, quiet)));
  t.deepEqual(added.map((i) => i.dstName).sort(), Array.from({ length: 10 }, (_, k) => `eth${k}`).sort());
  t.deepEqual(linkNamesIn(key).filter((n) => n.startsWith('eth')).sort(), added.map((i) => i.dstName).sort());
});

/** Default routes as `ip` shows them inside. */
function defaults(key: string): unknown[] {
  return [...ipJsonIn<IpRoute[]>(key, ['route', 'show', 'default']), ...ipJsonIn<IpRoute[]>(key, ['-6', 'route', 'show', 'default'])]
    .map((r) => [r.dst, r.dev, r.gateway ?? null, r.scope ?? null]);
}

async function withDefaultRoutes(sb: Sandbox) {
  return sb.addVeth('dr0', 'eth', { address: '10.83.0.2/24', addressIPv6: 'fd83::2/64', routes: ['0.0.0.0/0', '10.82.0.0/16', '::/0'] }, quiet);
}

liveTest('setDefaultRouteIPv4/IPv6: the interface\'s default route, recorded at addInterface, is added through it without a gateway; unset removes it', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  const i = await withDefaultRoutes(sb);
  t.deepEqual(i.routes, ['0.0.0.0/0', '10.82.0.0/16', '::/0']);
  t.deepEqual(defaults(key), [], 'addInterface does not add a default route (osl)');
  t.deepEqual(ipJsonIn<IpRoute[]>(key, ['route', 'show', '10.82.0.0/16']).map((r) => r.dev), ['eth0']);
  await sb.setDefaultRouteIPv4('dr0');
  await sb.setDefaultRouteIPv6('dr0');
  t.deepEqual(defaults(key), [['default', 'eth0', null, 'link'], ['default', 'eth0', null, null]]);
  t.deepEqual([sb.info().defaultRouteIPv4, sb.info().defaultRouteIPv6], ['dr0', 'dr0']);
  t.is(sb.toObject().defaultRouteIPv4, 'dr0');
  const twice = await t.throwsAsync(sb.setDefaultRouteIPv4('dr0'), { instanceOf: SandboxError });
  t.is(twice.step, 'route');
  t.regex(twice.message, /one is set already, through 'dr0'/);
  await sb.unsetDefaultRouteIPv4();
  t.deepEqual(defaults(key), [['default', 'eth0', null, null]]);
  t.is(sb.info().defaultRouteIPv4, undefined);
  await sb.unsetDefaultRouteIPv4();
  await sb.unsetDefaultRouteIPv6();
  t.deepEqual(defaults(key), []);
  // Removing the interface drops its record (the kernel flushed the route with it).
  await sb.setDefaultRouteIPv4('dr0');
  await i.remove();
  t.is(sb.info().defaultRouteIPv4, undefined);
  await sb.unsetDefaultRouteIPv4();
});

liveTest('setDefaultRouteIPv4/IPv6 errors: no such interface, no default route among its routes, a kernel refusal; nothing recorded', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  await sb.addVeth('dn0', 'eth', { address: '10.81.0.2/24', routes: ['10.80.0.0/16'] }, quiet);
  await withDefaultRoutes(sb);
  for (const [call, message] of [
    [() => sb.setDefaultRouteIPv4('nosuch'), /srcName 'nosuch': no interface/],
    [() => sb.setDefaultRouteIPv4('dn0'), /no default route among the interface's routes/],
    [() => sb.setDefaultRouteIPv6('dn0'), /no default route among the interface's routes/],
  ] as const) {
    const e = await t.throwsAsync(call(), { instanceOf: SandboxError });
    t.is(e.step, 'route');
    t.regex(e.message, message);
  }
  ipIn(key, ['route', 'add', 'default', 'via', '10.83.0.1']);
  const refused = await t.throwsAsync(sb.setDefaultRouteIPv4('dr0'), { instanceOf: SandboxError });
  t.is(refused.code, 'EEXIST', 'a default route is already there');
  t.is(sb.info().defaultRouteIPv4, undefined);
  for (const bad of [undefined, null, 5, '', 'x'.repeat(16), 'a/b', 'a b', {}]) {
    await t.throwsAsync(sb.setDefaultRouteIPv4(bad as string), { instanceOf: ValidationError });
    await t.throwsAsync(sb.setDefaultRouteIPv6(bad as string), { instanceOf: ValidationError });
  }
});
