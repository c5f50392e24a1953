// The monitor's waiting path against the real kernel: the consumer waits first, the change is made
// after, several times in a row, for links, addresses, routes and neighbours; each wait must settle
// within a bounded time. Also return()/close() during a wait, a `for await` loop as the README
// writes it, and the same loop in a process of its own (where a lost wake-up makes Node exit with
// "unsettled top-level await" instead of printing the events).
import type { ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Monitor, MonitorEvent, MonitorGroup } from '../../../lib/netlink/rtnl/monitor.js';
import type { RtNetlink } from '../../../lib/netlink/index.js';
import { within } from '../../helpers/waiting.js';
import { ip, liveTest, tempNetns } from '../../helpers/netns.js';

const ROUNDS = 4;
const LIMIT_MS = 5000;


const PENDING = Symbol('pending');

/**
 * Reads events until a next() stays unsettled for 30 ms (the kernel has nothing more queued), and
 * returns that waiting next(): the change made after this call is one the consumer waits for.
 */
async function waitingNext(m: Monitor): Promise<{ wait: Promise<IteratorResult<MonitorEvent>> }> {
  for (let i = 0; i < 1000; i++) {
    const p = m.next();
    const r = await Promise.race([p, new Promise<typeof PENDING>((res) => setTimeout(() => res(PENDING), 30))]);
    if (r === PENDING) return { wait: p }; // wrapped: an awaited promise would be flattened
    if (r.done) throw new Error('the monitor ended');
  }
  throw new Error('the monitor never went idle');
}

/** Awaits `first` and further next()s until `pred` matches, each bounded. */
async function until(m: Monitor, first: Promise<IteratorResult<MonitorEvent>>, pred: (e: MonitorEvent) => boolean,
  what: string): Promise<MonitorEvent> {
  let p = first;
  for (;;) {
    const r = await within(p, what);
    if (r.done) throw new Error(`${what}: the monitor ended`);
    if (pred(r.value)) return r.value;
    p = m.next();
  }
}

interface Case {
  kind: 'link' | 'address' | 'route' | 'neighbor';
  groups: MonitorGroup[];
  setup?: (ns: string) => void;
  change: (ns: string, i: number) => void;
  undo: (ns: string, i: number) => void;
  matches: (e: MonitorEvent, i: number) => boolean;
}

const bridge = (ns: string): void => {
  ip(['-n', ns, 'link', 'add', 'e0', 'type', 'bridge']);
  ip(['-n', ns, 'link', 'set', 'e0', 'up']);
  ip(['-n', ns, 'addr', 'add', '10.9.0.1/24', 'dev', 'e0']);
};

const CASES: Case[] = [
  {
    kind: 'link', groups: ['link'],
    change: (ns, i) => ip(['-n', ns, 'link', 'add', `w${i}`, 'type', 'ifb']),
    undo: (ns, i) => ip(['-n', ns, 'link', 'del', `w${i}`]),
    matches: (e, i) => e.type !== 'overrun' && e.kind === 'link' && e.object.name === `w${i}`,
  },
  {
    kind: 'address', groups: ['ipv4-ifaddr', 'ipv6-ifaddr'], setup: bridge,
    change: (ns, i) => ip(['-n', ns, 'addr', 'add', `10.8.${i}.1/24`, 'dev', 'e0']),
    undo: (ns, i) => ip(['-n', ns, 'addr', 'del', `10.8.${i}.1/24`, 'dev', 'e0']),
    matches: (e, i) => e.type !== 'overrun' && e.kind === 'address' && e.object.cidr === `10.8.${i}.1/24`,
  },
  {
    kind: 'route', groups: ['ipv4-route'], setup: bridge,
    change: (ns, i) => ip(['-n', ns, 'route', 'add', `10.50.${i}.0/24`, 'via', '10.9.0.2']),
    undo: (ns, i) => ip(['-n', ns, 'route', 'del', `10.50.${i}.0/24`]),
    matches: (e, i) => e.type !== 'overrun' && e.kind === 'route' && e.object.dst === `10.50.${i}.0/24`,
  },
  {
    kind: 'neighbor', groups: ['neigh'], setup: bridge,
    change: (ns, i) => ip(['-n', ns, 'neigh', 'add', `10.9.0.${10 + i}`, 'lladdr', `02:00:00:00:00:${(16 + i).toString(16)}`, 'dev', 'e0', 'nud', 'permanent']),
    undo: (ns, i) => ip(['-n', ns, 'neigh', 'del', `10.9.0.${10 + i}`, 'dev', 'e0']),
    matches: (e, i) => e.type !== 'overrun' && e.kind === 'neighbor' && e.object.dst === `10.9.0.${10 + i}`,
  },
];

for (const c of CASES) {
  liveTest(`${c.kind} events: a next() made before each change settles with it, ${ROUNDS} new and ${ROUNDS} del in a row`, async (t) => {
    const { name, nl } = await tempNetns(t);
    c.setup?.(name);
    const m = nl.monitor({ groups: c.groups });
    t.teardown(() => m.close());
    for (let i = 0; i < ROUNDS; i++) {
      const { wait: p } = await waitingNext(m);
      c.change(name, i);
      const e = await until(m, p, (ev) => ev.type === 'new' && c.matches(ev, i), `new ${c.kind} ${i}`);
      t.true(c.matches(e, i));
    }
    for (let i = 0; i < ROUNDS; i++) {
      const { wait: p } = await waitingNext(m);
      c.undo(name, i);
      const e = await until(m, p, (ev) => ev.type === 'del' && c.matches(ev, i), `del ${c.kind} ${i}`);
      t.true(c.matches(e, i));
    }
  });
}

/** Makes one change of each kind with the library itself, from the process that waits. */
async function libraryChange(nl: RtNetlink, kind: Case['kind'], i: number): Promise<void> {
  if (kind === 'link') await nl.links.add({ name: `w${i}`, kind: 'ifb' });
  else if (kind === 'address') await nl.addresses.add({ link: 'e0', address: `10.8.${i}.1/24` });
  else if (kind === 'route') await nl.routes.add({ dst: `10.50.${i}.0/24`, gateway: '10.9.0.2' });
  else await nl.neighbors.add({ link: 'e0', dst: `10.9.0.${10 + i}`, lladdr: `02:00:00:00:00:${(16 + i).toString(16)}` });
}

liveTest('changes made by the waiting process itself wake its monitor, every kind, several rounds', async (t) => {
  const { name, nl } = await tempNetns(t);
  bridge(name);
  const m = nl.monitor({ groups: ['link', 'ipv4-ifaddr', 'ipv4-route', 'neigh'] });
  t.teardown(() => m.close());
  for (let i = 0; i < ROUNDS; i++) {
    for (const c of CASES) {
      const { wait: p } = await waitingNext(m);
      const made = libraryChange(nl, c.kind, i);
      const e = await until(m, p, (ev) => ev.type === 'new' && c.matches(ev, i), `library-made ${c.kind} ${i}`);
      t.true(c.matches(e, i));
      await made;
    }
  }
});

for (const how of ['return', 'close'] as const) {
  liveTest(`${how}() during a wait settles it as done, after earlier waits were woken`, async (t) => {
    const { name, nl } = await tempNetns(t);
    const m = nl.monitor({ groups: ['link'] });
    t.teardown(() => m.close());
    for (let i = 0; i < 2; i++) {
      const { wait: p } = await waitingNext(m);
      ip(['-n', name, 'link', 'add', `c${i}`, 'type', 'ifb']);
      await until(m, p, (e) => e.type === 'new' && e.kind === 'link' && e.object.name === `c${i}`, `link c${i}`);
    }
    const { wait: p } = await waitingNext(m);
    const q = m.next();
    if (how === 'return') t.deepEqual(await within(m.return!(), 'return()'), { value: undefined, done: true });
    else m.close();
    t.deepEqual(await within(Promise.all([p, q]), `${how}()`), [{ value: undefined, done: true }, { value: undefined, done: true }]);
    ip(['-n', name, 'link', 'add', 'late0', 'type', 'ifb']);
    t.deepEqual(await within(m.next(), 'next() after close'), { value: undefined, done: true });
  });
}

/** Waits until `check()` holds (polling every 10 ms), bounded. */
async function eventually(t: ExecutionContext, check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + LIMIT_MS;
  while (!check()) {
    if (Date.now() > end) { t.fail(`${what}: not within ${LIMIT_MS} ms`); return; }
    await new Promise((r) => setTimeout(r, 10));
  }
}

liveTest('a for await loop as in the README sees each of three links created while it waits', async (t) => {
  const { name, nl } = await tempNetns(t);
  const seen: string[] = [];
  const loop = (async () => {
    for await (const event of nl.monitor({ groups: ['link'] })) {
      if (event.type === 'overrun') continue;
      if (event.type === 'new' && event.kind === 'link' && event.object.name.startsWith('r')) seen.push(event.object.name);
      if (seen.length === 3) break;
    }
  })();
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 50)); // the loop is waiting in next()
    ip(['-n', name, 'link', 'add', `r${i}`, 'type', 'ifb']);
    await eventually(t, () => seen.length > i, `event ${i}`);
  }
  await within(loop, 'the loop');
  t.deepEqual(seen, ['r0', 'r1', 'r2']);
});

liveTest('the README loop in a process of its own prints three events and exits normally', async (t) => {
  const { name, path } = await tempNetns(t);
  const index = new URL('../../../lib/netlink/index.js', import.meta.url).href;
  const script = `
    import { RtNetlink } from ${JSON.stringify(index)};
    const nl = await RtNetlink.open({ netns: process.argv[1] });
    const events = nl.monitor({ groups: ['link'] });
    console.log('ready');
    let n = 0;
    for await (const event of events) {
      if (event.type === 'overrun') continue;
      if (event.type !== 'new' || !event.object.name.startsWith('p')) continue;
      console.log(event.type, event.kind, event.object.name);
      if (++n === 3) break;
    }
    nl.close();
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, path], { stdio: ['ignore', 'pipe', 'pipe'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  const lines: string[] = [];
  const rl = createInterface({ input: child.stdout });
  let notify: () => void = () => {};
  rl.on('line', (line) => { lines.push(line); notify(); });
  const nextLine = (count: number): Promise<void> => (lines.length >= count ? Promise.resolve()
    : within(new Promise<void>((res) => { notify = () => { if (lines.length >= count) res(); }; }), `line ${count}`));
  try {
    await nextLine(1);
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 50)); // the child is waiting in next()
      ip(['-n', name, 'link', 'add', `p${i}`, 'type', 'ifb']);
      await nextLine(i + 2);
    }
  } catch (e) {
    t.fail(`${(e as Error).message}; child printed ${JSON.stringify(lines)}; stderr: ${stderr}`);
  }
  const code = await exited;
  clearTimeout(killer);
  t.deepEqual(lines, ['ready', 'new link p0', 'new link p1', 'new link p2'], stderr);
  t.is(code, 0, stderr);
});
