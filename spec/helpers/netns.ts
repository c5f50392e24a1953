/**
 * Throwaway network namespaces for live tests, made with iproute2 (`ip netns add`) so the fixture
 * does not depend on the code under test, and removed in the test's teardown even when it fails.
 * Tests run inside the private namespaces spec/run.mjs sets up; these helpers add one more layer:
 * every object a test creates lives in a namespace of its own.
 */
import { execFileSync } from 'node:child_process';
import test, { type ExecutionContext } from 'ava';
import { RtNetlink } from '../../lib/netlink/index.js';

let counter = 0;

/**
 * True when live tests may run: root, inside the isolation spec/run.mjs sets up (it exports
 * RTNETLINK_TEST_ISOLATED=1 inside `unshare --net --mount`). Run directly with ava, live tests are
 * skipped rather than make namespace files in the machine's own /run/netns.
 */
export const privileged = process.getuid?.() === 0 && process.env.RTNETLINK_TEST_ISOLATED === '1';

/** A throwaway namespace: its iproute2 name, its file and an open handle inside it. */
export interface TestNetns {
  name: string;
  path: string;
  nl: RtNetlink;
}

/** A unique name for a namespace or link (`prefix` + pid + counter), at most 15 bytes. */
export function uniqueName(prefix: string): string {
  counter++;
  return `${prefix}${(process.pid % 10000).toString(36)}${counter.toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`.slice(0, 15);
}

/** Runs `ip` with `args` and returns stdout. Throws with stderr on failure. */
export function ip(args: string[], input?: string): string {
  return execFileSync('ip', args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** `ip -n <ns> -j <args>` parsed as JSON (the independent oracle). */
export function ipJson<T = unknown>(ns: string, args: string[]): T {
  const out = ip(['-n', ns, '-j', ...args]);
  return JSON.parse(out === '' ? '[]' : out) as T;
}

/** Creates a namespace with `ip netns add`, sets `lo` up, opens a handle, and removes all at teardown. */
export async function tempNetns(t: ExecutionContext, prefix = 'rt'): Promise<TestNetns> {
  const name = uniqueName(prefix);
  ip(['netns', 'add', name]);
  t.teardown(() => {
    try {
      ip(['netns', 'del', name]);
    } catch {
      // already gone
    }
  });
  ip(['-n', name, 'link', 'set', 'lo', 'up']);
  const path = `/run/netns/${name}`;
  const nl = await RtNetlink.open({ netns: path });
  t.teardown(() => nl.close());
  return { name, path, nl };
}

/**
 * Registers a test that needs the real kernel and root (it makes namespaces). Without root it is
 * registered as skipped, with the reason in its title, so the gap is visible in the report.
 */
export function liveTest(title: string, fn: (t: ExecutionContext) => Promise<void> | void): void {
  if (privileged) test(title, fn);
  else test.skip(`${title} (needs root inside spec/run.mjs's isolation: makes network namespaces)`, fn);
}

/** Like {@link liveTest}, run one after another (for tests that measure or flood). */
export function liveSerial(title: string, fn: (t: ExecutionContext) => Promise<void> | void): void {
  if (privileged) test.serial(title, fn);
  else test.skip(`${title} (needs root inside spec/run.mjs's isolation: makes network namespaces)`, fn);
}
