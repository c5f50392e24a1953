// A handle's link names: remembered from the second lookup on, forgotten on any link notification
// (or lost ones), never trusted when the watcher socket cannot be used. Against the fake kernel: the
// handle's request socket is fd 7, the watcher the next one opened.
import test from 'ava';
import { RtNetlink, type BulkResult } from '../../../lib/netlink/index.js';
import { NetlinkError } from '../../../lib/netlink/core/errors.js';
import { resolveRefs } from '../../../lib/netlink/rtnl/resolve.js';
import { attr, bytes, cstr, nlerror, nlmsg, u32 } from '../../helpers/bytes.js';
import { FakeKernel, type SentMessage } from '../../helpers/fake-kernel.js';

const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const RTM_NEWNEIGH = 28;
const RTM_NEWROUTE = 24;
const RTA_OIF = 4;
const NLM_F_ACK = 4;
const ENODEV = 19;
const serial = test.serial;

/**
 * A kernel with links by name; RTM_GETLINK answers with the ifindex, anything else is ACKed with
 * `ackErrno()` (0 unless a test says otherwise).
 */
function kernel(links: Map<string, number>, ackErrno: () => number = () => 0): FakeKernel {
  const k = new FakeKernel((msgs: SentMessage[], kk) => {
    const replies: Buffer[] = [];
    for (const m of msgs) {
      if (m.type === RTM_GETLINK) {
        const name = readName(m.payload);
        const index = links.get(name);
        if (index === undefined) replies.push(nlerror(m.seq, ENODEV, m));
        else replies.push(nlmsg(RTM_NEWLINK, 0, m.seq, 0, bytes([0, 0, 1, 0], u32(index), u32(0), u32(0)), attr(3, cstr(name))));
      } else if (m.flags & NLM_F_ACK) {
        replies.push(nlerror(m.seq, ackErrno(), m));
      }
    }
    kk.deliver(...replies);
  });
  // SIOCGSKNS works: the handle may open its watcher (the fake kernel refuses it by default).
  k.namespaceErrno = 0;
  return k;
}

/** IFLA_IFNAME of an RTM_GETLINK request (after the 16-byte ifinfomsg). */
function readName(payload: Buffer): string {
  for (let at = 16; at + 4 <= payload.length; at += (payload.readUInt16LE(at) + 3) & ~3) {
    if (payload.readUInt16LE(at + 2) === 3) return payload.toString('utf8', at + 4, at + payload.readUInt16LE(at) - 1);
  }
  return '';
}

/** RTA_OIF of an RTM_NEWROUTE request (after the 12-byte rtmsg). */
function routeOif(m: SentMessage): number {
  for (let at = 12; at + 4 <= m.payload.length; at += (m.payload.readUInt16LE(at) + 3) & ~3) {
    if (m.payload.readUInt16LE(at + 2) === RTA_OIF) return m.payload.readUInt32LE(at + 4);
  }
  return 0;
}

/** An RTM_NEWLINK notification, as the watcher receives it. */
const notification = (index: number, name: string): Buffer =>
  nlmsg(RTM_NEWLINK, 0, 0, 0, bytes([0, 0, 1, 0], u32(index), u32(0), u32(0)), attr(3, cstr(name)));

async function open(k: FakeKernel): Promise<RtNetlink> {
  k.install();
  return RtNetlink.open();
}

/** The ndm_ifindex of each neighbour request sent. */
const neighborIfindexes = (k: FakeKernel): number[] => k.sent.filter((m) => m.type === RTM_NEWNEIGH).map((m) => m.payload.readInt32LE(4));
/** RTM_GETLINK lookups of one link (dumps are not lookups). */
const lookups = (k: FakeKernel): number => k.sent.filter((m) => m.type === RTM_GETLINK && (m.flags & 0x300) === 0).length;

serial('a name is looked up twice, then answered from memory while no link changes', async (t) => {
  const k = kernel(new Map([['d0', 5]]));
  const nl = await open(k);
  for (let i = 0; i < 5; i++) await nl.neighbors.add({ link: 'd0', dst: `10.0.0.${i + 1}` });
  t.is(lookups(k), 2, 'the first two adds ask the kernel; the others do not');
  t.deepEqual(neighborIfindexes(k), [5, 5, 5, 5, 5]);
  t.true(k.options.has('270:1'), 'the watcher joined a multicast group (NETLINK_ADD_MEMBERSHIP)');
  t.is(k.otherQueues.size, 1, 'one watcher socket');
  nl.close();
  t.deepEqual(k.closedFds.sort(), [1000, 7, 8], 'closing the handle closes the watcher too (and the namespace fd was closed once used)');
});

serial('a single lookup opens no second socket', async (t) => {
  const k = kernel(new Map([['d0', 5]]));
  const nl = await open(k);
  await nl.neighbors.add({ link: 'd0', dst: '10.0.0.1' });
  t.is(k.otherQueues.size, 0);
  nl.close();
});

serial('any link notification makes every name be asked again (a rename: the new ifindex is used)', async (t) => {
  const links = new Map([['d0', 5]]);
  const k = kernel(links);
  const nl = await open(k);
  await nl.neighbors.add({ link: 'd0', dst: '10.0.0.1' });
  await nl.neighbors.add({ link: 'd0', dst: '10.0.0.2' });
  await nl.neighbors.add({ link: 'd0', dst: '10.0.0.3' });
  t.is(lookups(k), 2);
  // Another process renames d0 away and another link to d0: the kernel notifies the watcher.
  links.set('d0', 9);
  k.deliverTo(8, notification(5, 'old0'), notification(9, 'd0'));
  await nl.neighbors.add({ link: 'd0', dst: '10.0.0.4' });
  t.is(lookups(k), 3, 'asked again after the notification');
  await nl.neighbors.add({ link: 'd0', dst: '10.0.0.5' });
  t.is(lookups(k), 3, 'and remembered again after');
  t.deepEqual(neighborIfindexes(k), [5, 5, 5, 9, 9]);
  nl.close();
});

serial('lost notifications (ENOBUFS on the watcher) forget every name', async (t) => {
  const k = kernel(new Map([['d0', 5]]));
  const nl = await open(k);
  for (let i = 0; i < 3; i++) await nl.neighbors.add({ link: 'd0', dst: `10.0.0.${i + 1}` });
  t.is(lookups(k), 2);
  k.otherQueues.get(8)!.push({ errno: 105 });
  await nl.neighbors.add({ link: 'd0', dst: '10.0.0.9' });
  t.is(lookups(k), 3);
  nl.close();
});

serial('an answer that a notification overtook is used once but not remembered', async (t) => {
  const links = new Map([['d0', 5]]);
  const k = kernel(links);
  const nl = await open(k);
  await nl.neighbors.add({ link: 'd0', dst: '10.0.0.1' });
  // The second lookup opens the watcher; a change lands while it is asked.
  const respond = k.respond;
  k.respond = (msgs, kk) => {
    respond(msgs, kk);
    if (msgs.some((m) => m.type === RTM_GETLINK) && kk.otherQueues.has(8)) kk.deliverTo(8, notification(5, 'd0'));
  };
  await nl.neighbors.add({ link: 'd0', dst: '10.0.0.2' });
  k.respond = respond;
  await nl.neighbors.add({ link: 'd0', dst: '10.0.0.3' });
  t.is(lookups(k), 3, 'the overtaken answer was not remembered');
  await nl.neighbors.add({ link: 'd0', dst: '10.0.0.4' });
  t.is(lookups(k), 3);
  nl.close();
});

serial('a broken watcher is dropped: names are then asked every time', async (t) => {
  const k = kernel(new Map([['d0', 5]]));
  const nl = await open(k);
  for (let i = 0; i < 3; i++) await nl.neighbors.add({ link: 'd0', dst: `10.0.0.${i + 1}` });
  t.is(lookups(k), 2);
  k.otherQueues.get(8)!.push({ errno: 9 }); // EBADF
  await nl.neighbors.add({ link: 'd0', dst: '10.0.0.4' });
  await nl.neighbors.add({ link: 'd0', dst: '10.0.0.5' });
  t.is(lookups(k), 4);
  t.true(k.closedFds.includes(8), 'the watcher was closed');
  nl.close();
});

serial('a missing link is still the kernel\'s ENODEV naming it, and is never remembered', async (t) => {
  const k = kernel(new Map([['d0', 5]]));
  const nl = await open(k);
  for (let i = 0; i < 3; i++) {
    const e = await t.throwsAsync(nl.neighbors.add({ link: 'nope0', dst: '10.0.0.1' }), { instanceOf: NetlinkError });
    t.is(e.code, 'ENODEV');
    t.regex(e.message, /link "nope0" does not exist/);
  }
  t.is(lookups(k), 3);
  nl.close();
});

serial('neighbours, addresses and bulk calls of one handle share the names it knows', async (t) => {
  const k = kernel(new Map([['d0', 5]]));
  const nl = await open(k);
  await nl.neighbors.add({ link: 'd0', dst: '10.0.0.1' });
  await nl.addresses.add({ link: 'd0', address: '10.0.0.1/24' });
  t.is(lookups(k), 2);
  await nl.addresses.add({ link: 'd0', address: '10.0.0.2/24' });
  const results = await nl.neighbors.addMany([{ link: 'd0', dst: '10.0.0.7' }, { link: 'd0', dst: '10.0.0.8' }]);
  t.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled']);
  await nl.routes.add({ dst: '10.1.0.0/24', oif: 'd0' });
  const routes = await nl.routes.addMany([{ dst: '10.2.0.0/24', oif: 'd0' }, { dst: '10.3.0.0/24', oif: 'd0' }]);
  t.deepEqual(routes.map((r) => r.status), ['fulfilled', 'fulfilled']);
  t.is(lookups(k), 2);
  t.deepEqual(k.sent.filter((m) => m.type === RTM_NEWROUTE).map(routeOif), [5, 5, 5]);
  nl.close();
});

serial('routes: a name is remembered from the second lookup; a notification makes it be asked again', async (t) => {
  const links = new Map([['d0', 5]]);
  const k = kernel(links);
  const nl = await open(k);
  for (let i = 0; i < 4; i++) await nl.routes.add({ dst: `10.${i}.0.0/24`, oif: 'd0' });
  t.is(lookups(k), 2);
  links.set('d0', 9);
  k.deliverTo(8, notification(9, 'd0'));
  await nl.routes.add({ dst: '10.9.0.0/24', oif: 'd0' });
  t.is(lookups(k), 3);
  t.deepEqual(k.sent.filter((m) => m.type === RTM_NEWROUTE).map(routeOif), [5, 5, 5, 5, 9]);
  nl.close();
});

serial('the watcher is opened in the namespace the handle\'s socket is in (SIOCGSKNS), whose fd is then closed', async (t) => {
  const k = kernel(new Map([['d0', 5]]));
  const nl = await open(k);
  for (let i = 0; i < 3; i++) await nl.neighbors.add({ link: 'd0', dst: `10.0.0.${i + 1}` });
  t.deepEqual(k.namespaceFds, [1000]);
  t.deepEqual(k.openedIn, [null, 1000], 'the handle as asked; the watcher in the namespace of the handle\'s socket');
  t.true(k.closedFds.includes(1000), 'the namespace fd is closed once the watcher is open');
  nl.close();
});

serial('without the socket\'s namespace (SIOCGSKNS refused) no watcher is opened and names are asked every time', async (t) => {
  const k = kernel(new Map([['d0', 5]]));
  k.namespaceErrno = 1; // EPERM
  const nl = await open(k);
  for (let i = 0; i < 4; i++) await nl.neighbors.add({ link: 'd0', dst: `10.0.0.${i + 1}` });
  t.is(lookups(k), 4);
  t.is(k.otherQueues.size, 0);
  t.deepEqual(neighborIfindexes(k), [5, 5, 5, 5]);
  nl.close();
});

serial('a request made while others wait to be sent asks the kernel (their changes have not happened yet)', async (t) => {
  const k = kernel(new Map([['d0', 5]]));
  const nl = await open(k);
  for (let i = 0; i < 3; i++) await nl.neighbors.add({ link: 'd0', dst: `10.0.0.${i + 1}` });
  t.is(lookups(k), 2);
  // Same tick: a link change is queued first (not sent yet), then an add naming a link.
  const change = nl.links.set(5, { mtu: 1400 });
  const add = nl.neighbors.add({ link: 'd0', dst: '10.0.0.9' });
  await Promise.all([change, add]);
  t.is(lookups(k), 3, 'looked up after the queued change, not answered from memory');
  // The lookup went out after the change: in the same datagram, after it.
  const order = k.sent.slice(-3).map((m) => m.type);
  t.deepEqual(order, [RTM_NEWLINK, RTM_GETLINK, RTM_NEWNEIGH]);
  // Nothing waiting any more: remembered again.
  await nl.neighbors.add({ link: 'd0', dst: '10.0.0.10' });
  t.is(lookups(k), 3);
  nl.close();
});

serial('a handle that reopens its socket (a dump broke) stops remembering names: the watcher may be elsewhere', async (t) => {
  const k = kernel(new Map([['d0', 5]]));
  const nl = await open(k);
  for (let i = 0; i < 3; i++) await nl.neighbors.add({ link: 'd0', dst: `10.0.0.${i + 1}` });
  t.is(lookups(k), 2);
  // A dump whose replies are lost (ENOBUFS): the connection starts over on a fresh socket.
  const respond = k.respond;
  k.respond = (msgs, kk) => {
    // The dump gets no reply yet.
    if (!msgs.some((m) => m.type === RTM_GETLINK && (m.flags & 0x300) !== 0)) respond(msgs, kk);
  };
  const dump = nl.links.list();
  await new Promise((r) => setImmediate(r));
  k.queue.unshift({ errno: 105 });
  k.wake();
  await t.throwsAsync(dump);
  k.respond = respond;
  t.true(k.closedFds.includes(7), 'the first socket was replaced');
  await nl.neighbors.add({ link: 'd0', dst: '10.0.0.8' });
  await nl.neighbors.add({ link: 'd0', dst: '10.0.0.9' });
  t.is(lookups(k), 4, 'asked every time');
  t.true(k.closedFds.includes(8), 'the watcher was closed');
  nl.close();
});

/** The NetlinkError a bulk item was rejected with. */
function reasonOf(r: BulkResult | undefined): NetlinkError {
  if (r?.status !== 'rejected' || !(r.reason instanceof NetlinkError)) throw new Error(`not a NetlinkError rejection: ${JSON.stringify(r)}`);
  return r.reason;
}

serial('a link that disappears after its name was resolved: the request\'s ENODEV names the link as the caller gave it', async (t) => {
  // The kernel answers ENODEV once `gone` (the device went away between the lookup, or the
  // remembered name's check, and the request).
  let gone = false;
  const k = kernel(new Map([['d0', 5]]), () => (gone ? ENODEV : 0));
  const nl = await open(k);
  for (let i = 0; i < 3; i++) await nl.neighbors.add({ link: 'd0', dst: `10.0.0.${i + 1}` });
  t.is(lookups(k), 2, 'd0 is remembered');
  gone = true;
  const single = await t.throwsAsync(nl.neighbors.add({ link: 'd0', dst: '10.0.0.9' }), { instanceOf: NetlinkError });
  t.is(single.code, 'ENODEV');
  t.is(single.link, 'd0');
  t.regex(single.message, /^RTM_NEWNEIGH: ENODEV \(No such device\): link "d0" does not exist$/);
  const route = await t.throwsAsync(nl.routes.add({ dst: '10.9.0.0/24', oif: 'd0' }), { instanceOf: NetlinkError });
  t.is(route.link, 'd0');
  const address = await t.throwsAsync(nl.addresses.add({ link: 'd0', address: '10.8.0.1/24' }), { instanceOf: NetlinkError });
  t.is(address.link, 'd0');
  const [bulk] = await nl.neighbors.addMany([{ link: 'd0', dst: '10.0.0.10' }]);
  t.is(bulk?.status, 'rejected');
  t.is(reasonOf(bulk).link, 'd0');
  t.regex(reasonOf(bulk).message, /link "d0" does not exist/);
  nl.close();
});

serial('an ifindex the kernel does not have: the ENODEV names "link with ifindex N" (single and bulk); with two link references it names none', async (t) => {
  // Every request fails, ACK flag or not (the kernel always reports an error).
  const k = new FakeKernel((msgs: SentMessage[], kk) => {
    kk.deliver(...msgs.map((m) => nlerror(m.seq, ENODEV, m)));
  });
  const nl = await open(k);
  const single = await t.throwsAsync(nl.neighbors.add({ link: 999, dst: '10.0.0.1' }), { instanceOf: NetlinkError });
  t.is(single.link, 999);
  t.regex(single.message, /: link with ifindex 999 does not exist$/);
  const route = await t.throwsAsync(nl.routes.del({ dst: '10.9.0.0/24', oif: 998 }), { instanceOf: NetlinkError });
  t.is(route.link, 998);
  const results = await nl.routes.addMany([{ dst: '10.9.0.0/24', oif: 997 }, { dst: '10.9.1.0/24', oif: 996 }]);
  t.deepEqual(results.map((r) => reasonOf(r).link), [997, 996]);
  // A neighbour on a link with a master: the kernel does not say which of the two is missing.
  const two = await t.throwsAsync(nl.neighbors.add({ link: 999, master: 998, lladdr: '02:00:00:00:00:01' }), { instanceOf: NetlinkError });
  t.is(two.code, 'ENODEV');
  t.is(two.link, undefined);
  nl.close();
});

test('one request naming a link twice looks it up once and uses the one answer in both places', async (t) => {
  const asked: string[] = [];
  const later = (name: string): Promise<number> => {
    asked.push(name);
    return Promise.resolve(name === 'a' ? 5 : 9);
  };
  t.deepEqual(await resolveRefs(later, [undefined, 'a', 'a', 3, 'b', 'a']), [undefined, 5, 5, 3, 9, 5]);
  t.deepEqual(asked, ['a', 'b']);
  asked.length = 0;
  // Two places, one lookup: the answer fills both (not only the last one looked up).
  t.deepEqual(await resolveRefs(later, ['a', 'a']), [5, 5]);
  t.deepEqual(asked, ['a']);
  // Known names answer synchronously, duplicates too.
  const known = (name: string): number => (asked.push(name), name === 'a' ? 5 : 9);
  asked.length = 0;
  t.deepEqual(resolveRefs(known, ['a', 'b', 'a']), [5, 9, 5]);
  t.deepEqual(asked, ['a', 'b']);
});
