// End to end: two sandboxes joined through a bridge in a third namespace exchange UDP packets over
// sockets opened inside them with invoke(), and their statistics() counters match what was sent.
// IPv6 is disabled, the neighbours are static and the interfaces announce nothing
// (advertiseAddrNMsgs: 0), so no other packet crosses the wire.
import dgram from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { native } from '../../lib/netlink/transport/native.js';
import { Sandbox, type InterfaceStatistics } from '../../lib/sandbox/index.js';
import { ip, liveTest, tempNetns } from '../helpers/netns.js';
import { destroyAtTeardown, tempKeyDir } from '../helpers/sandbox-fixtures.js';

function disableIPv6(): void {
  writeFileSync('/proc/sys/net/ipv6/conf/all/disable_ipv6', '1');
  writeFileSync('/proc/sys/net/ipv6/conf/default/disable_ipv6', '1');
}

/** A UDP socket created and bound inside `sb` (a synchronous lookup makes bind() immediate). */
async function udpInside(t: ExecutionContext, sb: Sandbox, address: string): Promise<dgram.Socket> {
  const sock = dgram.createSocket({ type: 'udp4', lookup: (host, _family, cb) => cb(null, host, 4) });
  t.teardown(() => sock.close());
  const listening = new Promise<void>((resolve, reject) => {
    sock.once('listening', () => resolve());
    sock.once('error', reject);
  });
  sb.invoke(() => sock.bind(0, address));
  await listening;
  return sock;
}

function delta(after: InterfaceStatistics, before: InterfaceStatistics) {
  return {
    rxBytes: after.rxBytes - before.rxBytes, rxPackets: after.rxPackets - before.rxPackets,
    rxErrors: after.rxErrors - before.rxErrors, rxDropped: after.rxDropped - before.rxDropped,
    txBytes: after.txBytes - before.txBytes, txPackets: after.txPackets - before.txPackets,
    txErrors: after.txErrors - before.txErrors, txDropped: after.txDropped - before.txDropped,
  };
}

liveTest('two sandboxes on a bridge exchange UDP through sockets opened with invoke; statistics() count exactly that', async (t) => {
  const hub = await tempNetns(t, 'sbhub');
  native().invokeInNamespace(hub.path, disableIPv6);
  await hub.nl.links.add({ name: 'br0', kind: 'bridge', up: true });
  const dir = tempKeyDir(t);
  const a = await Sandbox.create(join(dir, 'a'), { sourceNetns: hub.path });
  destroyAtTeardown(t, a);
  const b = await Sandbox.create(join(dir, 'b'), { sourceNetns: hub.path });
  destroyAtTeardown(t, b);
  a.invoke(disableIPv6);
  b.invoke(disableIPv6);
  const macA = '02:00:00:00:aa:02';
  const macB = '02:00:00:00:bb:03';
  // A through the fast path, B through a veth moved in from the hub.
  // No unsolicited ARP: the counters must show the UDP packets only.
  const quiet = { advertiseAddrNMsgs: 0 };
  const ia = await a.addVeth('hosta', 'eth', { address: '10.100.0.2/24', mac: macA }, quiet);
  ip(['-n', hub.name, 'link', 'add', 'hostb', 'type', 'veth', 'peer', 'name', 'ctrb']);
  const ib = await b.addInterface('ctrb', 'eth', { address: '10.100.0.3/24', mac: macB }, quiet);
  await hub.nl.links.set('hosta', { master: 'br0', up: true });
  await hub.nl.links.set('hostb', { master: 'br0', up: true });
  await a.addNeighbor('10.100.0.3', macB, { linkName: 'hosta' });
  await b.addNeighbor('10.100.0.2', macA, { linkName: 'ctrb' });

  const sa = await udpInside(t, a, '10.100.0.2');
  const sbk = await udpInside(t, b, '10.100.0.3');
  const portB = sbk.address().port;
  sbk.on('message', (msg, rinfo) => sbk.send(msg, rinfo.port, rinfo.address));

  const count = 20;
  const payload = 200;
  const before = await Promise.all([ia.statistics(), ib.statistics()]);
  let echoed = 0;
  const allBack = new Promise<void>((resolve) => sa.on('message', (msg) => {
    t.is(msg.length, payload);
    if (++echoed === count) resolve();
  }));
  for (let i = 0; i < count; i++) sa.send(Buffer.alloc(payload, i), portB, '10.100.0.3');
  await allBack;
  const after = await Promise.all([ia.statistics(), ib.statistics()]);
  const frame = BigInt(14 + 20 + 8 + payload);
  const n = BigInt(count);
  const exact = { rxBytes: n * frame, rxPackets: n, rxErrors: 0n, rxDropped: 0n, txBytes: n * frame, txPackets: n, txErrors: 0n, txDropped: 0n };
  t.deepEqual(delta(after[0], before[0]), exact, 'sandbox A sent 20 and received 20 echoes');
  t.deepEqual(delta(after[1], before[1]), exact, 'sandbox B received 20 and echoed 20');
  t.is(echoed, count);
});
