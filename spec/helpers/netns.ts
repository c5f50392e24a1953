/**
 * Throwaway network namespaces for live tests, made with iproute2 (`ip netns add`) so the fixture
 * does not depend on the code under test, and removed in the test's teardown even when it fails.
 * Tests run inside the private namespaces spec/run.mjs sets up; these helpers add one more layer:
 * every object a test creates lives in a namespace of its own.
 */
import { execFileSync } from 'node:child_process';
import {
  lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
 * Why a live test is skipped when not {@link privileged}: the test command (spec/run.mjs) runs as
 * root in its own network and mount namespaces; a bare `ava` run, or one without root, must not
 * make namespace files in the machine's /run/netns. CI always runs them.
 */
export const NEEDS_ROOT = "needs root inside spec/run.mjs's isolation: makes network namespaces";

/**
 * Registers a test that needs the real kernel and root (it makes namespaces). Without root it is
 * registered as skipped, with the reason in its title, so the gap is visible in the report.
 */
export function liveTest(title: string, fn: (t: ExecutionContext) => Promise<void> | void): void {
  if (privileged) test(title, fn);
  else test.skip(`${title} (${NEEDS_ROOT})`, fn);
}

/** Like {@link liveTest}, run one after another (for tests that measure or flood). */
export function liveSerial(title: string, fn: (t: ExecutionContext) => Promise<void> | void): void {
  if (privileged) test.serial(title, fn);
  else test.skip(`${title} (${NEEDS_ROOT})`, fn);
}

// ---- file-system safety: what is on the disk and in the mount table, before and after a call ----

/** One mount of /proc/self/mountinfo: mount id, mount point (unescaped), filesystem type, device. */
export interface MountEntry {
  id: number;
  mountPoint: string;
  fsType: string;
  device: string;
}

/** The mounts of this process's mount namespace, from /proc/self/mountinfo (an independent oracle). */
export function mountTable(): MountEntry[] {
  const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l !== '').map((line) => {
    const f = line.split(' ');
    const dash = f.indexOf('-');
    return { id: Number(f[0]), mountPoint: unescape(f[4]!), device: f[2]!, fsType: f[dash + 1]! };
  });
}

/** The mounts on `dir` or below it (`dir` resolved through symlinks, as the kernel shows it). */
export function mountsUnder(dir: string): MountEntry[] {
  const real = realpathSync(dir);
  return mountTable().filter((m) => m.mountPoint === real || m.mountPoint.startsWith(`${real}/`));
}

/** Every entry under `dir` (symlinks not followed): kind, size, identity, link target, content. */
export function fsSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string): void => {
    const st = lstatSync(path, { bigint: true });
    const id = `${st.dev}:${st.ino} mode ${st.mode.toString(8)} size ${st.size}`;
    if (st.isSymbolicLink()) out[path] = `symlink -> ${readlinkSync(path)} ${id}`;
    else if (st.isDirectory()) {
      out[path] = `dir ${id}`;
      for (const name of readdirSync(path).sort()) walk(join(path, name));
    } else if (st.isFile() && st.size > 0n) out[path] = `file ${id} ${readFileSync(path, 'utf8')}`;
    else out[path] = `${st.isFile() ? 'file' : 'other'} ${id}`;
  };
  walk(dir);
  return out;
}

/** The state a call must leave as it found: the files under `dir` and the mounts on and under it. */
export function diskState(dir: string): { files: Record<string, string>; mounts: MountEntry[] } {
  return { files: fsSnapshot(dir), mounts: mountsUnder(dir) };
}

/**
 * A temporary directory; at teardown every mount on or under it is detached (deepest first) and
 * the directory is removed, also when the test failed.
 */
export function tempDir(t: ExecutionContext, prefix = 'rtnl-fs-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => {
    for (let round = 0; round < 8; round++) {
      const mounts = mountsUnder(dir).sort((a, b) => b.mountPoint.length - a.mountPoint.length || b.id - a.id);
      if (mounts.length === 0) break;
      for (const m of mounts) {
        try { execFileSync('umount', ['-l', m.mountPoint], { stdio: 'ignore' }); } catch { /* already gone */ }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** A network namespace bound onto a new file `path` with util-linux's `unshare --net=FILE` (not the code under test). */
export function namespaceFileWithUnshare(path: string): void {
  writeFileSync(path, '');
  execFileSync('unshare', [`--net=${path}`, 'true'], { stdio: 'ignore' });
}

/**
 * Things that are not namespace files, made in `dir` with util-linux and node:fs: each call that
 * takes a path must refuse them and leave them exactly as they were. `errno` is the code expected
 * from a call that removes or takes over a namespace file.
 */
export function hostilePaths(dir: string): Array<{ name: string; path: string; code: string }> {
  const p = (name: string): string => join(dir, name);
  mkdirSync(p('dir'));
  writeFileSync(p('dir/keep'), 'kept');
  mkdirSync(p('tmpfs'));
  execFileSync('mount', ['-t', 'tmpfs', 'rtnl-foreign', p('tmpfs')]);
  writeFileSync(p('tmpfs/keep'), 'kept');
  writeFileSync(p('content'), 'precious content');
  writeFileSync(p('bound-src'), 'bound');
  writeFileSync(p('bound'), '');
  execFileSync('mount', ['--bind', p('bound-src'), p('bound')]);
  namespaceFileWithUnshare(p('ns'));
  symlinkSync(p('ns'), p('link-to-ns'));
  symlinkSync(p('dir'), p('link-to-dir'));
  symlinkSync(p('content'), p('link-to-content'));
  symlinkSync(p('nowhere'), p('dangling'));
  execFileSync('mkfifo', [p('fifo')]);
  return [
    { name: 'a directory with files', path: p('dir'), code: 'EISDIR' },
    { name: 'a directory given with a trailing slash', path: `${p('dir')}/`, code: 'EISDIR' },
    { name: 'a directory with a tmpfs mounted on it', path: p('tmpfs'), code: 'EISDIR' },
    { name: 'a regular file with content', path: p('content'), code: 'EEXIST' },
    { name: 'a file with another file bind-mounted on it', path: p('bound'), code: 'EBUSY' },
    { name: 'a symlink to a namespace file', path: p('link-to-ns'), code: 'ELOOP' },
    { name: 'a symlink to a directory', path: p('link-to-dir'), code: 'ELOOP' },
    { name: 'a symlink to a file with content', path: p('link-to-content'), code: 'ELOOP' },
    { name: 'a dangling symlink', path: p('dangling'), code: 'ELOOP' },
    { name: 'a fifo', path: p('fifo'), code: 'EEXIST' },
  ];
}

/** Paths refused before anything is touched (ValidationError), relative to a temporary `dir`. */
export function invalidPaths(dir: string): Array<{ name: string; path: unknown }> {
  return [
    { name: 'a ".." segment', path: `${dir}/dir/../ns` },
    { name: 'a trailing ".."', path: `${dir}/dir/..` },
    { name: 'a relative path', path: 'rtnl-relative-key' },
    { name: 'a relative path with a directory', path: `./rtnl-relative/key` },
    { name: 'a NUL byte', path: `${dir}/a\0b` },
    { name: 'an empty string', path: '' },
    { name: 'a path over PATH_MAX', path: `${dir}/${'a/'.repeat(2100)}x` },
    { name: 'a component over NAME_MAX', path: `${dir}/${'n'.repeat(256)}` },
    { name: 'the root directory', path: '/' },
    { name: 'a number', path: 5 },
    { name: 'NaN', path: NaN },
    { name: 'null', path: null },
    { name: 'an object', path: { toString: () => `${dir}/x` } },
    { name: 'an array', path: [`${dir}/x`] },
  ];
}
