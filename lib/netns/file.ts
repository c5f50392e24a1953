/**
 * Namespace files: what is on a path, and the only calls that make, take over or remove one.
 *
 * A namespace file is a regular file with a network namespace (an nsfs inode) bind-mounted on
 * exactly that path, as `ip netns add` makes under /run/netns. Nothing is unmounted or deleted
 * before {@link inspectNamespaceFile} said what is there:
 *
 * | on the path                                   | kind        | remove / take over          |
 * | --------------------------------------------- | ----------- | --------------------------- |
 * | nothing                                       | `missing`   | ENOENT / nothing to do      |
 * | an nsfs mount on exactly this path            | `namespace` | lazy unmount, then unlink   |
 * | an empty regular file, nothing mounted on it  | `empty`     | unlink (a stale mount point)|
 * | a directory (a mount on it or not)            | `directory` | EISDIR, nothing touched     |
 * | a symlink (never followed, wherever it leads) | `symlink`   | ELOOP, nothing touched      |
 * | a file with anything else mounted on it       | `mount`     | EBUSY, nothing touched      |
 * | a regular file with content                   | `content`   | EEXIST, nothing touched     |
 * | a fifo, socket or device node                 | `special`   | EEXIST, nothing touched     |
 *
 * "Mounted on exactly this path" means the file's device differs from its directory's (an nsfs
 * inode under a directory of another filesystem can only be a mount root; /proc/PID/ns/net itself
 * is a symlink); a file that looks plain is also looked up in /proc/thread-self/mountinfo (a bind
 * mount from the same filesystem keeps its directory's device). The nsfs check does not tell the
 * namespace type: a mount or uts namespace file counts as `namespace` too (as for `ip netns del`),
 * and setns refuses it when it is used as a network namespace.
 *
 * Symlinks: directory components may be symlinks (`/var/run` → `/run`); the last component is
 * never followed, so no call unmounts or deletes what a symlink leads to. The check and the
 * unmount are separate syscalls: a file swapped in between is the caller's race, but the unmount
 * never follows a symlink (UMOUNT_NOFOLLOW) and unlink never does. Opening a namespace (to use
 * it, never to change it) follows symlinks, as /proc/PID/ns/net needs.
 */
import {
  chmodSync, closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, realpathSync, statSync, statfsSync,
  unlinkSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { NetlinkError } from '../netlink/core/errors.js';
import { errnoNumber } from '../netlink/core/errno.js';
import { bindNamespaceFd, detachMount, mountNewNamespace, systemError } from './mount.js';

/** NSFS_MAGIC (linux/magic.h): the filesystem type of namespace inodes. */
const NSFS_MAGIC = 0x6e736673;

/** The calling thread's own network namespace (the JS thread may have been moved by setns). */
export const THREAD_NETNS = '/proc/thread-self/ns/net';

/** What is on a path (see the table of this module). */
export type NamespaceFileKind = 'missing' | 'namespace' | 'empty' | 'directory' | 'symlink' | 'mount' | 'content' | 'special';

/** The result of {@link inspectNamespaceFile}. */
export interface NamespaceFileInfo {
  kind: NamespaceFileKind;
  /** The size in bytes (0 unless `content`). */
  size: number;
}

/** Why each kind is refused, and with which errno. */
interface Refusal { code: string; what: (info: NamespaceFileInfo) => string }
const REFUSALS: ReadonlyMap<NamespaceFileKind, Refusal> = new Map<NamespaceFileKind, Refusal>([
  ['missing', { code: 'ENOENT', what: () => 'does not exist' }],
  ['directory', { code: 'EISDIR', what: () => 'is a directory, not a namespace file' }],
  ['symlink', { code: 'ELOOP', what: () => 'is a symbolic link (never followed for a namespace file)' }],
  ['mount', { code: 'EBUSY', what: () => 'has a mount on it that is not a namespace' }],
  ['content', { code: 'EEXIST', what: (i) => `is a regular file with content (${i.size} bytes), not a namespace file` }],
  ['special', { code: 'EEXIST', what: () => 'is a fifo, socket or device node, not a namespace file' }],
  ['namespace', { code: 'EEXIST', what: () => 'is a namespace file already' }],
  ['empty', { code: 'EEXIST', what: () => 'exists (an empty file)' }],
]);

/**
 * A NetlinkError for a path that is not what a call needs: the errno of the table, and a message
 * that names the path and what is there (`netns remove: EISDIR (Is a directory): "/run/netns" is a
 * directory, not a namespace file`).
 */
export function refusal(op: string, path: string, info: NamespaceFileInfo, errnoOverride?: number): NetlinkError {
  const r = REFUSALS.get(info.kind)!;
  // The errno by name when one is thrown (the errno table is built on first use, not at import).
  const e = new NetlinkError(errnoOverride ?? errnoNumber(r.code)!, op);
  e.message = `${e.message}: "${path}" ${r.what(info)}`;
  return e;
}

function codeOf(e: unknown): string | undefined {
  return (e as { code?: unknown } | null)?.code as string | undefined;
}

/**
 * Says what is on `path` without following a symlink at its last component and without changing
 * anything. A path whose directory does not exist is `missing`; a directory component that is not
 * a directory is a NetlinkError ENOTDIR (op `lstat`).
 */
export function inspectNamespaceFile(path: string): NamespaceFileInfo {
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    if (codeOf(e) === 'ENOENT') return { kind: 'missing', size: 0 };
    throw systemError(e, 'lstat');
  }
  if (st.isSymbolicLink()) return { kind: 'symlink', size: 0 };
  if (st.isDirectory()) return { kind: 'directory', size: 0 };
  if (!st.isFile()) return { kind: 'special', size: 0 };
  let parentDev: number;
  let fsType: number;
  try {
    parentDev = statSync(dirname(path)).dev;
    fsType = parentDev === st.dev ? 0 : statfsSync(path).type;
  } catch (e) {
    throw systemError(e, 'stat');
  }
  if (parentDev !== st.dev) return { kind: fsType === NSFS_MAGIC ? 'namespace' : 'mount', size: st.size };
  // A file bind-mounted from the same filesystem has its directory's device: only the mount table
  // tells (rare, so it is read only here).
  if (isMountPoint(path)) return { kind: 'mount', size: st.size };
  return st.size === 0 ? { kind: 'empty', size: 0 } : { kind: 'content', size: st.size };
}

/** Undoes the octal escapes of /proc/PID/mountinfo (`\040` for a space, …). */
function unescapeMountPath(s: string): string {
  return s.includes('\\') ? s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))) : s;
}

/** True when a mount of this thread's mount namespace has `path` (its directory resolved) as mount point. */
function isMountPoint(path: string): boolean {
  let text: string;
  let real: string;
  try {
    real = join(realpathSync(dirname(path)), basename(path));
    text = readFileSync('/proc/thread-self/mountinfo', 'utf8');
  } catch (e) {
    throw systemError(e, 'stat');
  }
  for (const line of text.split('\n')) {
    // id parent major:minor root MOUNT-POINT options …
    const mountPoint = line.split(' ', 5)[4];
    if (mountPoint !== undefined && unescapeMountPath(mountPoint) === real) return true;
  }
  return false;
}

/** Unlinks `path`; ENOENT counts as done. Errors are NetlinkErrors (op `unlink`). */
function unlink(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if (codeOf(e) !== 'ENOENT') throw systemError(e, 'unlink');
  }
}

/**
 * Removes the namespace file on `path`: a `namespace` is unmounted (lazily: the namespace lives
 * on while processes or open fds use it), then the file is unlinked; an `empty` file (a stale
 * mount point) is unlinked. Anything else is refused before anything is touched; `missing` is
 * ENOENT unless `missingOk` (then there is nothing to do: libnetwork clears a key this way before
 * reusing it). An unlink that fails (EBUSY: another mount is still on it) is thrown after the
 * unmount.
 */
export function removeNamespaceFile(path: string, op: string, missingOk = false): void {
  const info = inspectNamespaceFile(path);
  if (info.kind === 'missing' && missingOk) return;
  if (info.kind !== 'namespace' && info.kind !== 'empty') throw refusal(op, path, info);
  if (info.kind === 'namespace') detachMount(path);
  unlink(path);
}

/** Creates `dir` and its missing parents with mode 0755 (not narrowed by the umask). */
export function makeDirectory(dir: string): void {
  try {
    const made = mkdirSync(dir, { recursive: true, mode: 0o755 });
    if (made !== undefined) chmodSync(dir, 0o755);
  } catch (e) {
    throw systemError(e, 'mkdir');
  }
}

/**
 * Creates a new network namespace on `path`, which must be free (anything there is EEXIST, nothing
 * touched). The new namespace holds only a `lo`, which is down.
 */
export function createNamespaceFile(path: string, op: string): void {
  mountNewNamespace(path, op);
}

/**
 * Bind-mounts the namespace open as `fd` onto `path`, created here `O_EXCL` (anything there is
 * EEXIST, nothing touched); the file is removed again if the mount fails.
 */
export function bindNamespaceFile(fd: number, path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0));
  } catch (e) {
    throw systemError(e, 'open');
  }
  try {
    bindNamespaceFd(fd, path);
  } catch (e) {
    try { unlinkSync(path); } catch { /* nothing more to undo */ }
    throw e;
  }
}

/**
 * Opens a namespace (a namespace file, or /proc/PID/ns/net, following symlinks) read-only and
 * CLOEXEC (libuv always adds it); O_NONBLOCK, so a fifo on the path cannot block the thread (setns
 * then refuses the fd). Throws a NetlinkError (op `op`).
 */
export function openNamespaceFd(path: string, op = 'open'): number {
  try {
    return openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw systemError(e, op);
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
 * True when the namespace open as `fd` is mounted on exactly `path` (not through a symlink); false
 * when the path is gone, is a symlink, or holds something else since (then it is not ours).
 */
export function holdsNamespace(path: string, fd: number): boolean {
  try {
    const st = lstatSync(path, { bigint: true });
    return st.isFile() && `${st.dev}:${st.ino}` === namespaceId(fd);
  } catch {
    return false;
  }
}

/** Unlinks `path`; true when it is gone (ENOENT included), false when the unlink failed (e.g. EBUSY). */
function unlinkQuietly(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (e) {
    return codeOf(e) === 'ENOENT';
  }
}

/**
 * Unmounts and unlinks the namespace file `path` after {@link holdsNamespace} said it is ours. An
 * unmount error is thrown (nothing changed); the result says whether the file is gone (false: the
 * unlink failed, e.g. EBUSY under another mount; the file stays).
 */
export function unmountAndRemove(path: string): boolean {
  detachMount(path);
  return unlinkQuietly(path);
}

/**
 * The later removal of a namespace file whose unlink failed (libnetwork's GC): an `empty` file
 * (nothing mounted on it any more) is unlinked (`'removed'`; `'busy'` if that fails); a path that
 * is gone is `'removed'`; one that still holds a namespace is `'busy'`; anything else (a
 * directory, a symlink, a file with content, another mount) is `'replaced'` and left untouched.
 */
export function collectNamespaceFile(path: string): 'removed' | 'busy' | 'replaced' {
  let kind: NamespaceFileKind;
  try {
    kind = inspectNamespaceFile(path).kind;
  } catch {
    return 'busy'; // unreadable for now: try again later
  }
  if (kind === 'missing') return 'removed';
  if (kind === 'namespace') return 'busy';
  if (kind !== 'empty') return 'replaced';
  return unlinkQuietly(path) ? 'removed' : 'busy';
}
