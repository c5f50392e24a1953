/**
 * Fixtures of the sandbox tests: a temporary base directory for keys, a throwaway source namespace
 * (made with iproute2, so links the tests create live only there), sandboxes destroyed at teardown,
 * and `ip -j` run inside a sandbox through `nsenter --net=<key>` as the independent oracle.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { native } from '../../lib/netlink/transport/native.js';
import { Sandbox, type SandboxCreateOptions } from '../../lib/sandbox/index.js';
import { ip, tempNetns, type TestNetns } from './netns.js';

/** A temporary directory for sandbox keys, emptied (mounts included) and removed at teardown. */
export function tempKeyDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-sb-'));
  t.teardown(() => {
    try {
      for (const name of readdirSync(dir)) native().umount(join(dir, name), 2 /* MNT_DETACH */);
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  });
  return dir;
}

/** A source namespace plus a sandbox taking links from it, destroyed at teardown. */
export interface SandboxFixture {
  src: TestNetns;
  sb: Sandbox;
  dir: string;
  key: string;
}

/** Creates a source namespace and a sandbox on a fresh key whose source is that namespace. */
export async function sandboxFixture(t: ExecutionContext, options: SandboxCreateOptions = {}): Promise<SandboxFixture> {
  const src = await tempNetns(t, 'sbs');
  const dir = tempKeyDir(t);
  const key = join(dir, 'sb');
  const sb = await Sandbox.create(key, { sourceNetns: src.path, ...options });
  destroyAtTeardown(t, sb);
  return { src, sb, dir, key };
}

/** Destroys a sandbox at teardown if the test did not. */
export function destroyAtTeardown(t: ExecutionContext, sb: Sandbox): void {
  t.teardown(async () => {
    if (sb.alive) await sb.destroy().catch(() => {});
  });
}

/** Runs `ip <args>` inside the namespace mounted on `key` (nsenter --net), returning stdout. */
export function ipIn(key: string, args: string[]): string {
  return execFileSync('nsenter', [`--net=${key}`, 'ip', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `ip -j <args>` inside the namespace on `key`, parsed. */
export function ipJsonIn<T = unknown>(key: string, args: string[]): T {
  const out = ipIn(key, ['-j', ...args]);
  return JSON.parse(out === '' ? '[]' : out) as T;
}

/** `bridge -j <args>` inside the namespace on `key`, parsed. */
export function bridgeJsonIn<T = unknown>(key: string, args: string[]): T {
  const out = execFileSync('nsenter', [`--net=${key}`, 'bridge', '-j', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out === '' ? '[]' : out) as T;
}

/** One link as `ip -j -d link` prints it (the fields the tests read). */
export interface IpLink {
  ifindex: number;
  ifname: string;
  address: string;
  flags: string[];
  operstate: string;
  master?: string;
  linkinfo?: { info_kind?: string };
}

/** One link with addresses as `ip -j addr` prints it. */
export interface IpAddrLink extends IpLink {
  addr_info: Array<{ family: string; local: string; prefixlen: number; nodad?: boolean; scope: string }>;
}

/** One route as `ip -j route` prints it. */
export interface IpRoute {
  dst: string;
  gateway?: string;
  dev?: string;
  scope?: string;
  protocol?: string;
}

/** The link names inside the namespace on `key`, sorted, without `lo`. */
export function linkNamesIn(key: string): string[] {
  return ipJsonIn<IpLink[]>(key, ['link', 'show']).map((l) => l.ifname).filter((n) => n !== 'lo').sort();
}

/** The link names in an iproute2-named namespace, sorted, without `lo`. */
export function linkNames(ns: string): string[] {
  return (JSON.parse(ip(['-n', ns, '-j', 'link', 'show']) || '[]') as IpLink[]).map((l) => l.ifname).filter((n) => n !== 'lo').sort();
}

/** One link of an iproute2-named namespace by name, or undefined. */
export function linkIn(ns: string, name: string): IpLink | undefined {
  return (JSON.parse(ip(['-n', ns, '-j', '-d', 'link', 'show']) || '[]') as IpLink[]).find((l) => l.ifname === name);
}

/** Creates a veth pair `a`/`b` in an iproute2-named namespace. */
export function veth(ns: string, a: string, b: string): void {
  ip(['-n', ns, 'link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
}

/** Polls `check` until it is true or `ms` passed (the kernel tears namespaces down asynchronously). */
export async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}
