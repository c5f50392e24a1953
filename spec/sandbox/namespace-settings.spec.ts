// The namespace operations of today's osl: alias addresses (on lo or an interface), ARP settings for
// virtual IPs, interfaceBySrcName, the loopback's name and whether it has IPv6. Oracles: `ip -j`
// and `cat /proc/sys/...` run inside the sandbox.
import { execFileSync } from 'node:child_process';
import { ValidationError } from '../../lib/netlink/index.js';
import { SandboxError } from '../../lib/sandbox/index.js';
import { liveTest } from '../helpers/netns.js';
import { ipIn, ipJsonIn, sandboxFixture, type IpAddrLink } from '../helpers/sandbox-fixtures.js';

function catIn(key: string, file: string): string {
  return execFileSync('nsenter', [`--net=${key}`, 'cat', file], { encoding: 'utf8' }).trim();
}

/** The global addresses of a link inside, as `ip` shows them. */
function addressesIn(key: string, dev: string): string[] {
  const [l] = ipJsonIn<IpAddrLink[]>(key, ['addr', 'show', 'dev', dev]);
  return l!.addr_info.filter((a) => a.scope !== 'link' && a.scope !== 'host').map((a) => `${a.local}/${a.prefixlen}`);
}

liveTest('addAliasIP/removeAliasIP: on lo and on an interface; not recorded; errors name the link', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  await sb.addVeth('al0', 'eth', { address: '10.79.0.2/24', advertiseAddrNMsgs: 0 });
  await sb.addAliasIP('lo', '10.255.0.1/32');
  await sb.addAliasIP(sb.loopbackName, 'fd79::1');
  await sb.addAliasIP('eth0', '10.79.0.100/24');
  t.deepEqual(addressesIn(key, 'lo'), ['10.255.0.1/32', 'fd79::1/128']);
  t.deepEqual(addressesIn(key, 'eth0'), ['10.79.0.2/24', '10.79.0.100/24']);
  t.deepEqual(sb.info().interfaces[0]!.address, '10.79.0.2/24', 'the interface record is unchanged');
  const twice = await t.throwsAsync(sb.addAliasIP('lo', '10.255.0.1/32'), { instanceOf: SandboxError });
  t.is(twice.code, 'EEXIST');
  await sb.removeAliasIP('lo', '10.255.0.1/32');
  await sb.removeAliasIP('lo', 'fd79::1/128');
  await sb.removeAliasIP('eth0', '10.79.0.100/24');
  t.deepEqual(addressesIn(key, 'lo'), []);
  t.deepEqual(addressesIn(key, 'eth0'), ['10.79.0.2/24']);
  const gone = await t.throwsAsync(sb.removeAliasIP('lo', '10.255.0.1/32'), { instanceOf: SandboxError });
  t.is(gone.code, 'EADDRNOTAVAIL');
  const missing = await t.throwsAsync(sb.addAliasIP('nosuch0', '10.255.0.2/32'), { instanceOf: SandboxError });
  t.is(missing.code, 'ENODEV');
  t.regex(missing.message, /"nosuch0"/);
  for (const [name, addr] of [['lo', '10.0.0.300/32'], ['lo', ''], ['lo', 5], ['lo', '10.0.0.1/33'], ['', '10.0.0.1/32'], ['a/b', '10.0.0.1/32'],
    [null, '10.0.0.1/32'], ['x'.repeat(16), '10.0.0.1/32'], ['lo', 'constructor']] as const) {
    await t.throwsAsync(sb.addAliasIP(name as string, addr as string), { instanceOf: ValidationError });
    await t.throwsAsync(sb.removeAliasIP(name as string, addr as string), { instanceOf: ValidationError });
  }
});

liveTest('disableARPForVIP sets arp_ignore=1 and arp_announce=2 on the interface inside, by its source name', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  await sb.addVeth('va0', 'eth', { advertiseAddrNMsgs: 0 });
  await sb.addVeth('va1', 'eth', { advertiseAddrNMsgs: 0 });
  await sb.disableARPForVIP('va1');
  t.deepEqual([catIn(key, '/proc/sys/net/ipv4/conf/eth1/arp_ignore'), catIn(key, '/proc/sys/net/ipv4/conf/eth1/arp_announce')], ['1', '2']);
  t.deepEqual([catIn(key, '/proc/sys/net/ipv4/conf/eth0/arp_ignore'), catIn(key, '/proc/sys/net/ipv4/conf/eth0/arp_announce')], ['0', '0']);
  await sb.disableARPForVIP('va1');
  const e = await t.throwsAsync(sb.disableARPForVIP('eth0'), { instanceOf: SandboxError });
  t.is(e.message, 'failed to find interface eth0 in sandbox', 'by source name, not by the name inside');
  await t.throwsAsync(sb.disableARPForVIP('' as string), { instanceOf: ValidationError });
});

liveTest('interfaceBySrcName, loopbackName and ipv6LoEnabled', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  const i = await sb.addVeth('ib0', 'eth', { advertiseAddrNMsgs: 0 });
  t.is(sb.interfaceBySrcName('ib0'), i);
  t.is(sb.interfaceBySrcName('eth0'), undefined);
  t.throws(() => sb.interfaceBySrcName('a b'), { instanceOf: ValidationError });
  t.is(sb.loopbackName, 'lo');
  t.true(await sb.ipv6LoEnabled());
  ipIn(key, ['addr', 'del', '::1/128', 'dev', 'lo']);
  t.false(await sb.ipv6LoEnabled(), 'asked of the kernel each time');
  ipIn(key, ['addr', 'add', '::1/128', 'dev', 'lo']);
  t.true(await sb.ipv6LoEnabled());
  await sb.writeSysctl('net.ipv6.conf.lo.disable_ipv6', 1);
  t.false(await sb.ipv6LoEnabled());
  await sb.destroy();
  await t.throwsAsync(sb.ipv6LoEnabled(), { instanceOf: SandboxError, message: /destroyed/ });
  await t.throwsAsync(sb.readSysctl('net.ipv4.ip_forward'), { instanceOf: SandboxError, message: /destroyed/ });
  await t.throwsAsync(sb.addAliasIP('lo', '10.0.0.1/32'), { instanceOf: SandboxError, message: /destroyed/ });
});
