/**
 * SandboxError: a sandbox operation failed at a named step. It wraps the kernel's (or a syscall's)
 * NetlinkError as `cause` and repeats its `errno`/`code`, so the reason is never lost; the message
 * reads like libnetwork's (`error renaming interface "veth1a" to "eth0": RTM_NEWLINK: EEXIST (File
 * exists)`).
 */
import { NetlinkError } from '../netlink/core/errors.js';
import { errnoName } from '../netlink/core/errno.js';

/** The step of a sandbox operation that failed. */
export type SandboxStep =
  /** The sandbox (or interface) is not in a state that allows the call (destroyed, removed …). */
  | 'state'
  /** Preparing the namespace file (directory, stale file, creating the mount point). */
  | 'key'
  /** Creating the namespace or bind-mounting it onto the key. */
  | 'create'
  /** Opening a namespace (the key, an external path, the source namespace). */
  | 'open'
  /** Setting `lo` up inside the sandbox. */
  | 'loopback'
  /** Looking a link up by name. */
  | 'lookup'
  /** Moving a link between namespaces. */
  | 'move'
  /** Creating a bridge inside the sandbox. */
  | 'bridge'
  /** Creating a veth pair (addVeth). */
  | 'veth'
  /** Setting a link down. */
  | 'down'
  /** Renaming a link. */
  | 'rename'
  /** Setting a link's MAC address. */
  | 'mac'
  /** Adding an address (or the conflict check before it). */
  | 'address'
  /** Enslaving a link to its master bridge. */
  | 'master'
  /** Setting a link up. */
  | 'up'
  /** An interface route or a static route. */
  | 'route'
  /** The IPv4 or IPv6 default gateway. */
  | 'gateway'
  /** A neighbour (ARP/NDP) or FDB entry. */
  | 'neighbor'
  /** Reading interface statistics. */
  | 'statistics'
  /** Removing an interface from the sandbox. */
  | 'remove'
  /** Unmounting or removing the namespace file. */
  | 'destroy'
  /** Entering the namespace to run a function. */
  | 'invoke'
  /** Rebuilding state from the kernel (Sandbox.restore). */
  | 'restore'
  /** Reading or writing a /proc/sys/net knob inside the sandbox (sysctls, IPv6 on an interface, OS tweaks). */
  | 'sysctl';

/** Options of {@link SandboxError}. */
export interface SandboxErrorOptions {
  /** The error this one wraps (a NetlinkError for kernel refusals). */
  cause?: unknown;
  /** Errors of the rollback that followed the failure, if any step of it failed too. */
  rollbackErrors?: readonly Error[];
}

/**
 * A sandbox operation failed. `step` says where; `cause` is the underlying error (a NetlinkError
 * for kernel refusals) and `errno`/`code` repeat its errno. Without a cause (a state error such as
 * an unknown master), `code` is `'ERR_SANDBOX'` and `errno` is undefined.
 */
export class SandboxError extends Error {
  /** The step that failed. */
  readonly step: SandboxStep;
  /** The underlying error, if any (kept even when a rollback followed). */
  declare readonly cause: unknown;
  /** The positive errno of the cause, when it has one. */
  readonly errno: number | undefined;
  /** The errno's name (`'EEXIST'`), or `'ERR_SANDBOX'` when there is no errno. */
  readonly code: string;
  /** Failures of the undo steps after this error (empty when the rollback was complete). */
  readonly rollbackErrors: readonly Error[];

  constructor(step: SandboxStep, message: string, options: SandboxErrorOptions = {}) {
    const cause = options.cause;
    const detail = cause instanceof Error ? `: ${cause.message}` : cause === undefined ? '' : `: ${String(cause)}`;
    const rollback = options.rollbackErrors ?? [];
    const tail = rollback.length === 0 ? '' : ` (rollback incomplete: ${rollback.map((e) => e.message).join('; ')})`;
    super(`${message}${detail}${tail}`, cause === undefined ? undefined : { cause });
    this.name = 'SandboxError';
    this.step = step;
    this.errno = errnoOf(cause);
    this.code = this.errno === undefined ? 'ERR_SANDBOX' : errnoName(this.errno);
    this.rollbackErrors = rollback;
  }

  /**
   * What `JSON.stringify` writes (an Error's own message is not enumerable, so it would be lost):
   * name, message, step, code, errno, and the messages of the rollback errors.
   */
  toJSON(): {
    /** `'SandboxError'`. */
    name: string;
    /** The error's message. */
    message: string;
    /** The step that failed. */
    step: SandboxStep;
    /** The error code (the cause's errno name, or a sandbox code). */
    code: string;
    /** The positive errno, when the cause had one. */
    errno?: number;
    /** The messages of the errors met while undoing the completed steps. */
    rollbackErrors: string[];
  } {
    return {
      name: this.name, message: this.message, step: this.step, code: this.code,
      ...(this.errno === undefined ? {} : { errno: this.errno }),
      rollbackErrors: this.rollbackErrors.map((e) => e.message),
    };
  }
}

/** The positive errno of an error: a NetlinkError's, a Node SystemError's, or the native helper's. */
export function errnoOf(e: unknown): number | undefined {
  if (e instanceof NetlinkError) return e.errno;
  if (e instanceof SandboxError) return e.errno;
  const errno = (e as { errno?: unknown } | null | undefined)?.errno;
  return typeof errno === 'number' && errno !== 0 ? Math.abs(errno) : undefined;
}
