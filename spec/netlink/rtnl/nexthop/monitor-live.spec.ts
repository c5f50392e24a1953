// Nexthop events against the real kernel: nl.monitor({ groups: ['nexthop'] }) yields a Nexthop
// for each `ip nexthop add/replace/del` (the consumer waiting first, the change after, several
// times in a row), and with listExisting the nexthops that exist come first, then `synced`.
import type { ListingEvent, MonitorEvent } from '../../../../lib/netlink/index.js';
import { ip, liveTest, tempNetns } from '../../../helpers/netns.js';

/** The next event, or a failure after `ms`. */
async function next<E>(it: AsyncIterator<E>, ms = 5000): Promise<E> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('no event')), ms); });
  try {
    const r = await Promise.race([it.next(), timeout]);
    if (r.done === true) throw new Error('the monitor ended');
    return r.value;
  } finally {
    clearTimeout(timer);
  }
}

liveTest('nexthop events: new, replaced and deleted nexthops, each awaited before ip makes the change', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1']);
  ip(['-n', name, 'link', 'set', 'd0', 'up']);
  ip(['-n', name, 'link', 'set', 'd1', 'up']);
  ip(['-n', name, 'addr', 'add', '10.1.0.1/16', 'dev', 'd0']);
  const monitor = nl.monitor({ groups: ['nexthop'] });
  t.teardown(() => monitor.close());
  const changes: Array<[string[], (e: MonitorEvent) => void]> = [
    [['nexthop', 'add', 'id', '1', 'via', '10.1.0.2', 'dev', 'd0'], (e) => t.like(e, { type: 'new', kind: 'nexthop' })],
    [['nexthop', 'add', 'id', '2', 'blackhole'], (e) => t.like(e, { type: 'new', kind: 'nexthop' })],
    [['nexthop', 'replace', 'id', '1', 'via', '10.1.0.5', 'dev', 'd0'], (e) => t.like(e, { type: 'new', kind: 'nexthop' })],
    [['nexthop', 'del', 'id', '2'], (e) => t.like(e, { type: 'del', kind: 'nexthop' })],
  ];
  const expected = [[1, '10.1.0.2'], [2, undefined], [1, '10.1.0.5'], [2, undefined]];
  for (const [i, [args, check]] of changes.entries()) {
    const waiting = next(monitor);
    // The consumer is waiting before the change is made.
    await new Promise((r) => setTimeout(r, 20));
    ip(['-n', name, ...args]);
    const e = await waiting;
    check(e);
    if (e.type !== 'new' && e.type !== 'del') throw new Error(`unexpected ${e.type}`);
    if (e.kind !== 'nexthop') throw new Error(`unexpected ${e.kind}`);
    t.deepEqual([e.object.id, e.object.gateway], expected[i]);
  }
});

liveTest('listExisting: the nexthops that exist, then synced, then the changes', async (t) => {
  const { name, nl } = await tempNetns(t);
  ip(['-n', name, 'nexthop', 'add', 'id', '7', 'blackhole']);
  ip(['-n', name, 'nexthop', 'add', 'id', '8', 'blackhole']);
  const monitor = nl.monitor({ groups: ['nexthop'], listExisting: true });
  t.teardown(() => monitor.close());
  const seen: ListingEvent[] = [];
  for (;;) {
    const e = await next(monitor);
    seen.push(e);
    if (e.type === 'synced') break;
  }
  t.deepEqual(seen.map((e) => (e.type === 'new' && e.kind === 'nexthop' ? [e.object.id, e.existing] : e.type)), [[7, true], [8, true], 'synced']);
  ip(['-n', name, 'nexthop', 'del', 'id', '7']);
  const del = await next(monitor);
  t.true(del.type === 'del' && del.kind === 'nexthop' && del.object.id === 7);
});
