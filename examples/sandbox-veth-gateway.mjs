// A container's network, as a runtime builds it with rtnetlink/sandbox: a sandbox (a network
// namespace on a file), a veth whose inner end is born inside it as eth0 with an address, and a
// default gateway on the outer end. To leave this machine's own network alone, the "host" side is
// a namespace of its own too (sourceNetns); a runtime would use its own namespace instead.
//
//   sudo node examples/sandbox-veth-gateway.mjs     (needs CAP_SYS_ADMIN and CAP_NET_ADMIN)
import { RtNetlink, netns } from 'rtnetlink';
import { Sandbox } from 'rtnetlink/sandbox';

const host = `/run/netns/example-host-${process.pid}`;
const key = `/run/netns/example-sandbox-${process.pid}`;

await netns.create(host);
let sandbox;
try {
  const hostNl = await RtNetlink.open({ netns: host });
  try {
    // The sandbox; its veth's outer end `vethex0` is born (up) in the host namespace.
    sandbox = await Sandbox.create(key, { sourceNetns: host });
    const eth0 = await sandbox.addVeth('vethex0', 'eth', { address: '10.200.0.2/24', mac: '02:42:0a:c8:00:02' });
    // The gateway's address on the outer end, then the sandbox's default route through it.
    await hostNl.addresses.add({ link: 'vethex0', address: '10.200.0.1/24' });
    await sandbox.setGateway('10.200.0.1');

    console.log(`sandbox ${sandbox.key}: ${eth0.dstName} ${eth0.address} (host end ${eth0.srcName})`);
    const inside = await RtNetlink.open({ netns: sandbox.key });
    try {
      for (const route of await inside.routes.list({ family: 4, table: 'main' })) {
        const dev = route.oif === undefined ? '' : ` dev ${(await inside.links.get(route.oif)).name}`;
        console.log(`  route ${route.dst}${route.gateway === undefined ? '' : ` via ${route.gateway}`}${dev}`);
      }
    } finally {
      inside.close();
    }
    console.log(`  ${eth0.dstName} statistics: ${String(await eth0.statistics()).trim()}`);
  } finally {
    hostNl.close();
  }
} finally {
  await sandbox?.destroy();   // the namespace and its end of the veth (and so the pair) go
  await netns.remove(host);
}
