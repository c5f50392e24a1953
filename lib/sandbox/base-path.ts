/**
 * Where sandbox keys live, and the garbage collector of namespace files.
 *
 * A key is the path of a file a network namespace is bind-mounted onto. Keys made by
 * {@link generateKey} live under the base path (`/var/run/docker/netns` unless {@link setBasePath}
 * says otherwise). Destroying a sandbox unmounts and removes its file at once; a file that could
 * not be removed is queued, and {@link gc} (or the periodic retry) removes it later.
 */
import { join } from 'node:path';
import { ValidationError } from '../netlink/core/errors.js';
import { checkNamespacePath } from '../netns/checks.js';
import { collectNamespaceFile } from '../netns/file.js';

/** libnetwork's default base path. */
export const DEFAULT_BASE_PATH = '/var/run/docker/netns';

/** How long a queued file waits before the periodic retry (libnetwork: 60 s). */
export const GC_PERIOD_MS = 60_000;

let basePath = DEFAULT_BASE_PATH;

/**
 * Sets the directory {@link generateKey} puts keys in (libnetwork's `SetBasePath`; the daemon uses
 * `<execroot>/netns`). The directory is created (mode 0755) when the first namespace file is made
 * in it. Takes an absolute path without `..` segments (normalised: a trailing `/` is dropped).
 */
export function setBasePath(path: string): void {
  const dir = checkNamespacePath('path', path);
  if (dir === '/') throw new ValidationError('path', path, 'a directory other than / is required');
  basePath = dir;
}

/** The current base path (see {@link setBasePath}). */
export function getBasePath(): string {
  return basePath;
}

/**
 * The key of a container's sandbox: `${basePath}/${containerId.slice(0, 12)}` (libnetwork's
 * `GenerateKey`). Ids that would name something other than a file directly in the base path (empty,
 * containing `/` or NUL, or truncating to `.` or `..`) are a ValidationError.
 */
export function generateKey(containerId: string): string {
  if (typeof containerId !== 'string' || containerId.length === 0) {
    throw new ValidationError('containerId', containerId, 'a non-empty container id is required');
  }
  if (containerId.includes('/') || containerId.includes('\0')) {
    throw new ValidationError('containerId', containerId, 'a container id cannot contain "/" or NUL (the key would leave the base path)');
  }
  const id = containerId.slice(0, 12);
  if (id === '.' || id === '..') {
    throw new ValidationError('containerId', containerId, 'a container id cannot be "." or ".." (the key would leave the base path)');
  }
  return join(basePath, id);
}

const garbage = new Set<string>();
let timer: NodeJS.Timeout | undefined;

/** @internal Queues a namespace file that could not be removed; the retry timer does not keep the process alive. */
export function queueGarbage(path: string): void {
  garbage.add(path);
  scheduleRetry();
}

function scheduleRetry(): void {
  if (timer !== undefined) return;
  timer = setTimeout(() => {
    timer = undefined;
    void gc();
  }, GC_PERIOD_MS);
  timer.unref();
}

/** @internal Forgets a queued path (a new sandbox is being created on it). */
export function forgetGarbage(path: string): void {
  garbage.delete(path);
}

/** The namespace files still waiting for removal. */
export function pendingGarbage(): string[] {
  return [...garbage];
}

/**
 * Removes the namespace files that {@link Sandbox.destroy} could not remove (libnetwork's `GC`),
 * once nothing is mounted on them any more: only an empty regular file is unlinked. A path that is
 * gone, or that holds something else since (a directory, a symlink, a file with content, another
 * mount: not ours any more), leaves the queue untouched. Resolves to the paths that still could
 * not be removed (still mounted, or the unlink failed); they stay queued for the next attempt.
 */
export async function gc(): Promise<string[]> {
  const left: string[] = [];
  for (const path of [...garbage]) {
    if (collectNamespaceFile(path) === 'busy') left.push(path);
    else garbage.delete(path);
  }
  if (garbage.size === 0 && timer !== undefined) {
    clearTimeout(timer);
    timer = undefined;
  } else if (garbage.size > 0) {
    scheduleRetry();
  }
  return left;
}
