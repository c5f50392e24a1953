// What the README's "Using it as a dependency" section promises about privileges, checked by running
// a consumer script as an unprivileged user (nobody, no capabilities) and as root of a user
// namespace it made itself (`unshare --user --map-root-user --net [--mount]`, as rootless
// containers do):
// - without capabilities: opening a handle, every dump, route lookups and events work; every change
//   is EPERM; creating namespaces and opening a socket in another namespace are EPERM;
// - as root of a user namespace: everything works on the namespaces it owns; creating a namespace
//   file (and so a sandbox) also needs a mount namespace of its own.
//
// The consumer imports the bundles users get (dist/bundle/, where package.json `exports` point).
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ip, liveTest, privileged, tempNetns } from './helpers/netns.js';
import { root, tempDir } from './helpers/package-fixtures.js';

const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', '--bounding-set=-all'];

/** The consumer: tries each kind of call and prints one JSON object of results (ok, a value, or the error code). */
const SCRIPT = `
import { mkdtempSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
const { RtNetlink, netns } = await import(${JSON.stringify(pathToFileURL(join(root, 'dist', 'bundle', 'rtnetlink.cjs')).href)});
const [mode, otherNetns, scratch] = process.argv.slice(2);
const out = {};
async function attempt(name, fn) {
  try { const r = await fn(); out[name] = r ?? 'ok'; } catch (e) { out[name] = e.code ?? e.message; }
}
const nl = await RtNetlink.open();
await attempt('links.list', async () => (await nl.links.list()).map((l) => l.name).join(','));
await attempt('addresses.list', async () => (await nl.addresses.list()).length > 0 ? 'ok' : 'empty');
await attempt('routes.list', async () => (await nl.routes.list()).length > 0 ? 'ok' : 'empty');
await attempt('neighbors.list', async () => { await nl.neighbors.list(); });
await attempt('rules.list', async () => (await nl.rules.list()).length > 0 ? 'ok' : 'empty');
await attempt('routes.get', async () => (await nl.routes.get('127.0.0.1')).type);
const events = nl.monitor({ groups: ['link'] })[Symbol.asyncIterator]();
const event = events.next();
if (mode === 'external') console.log('subscribed');   // the test makes a change now
else await nl.links.add({ name: 'ev0', kind: 'bridge' }).catch(() => {});
await attempt('monitor', async () => {
  const e = await Promise.race([event, new Promise((r) => setTimeout(() => r({ value: { type: 'timeout' } }), 5000))]);
  return e.value.type + ' ' + (e.value.object?.name ?? '');
});
await events.return();
await attempt('links.add', async () => { await nl.links.add({ name: 'br1', kind: 'bridge' }); });
await attempt('links.set', () => nl.links.set('lo', { mtu: 65000 }));
await attempt('addresses.add', () => nl.addresses.add({ link: 'lo', address: '10.9.9.9/32' }));
await attempt('routes.add', () => nl.routes.add({ dst: '10.8.0.0/16', oif: 'lo' }));
const file = join(scratch, 'ns1');
await attempt('netns.create', () => netns.create(file));
await attempt('open in a namespace', async () => {
  const inner = await RtNetlink.open({ netns: out['netns.create'] === 'ok' ? file : otherNetns });
  try { await inner.links.add({ name: 'v0', kind: 'veth', peer: { name: 'v1' } }); } finally { inner.close(); }
});
if (out['netns.create'] === 'ok') await attempt('netns.remove', () => netns.remove(file));
const { Sandbox, setBasePath, generateKey } = await import(${JSON.stringify(pathToFileURL(join(root, 'dist', 'bundle', 'sandbox.cjs')).href)});
setBasePath(join(scratch, 'sandboxes'));
await attempt('sandbox', async () => {
  const sb = await Sandbox.create(generateKey('c1'));
  try { await sb.addVeth('vs0', 'eth', { address: '10.0.0.2/24' }); } finally { await sb.destroy(); }
});
nl.close();
console.log(JSON.stringify(out));
`;

interface Results {
  [call: string]: string;
}

/** Runs the script through `command` (ending in node's arguments), making a change when it asks. */
function consumer(command: string[], onSubscribed?: () => void): Promise<{ results: Results | undefined; stderr: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (onSubscribed !== undefined && stdout.includes('subscribed\n')) {
        const callback = onSubscribed;
        onSubscribed = undefined;
        callback();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      resolve({ results: last.startsWith('{') ? JSON.parse(last) as Results : undefined, stderr, code });
    });
  });
}

/** A directory (and script) readable and writable by nobody. */
function scratch(t: Parameters<typeof tempDir>[0]): { dir: string; script: string } {
  const dir = tempDir(t, 'rtnl-privileges-');
  chmodSync(dir, 0o777);
  const script = join(dir, 'consumer.mjs');
  writeFileSync(script, SCRIPT);
  chmodSync(script, 0o644);
  return { dir, script };
}

liveTest('without capabilities (nobody): dumps, lookups and events work; changes, namespace creation, entering a namespace and sandboxes are EPERM', async (t) => {
  const ns = await tempNetns(t, 'np');
  const { dir, script } = scratch(t);
  const { results, stderr } = await consumer(
    ['ip', 'netns', 'exec', ns.name, 'setpriv', ...NOBODY, process.execPath, script, 'external', ns.path, dir],
    () => ip(['-n', ns.name, 'link', 'add', 'ev0', 'type', 'bridge']),
  );
  t.deepEqual(results, {
    'links.list': 'lo', 'addresses.list': 'ok', 'routes.list': 'ok', 'neighbors.list': 'ok', 'rules.list': 'ok',
    'routes.get': 'local', monitor: 'new ev0',
    'links.add': 'EPERM', 'links.set': 'EPERM', 'addresses.add': 'EPERM', 'routes.add': 'EPERM',
    'netns.create': 'EPERM', 'open in a namespace': 'EPERM', sandbox: 'EPERM',
  }, stderr);
});

// Unprivileged user namespaces can be disabled (sysctls, LSMs): then there is nothing to check.
const userns = privileged
  ? spawnSync('setpriv', [...NOBODY, 'unshare', '--user', '--map-root-user', 'true'], { encoding: 'utf8' })
  : { status: 1, stderr: '' };
const usernsTest = (title: string, fn: Parameters<typeof liveTest>[1]): void => {
  if (!privileged || userns.status === 0) liveTest(title, fn);
  else test.skip(`${title} (skipped: this kernel refuses unprivileged user namespaces: ${userns.stderr.trim()})`, () => {});
};

usernsTest('as root of its own user namespace (unshare --user --map-root-user --net --mount, run by nobody): every call, the sandbox layer included, works on the namespaces it owns', async (t) => {
  const { dir, script } = scratch(t);
  const { results, stderr } = await consumer(['setpriv', ...NOBODY, 'unshare', '--user', '--map-root-user', '--net', '--mount', '--',
    'sh', '-c', `ip link set lo up && exec "${process.execPath}" "${script}" self none "${dir}"`]);
  t.deepEqual(results, {
    'links.list': 'lo', 'addresses.list': 'ok', 'routes.list': 'ok', 'neighbors.list': 'ok', 'rules.list': 'ok',
    'routes.get': 'local', monitor: 'new ev0',
    'links.add': 'ok', 'links.set': 'ok', 'addresses.add': 'ok', 'routes.add': 'ok',
    'netns.create': 'ok', 'open in a namespace': 'ok', 'netns.remove': 'ok', sandbox: 'ok',
  }, stderr);
});

usernsTest('in a user namespace without a mount namespace of its own, netns.create and Sandbox.create are EPERM (the bind mount needs one); the rest works', async (t) => {
  const { dir, script } = scratch(t);
  const { results, stderr } = await consumer(['setpriv', ...NOBODY, 'unshare', '--user', '--map-root-user', '--net', '--',
    'sh', '-c', `ip link set lo up && exec "${process.execPath}" "${script}" self /proc/self/ns/net "${dir}"`]);
  t.is(results?.['links.add'], 'ok', stderr);
  t.is(results?.['routes.add'], 'ok');
  t.is(results?.['netns.create'], 'EPERM');
  t.is(results?.['open in a namespace'], 'ok', 'entering a namespace it owns (its own) works');
  t.is(results?.sandbox, 'EPERM');
});
