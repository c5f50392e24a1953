/**
 * Namespace files: making, binding, checking and removing the file a sandbox's network namespace
 * is bind-mounted onto (its key). Everything here is a direct syscall through the native helper or
 * node:fs; no program is run and no JS thread changes namespace.
 */
import { chmodSync, closeSync, fstatSync, lstatSync, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { NetlinkError } from '../netlink/core/errors.js';
import { EINVAL } from '../netlink/core/errno.js';
import { native } from '../netlink/transport/native.js';
import { forgetGarbage } from './base-path.js';
import { SandboxError, asNetlinkError } from './errors.js';

/** sys/mount.h MS_BIND. */
const MS_BIND = 0x1000;
/** sys/mount.h MNT_DETACH: lazy unmount. */
const MNT_DETACH = 2;

/** The calling thread's own network namespace (the JS thread may have been moved by setns). */
export const THREAD_NETNS = '/proc/thread-self/ns/net';

function code(e: unknown): string | undefined {
  return (e as { code?: string } | null)?.code;
}

/**
 * Gets a key ready for a new mount: its directory exists (created with mode 0755), it is no longer
 * queued for GC, and a stale file on it is unmounted (lazily, errors ignored) and removed.
 */
export function prepareKey(key: string): void {
  const dir = dirname(key);
  try {
    const made = mkdirSync(dir, { recursive: true, mode: 0o755 });
    if (made !== undefined) chmodSync(dir, 0o755); // umask must not narrow the mode
  } catch (e) {
    throw new SandboxError('key', `failed to create the directory of the namespace file "${key}"`, { cause: asNetlinkError(e, 'mkdir') });
  }
  forgetGarbage(key);
  try {
    lstatSync(key);
  } catch (e) {
    if (code(e) === 'ENOENT') return;
    throw new SandboxError('key', `failed to check the namespace file "${key}"`, { cause: asNetlinkError(e, 'lstat') });
  }
  native().umount(key, MNT_DETACH);
  try {
    unlinkSync(key);
  } catch (e) {
    if (code(e) !== 'ENOENT') {
      throw new SandboxError('key', `failed to remove the stale namespace file "${key}"`, { cause: asNetlinkError(e, 'unlink') });
    }
  }
}

/** Creates a fresh network namespace mounted on `key` (which must not exist). */
export function createNamespaceOn(key: string): void {
  const r = native().namespaceCreate(key);
  if (r < 0) throw new SandboxError('create', `failed to create a network namespace on "${key}"`, { cause: new NetlinkError(-r, 'netns create') });
}

/**
 * Bind-mounts the namespace open as `fd` onto `key` (created here, must not exist); the file is
 * removed again if the mount fails.
 */
export function bindNamespaceOn(key: string, fd: number): void {
  try {
    closeSync(openSync(key, 'wx', 0));
  } catch (e) {
    throw new SandboxError('key', `failed to create the namespace file "${key}"`, { cause: asNetlinkError(e, 'open') });
  }
  const r = native().mount(`/proc/self/fd/${fd}`, key, null, MS_BIND);
  if (r < 0) {
    try { unlinkSync(key); } catch { /* nothing more to undo */ }
    throw new SandboxError('create', `failed to bind-mount the network namespace onto "${key}"`, { cause: new NetlinkError(-r, 'mount') });
  }
}

/** Opens a namespace file read-only (CLOEXEC, as libuv always opens). Throws a NetlinkError. */
export function openNamespaceFd(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (e) {
    throw asNetlinkError(e, 'open');
  }
}

/** Closes an fd, ignoring errors (used in cleanup paths). */
export function closeQuietly(fd: number | undefined): void {
  if (fd === undefined) return;
  try { closeSync(fd); } catch { /* already closed */ }
}

/** The identity (device and inode of the nsfs file) of the namespace open as `fd`. */
export function namespaceId(fd: number): string {
  const st = fstatSync(fd, { bigint: true });
  return `${st.dev}:${st.ino}`;
}

/**
 * True when `key` still holds the mount of the namespace open as `fd`; false when it is gone, or
 * someone unmounted it or mounted another namespace there since (then it is not ours to remove).
 */
export function keyHoldsNamespace(key: string, fd: number): boolean {
  try {
    const st = statSync(key, { bigint: true });
    return `${st.dev}:${st.ino}` === namespaceId(fd);
  } catch {
    return false;
  }
}

/**
 * Unmounts `key` (lazily: the namespace lives on while something still uses it) and removes the
 * file. An unmount error other than "not mounted" is thrown (nothing changed); the result says
 * whether the file is gone (false: it is still there and should be queued for GC).
 */
export function unmountAndRemove(key: string): boolean {
  const r = native().umount(key, MNT_DETACH);
  if (r < 0 && r !== -EINVAL) throw new NetlinkError(-r, 'umount2');
  try {
    unlinkSync(key);
    return true;
  } catch (e) {
    return code(e) === 'ENOENT';
  }
}
