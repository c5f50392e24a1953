// Kernel knobs inside a sandbox (osl's kernel package and its TestReadWriteKnobs): /proc/sys/net
// read and written as the sandbox's namespace sees it, checked with `cat` run inside the namespace
// (nsenter) and against the test's own namespace, which must not change; no thread of the process
// is left in (or even enters, for JS threads) the sandbox's namespace; keys outside /proc/sys/net
// and malformed values are refused before anything is opened; the OS tweaks.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import test from 'ava';
import { ValidationError } from '../../lib/netlink/index.js';
import { native } from '../../lib/netlink/transport/native.js';
import { SandboxError } from '../../lib/sandbox/index.js';
import { applyKnobs, checkInterfaceSysctl, checkKnobValue, knobPath } from '../../lib/sandbox/knobs.js';
import { liveTest } from '../helpers/netns.js';
import { sandboxFixture } from '../helpers/sandbox-fixtures.js';

/** `cat <file>` run inside the namespace on `key` (nsenter --net): the independent oracle. */
function catIn(key: string, file: string): string {
  return execFileSync('nsenter', [`--net=${key}`, 'cat', file], { encoding: 'utf8' }).trim();
}

/** The network namespace of every thread of this process (inode of /proc/self/task/<tid>/ns/net). */
function threadNamespaces(): Set<number> {
  return new Set(readdirSync('/proc/self/task').map((tid) => statSync(`/proc/self/task/${tid}/ns/net`).ino));
}

liveTest('TestReadWriteKnobs: knobs read, written and read back inside the sandbox; the test\'s namespace is untouched', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  const own = statSync('/proc/thread-self/ns/net').ino;
  // osl's keys: the kernel shows neigh/default (with the gc_thresh knobs) in the initial namespace
  // only (osl's test skips a key it cannot read); in a sandbox, as in any container, they are missing.
  for (const k of ['net.ipv4.neigh.default.gc_thresh1', 'net.ipv4.neigh.default.gc_thresh2', 'net.ipv4.neigh.default.gc_thresh3']) {
    const e = await t.throwsAsync(sb.readSysctl(k), { instanceOf: SandboxError });
    t.is(e.code, 'ENOENT', k);
  }
  // Knobs every namespace has (lo's neighbour table, the listen backlog), with osl's round trip.
  for (const k of ['net.ipv4.neigh.lo.gc_stale_time', 'net.ipv4.neigh.lo.base_reachable_time_ms', 'net.core.somaxconn']) {
    const file = `/proc/sys/${k.replaceAll('.', '/')}`;
    const hostBefore = readFileSync(file, 'utf8').trim();
    const v = await sb.readSysctl(k);
    t.is(v, catIn(key, file));
    await sb.writeSysctl(k, '10000');
    t.is(await sb.readSysctl(k), '10000');
    t.is(catIn(key, file), '10000', 'the sandbox sees it');
    t.is(readFileSync(file, 'utf8').trim(), hostBefore, 'the test\'s own namespace does not');
    await sb.writeSysctl(k, Number(v));
    t.is(catIn(key, file), v);
  }
  t.is(statSync('/proc/thread-self/ns/net').ino, own, 'the JS thread never moved');
  t.deepEqual(threadNamespaces(), new Set([own]), 'no thread of the process is in another namespace');
});

liveTest('dotted keys: a "/" in a segment stands for "." (an interface named with a dot); errors keep the errno', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  execFileSync('nsenter', [`--net=${key}`, 'ip', 'link', 'add', 'br.5', 'type', 'bridge']);
  await sb.writeSysctl('net.ipv4.conf.br/5.forwarding', 1);
  t.is(catIn(key, '/proc/sys/net/ipv4/conf/br.5/forwarding'), '1');
  const missing = await t.throwsAsync(sb.readSysctl('net.ipv4.conf.nosuch0.forwarding'), { instanceOf: SandboxError });
  t.is(missing.step, 'sysctl');
  t.is(missing.code, 'ENOENT');
  const dir = await t.throwsAsync(sb.readSysctl('net.ipv4.conf'), { instanceOf: SandboxError });
  t.is(dir.code, 'EISDIR', 'a directory is not a knob');
  const refused = await t.throwsAsync(sb.writeSysctl('net.ipv4.ip_forward', 'yes'), { instanceOf: SandboxError });
  t.is(refused.code, 'EINVAL', 'the kernel refuses a value it cannot parse');
  t.is(catIn(key, '/proc/sys/net/ipv4/ip_forward'), '0');
});

test('keys outside /proc/sys/net, ".." and malformed keys or values are ValidationErrors', (t) => {
  t.is(knobPath('k', 'net.ipv4.ip_forward'), '/proc/sys/net/ipv4/ip_forward');
  t.is(knobPath('k', 'net.ipv4.conf.eth0/100.forwarding'), '/proc/sys/net/ipv4/conf/eth0.100/forwarding');
  for (const bad of [
    undefined, null, 5, {}, [], '', 'net', 'kernel.hostname', 'vm.swappiness', 'fs.file-max', '.net.ipv4', 'net..ipv4', 'net.ipv4.',
    'net.ipv4./', 'net.ipv4.//', 'net./..', 'net.ipv4./../../kernel/hostname', 'net.ipv4.a b', 'net.ipv4.a\0b', 'net.ipv4.a\nb',
    'net.ipv4.\u00e9', 'net/ipv4/ip_forward', `net.${'x'.repeat(1100)}`, 'NET.ipv4.ip_forward', 'net.ipv4.ip_forward\t',
  ]) {
    t.throws(() => knobPath('k', bad), { instanceOf: ValidationError }, JSON.stringify(bad));
  }
  t.is(checkKnobValue('v', 1), '1');
  t.is(checkKnobValue('v', -1), '-1');
  t.is(checkKnobValue('v', '32768\t60999'), '32768\t60999');
  for (const bad of [undefined, null, 1.5, NaN, Infinity, 2 ** 53, 10n, true, {}, [], '', ' 1', '1 ', '1\n', '\n', 'a\0', 'é', 'x'.repeat(4096)]) {
    t.throws(() => checkKnobValue('v', bad), { instanceOf: ValidationError }, JSON.stringify(String(bad)));
  }
});

test('per-interface sysctls: only net.{ipv4,ipv6,mpls}.conf.IFNAME.<name>=<value>', (t) => {
  t.deepEqual(checkInterfaceSysctl('s', 'net.ipv4.conf.IFNAME.forwarding=1'),
    { text: 'net.ipv4.conf.IFNAME.forwarding=1', family: 'ipv4', name: 'forwarding', value: '1' });
  t.is(checkInterfaceSysctl('s', 'net.ipv6.conf.ifname.accept_ra=0').text, 'net.ipv6.conf.IFNAME.accept_ra=0');
  for (const bad of [
    5, null, '', 'net.ipv4.conf.IFNAME.forwarding', 'net.ipv4.conf.IFNAME.forwarding=', 'net.ipv4.conf.eth0.forwarding=1',
    'net.ipv4.conf.all.forwarding=1', 'net.ipv4.neigh.IFNAME.gc_stale_time=60', 'net.ipv4.ip_forward=1', 'net.core.conf.IFNAME.x=1',
    'net.ipv4.conf.IFNAME.../x=1', 'net.ipv4.conf.IFNAME.a.b=1', 'kernel.conf.IFNAME.x=1', 'net.ipv4.conf.IFNAME.Forwarding=1',
    'net.ipv4.conf.IFNAME.forwarding= 1', 'net.ipv4.conf.IFNAME.forwarding=1\n', 'net.ipv4.conf.IFNAME.x\0=1', 'constructor', 'toString',
  ]) {
    t.throws(() => checkInterfaceSysctl('s', bad), { instanceOf: ValidationError }, JSON.stringify(bad));
  }
});

liveTest('the native open refuses paths outside /proc/sys/net and "."/".."/empty segments; it is CLOEXEC', async (t) => {
  const { src } = await sandboxFixture(t);
  const n = native();
  for (const bad of ['/proc/sys/kernel/hostname', '/proc/sys/net', '/proc/sys/net/', '/proc/sys/net/../kernel/hostname',
    '/proc/sys/net/./ipv4/ip_forward', '/proc/sys/net//ipv4/ip_forward', '/proc/sys/net/ipv4/', '/etc/passwd', 'proc/sys/net/ipv4/ip_forward',
    '/proc/sys/netx/ipv4', `/proc/sys/net/${'x/'.repeat(2100)}y`]) {
    t.throws(() => n.procSysOpen(src.path, bad, 0), { instanceOf: TypeError }, bad);
  }
  t.throws(() => n.procSysOpen(src.path, '/proc/sys/net/ipv4/ip_forward', 2 as 0), { instanceOf: TypeError });
  t.throws(() => n.procSysOpen(src.path, '/proc/sys/net/ipv4/ip_forward\0x', 0), { instanceOf: TypeError });
  t.is(n.procSysOpen(src.path, '/proc/sys/net/ipv4/conf', 1), -21, 'a directory: EISDIR at open for writing');
  t.is(n.procSysOpen('/nonexistent', '/proc/sys/net/ipv4/ip_forward', 0), -2);
  t.is(n.procSysOpen('/proc/self/fd/0', '/proc/sys/net/ipv4/ip_forward', 0) < 0, true, 'not a namespace: setns fails on the helper thread');
  const fd = n.procSysOpen(src.path, '/proc/sys/net/ipv4/ip_forward', 0);
  t.true(fd >= 0);
  const flags = parseInt(/flags:\s+([0-7]+)/.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))![1]!, 8);
  n.socketClose(fd);
  t.true((flags & 0o2000000) !== 0, 'O_CLOEXEC');
});

liveTest('applyOSTweaks: the IPVS knobs of osl for ingress and load balancer; missing ones (no IPVS here) are skipped', async (t) => {
  const { sb, key } = await sandboxFixture(t);
  const hasIpvs = execFileSync('nsenter', [`--net=${key}`, 'sh', '-c', 'test -d /proc/sys/net/ipv4/vs && echo yes || echo no'], { encoding: 'utf8' }).trim() === 'yes';
  const results = await sb.applyOSTweaks(['ingress', 'loadBalancer', 'ingress']);
  t.deepEqual(results.map((r) => [r.key, r.value]), [
    ['net.ipv4.vs.conn_reuse_mode', '0'], ['net.ipv4.vs.expire_nodest_conn', '1'], ['net.ipv4.vs.expire_quiescent_template', '1'],
  ]);
  if (hasIpvs) {
    for (const r of results) t.is(catIn(key, `/proc/sys/${r.key.replaceAll('.', '/')}`), r.value);
  } else {
    t.deepEqual(results.map((r) => r.status), ['missing', 'missing', 'missing'], 'this kernel has no IPVS: nothing to set');
  }
  t.deepEqual(await sb.applyOSTweaks([]), []);
  for (const bad of [undefined, null, 'ingress', ['lb'], ['constructor'], ['toString'], ['__proto__'], [0], [1], [null], { 0: 'ingress' }]) {
    await t.throwsAsync(sb.applyOSTweaks(bad as never), { instanceOf: ValidationError }, JSON.stringify(bad));
  }
});

liveTest('applying several knobs: a failure puts back those already written (the table behind applyOSTweaks)', async (t) => {
  const { key } = await sandboxFixture(t);
  const { openNamespaceFd, closeQuietly } = await import('../../lib/netns/file.js');
  const fd = openNamespaceFd(key);
  t.teardown(() => closeQuietly(fd));
  const before = catIn(key, '/proc/sys/net/ipv4/neigh/lo/gc_stale_time');
  const results = applyKnobs(fd, [['net.ipv4.neigh.lo.gc_stale_time', '1234'], ['net.ipv4.vs.conn_reuse_mode', '0'], ['net.ipv4.ip_forward', '0']]);
  t.deepEqual(results, [
    { key: 'net.ipv4.neigh.lo.gc_stale_time', value: '1234', status: 'set', previous: before },
    { key: 'net.ipv4.vs.conn_reuse_mode', value: '0', status: 'missing' },
    { key: 'net.ipv4.ip_forward', value: '0', status: 'unchanged', previous: '0' },
  ].filter((r) => r.status !== 'missing' || !readdirSync('/proc/sys/net/ipv4').includes('vs')));
  t.is(catIn(key, '/proc/sys/net/ipv4/neigh/lo/gc_stale_time'), '1234');
  const e = t.throws(() => applyKnobs(fd, [['net.ipv4.neigh.lo.gc_stale_time', '4321'], ['net.ipv4.ip_forward', 'yes']]), { instanceOf: SandboxError });
  t.is(e.step, 'sysctl');
  t.is(e.code, 'EINVAL');
  t.regex(e.message, /^failed to set net\.ipv4\.ip_forward/);
  t.deepEqual(e.rollbackErrors, []);
  t.is(catIn(key, '/proc/sys/net/ipv4/neigh/lo/gc_stale_time'), '1234', 'the first knob was put back');
});
