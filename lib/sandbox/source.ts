/**
 * The source namespace of sandboxes: where interfaces come from and go back to. It is captured as
 * an fd (so "move it back" reaches the same namespace even if the thread or the process moves
 * later), with one netlink handle in it. Sandboxes with the same source share both (reference
 * counted), so a hundred sandboxes cost one socket on the source side.
 */
import { RtNetlink } from '../netlink/rtnl/client.js';
import { checkNamespaceRef } from '../netns/checks.js';
import { THREAD_NETNS, closeQuietly, namespaceId, openNamespaceFd } from '../netns/file.js';
import { SandboxError } from './errors.js';

/** A shared source namespace. */
export interface SourceNamespace {
  /** nsfs device:inode, the identity the cache is keyed by. */
  readonly id: string;
  /** An fd of the namespace (CLOEXEC), for IFLA_NET_NS_FD. */
  readonly fd: number;
  /** The handle inside it (resolves once open). */
  readonly nl: Promise<RtNetlink>;
  /** How many sandboxes use it. */
  refs: number;
}

const sources = new Map<string, SourceNamespace>();

/**
 * Takes a reference on a source namespace: `ref` (a namespace path or fd) or, when undefined, the
 * calling thread's namespace right now. Synchronous, so that a caller inside
 * `invokeInNamespace` captures that namespace. Release it with {@link releaseSource}.
 */
export function acquireSource(ref: unknown): SourceNamespace {
  const checked = ref === undefined ? THREAD_NETNS : checkNamespaceRef('sourceNetns', ref);
  // A caller's fd is reopened through /proc, so the caller may close theirs.
  const path = typeof checked === 'number' ? `/proc/self/fd/${checked}` : checked;
  let fd: number;
  try {
    fd = openNamespaceFd(path);
  } catch (e) {
    throw new SandboxError('open', `failed to open the source network namespace "${path}"`, { cause: e });
  }
  const id = namespaceId(fd);
  const known = sources.get(id);
  if (known !== undefined) {
    closeQuietly(fd);
    known.refs++;
    return known;
  }
  const nl = RtNetlink.open({ netns: fd }).catch((e: unknown) => {
    sources.delete(id);
    closeQuietly(fd);
    throw new SandboxError('open', `"${path}" is not a usable network namespace`, { cause: e });
  });
  nl.catch(() => { /* reported to whoever awaits it */ });
  const source: SourceNamespace = { id, fd, nl, refs: 1 };
  sources.set(id, source);
  return source;
}

/** Drops a reference; the last one closes the handle and the fd. */
export function releaseSource(source: SourceNamespace): void {
  if (--source.refs > 0) return;
  if (sources.get(source.id) === source) sources.delete(source.id);
  source.nl.then((nl) => {
    nl.close();
    closeQuietly(source.fd);
  }, () => { /* the fd was closed when opening failed */ });
}
