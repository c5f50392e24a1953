/**
 * The typed face of the C helper (`native/rtnetlink.c`) and its loader.
 *
 * The helper is deliberately thin: every call is one or two syscalls, returns a number, and reports
 * failure as a negative errno instead of throwing (throwing across Node-API costs more than the
 * syscall). Only `invokeInNamespace` throws, because it must return the value of a JS function.
 * Everything else about netlink — every byte of every message — lives in TypeScript.
 *
 * The binding is loaded on first use, or handed over by the package's loader (dist/bundle/load.cjs
 * loads the helper at import to read the code cache with {@link NativeBinding.fileReadScript}; see
 * {@link adoptNativeBinding}), and can be replaced for tests with {@link setNativeBinding}.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { helperFiles } from './native-path.js';

/** A namespace given as a file path (`/run/netns/blue`, `/proc/123/ns/net`) or an open fd. */
export type NamespaceRef = string | number;

/**
 * A libuv readiness watcher on one fd (`uv_poll_t`). The socket object that owns it must keep a
 * reference: if the watcher is garbage-collected, polling stops.
 */
export interface NativePoller {
  /** Starts (or restarts) watching for readability; the callback runs on the event loop. */
  start(): void;
  /** Stops watching; the watcher can be started again. */
  stop(): void;
  /** Lets an active watcher keep the process alive (the default). */
  ref(): void;
  /** Lets the process exit even while the watcher is active. */
  unref(): void;
  /** Stops for good and releases the libuv handle; later calls are no-ops. */
  close(): void;
}

/** The functions `native/rtnetlink.c` exports. Numbers < 0 are `-errno`. */
export interface NativeBinding {
  /**
   * `socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol)` and `bind` with
   * `nl_pid = 0` (the kernel picks the port id). With `netns`, the calling thread enters that
   * namespace first (setns) and comes back right after `socket()`; the process aborts if it
   * cannot come back. Returns the fd.
   */
  socketOpen(protocol: number, netns: NamespaceRef | null): number;
  /** The port id (`nl_pid`) the kernel bound the socket to, from `getsockname`. */
  socketPortId(fd: number): number;
  /** `sendto` the kernel (`nl_pid = 0`) of `buf[offset, offset + length)` as one datagram. */
  socketSend(fd: number, buf: Uint8Array, offset: number, length: number): number;
  /**
   * One non-blocking `recvmsg(MSG_TRUNC)` into `buf[offset, offset + length)`. Returns the real
   * datagram length, which is larger than `length` when the datagram was truncated, or `-EAGAIN`
   * when nothing is queued. Writes into `meta`: [0] sender port id, [1] sender multicast group
   * mask, [2] the message flags (`MSG_TRUNC` …), [3] the nsid from a `NETLINK_LISTEN_ALL_NSID`
   * control message or -1.
   */
  socketRecv(fd: number, buf: Uint8Array, offset: number, length: number, meta: Int32Array): number;
  /**
   * {@link socketRecv} with `recvfrom`: no msghdr or iovec for the kernel to copy in and no control
   * messages, so `meta[2]` is 0 and `meta[3]` -1 (~0.3 µs less per datagram). For sockets that do
   * not listen to all namespaces.
   */
  socketRecvFrom(fd: number, buf: Uint8Array, offset: number, length: number, meta: Int32Array): number;
  /**
   * The length (bytes) of the datagram at the head of the receive queue, left there (`recv` with
   * MSG_PEEK | MSG_TRUNC into no buffer), or `-EAGAIN` when nothing is queued; a pending socket
   * error (`-ENOBUFS`) once. Cheaper than {@link socketRecv} for "did anything arrive?".
   */
  socketPending(fd: number): number;
  /** `setsockopt(fd, level, name, &int)`. Returns 0. */
  socketSetOption(fd: number, level: number, name: number, value: number): number;
  /** `getsockopt(fd, level, name)` of an int option. Returns the value (all options we read are ≥ 0). */
  socketGetOption(fd: number, level: number, name: number): number;
  /** `close(fd)`. */
  socketClose(fd: number): number;
  /**
   * A new fd (close-on-exec) of the network namespace socket `fd` belongs to (`ioctl(SIOCGSKNS)`,
   * which needs CAP_NET_ADMIN there). Close it with {@link socketClose}.
   */
  socketNamespace(fd: number): number;
  /**
   * Makes a tun or tap device `name` (`''`: the kernel picks `tun0`, `tap0` …) in the namespace
   * `netnsFd` as `ip tuntap add` does: `/dev/net/tun` opened with the calling thread inside that
   * namespace (it comes back at once; the process aborts if it cannot), TUNSETIFF with `flags`'
   * low 16 bits plus IFF_TUN_EXCL (an existing name is `-EEXIST`, never an attach), TUNSETOWNER /
   * TUNSETGROUP unless -1. With an empty `fds` the device is made persistent and its file closed;
   * otherwise one file per element of `fds` (the first makes the device, the others attach as
   * queues) is left open and written there (close-on-exec; O_NONBLOCK with flag 0x10000). A
   * failure at any step leaves no device and no file. Returns the new ifindex.
   */
  tunCreate(netnsFd: number, name: string, flags: number, owner: number, group: number, fds: Int32Array): number;
  /**
   * `close(fd)` on a libuv worker thread, for a socket whose release would block the event loop
   * (an AF_PACKET socket waits for an RCU grace period, ~5-20 ms). Do not use `fd` afterwards; its
   * number is not reused before the worker closed it. Returns 0.
   */
  socketCloseLater(fd: number): number;
  /** A libuv readiness watcher on `fd`; `onReadable(status)` gets 0 or a negative libuv error. */
  pollerCreate(fd: number, onReadable: (status: number) => void): NativePoller;
  /**
   * Creates a new network namespace and bind-mounts it onto `path`, which must not exist (the file
   * is created `O_CREAT | O_EXCL`, mode 0). Runs on a dedicated thread (unshare there, mount
   * `/proc/thread-self/ns/net`), so no JS thread ever changes namespace. Returns 0.
   */
  namespaceCreate(path: string): number;
  /** `mount(source, target, fstype, flags, NULL)`. Returns 0. */
  mount(source: string | null, target: string, fstype: string | null, flags: number): number;
  /** `umount2(target, flags)`. Returns 0. */
  umount(target: string, flags: number): number;
  /**
   * Runs `fn` synchronously with the calling thread inside `netns` and always moves the thread back
   * before returning or rethrowing what `fn` threw (the process aborts if it cannot go back).
   * Failing to open or enter the namespace throws an `Error` with a positive `errno` and `syscall`.
   */
  invokeInNamespace<T>(netns: NamespaceRef, fn: () => T): T;
  /**
   * Opens the file `path` under `/proc/sys/net/` as the namespace `netns` sees it, for reading
   * (`writable` 0) or writing (1), and returns the fd. The open runs on a dedicated thread that
   * enters `netns` and then ends (sysctl files belong to the namespace of the task that opens
   * them; reads and writes through the fd reach that namespace from any thread), so no JS thread
   * changes namespace. `O_NOFOLLOW`; a directory fails at open for writing and at read (EISDIR). A
   * path outside `/proc/sys/net/`, or with an empty, `.` or `..` segment, is a TypeError.
   */
  procSysOpen(netns: NamespaceRef, path: string, writable: 0 | 1): number;
  /**
   * An `AF_PACKET` `SOCK_RAW` socket (non-blocking, CLOEXEC) made inside `netns` as
   * {@link socketOpen} makes its sockets (the calling thread enters `netns` for the `socket()` call
   * and comes back at once; the process aborts if it cannot), bound to link `ifindex` of that
   * namespace (0: every link) and to ethertype `protocol` (host order; 0 receives nothing,
   * 3 = ETH_P_ALL every frame). Frames are whole Ethernet frames; read them with
   * {@link socketRecv} (its `meta` means nothing here) and close with {@link socketCloseLater}
   * (releasing a packet socket blocks). Returns the fd.
   */
  packetOpen(netns: NamespaceRef, ifindex: number, protocol: number): number;
  /**
   * Sends `buf[offset, offset + length)`, a whole Ethernet frame whose ethertype is `protocol`
   * (host order), out of link `ifindex` of the packet socket's namespace. Returns the bytes sent.
   */
  packetSend(fd: number, ifindex: number, protocol: number, buf: Uint8Array, offset: number, length: number): number;
  /**
   * Opens the regular file at `path` read-only (close-on-exec, without waiting: a FIFO there does not
   * block) and returns `[fd, size in bytes, its first min(size, headLength) bytes as a Latin-1
   * string]` (headLength at most 4096); the caller closes fd. `-errno` when open or statx fails,
   * `-EINVAL` when it is no regular file (nothing is left open). The package's loader opens the code
   * cache with it (scripts/library-loader.cjs).
   */
  fileOpen(path: string, headLength: number): [number, number, string] | number;
  /**
   * What identifies the file at `path` (symlinks followed) as the very file it was:
   * `dev:ino:size:mtimeNs:ctimeNs` in decimal, as `fs.statSync(path, { bigint: true })` gives them;
   * `-errno` when stat fails.
   */
  fileStamp(path: string): string | number;
  /**
   * A script's source and its V8 code cache, stored one after the other in the file `fd` from byte
   * `offset`: `[source, cache]`, the source a Latin-1 string of `sourceLength` bytes (≥ 1), the cache
   * an ArrayBuffer of the `cacheLength` bytes after them (each at most 128 MiB). Both are read into
   * one mapping of fresh memory: 2 MiB huge pages when at least 256 KiB and the kernel offers
   * transparent huge pages (one fault instead of one per 4 KiB page), else pages populated at once.
   * On the main thread, where Node has external strings (20.4+), the source is a string over that
   * memory, never copied nor unmapped (it lives as long as the script); elsewhere it is copied. The
   * cache's pages (all pages when the source was copied) are unmapped when the ArrayBuffer is
   * collected. `-EIO` when the file ends first, another `-errno` when mmap or pread fails.
   */
  fileReadScript(fd: number, offset: number, sourceLength: number, cacheLength: number): [string, ArrayBuffer] | number;
}

/** The helper as loaded: by {@link loadBinding}, or the one the package's loader handed over. */
let loaded: NativeBinding | undefined;
/** What {@link native} returns: `loaded`, or a test's replacement. */
let binding: NativeBinding | undefined;

/**
 * The package root: dist/lib/netlink/transport/native.js is four folders below it. Worked out when the
 * helper is loaded, not at import (a first URL parse costs a fresh process ~0.3 ms).
 */
function packageRoot(): string {
  return fileURLToPath(new URL('../../../../', import.meta.url));
}

/** How to get a helper when no binary fits; part of every load error. */
const HOW_TO_FIX =
  'Prebuilt binaries ship for linux-x64 and linux-arm64, glibc >= 2.28 and musl (musl is picked on Alpine or ' +
  'when LIBC=musl is set; the other binary is tried when the first does not load). Otherwise build it from source: ' +
  'install a C compiler, make and python3 (Debian/Ubuntu: apt-get install gcc make python3; Alpine: apk add ' +
  'build-base python3), then run `npm rebuild rtnetlink` (an install with --ignore-scripts skips that build).';

/**
 * Loads the helper the way prebuildify packages do (see native-path.ts): `build/Release/rtnetlink_native.node`
 * when it was built from source, else `prebuilds/linux-<arch>/rtnetlink.<glibc|musl>.node`, trying the
 * other binaries of that folder when the first does not load.
 */
function loadBinding(): NativeBinding {
  const { files, prebuilt, prebuildDir, wanted } = helperFiles(packageRoot());
  if (files.length === 0) {
    throw new Error(
      `rtnetlink: the native helper is missing: no build/Release/rtnetlink_native.node (a build from source) and ` +
        `no prebuilt binary in ${dirname(prebuildDir)} for ${wanted}. ${HOW_TO_FIX}`,
    );
  }
  let first: unknown;
  for (const file of files) {
    try {
      // As `require` loads a .node file, without its resolution and module cache (and without
      // importing node:module for a createRequire).
      const module = { exports: {} };
      process.dlopen(module, file);
      return module.exports as NativeBinding;
    } catch (e) {
      first ??= e;
    }
  }
  const why = first instanceof Error ? first.message : String(first);
  throw new Error(`rtnetlink: cannot load the native helper ${files[0]}${prebuilt && files.length > 1 ? ` (nor the other binaries beside it)` : ''}: ${why}. ${HOW_TO_FIX}`, { cause: first });
}

/**
 * Returns the native binding, loading it on first use: `build/Release/rtnetlink_native.node` when
 * the helper was built from source, else the prebuilt binary for this platform, architecture and
 * libc. Throws an `Error` that says what is missing and how to build it when no binary fits.
 */
export function native(): NativeBinding {
  if (binding === undefined) {
    // Netlink speaks host byte order; the codecs write little-endian (x86-64, arm64, riscv64 …).
    // (Not node:os's endianness(): loading node:os costs every import ~0.3 ms.)
    if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('rtnetlink: only little-endian hosts are supported (netlink uses host byte order)');
    binding = loaded ??= loadBinding();
  }
  return binding;
}

/**
 * Takes the helper the package's loader (dist/bundle/load.cjs) already loaded with `process.dlopen`
 * to read the code cache, found as {@link loadBinding} finds it (native-path.ts): the first call then
 * does not load it again (a `require` of it costs a fresh process ~1.5 ms). Ignored once a helper is
 * loaded.
 *
 * @internal
 */
export function adoptNativeBinding(helper: NativeBinding): void {
  loaded ??= helper;
}

/**
 * Replaces the binding (tests use this to simulate syscall failures); `undefined` restores the real
 * one (loaded on next use if it never was).
 */
export function setNativeBinding(replacement: NativeBinding | undefined): void {
  binding = replacement;
}
