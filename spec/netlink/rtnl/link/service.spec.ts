// links.add / links.set against a fake kernel: hostile options are ValidationErrors before anything
// is sent, and only own properties of an options object are read — a polluted Object.prototype must
// not change a request (it once sent a plain links.add into another namespace).
import { execFileSync } from 'node:child_process';
import test from 'ava';
import { DecodeError, ValidationError } from '../../../../lib/netlink/core/errors.js';
import { RTM_NEWLINK } from '../../../../lib/netlink/rtnl/rtm.js';
import { ackingKernel, withLinks } from './fixtures.js';
import { nlmsg } from '../../../helpers/bytes.js';

/** The option names links.add and links.set read, each polluted in turn on Object.prototype. */
const OPTION_NAMES = [
  'name', 'kind', 'mtu', 'mac', 'broadcast', 'txqlen', 'group', 'alias', 'up', 'master', 'netns', 'peer', 'data',
  'link', 'numTxQueues', 'numRxQueues', 'slaveData', 'index', 'promisc', 'allmulticast', 'multicast', 'arp',
];

/**
 * Runs links.add and links.set against the fake kernel in a fresh node process, with Object.prototype
 * polluted by `key` (or clean when `key` is empty), and returns the datagrams sent, as hex. A child
 * process, because polluting `name` inside ava's worker crashes the worker's own IPC.
 */
function requestsWithPollution(key: string): string[] {
  const dist = new URL('../../../../', import.meta.url).href; // dist/
  const script = `
    const { Connection } = await import(${JSON.stringify(`${dist}lib/netlink/transport/connection.js`)});
    const { Links } = await import(${JSON.stringify(`${dist}lib/netlink/rtnl/link/service.js`)});
    const { nlerror } = await import(${JSON.stringify(`${dist}spec/helpers/bytes.js`)});
    const { FakeKernel } = await import(${JSON.stringify(`${dist}spec/helpers/fake-kernel.js`)});
    const { echoOf } = await import(${JSON.stringify(`${dist}spec/netlink/rtnl/link/fixtures.js`)});
    const kernel = new FakeKernel((msgs, k) => {
      for (const m of msgs) {
        if ((m.flags & 8) !== 0) k.deliver(echoOf(m)); // NLM_F_ECHO: the new link, as Linux 6.3+ echoes it
        k.deliver(nlerror(m.seq, 0, { type: m.type, flags: m.flags }));
      }
    });
    kernel.install();
    const links = new Links(Connection.open(0));
    const key = ${JSON.stringify(key)};
    if (key !== '') Object.prototype[key] = key === 'netns' ? '/nonexistent/netns' : key === 'peer' ? { name: 'evil' } : key === 'up' ? true : 'x';
    let error = null;
    try { await links.add({ name: 'br0', kind: 'bridge' }); await links.set(3, { mtu: 1400 }); } catch (e) { error = String(e); }
    if (key !== '') delete Object.prototype[key];
    process.stdout.write(JSON.stringify({ error, sent: kernel.datagrams.map((d) => d.toString('hex')) }));
    process.exit(0);
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const result = JSON.parse(out) as { error: string | null; sent: string[] };
  if (result.error !== null) throw new Error(`with Object.prototype.${key}: ${result.error}`);
  return result.sent;
}

test('a polluted Object.prototype changes no byte of links.add or links.set', (t) => {
  const plain = requestsWithPollution('');
  t.is(plain.length, 2);
  for (const key of OPTION_NAMES) t.deepEqual(requestsWithPollution(key), plain, `Object.prototype.${key}`);
});

test.serial('options inherited through a prototype, class instances and bad aliases are refused before sending', async (t) => {
  await withLinks(ackingKernel(), async (links, kernel) => {
    const bad: Array<[() => Promise<unknown>, RegExp]> = [
      [() => links.add({ __proto__: { name: 'x0', kind: 'bridge' } } as never), /^options: a plain object/],
      [() => links.add(new (class { name = 'x0'; kind = 'bridge'; })() as never), /^options: a plain object/],
      [() => links.add({ name: 'v0', kind: 'veth', peer: { __proto__: { name: 'v1' } } as never }), /^peer: a plain object/],
      [() => links.set('x0', { __proto__: { mtu: 1400 } } as never), /^changes: a plain object/],
      [() => links.add({ name: 'x0', kind: 'bridge', alias: 'a\0b' }), /^alias: an alias cannot contain NUL/],
      [() => links.set('x0', { alias: 'x'.repeat(256) }), /^alias: a string of at most 255 bytes/],
      [() => links.add({ name: 'x0', kind: 'constructor' as never }), /^kind: unknown link kind/],
      [() => links.add({ name: 'x0', kind: 'toString' as never }), /^kind: unknown link kind/],
      [() => links.add({ name: 'x0', kind: 'bridge', data: { constructor: 1 } as never }), /^data\.constructor: /],
      [() => links.add({ name: 'x0', kind: 'bridge', data: { toString: 1 } as never }), /^data\.toString: /],
    ];
    for (const [call, message] of bad) {
      await t.throwsAsync(call(), { instanceOf: ValidationError, message });
    }
    t.is(kernel.datagrams.length, 0, 'nothing was sent');
  });
});

test.serial('a valid add still sends one RTM_NEWLINK', async (t) => {
  await withLinks(ackingKernel(), async (links, kernel) => {
    await links.add({ name: 'br0', kind: 'bridge' });
    t.is(kernel.sent.length, 1);
    t.is(kernel.sent[0]!.type, RTM_NEWLINK);
  });
});

test.serial('links.index: a reply too short for its ifinfomsg, or with ifindex 0, is a DecodeError (no bytes read past it)', async (t) => {
  const ifi0 = Buffer.alloc(16);
  for (const payload of [Buffer.alloc(3), Buffer.alloc(7), ifi0]) {
    const kernel = ackingKernel((m) => nlmsg(RTM_NEWLINK, 0, m.seq, 4242, payload));
    await withLinks(kernel, async (links) => {
      await t.throwsAsync(links.index('x0'), { instanceOf: DecodeError }, `${payload.length}-byte body`);
    });
  }
});
