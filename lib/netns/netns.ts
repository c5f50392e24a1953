/**
 * Persistent network namespaces as files: a namespace is kept alive by bind-mounting it onto a file
 * (as `ip netns add` does under /run/netns). The C helper creates them on a dedicated thread, so no
 * JS thread ever changes namespace here.
 */
import { closeSync, mkdirSync, openSync, readdirSync, statfsSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { NetlinkError, ValidationError } from '../netlink/core/errors.js';
import { EINVAL } from '../netlink/core/errno.js';
import { native, type NamespaceRef } from '../netlink/transport/native.js';

/** iproute2's directory of named namespaces. */
export const NETNS_RUN_DIR = '/run/netns';

// sys/mount.h
const MS_BIND = 0x1000;
const MS_REC = 0x4000;
const MS_SHARED = 1 << 20;
const MNT_DETACH = 2;
/** NSFS_MAGIC (linux/magic.h): the filesystem type of a namespace file. */
const NSFS_MAGIC = 0x6e736673;

/** Turns a Node SystemError (negative errno) into a NetlinkError. */
export function systemError(e: unknown, op: string): Error {
  const errno = (e as { errno?: unknown }).errno;
  if (typeof errno === 'number') return new NetlinkError(Math.abs(errno), op, { cause: e });
  return e as Error;
}

function checkPath(field: string, path: unknown): string {
  if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) {
    throw new ValidationError(field, path, 'a namespace file path is required');
  }
  return resolve(path);
}

/**
 * Makes `dir` a shared mount point, as iproute2 does for /run/netns, so namespaces mounted there
 * show up in other mount namespaces that share it (`ip netns exec` relies on this).
 */
function makeSharedDir(dir: string): void {
  const n = native();
  let r = n.mount('', dir, 'none', MS_SHARED | MS_REC);
  if (r === -EINVAL) {
    // Not a mount point yet: bind it onto itself first.
    r = n.mount(dir, dir, 'none', MS_BIND | MS_REC);
    if (r === 0) r = n.mount('', dir, 'none', MS_SHARED | MS_REC);
  }
  if (r < 0) throw new NetlinkError(-r, 'mount');
}

/** Options of {@link create}. */
export interface CreateOptions {
  /**
   * Make the file's directory a shared mount point first (default: only for /run/netns, as
   * iproute2 does).
   */
  sharedMount?: boolean;
}

/**
 * Creates a network namespace kept alive by a bind mount on `path` (made `O_EXCL`: an existing file
 * is an EEXIST NetlinkError). The directory is created (mode 0755) when missing. The new namespace
 * holds only a `lo`, which is down.
 */
export async function create(path: string, options: CreateOptions = {}): Promise<void> {
  const file = checkPath('path', path);
  const dir = dirname(file);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
  } catch (e) {
    throw systemError(e, 'mkdir');
  }
  if (options.sharedMount ?? dir === NETNS_RUN_DIR) makeSharedDir(dir);
  const r = native().namespaceCreate(file);
  if (r < 0) throw new NetlinkError(-r, 'netns create');
}

/**
 * Removes a namespace file: lazy unmount (the namespace lives on while processes or open fds use
 * it), then unlink. A file that is no longer mounted is still removed.
 */
export async function remove(path: string): Promise<void> {
  removeSync(checkPath('path', path));
}

/** @internal The synchronous body of {@link remove}. */
export function removeSync(file: string): void {
  const r = native().umount(file, MNT_DETACH);
  // EINVAL: not a mount point (a stale file); it is still removed.
  if (r < 0 && r !== -EINVAL) throw new NetlinkError(-r, 'umount2');
  try {
    unlinkSync(file);
  } catch (e) {
    throw systemError(e, 'unlink');
  }
}

/** The paths of the mounted namespace files in `dir` (default /run/netns), sorted. */
export async function list(dir: string = NETNS_RUN_DIR): Promise<string[]> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return [];
    throw systemError(e, 'readdir');
  }
  const out: string[] = [];
  for (const name of names.sort()) {
    const path = join(dir, name);
    try {
      if (statfsSync(path).type === NSFS_MAGIC) out.push(path);
    } catch {
      // Vanished or unreadable: not a namespace we can report.
    }
  }
  return out;
}

/**
 * Opens a namespace reference for IFLA_NET_NS_FD: a path is opened (CLOEXEC) and must be closed by
 * the caller with the returned `close`; an fd is used as it is.
 */
export function openNamespace(field: string, ref: NamespaceRef): { fd: number; close(): void } {
  if (typeof ref === 'number') return { fd: ref, close() { /* the caller's fd */ } };
  let fd: number;
  try {
    fd = openSync(ref, 'r');
  } catch (e) {
    throw systemError(e, `open ${field}`);
  }
  return { fd, close: () => closeSync(fd) };
}

