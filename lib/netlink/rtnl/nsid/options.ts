/**
 * What callers give `nl.nsids` (the public option types) and its checks: a peer namespace (a
 * namespace file, an open fd, or a process), an nsid, a target; each a ValidationError naming the
 * field before anything is opened or sent. Options are read from own properties only.
 */
import { ValidationError } from '../../core/errors.js';
import { checkInt, checkKeys, checkObject } from '../../core/validate.js';
import { checkNamespacePath, checkNamespaceRef } from '../../../netns/checks.js';
import { NSID_MAX } from './codec.js';

/** The largest process id the kernel hands out (PID_MAX_LIMIT, 2^22). */
const PID_MAX = 4194304;

/**
 * A peer network namespace: a namespace file (`'/run/netns/blue'`, `'/proc/123/ns/net'`), an fd
 * the caller has open on one (NETNSA_FD), or `{ pid }` for the namespace of a process (NETNSA_PID).
 */
export type NsidPeer = string | number | {
  /** The id of a process whose network namespace is meant (NETNSA_PID). */
  pid: number;
};

/** Options of `nsids.get`. */
export interface NsidGetOptions {
  /**
   * Answer as seen from the namespace of this nsid (NETNSA_TARGET_NSID; an nsid of the handle's
   * namespace) instead of from the handle's own namespace.
   */
  target?: number;
}

/** Options of `nsids.list` and `nsids.stream`. */
export interface NsidListOptions {
  /**
   * List the ids the namespace of this nsid has given (`ip netns list-id target-nsid N`); each
   * entry then also says the same peer's id as seen from the handle's namespace (`currentNsid`).
   */
  target?: number;
}

/** Options of `nsids.resolve`. */
export interface NsidResolveOptions {
  /** The directory of namespace files to search (absolute; default /run/netns, iproute2's). */
  dir?: string;
}

/** A checked peer: a namespace path or fd to open (path) or pass (fd), or a process id. */
export type CheckedPeer = { kind: 'ref'; ref: string | number } | { kind: 'pid'; pid: number };

/** Checks a peer namespace reference (no file is opened here). */
export function checkPeer(field: string, value: unknown): CheckedPeer {
  if (typeof value === 'string' || typeof value === 'number') return { kind: 'ref', ref: checkNamespaceRef(field, value) };
  const o = checkObject(field, value);
  checkKeys(field, o, ['pid']);
  if (o.pid === undefined) throw new ValidationError(`${field}.pid`, undefined, 'a process id is required');
  return { kind: 'pid', pid: checkInt(`${field}.pid`, o.pid, 1, PID_MAX) };
}

/** Checks an nsid to assign: 0..2^31-1, or `'auto'` (NETNSA_NSID -1: the kernel picks the lowest free one). */
export function checkNsidValue(field: string, value: unknown): number {
  if (value === 'auto') return -1;
  if (typeof value === 'number') return checkInt(field, value, 0, NSID_MAX);
  throw new ValidationError(field, value, `an nsid (an integer in 0..${NSID_MAX}) or 'auto' is required`);
}

/** Checks the options of `get`, `list` and `stream`: the target nsid, or undefined. */
export function checkTarget(options: unknown): number | undefined {
  const o = checkObject('options', options);
  checkKeys('', o, ['target']);
  return o.target === undefined ? undefined : checkInt('target', o.target, 0, NSID_MAX);
}

/** Checks the options of `resolve`: the directory to search. */
export function checkResolveOptions(options: unknown, defaultDir: string): string {
  const o = checkObject('options', options);
  checkKeys('', o, ['dir']);
  return o.dir === undefined ? defaultDir : checkNamespacePath('dir', o.dir);
}
