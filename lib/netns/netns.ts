/**
 * Persistent network namespaces as files: a namespace is kept alive by bind-mounting it onto a file
 * (as `ip netns add` does under /run/netns). The C helper creates them on a dedicated thread, so no
 * JS thread ever changes namespace here. What each call does with what it finds on a path is in
 * lib/netns/file.ts: nothing that is not a namespace file (or an empty stale one) is ever unmounted
 * or removed.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EEXIST } from '../netlink/core/errno.js';
import { checkBool } from '../netlink/core/validate.js';
import type { NamespaceRef } from '../netlink/transport/native.js';
import { checkNamespaceFilePath, checkNamespacePath, readOptions } from './checks.js';
import {
  closeQuietly, createNamespaceFile, inspectNamespaceFile, makeDirectory, openNamespaceFd, refusal, removeNamespaceFile,
} from './file.js';
import { makeSharedDir, systemError } from './mount.js';

/** iproute2's directory of named namespaces. */
export const NETNS_RUN_DIR = '/run/netns';

/** Options of {@link create}. */
export interface CreateOptions {
  /**
   * Make the file's directory a shared mount point first (default: only for /run/netns, as
   * iproute2 does).
   */
  sharedMount?: boolean;
}

/**
 * Creates a network namespace kept alive by a bind mount on `path`, an absolute path without `..`
 * segments (normalised: `/run/netns//blue/` is `/run/netns/blue`). Anything already on the path
 * (a file, a directory, a symlink, a mount) is a NetlinkError EEXIST and is left as it is. The
 * directory is created (mode 0755) when missing. The new namespace holds only a `lo`, which is
 * down. Bad arguments are a ValidationError before anything is touched.
 */
export async function create(path: string, options: CreateOptions = {}): Promise<void> {
  const file = checkNamespaceFilePath('path', path);
  const o = readOptions('options', options, ['sharedMount']);
  const shared = o.sharedMount === undefined ? undefined : checkBool('sharedMount', o.sharedMount);
  const info = inspectNamespaceFile(file);
  if (info.kind !== 'missing') throw refusal('netns create', file, info, EEXIST);
  const dir = dirname(file);
  makeDirectory(dir);
  if (shared ?? dir === NETNS_RUN_DIR) makeSharedDir(dir);
  createNamespaceFile(file, 'netns create');
}

/**
 * Removes a namespace file: lazy unmount (the namespace lives on while processes or open fds use
 * it), then unlink. An empty file with nothing mounted on it (a stale namespace file) is removed
 * too. Anything else on the path is a NetlinkError and is left untouched: a directory (EISDIR, so
 * `/run/netns/` is refused whole), a symlink (ELOOP: never followed), a file with another
 * filesystem mounted on it (EBUSY), a file with content or a device node (EEXIST), nothing at all
 * (ENOENT). Bad arguments are a ValidationError.
 */
export async function remove(path: string): Promise<void> {
  removeNamespaceFile(checkNamespaceFilePath('path', path), 'netns remove');
}

/**
 * The paths of the namespace files in `dir` (default /run/netns; absolute, no `..`), sorted: only
 * entries that are network namespaces mounted on exactly that entry (symlinks are not followed, so
 * what is listed is what {@link remove} removes). A missing directory lists as empty.
 */
export async function list(dir: string = NETNS_RUN_DIR): Promise<string[]> {
  const base = checkNamespacePath('dir', dir);
  let names: string[];
  try {
    names = readdirSync(base);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return [];
    throw systemError(e, 'readdir');
  }
  const out: string[] = [];
  for (const name of names.sort()) {
    const path = join(base, name);
    try {
      if (inspectNamespaceFile(path).kind === 'namespace') out.push(path);
    } catch {
      // Vanished or unreadable: not a namespace we can report.
    }
  }
  return out;
}

/**
 * Opens a namespace reference for IFLA_NET_NS_FD: a path is opened (CLOEXEC, O_NONBLOCK: a fifo
 * cannot block) and must be closed by the caller with the returned `close`; an fd is used as it is.
 */
export function openNamespace(field: string, ref: NamespaceRef): { fd: number; close(): void } {
  if (typeof ref === 'number') return { fd: ref, close() { /* the caller's fd */ } };
  const fd = openNamespaceFd(ref, `open ${field}`);
  return { fd, close: () => closeQuietly(fd) };
}
