// The nexthop requests against iproute2's (spec/fixtures/nexthop/req-*.hex, each with its
// provenance): nl.nexthops sends the same message type, flags and bytes for the same nexthop, all
// written by the one encoder, which also decodes iproute2's requests back to what was asked.
// Bad input is a ValidationError before anything is sent. No privileges needed.
import { execFileSync } from 'node:child_process';
import test from 'ava';
import { ValidationError } from '../../../../lib/netlink/index.js';
import { nexthopRequestMessage } from '../../../../lib/netlink/rtnl/nexthop/codec.js';
import type { NexthopSpec } from '../../../../lib/netlink/rtnl/nexthop/options.js';
import type { SentMessage } from '../../../helpers/fake-kernel.js';
import { checkReencode } from '../../../helpers/golden.js';
import { fake, fixture } from './fixtures.js';

const RTM_NEWNEXTHOP = 104;
const RTM_DELNEXTHOP = 105;
const RTM_GETNEXTHOP = 106;

/** A captured request and the call that must send the same bytes (d0 is ifindex 3, vx0 4). */
const CALLS: Array<[string, (nl: Awaited<ReturnType<typeof fake>>['nl']) => Promise<unknown>]> = [
  ['req-add-gateway.hex', (nl) => nl.nexthops.add({ id: 1, gateway: '10.1.0.2', oif: 'd0' })],
  ['req-add-blackhole.hex', (nl) => nl.nexthops.add({ id: 2, blackhole: true })],
  ['req-add-gateway6.hex', (nl) => nl.nexthops.add({ id: 3, gateway: '2001:db8::2', oif: 3 })],
  ['req-add-dev.hex', (nl) => nl.nexthops.add({ id: 4, oif: 'd0' })],
  ['req-add-onlink-proto.hex', (nl) => nl.nexthops.add({ id: 5, gateway: '10.9.0.1', oif: 'd0', onlink: true, protocol: 'static' })],
  ['req-add-fdb.hex', (nl) => nl.nexthops.add({ id: 6, gateway: '10.1.0.9', fdb: true })],
  ['req-add-encap-ip.hex', (nl) => nl.nexthops.add({ id: 7, encap: { type: 'ip', id: 5, dst: '10.1.0.9' }, oif: 'vx0' })],
  ['req-add-group.hex', (nl) => nl.nexthops.add({ id: 10, group: [{ id: 1, weight: 3 }, { id: 4, weight: 2 }] })],
  ['req-add-resilient.hex', (nl) => nl.nexthops.add({ id: 11, group: [{ id: 1 }, { id: 4 }], type: 'resilient', buckets: 8, idleTimer: 10, unbalancedTimer: 20 })],
  ['req-add-group-fdb.hex', (nl) => nl.nexthops.add({ id: 12, group: [{ id: 6 }], fdb: true })],
  ['req-replace-gateway.hex', (nl) => nl.nexthops.replace({ id: 1, gateway: '10.1.0.5', oif: 'd0' })],
  ['req-del.hex', (nl) => nl.nexthops.del(20)],
  ['req-dump.hex', (nl) => nl.nexthops.list()],
  ['req-dump-dev.hex', (nl) => nl.nexthops.list({ oif: 'd0' })],
  ['req-dump-groups.hex', (nl) => nl.nexthops.list({ groups: true })],
  ['req-dump-fdb.hex', (nl) => nl.nexthops.list({ family: 6, fdb: true })],
  ['req-dump-master.hex', (nl) => nl.nexthops.list({ master: 5 })],
];

/** Answers dumps with an empty NLMSG_DONE and GETs with the gateway nexthop. */
function answers(m: SentMessage, k: { deliver(...b: Buffer[]): void }): boolean {
  if (m.type !== RTM_GETNEXTHOP) return false;
  if ((m.flags & 0x300) !== 0) {
    const done = Buffer.alloc(20);
    done.writeUInt32LE(20, 0); done.writeUInt16LE(3, 4); done.writeUInt16LE(2, 6); done.writeUInt32LE(m.seq, 8);
    k.deliver(done);
  } else {
    const reply = Buffer.from(fixture('nh-gateway.hex'));
    reply.writeUInt32LE(m.seq, 8);
    k.deliver(reply);
  }
  return true;
}

test.serial('nl.nexthops sends iproute2\'s requests byte for byte (type, flags, payload)', async (t) => {
  const f = await fake(answers);
  try {
    for (const [file, call] of CALLS) {
      const theirs = fixture(file);
      const type = theirs.readUInt16LE(4);
      const before = f.sent(type).length;
      await call(f.nl);
      const ours = f.sent(type).at(-1);
      t.is(f.sent(type).length, before + 1, file);
      t.is(ours?.flags, theirs.readUInt16LE(6), file);
      t.is(ours?.payload.toString('hex'), theirs.subarray(16).toString('hex'), file);
    }
    const got = await f.nl.nexthops.get(1);
    t.is(f.sent(RTM_GETNEXTHOP).at(-1)?.payload.toString('hex'), fixture('req-get.hex').subarray(16).toString('hex'));
    t.is(got.gateway, '10.1.0.5');
  } finally {
    f.nl.close();
  }
});

for (const [file] of CALLS) {
  test(`${file}: iproute2's request decodes and re-encodes unchanged through the one request codec`, (t) => {
    const raw = fixture(file);
    checkReencode(t, raw, (w, b) => nexthopRequestMessage.encode(w, b), nexthopRequestMessage.decode(raw));
  });
}

test.serial('bulk calls: one result per item; an unknown device fails only its items', async (t) => {
  const f = await fake();
  try {
    const added = await f.nl.nexthops.addMany([{ id: 1, oif: 'd0' }, { id: 2, oif: 'nope0' }, { id: 3, blackhole: true }]);
    t.deepEqual(added.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    t.deepEqual(f.sent(RTM_NEWNEXTHOP).map((m) => m.payload.readUInt32LE(12)), [1, 3]);
    const deleted = await f.nl.nexthops.delMany([1, 3]);
    t.deepEqual(deleted.map((r) => r.status), ['fulfilled', 'fulfilled']);
    t.deepEqual(f.sent(RTM_DELNEXTHOP).map((m) => m.payload.readUInt32LE(12)), [1, 3]);
  } finally {
    f.nl.close();
  }
});

test.serial('bad input is a ValidationError before anything is sent', async (t) => {
  const f = await fake();
  try {
    const bad: Array<[NexthopSpec | unknown, RegExp]> = [
      [{ id: 0, blackhole: true }, /^id: /], [{ id: 2 ** 32, blackhole: true }, /^id: /], [{ id: -1, blackhole: true }, /^id: /],
      [{ id: 1 }, /^oif: a nexthop needs an oif/], [{ gateway: '10.0.0.1' }, /^oif: /],
      [{ gateway: 'nope', oif: 3 }, /^gateway: /], [{ gateway: '10.0.0.1', family: 6, oif: 3 }, /^gateway: an IPv6 address/],
      [{ family: 5, oif: 3 }, /^family: /], [{ blackhole: true, oif: 3 }, /^oif: a blackhole/],
      [{ blackhole: true, gateway: '10.0.0.1' }, /^gateway: a blackhole/], [{ blackhole: 'yes' }, /^blackhole: /],
      [{ fdb: true, gateway: '10.0.0.1', oif: 3 }, /^oif: an fdb nexthop takes no oif/], [{ fdb: true }, /^gateway: an fdb nexthop needs/],
      [{ group: [] }, /^group: /], [{ group: [{ id: 1 }, { id: 1 }] }, /^group\[1\]\.id: .*once/],
      [{ group: [{ id: 1, weight: 0 }] }, /^group\[0\]\.weight: /], [{ group: [{ id: 1, weight: 65536 }] }, /^group\[0\]\.weight: /],
      [{ group: [{ id: 1, wieght: 2 }] }, /^group\[0\]\.wieght: unknown option/], [{ group: [{ id: 1 }], oif: 3 }, /^oif: a group takes no/],
      [{ group: [{ id: 1 }], family: 4 }, /^family: a group takes no/], [{ group: [{ id: 1 }], type: 'constructor' }, /^type: /],
      [{ group: [{ id: 1 }], type: 'toString' }, /^type: /], [{ type: 'resilient', oif: 3 }, /^type: a group type goes with a group/],
      [{ group: [{ id: 1 }], buckets: 8 }, /^buckets: .*resilient/], [{ group: [{ id: 1 }], type: 'resilient', buckets: 0 }, /^buckets: /],
      [{ group: [{ id: 1 }], type: 'resilient', idleTimer: -1 }, /^idleTimer: /], [{ group: [{ id: 1 }], type: 'resilient', idleTimer: 0.001 }, /^idleTimer: /],
      [{ group: [{ id: 1 }], type: 'resilient', unbalancedTimer: Infinity }, /^unbalancedTimer: /],
      [{ oif: 3, hwStats: true }, /^hwStats: /], [{ oif: 3, protocol: '__proto__' }, /^protocol: /], [{ oif: 3, protocol: 256 }, /^protocol: /],
      [{ oif: 3, encap: { type: 'gre' } }, /^encap\.type: /], [{ oif: 3, via: '10.0.0.1' }, /^via: unknown option/],
      [{ __proto__: { oif: 3 } }, /^nexthop: a plain object/], [null, /^nexthop: /],
    ];
    for (const [spec, message] of bad) {
      await t.throwsAsync(f.nl.nexthops.add(spec as NexthopSpec), { instanceOf: ValidationError, message }, JSON.stringify(spec));
    }
    await t.throwsAsync(f.nl.nexthops.addMany([{ id: 1, oif: 3 }, { id: 0 } as NexthopSpec]), { instanceOf: ValidationError, message: /^nexthops\[1\]\.id: / });
    for (const id of [0, -1, 1.5, '1', 2 ** 32, Number.NaN]) {
      await t.throwsAsync(f.nl.nexthops.del(id as number), { instanceOf: ValidationError, message: /^id: / });
      await t.throwsAsync(f.nl.nexthops.get(id as number), { instanceOf: ValidationError, message: /^id: / });
    }
    await t.throwsAsync(f.nl.nexthops.delMany([1, 0]), { instanceOf: ValidationError, message: /^ids\[1\]: / });
    for (const [options, message] of [
      [{ family: 5 }, /^family: /], [{ groups: 1 }, /^groups: /], [{ oif: '' }, /^oif: /], [{ protocol: 'constructor' }, /^protocol: /],
      [{ stats: 'yes' }, /^stats: /], [{ dev: 'd0' }, /^dev: unknown option/],
    ] as const) {
      await t.throwsAsync(f.nl.nexthops.list(options as never), { instanceOf: ValidationError, message });
    }
    await t.throwsAsync(f.nl.nexthops.get(1, { stats: 1 } as never), { instanceOf: ValidationError, message: /^stats: / });
    t.is(f.kernel.datagrams.length, 0, 'nothing was sent');
  } finally {
    f.nl.close();
  }
});

test('a polluted Object.prototype changes no byte of nexthops.add', (t) => {
  const dist = new URL('../../../../', import.meta.url).href; // dist/
  const run = (key: string): string => execFileSync(process.execPath, ['--input-type=module', '-e', `
    const { checkNexthop } = await import(${JSON.stringify(`${dist}lib/netlink/rtnl/nexthop/options.js`)});
    const { newRequest, writeNexthopRequest } = await import(${JSON.stringify(`${dist}lib/netlink/rtnl/nexthop/request.js`)});
    const { NlWriter } = await import(${JSON.stringify(`${dist}lib/netlink/core/writer.js`)});
    const key = ${JSON.stringify(key)};
    if (key !== '') Object.prototype[key] = key === 'group' ? [{ id: 9 }] : key === 'blackhole' || key === 'fdb' ? true : 7;
    const out = [];
    for (const spec of [{ id: 1, gateway: '10.0.0.1', oif: 3 }, { id: 2, group: [{ id: 1 }], type: 'resilient', buckets: 8 }]) {
      const w = new NlWriter(64);
      try { writeNexthopRequest(w, newRequest(checkNexthop('', spec), 3)); out.push(Buffer.from(w.bytes()).toString('hex')); } catch (e) { out.push(String(e)); }
    }
    process.stdout.write(JSON.stringify(out));
  `], { encoding: 'utf8' });
  const plain = run('');
  t.false(plain.includes('Error'), plain);
  for (const key of ['id', 'group', 'type', 'blackhole', 'fdb', 'oif', 'gateway', 'encap', 'unknown', 'buckets', 'idleTimer', 'protocol', 'family', 'weight', 'unbalancedTime']) {
    t.is(run(key), plain, `Object.prototype.${key}`);
  }
});
