/**
 * Kernel knobs inside a sandbox (osl's `kernel` package): `/proc/sys/net` keys read and written as
 * the sandbox's network namespace sees them, the per-interface sysctls of `addInterface`, and the
 * OS tweaks of load-balancer and ingress sandboxes.
 *
 * How a file of another namespace is reached without moving a JS thread: a sysctl file belongs to
 * the network namespace of the task that opens it (the kernel resolves `/proc/sys/net` through the
 * opener's namespace, and the open file keeps pointing there). The native helper's `procSysOpen`
 * opens it on a dedicated thread that enters the sandbox's namespace and then ends; this module
 * reads and writes through the returned fd on the JS thread, then closes it. No thread ever
 * returns from, or stays in, a foreign namespace.
 *
 * What is refused (a ValidationError before anything is opened): keys outside `net.`, empty
 * segments, `.` and `..` (after the sysctl(8) rule that a `/` inside a segment stands for a `.`,
 * as in `net.ipv4.conf.eth0/100.forwarding`), whitespace, control characters, NUL; and values that
 * are empty, not printable ASCII, or with whitespace at either end. The helper checks the path
 * again (under `/proc/sys/net/`, no `.`/`..`/empty segments), opens it with O_NOFOLLOW and takes
 * only a regular file.
 */
import { closeSync, readSync, writeSync } from 'node:fs';
import { NetlinkError, ValidationError } from '../netlink/core/errors.js';
import { ENOENT, errnoNumber } from '../netlink/core/errno.js';
import { native } from '../netlink/transport/native.js';
import { systemError } from '../netns/mount.js';
import { SandboxError } from './errors.js';

/** The directory every knob lives under. */
export const PROC_SYS_NET = '/proc/sys/net';
/** The longest key accepted, in bytes (the path must stay under PATH_MAX). */
const KEY_MAX_BYTES = 1024;
/** The longest value accepted, in bytes (a sysctl write takes at most a page). */
const VALUE_MAX_BYTES = 4095;
/** The most a read takes (sysctl values are short; this bounds a runaway file). */
const READ_MAX_BYTES = 65536;

/** A path segment: no separator, whitespace, control character, NUL or DEL. */
const SEGMENT = /^[\x21-\x2e\x30-\x7e]+$/;
/** A value: printable ASCII (tabs inside allowed, as in `ip_local_port_range`), no whitespace at the ends. */
const VALUE = /^[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?$/;

/**
 * Checks a dotted knob key (`'net.ipv4.ip_forward'`, `'net.ipv4.conf.eth0/100.forwarding'`) and
 * returns its file (`/proc/sys/net/ipv4/ip_forward`).
 */
export function knobPath(field: string, key: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > KEY_MAX_BYTES || Buffer.byteLength(key) > KEY_MAX_BYTES) {
    throw new ValidationError(field, key, `a dotted /proc/sys/net key of at most ${KEY_MAX_BYTES} bytes is required (e.g. 'net.ipv4.ip_forward')`);
  }
  const segments = key.split('.');
  if (segments[0] !== 'net' || segments.length < 2) {
    throw new ValidationError(field, key, "only keys under net. (/proc/sys/net) are allowed, e.g. 'net.ipv4.ip_forward'");
  }
  const names = segments.slice(1).map((s) => s.replaceAll('/', '.'));
  for (const name of names) {
    if (!SEGMENT.test(name) || name === '.' || name === '..') {
      throw new ValidationError(field, key, 'each key segment must be printable ASCII without whitespace, and not empty, "." or ".."');
    }
  }
  return `${PROC_SYS_NET}/${names.join('/')}`;
}

/** Checks a knob value (a string, or a safe integer written in decimal) and returns its text. */
export function checkKnobValue(field: string, value: unknown): string {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || text.length > VALUE_MAX_BYTES || !VALUE.test(text)) {
    throw new ValidationError(field, value,
      `a value of printable ASCII (1..${VALUE_MAX_BYTES} bytes, no whitespace at either end) or a safe integer is required`);
  }
  return text;
}

/** Opens `path` in the namespace `netns` (an fd) through the native helper; a NetlinkError 'open' on failure. */
function open(netns: number, path: string, writable: 0 | 1): number {
  const fd = native().procSysOpen(netns, path, writable);
  if (fd < 0) throw new NetlinkError(-fd, 'open');
  return fd;
}

/** Reads the knob at `path` (from {@link knobPath}) inside the namespace `netns`, without the trailing newline. */
export function readKnob(netns: number, path: string): string {
  const fd = open(netns, path, 0);
  try {
    const buf = Buffer.allocUnsafe(READ_MAX_BYTES);
    let n = 0;
    for (;;) {
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0 || (n += r) === buf.length) break;
    }
    return buf.toString('latin1', 0, n).trim();
  } catch (e) {
    throw systemError(e, 'read');
  } finally {
    closeSync(fd);
  }
}

/** Writes `value` (checked by {@link checkKnobValue}) to the knob at `path` inside `netns`, in one write. */
export function writeKnob(netns: number, path: string, value: string): void {
  const fd = open(netns, path, 1);
  try {
    const data = Buffer.from(value, 'latin1');
    if (writeSync(fd, data, 0, data.length, null) !== data.length) throw new NetlinkError(errnoNumber('EIO')!, 'write');
  } catch (e) {
    throw systemError(e, 'write');
  } finally {
    closeSync(fd);
  }
}

/** A knob this sandbox changed, with the value it had (to put back on rollback). */
export interface KnobChange {
  path: string;
  previous: string;
}

/**
 * Sets a knob unless it already has `value` (then nothing is written, so an unchanged knob works
 * even on a read-only /proc/sys/net, as osl does). Returns the change, or undefined.
 */
export function setKnob(netns: number, path: string, value: string): KnobChange | undefined {
  const previous = readKnob(netns, path);
  if (previous === value) return undefined;
  writeKnob(netns, path, value);
  return { path, previous };
}

/** Puts changed knobs back, last first; returns the errors of the writes that failed. */
export function restoreKnobs(netns: number, changes: readonly KnobChange[]): Error[] {
  const errors: Error[] = [];
  for (const c of [...changes].reverse()) {
    try {
      writeKnob(netns, c.path, c.previous);
    } catch (e) {
      errors.push(e as Error);
    }
  }
  return errors;
}

// ---- per-interface sysctls (addInterface's `sysctls`) --------------------------------------------

/** The address families with per-interface `conf` directories that Docker accepts. */
const INTERFACE_SYSCTL_FAMILIES = ['ipv4', 'ipv6', 'mpls'];
/** A leaf name of a per-interface `conf` directory. */
const LEAF = /^[a-z0-9_]{1,64}$/;

/** A per-interface sysctl after validation: `net.<family>.conf.IFNAME.<name>=<value>`. */
export interface InterfaceSysctl {
  /** The setting as given (canonical: `IFNAME` upper case). */
  text: string;
  family: string;
  name: string;
  value: string;
}

/**
 * Checks one per-interface sysctl, `'net.X.conf.IFNAME.Z=value'` (osl's `WithSysctls`): X is
 * `ipv4`, `ipv6` or `mpls`, `IFNAME` stands for the interface's name inside the sandbox (`ifname`
 * is accepted too: Docker's CLI lowercases it), Z is a setting of that directory. Anything else
 * (other directories such as `net.ipv4.neigh.IFNAME.*`, a real interface name, global keys) is
 * refused.
 */
export function checkInterfaceSysctl(field: string, value: unknown): InterfaceSysctl {
  const why = "'net.X.conf.IFNAME.Z=value' with X ipv4, ipv6 or mpls is required (IFNAME stands for the interface's name)";
  if (typeof value !== 'string' || value.length > KEY_MAX_BYTES + VALUE_MAX_BYTES) throw new ValidationError(field, value, why);
  const eq = value.indexOf('=');
  if (eq < 0) throw new ValidationError(field, value, why);
  const parts = value.slice(0, eq).split('.');
  if (parts.length !== 5 || parts[0] !== 'net' || !INTERFACE_SYSCTL_FAMILIES.includes(parts[1]!) || parts[2] !== 'conf'
    || (parts[3] !== 'IFNAME' && parts[3] !== 'ifname') || !LEAF.test(parts[4]!)) {
    throw new ValidationError(field, value, why);
  }
  const v = checkKnobValue(field, value.slice(eq + 1));
  return { text: `net.${parts[1]}.conf.IFNAME.${parts[4]}=${v}`, family: parts[1]!, name: parts[4]!, value: v };
}

/** The file of a per-interface sysctl for the interface named `ifname` inside the sandbox. */
export function interfaceSysctlPath(s: InterfaceSysctl, ifname: string): string {
  return `${PROC_SYS_NET}/${s.family}/conf/${ifname}/${s.name}`;
}

// ---- OS tweaks ------------------------------------------------------------------------------------

/** The sandbox types osl applies OS tweaks for (`SandboxTypeIngress`, `SandboxTypeLoadBalancer`). */
export type SandboxType = 'ingress' | 'loadBalancer';

/**
 * osl's `ApplyOSTweaks` table: IPVS settings of ingress and load-balancer sandboxes. Both types
 * set the same three keys.
 */
export const OS_TWEAKS: Readonly<Record<SandboxType, ReadonlyArray<readonly [string, string]>>> = {
  // No special handling of port reuse of existing IPVS connection table entries.
  ingress: [['net.ipv4.vs.conn_reuse_mode', '0'], ['net.ipv4.vs.expire_nodest_conn', '1'], ['net.ipv4.vs.expire_quiescent_template', '1']],
  loadBalancer: [['net.ipv4.vs.conn_reuse_mode', '0'], ['net.ipv4.vs.expire_nodest_conn', '1'], ['net.ipv4.vs.expire_quiescent_template', '1']],
};

/** Checks a list of sandbox types; returns them without duplicates. */
export function checkSandboxTypes(field: string, value: unknown): SandboxType[] {
  if (!Array.isArray(value)) throw new ValidationError(field, value, "an array of sandbox types ('ingress', 'loadBalancer') is required");
  const out = new Set<SandboxType>();
  for (let i = 0; i < value.length; i++) {
    const desc = Object.getOwnPropertyDescriptor(value, i);
    const t: unknown = desc !== undefined && 'value' in desc ? desc.value : undefined;
    if (typeof t !== 'string' || !Object.hasOwn(OS_TWEAKS, t)) {
      throw new ValidationError(`${field}[${i}]`, t, "'ingress' or 'loadBalancer' is required");
    }
    out.add(t as SandboxType);
  }
  return [...out];
}

/** What applying the OS tweaks did with one `/proc/sys` key. */
export interface KnobResult {
  /** The dotted key. */
  key: string;
  /** The value wanted. */
  value: string;
  /** `'set'`: written; `'unchanged'`: it had the value; `'missing'`: no such knob in this namespace (skipped, as osl does). */
  status: 'set' | 'unchanged' | 'missing';
  /** The value before, when the knob exists. */
  previous?: string;
}

/**
 * Sets each knob (key, value) that exists in the namespace and differs. A knob that does not exist
 * (ENOENT: e.g. IPVS not loaded) is skipped; any other failure puts back what this call wrote and
 * is a SandboxError (step `'sysctl'`) naming the key.
 */
export function applyKnobs(netns: number, entries: ReadonlyArray<readonly [string, string]>): KnobResult[] {
  const results: KnobResult[] = [];
  const changes: KnobChange[] = [];
  let current = '';
  try {
    for (const [key, value] of entries) {
      current = key;
      const path = knobPath('key', key);
      let previous: string;
      try {
        previous = readKnob(netns, path);
      } catch (e) {
        if (e instanceof NetlinkError && e.errno === ENOENT) {
          results.push({ key, value, status: 'missing' });
          continue;
        }
        throw e;
      }
      if (previous !== value) {
        writeKnob(netns, path, value);
        changes.push({ path, previous });
      }
      results.push({ key, value, status: previous === value ? 'unchanged' : 'set', previous });
    }
  } catch (e) {
    throw new SandboxError('sysctl', `failed to set ${current}`, { cause: e, rollbackErrors: restoreKnobs(netns, changes) });
  }
  return results;
}
