/**
 * The mount code of namespace files, the only place in the package that mounts or unmounts: a new
 * namespace onto a file, an open namespace bound onto a file, the shared mount of /run/netns, and
 * the lazy unmount. Everything is a direct syscall through the native helper; no program is run.
 * These functions do not check what is on a path: lib/netns/file.ts does that first.
 */
import { NetlinkError } from '../netlink/core/errors.js';
import { EINVAL } from '../netlink/core/errno.js';
import { native } from '../netlink/transport/native.js';

// sys/mount.h
const MS_BIND = 0x1000;
const MS_REC = 0x4000;
const MS_SHARED = 1 << 20;
/** umount2: detach now, free once nothing uses the mount (a namespace in use outlives its file). */
const MNT_DETACH = 2;
/** umount2: do not follow a symlink at the last component (never unmount something elsewhere). */
const UMOUNT_NOFOLLOW = 8;

/** Turns a Node SystemError (or the native helper's error: negative or positive errno) into a NetlinkError naming `op`. */
export function systemError(e: unknown, op: string): unknown {
  if (e instanceof NetlinkError) return e;
  const errno = (e as { errno?: unknown } | null | undefined)?.errno;
  return typeof errno === 'number' && errno !== 0 ? new NetlinkError(Math.abs(errno), op, { cause: e }) : e;
}

/**
 * Makes `dir` a shared mount point, as iproute2 does for /run/netns, so namespaces mounted there
 * show up in other mount namespaces that share it (`ip netns exec` relies on this). A directory
 * that is not a mount point yet is bind-mounted onto itself first.
 */
export function makeSharedDir(dir: string): void {
  const n = native();
  let r = n.mount('', dir, 'none', MS_SHARED | MS_REC);
  if (r === -EINVAL) {
    r = n.mount(dir, dir, 'none', MS_BIND | MS_REC);
    if (r === 0) r = n.mount('', dir, 'none', MS_SHARED | MS_REC);
  }
  if (r < 0) throw new NetlinkError(-r, 'mount');
}

/**
 * Creates a new network namespace and bind-mounts it onto `file`, which the native helper creates
 * `O_CREAT | O_EXCL` (mode 0: anything already there, a symlink included, is EEXIST) and removes
 * again if the mount fails. The namespace is made on a dedicated thread.
 */
export function mountNewNamespace(file: string, op: string): void {
  const r = native().namespaceCreate(file);
  if (r < 0) throw new NetlinkError(-r, op);
}

/** Bind-mounts the namespace open as `fd` onto the existing file `file`. */
export function bindNamespaceFd(fd: number, file: string): void {
  const r = native().mount(`/proc/self/fd/${fd}`, file, null, MS_BIND);
  if (r < 0) throw new NetlinkError(-r, 'mount');
}

/**
 * Lazily unmounts the top mount on `path`, never through a symlink. Returns false when nothing was
 * mounted there (EINVAL); other errors are thrown.
 */
export function detachMount(path: string): boolean {
  const r = native().umount(path, MNT_DETACH | UMOUNT_NOFOLLOW);
  if (r === -EINVAL) return false;
  if (r < 0) throw new NetlinkError(-r, 'umount2');
  return true;
}
