/**
 * The key of a sandbox: the file its network namespace is mounted on. Every file-system change goes
 * through lib/netns/file.ts, which first checks what is on the path (a directory, a symlink, a
 * foreign mount or a file with content is refused and left alone); here those checks become
 * SandboxErrors with the step that failed.
 */
import { dirname } from 'node:path';
import { NetlinkError, ValidationError } from '../netlink/core/errors.js';
import { errnoNumber } from '../netlink/core/errno.js';
import { checkNamespaceFilePath } from '../netns/checks.js';
import {
  bindNamespaceFile, createNamespaceFile, inspectNamespaceFile, makeDirectory, refusal, removeNamespaceFile,
} from '../netns/file.js';
import { forgetGarbage } from './base-path.js';
import { SandboxError } from './errors.js';

/**
 * Checks a sandbox key (an absolute path without `..`, see lib/netns/checks.ts) and returns it
 * normalised (`/x//y/` is `/x/y`).
 */
export function checkKey(field: string, key: unknown): string {
  return checkNamespaceFilePath(field, key);
}

/**
 * Gets `key` ready for a new mount, as libnetwork does before reusing a key: a namespace file on it
 * (a stale sandbox) is unmounted and removed, an empty file is removed, a missing directory is made
 * (mode 0755), and the key leaves the GC queue. Anything else on the key is a SandboxError (step
 * `'key'`, with the NetlinkError EISDIR, ELOOP, EBUSY or EEXIST as cause) and nothing is touched.
 */
export function prepareKey(key: string): void {
  try {
    removeNamespaceFile(key, 'sandbox key', true);
  } catch (e) {
    throw new SandboxError('key', `cannot use "${key}" as a sandbox key`, { cause: e });
  }
  forgetGarbage(key);
  try {
    makeDirectory(dirname(key));
  } catch (e) {
    throw new SandboxError('key', `failed to create the directory of the namespace file "${key}"`, { cause: e });
  }
}

/** Creates a fresh network namespace mounted on `key` (which {@link prepareKey} freed). */
export function createNamespaceOn(key: string): void {
  try {
    createNamespaceFile(key, 'netns create');
  } catch (e) {
    throw new SandboxError('create', `failed to create a network namespace on "${key}"`, { cause: e });
  }
}

/**
 * Bind-mounts the namespace open as `fd` onto `key` (created here, must not exist); the file is
 * removed again if the mount fails.
 */
export function bindNamespaceOn(key: string, fd: number): void {
  try {
    bindNamespaceFile(fd, key);
  } catch (e) {
    const mounting = e instanceof NetlinkError && e.op === 'mount';
    throw mounting
      ? new SandboxError('create', `failed to bind-mount the network namespace onto "${key}"`, { cause: e })
      : new SandboxError('key', `failed to create the namespace file "${key}"`, { cause: e });
  }
}

/**
 * Checks that `key` holds a namespace mounted on exactly that path before restore opens it: a
 * SandboxError (step `'open'`) otherwise — ENOENT, EISDIR, ELOOP (a symlink is never followed:
 * destroy would not remove it), or EINVAL for anything else that is not a namespace.
 */
export function checkRestoreKey(key: string): void {
  let why: NetlinkError;
  try {
    const info = inspectNamespaceFile(key);
    if (info.kind === 'namespace') return;
    const keep = info.kind === 'missing' || info.kind === 'directory' || info.kind === 'symlink';
    why = refusal('sandbox restore', key, info, keep ? undefined : errnoNumber('EINVAL'));
  } catch (e) {
    throw new SandboxError('open', `failed get network namespace "${key}"`, { cause: e });
  }
  throw new SandboxError('open', `failed get network namespace "${key}"`, { cause: why });
}

/** Refuses a key that is the external namespace's own path (forExternalKey would replace its mount). */
export function checkExternalKey(path: string, key: string): void {
  if (path === key) throw new ValidationError('key', key, 'the key must differ from the path of the external namespace');
}
