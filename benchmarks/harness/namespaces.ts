/**
 * Throwaway network namespaces for the cases, made with the library itself (untimed, the same for
 * both sides), and the wait for the kernel's asynchronous namespace cleanup between runs.
 *
 * Every namespace lives under /run/netns, which is a private tmpfs: `run.ts` re-executes the
 * benchmark inside `unshare --net --mount`, so nothing here reaches the machine's own namespace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RtNetlink, netns } from '../../lib/netlink/index.js';
import { removeNamespaceFile } from '../../lib/netns/file.js';
import { sleep, time } from './stats.js';

/** A throwaway namespace: its iproute2 name (for `ip -n`) and its file (for `RtNetlink.open`). */
export interface Namespace {
  /** The name under /run/netns, as `ip -n` takes it. */
  name: string;
  /** The namespace file, as `RtNetlink.open({ netns })` takes it. */
  path: string;
}

/** The up link of {@link createNamespaceWithLink}. */
export const UP_LINK = 'd0';

let workDir: string | undefined;
let nsCounter = 0;
let control: RtNetlink | undefined;
let controlNs: Namespace | undefined;

/** A private temporary directory for batch files and sandbox keys (removed by {@link releaseNamespaces}). */
export function tempDir(): string {
  return (workDir ??= mkdtempSync(join(tmpdir(), 'rtnetlink-bench-')));
}

/** Creates a namespace with the library's `netns.create` under the private /run/netns, with `lo` up. */
export async function createNamespace(): Promise<Namespace> {
  const name = `rtb${process.pid.toString(36)}-${(++nsCounter).toString(36)}`;
  const path = `/run/netns/${name}`;
  await netns.create(path);
  await withHandle({ name, path }, (nl) => nl.links.set('lo', { up: true }));
  return { name, path };
}

/**
 * A namespace holding an up veth pair `d0` / `d0p` (carrier on), for routes, neighbours and
 * addresses to point at.
 */
export async function createNamespaceWithLink(): Promise<Namespace> {
  const ns = await createNamespace();
  await withHandle(ns, async (nl) => {
    // (peer.up at creation is refused by veth with ENOTCONN: the peer is opened before d0 exists.)
    await nl.links.add({ name: UP_LINK, kind: 'veth', up: true, peer: { name: `${UP_LINK}p` } });
    await nl.links.set(`${UP_LINK}p`, { up: true });
  });
  return ns;
}

/**
 * Runs `fn` in a fresh namespace made by `make` (by default one with the up link d0), then deletes
 * it and waits out the kernel's teardown: one run of a case that creates objects.
 */
export async function inFreshNamespace<T>(fn: (ns: Namespace) => Promise<T>, make: () => Promise<Namespace> = createNamespaceWithLink): Promise<T> {
  const ns = await make();
  try {
    return await fn(ns);
  } finally {
    await deleteNamespace(ns);
  }
}

/** Opens a handle in `ns`, runs `fn`, closes it. */
export async function withHandle<T>(ns: Namespace, fn: (nl: RtNetlink) => Promise<T>): Promise<T> {
  const nl = await RtNetlink.open({ netns: ns.path });
  try {
    return await fn(nl);
  } finally {
    nl.close();
  }
}

/**
 * Deletes a namespace (the kernel tears down everything in it in one go — never delete 1000 links
 * one by one: each costs an RCU grace period) and waits until the kernel's asynchronous cleanup has
 * let go of the RTNL lock, so the next measurement does not pay for this one's teardown.
 */
export async function deleteNamespace(ns: Namespace): Promise<void> {
  await netns.remove(ns.path);
  await settle();
}

/**
 * Waits for the kernel's namespace cleanup (cleanup_net runs on a workqueue after an RCU grace
 * period and holds the RTNL lock while it unregisters devices): a cheap RTM_NEWLINK in a control
 * namespace, which needs the same lock, must answer in < 1 ms ten times in a row, 25 ms apart.
 */
export async function settle(): Promise<void> {
  if (control === undefined) {
    controlNs = await createNamespace();
    control = await RtNetlink.open({ netns: controlNs.path });
    // A caller that never calls releaseNamespaces (a script using the harness, or one that dies on
    // an uncaught error) must not leave the control namespace behind: release it as the process
    // exits ('exit' is emitted then too, unlike 'beforeExit'; its handlers must be synchronous).
    process.once('exit', releaseNamespacesNow);
  }
  const nl = control;
  // cleanup_net starts only after an RCU grace period and may take the lock in several bursts, so
  // ask for a quiet window of ~250 ms, not just a moment.
  const deadline = Date.now() + 60_000;
  let fast = 0;
  await sleep(20);
  while (fast < 10 && Date.now() < deadline) {
    const ms = await time(() => nl.links.set('lo', { up: true }));
    fast = ms < 1 ? fast + 1 : 0;
    await sleep(25);
  }
}

/** Releases the control namespace and the temporary directory. */
export async function releaseNamespaces(): Promise<void> {
  releaseNamespacesNow();
}

/** {@link releaseNamespaces}, synchronously (netns.remove's work is): for the process's 'exit'. */
function releaseNamespacesNow(): void {
  control?.close();
  control = undefined;
  if (controlNs) {
    try {
      removeNamespaceFile(controlNs.path, 'bench: release the control namespace');
    } catch {
      // Already gone, or not a namespace file any more: nothing of ours to remove.
    }
  }
  controlNs = undefined;
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  workDir = undefined;
}
