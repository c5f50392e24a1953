/**
 * The network namespace of a sandbox (libnetwork osl's namespace_linux.go): making it on its key
 * (new, the source namespace bound, or an external one bound), opening a handle inside, restoring
 * state after a restart, running a function inside, and destroying it. What happens to the key
 * file itself is in key.ts (and lib/netns/file.ts under it).
 */
import { ValidationError } from '../netlink/core/errors.js';
import { RtNetlink } from '../netlink/rtnl/client.js';
import { native } from '../netlink/transport/native.js';
import { closeQuietly, holdsNamespace, openNamespaceFd, unmountAndRemove } from '../netns/file.js';
import { systemError } from '../netns/mount.js';
import { queueGarbage } from './base-path.js';
import { SandboxError } from './errors.js';
import { adoptInterface, advertise, recordOf } from './interface.js';
import { bindNamespaceOn, checkRestoreKey, createNamespaceOn, prepareKey } from './key.js';
import type { CheckedStaticRoute } from './options.js';
import { rebuildState, type CheckedRestoreInterface, type WantedDefaultRoutes } from './restore.js';
import { acquireSource, releaseSource, type SourceNamespace } from './source.js';
import { assertLive, newState, type SandboxState } from './state.js';

/**
 * Sandbox.create after validation: frees the key, mounts a new namespace (or, with `osCreate`
 * false, the source namespace) on it, and opens it. The source reference is the caller's: it is
 * released here on failure.
 */
export async function createNamespace(key: string, osCreate: boolean, source: SourceNamespace): Promise<SandboxState> {
  try {
    prepareKey(key);
    if (osCreate) createNamespaceOn(key);
    else bindNamespaceOn(key, source.fd);
    return await openNamespace(key, source, true);
  } catch (e) {
    releaseSource(source);
    throw e;
  }
}

/**
 * Sandbox.forExternalKey after validation: the external namespace is opened and checked (a netlink
 * handle must open in it) before the key is touched, then bound onto the key and opened.
 */
export async function bindExternalNamespace(external: string, key: string, source: SourceNamespace): Promise<SandboxState> {
  let fd: number | undefined;
  try {
    try {
      fd = openNamespaceFd(external);
    } catch (e) {
      throw new SandboxError('open', `failed get network namespace "${external}"`, { cause: e });
    }
    // Refuse anything that is not a network namespace before touching the key.
    const probe = await RtNetlink.open({ netns: fd }).catch((e: unknown) => {
      throw new SandboxError('open', `"${external}" is not a network namespace`, { cause: e });
    });
    probe.close();
    prepareKey(key);
    bindNamespaceOn(key, fd);
    closeQuietly(fd);
    fd = undefined;
    return await openNamespace(key, source, true);
  } catch (e) {
    closeQuietly(fd);
    releaseSource(source);
    throw e;
  }
}

/**
 * Sandbox.restore after validation: opens the namespace already on `key` (changing nothing),
 * rebuilds the state from the kernel's dumps (see restore.ts), then announces the restored
 * interfaces' addresses (waiting for each one's first round, as addInterface does).
 */
export async function restoreNamespace(key: string, source: SourceNamespace, wanted: CheckedRestoreInterface[],
  gateway: string | undefined, gatewayIPv6: string | undefined, statics: CheckedStaticRoute[] | undefined,
  defaults: WantedDefaultRoutes): Promise<SandboxState> {
  let state: SandboxState;
  try {
    checkRestoreKey(key);
    state = await openNamespace(key, source, false);
  } catch (e) {
    releaseSource(source);
    throw e;
  }
  try {
    const nl = state.nl;
    const [links, addrs, routes, sourceVeths] = await Promise.all([
      nl.links.list({ stats: false }),
      nl.addresses.list(),
      nl.routes.list({ table: 'main' }),
      state.sourceNl.links.list({ kind: 'veth', stats: false }),
    ]);
    const found = rebuildState(key, { links, addresses: addrs, routes, sourceVeths: new Set(sourceVeths.map((l) => l.name)) },
      wanted, gateway, gatewayIPv6, statics, defaults);
    for (const rec of found.interfaces) adoptInterface(state, rec);
    state.gateway = found.gateway;
    state.gatewayIPv6 = found.gatewayIPv6;
    state.defaultRoute = found.defaultRoute;
    state.defaultRouteIPv6 = found.defaultRouteIPv6;
    state.staticRoutes.push(...found.staticRoutes);
  } catch (e) {
    release(state);
    throw e instanceof SandboxError || e instanceof ValidationError ? e
      : new SandboxError('restore', `failed to restore sandbox "${key}"`, { cause: e });
  }
  await Promise.all(state.interfaces.map((i) => advertise(state, i, recordOf(i), false)));
  return state;
}

/**
 * Opens the namespace on `key` and a handle inside it. `mounted`: this call mounted the key, so
 * `lo` is set up, and on failure the mount is undone.
 */
async function openNamespace(key: string, source: SourceNamespace, mounted: boolean): Promise<SandboxState> {
  let fd: number | undefined;
  let nl: RtNetlink | undefined;
  try {
    try {
      fd = openNamespaceFd(key);
    } catch (e) {
      throw new SandboxError('open', `failed get network namespace "${key}"`, { cause: e });
    }
    nl = await RtNetlink.open({ netns: fd }).catch((e: unknown) => {
      throw new SandboxError('open', `failed to open a netlink handle in "${key}"`, { cause: e });
    });
    const [sourceNl] = await Promise.all([
      source.nl,
      mounted ? nl.links.set('lo', { up: true }).catch((e: unknown) => {
        throw new SandboxError('loopback', `failed to set lo up in "${key}"`, { cause: e });
      }) : undefined,
    ]);
    return newState(key, fd, nl, source, sourceNl);
  } catch (e) {
    nl?.close();
    if (mounted && fd !== undefined) {
      // A namespace this call mounted is not left behind (and only if it is still the one on the key).
      try {
        if (holdsNamespace(key, fd) && !unmountAndRemove(key)) queueGarbage(key);
      } catch { /* the error that matters is e */ }
    }
    closeQuietly(fd);
    throw e;
  }
}

/** Sandbox.invoke: runs `fn` synchronously inside the namespace; the thread always comes back. */
export function invokeIn<T>(state: SandboxState, fn: () => T): T {
  assertLive(state);
  if (typeof fn !== 'function') throw new ValidationError('fn', fn, 'a function is required');
  let entered = false;
  try {
    return native().invokeInNamespace(state.fd, () => {
      entered = true;
      return fn();
    });
  } catch (e) {
    if (!entered) throw new SandboxError('invoke', `failed to enter network namespace "${state.key}"`, { cause: systemError(e, 'setns') });
    throw e;
  }
}

/**
 * Sandbox.destroy: unmounts the key and removes the file when it still holds this namespace
 * (checked with lstat: never through a symlink), queues it for GC when it cannot be removed, then
 * releases the handles. An unmount error is a SandboxError and the sandbox stays usable.
 */
export function destroyNamespace(state: SandboxState): void {
  if (state.status !== 'live') throw new SandboxError('state', `sandbox "${state.key}" is already ${state.status}`);
  if (holdsNamespace(state.key, state.fd)) {
    let removed: boolean;
    try {
      removed = unmountAndRemove(state.key);
    } catch (e) {
      throw new SandboxError('destroy', `failed to unmount the namespace file "${state.key}"`, { cause: e });
    }
    if (!removed) queueGarbage(state.key);
  }
  release(state);
}

/** Stops the announcements, closes the handles and fds (the namespace goes once nothing else holds it). */
function release(state: SandboxState): void {
  state.status = 'destroyed';
  for (const i of state.interfaces) recordOf(i).advertiser?.stop();
  state.nl.close();
  closeQuietly(state.fd);
  releaseSource(state.source);
}
