/**
 * Checks of caller input for the calls that take namespace paths (here and in the sandbox): paths,
 * namespace references (path or fd) and options objects. Each throws a ValidationError naming the
 * field, before any file is opened, made, mounted or removed.
 */
import { posix } from 'node:path';
import { ValidationError } from '../netlink/core/errors.js';
import { hasLoneSurrogate } from '../netlink/core/validate.js';

/** PATH_MAX - 1 (linux/limits.h): the longest path the kernel takes, in bytes. */
export const PATH_MAX_BYTES = 4095;
/** NAME_MAX (linux/limits.h): the longest path component, in bytes. */
export const NAME_MAX_BYTES = 255;
/** The largest file descriptor number (INT_MAX). */
const FD_MAX = 0x7fffffff;

/**
 * Checks a namespace path (a namespace file, a sandbox key, a namespace to open, or a directory of
 * namespace files) and returns it normalised: `//` and `/./` collapsed and a trailing `/` dropped
 * (`/run/netns/` is the directory `/run/netns`). Refused: non-strings, empty strings, NUL bytes,
 * relative paths (they would depend on the process's working directory), `..` segments (as
 * `ip netns add` refuses them: the path must say where it leads), more than 4095 bytes, or a
 * component over 255 bytes. Symlinks are not resolved here (see lib/netns/file.ts for what the
 * calls do with them).
 */
export function checkNamespacePath(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ValidationError(field, value, 'an absolute path string is required');
  }
  if (value.includes('\0')) throw new ValidationError(field, value, 'a path cannot contain NUL');
  if (hasLoneSurrogate(value)) throw new ValidationError(field, value, 'a path must be valid Unicode (it holds a lone surrogate: another file would be opened)');
  if (value.length > PATH_MAX_BYTES || Buffer.byteLength(value) > PATH_MAX_BYTES) {
    throw new ValidationError(field, value, `a path is at most ${PATH_MAX_BYTES} bytes (PATH_MAX)`);
  }
  if (value[0] !== '/') {
    throw new ValidationError(field, value, 'an absolute path is required (e.g. /run/netns/NAME), not one relative to the working directory');
  }
  for (const segment of value.split('/')) {
    if (segment === '..') throw new ValidationError(field, value, 'a path cannot contain ".." segments');
    if (segment.length > NAME_MAX_BYTES / 3 && Buffer.byteLength(segment) > NAME_MAX_BYTES) {
      throw new ValidationError(field, value, `a path component is at most ${NAME_MAX_BYTES} bytes (NAME_MAX)`);
    }
  }
  const normal = posix.normalize(value);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

/** Like {@link checkNamespacePath}, for a path that names a file (not `/`). */
export function checkNamespaceFilePath(field: string, value: unknown): string {
  const path = checkNamespacePath(field, value);
  if (path === '/') throw new ValidationError(field, value, 'a file path is required, not the root directory');
  return path;
}

/** Checks a file descriptor number: an integer in 0..2^31-1. */
export function checkFd(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > FD_MAX) {
    throw new ValidationError(field, value, `an open file descriptor (an integer in 0..${FD_MAX}) is required`);
  }
  return value;
}

/**
 * Checks a namespace reference: a namespace path (checked as {@link checkNamespaceFilePath}; it is
 * only opened, so a symlink such as /proc/PID/ns/net is fine) or an open namespace fd.
 */
export function checkNamespaceRef(field: string, value: unknown): string | number {
  if (typeof value === 'number') return checkFd(field, value);
  if (typeof value === 'string') return checkNamespaceFilePath(field, value);
  throw new ValidationError(field, value, 'a namespace path or an open namespace fd is required');
}

/**
 * Reads an options object safely: it must be a plain object (its prototype `Object.prototype` or
 * null; an object inheriting options from another prototype is refused), only its own enumerable
 * data properties are read, each once (a getter is refused rather than run: it could answer
 * differently later), and a key outside `allowed` is refused unless its value is undefined.
 * Returns a copy without a prototype, so nothing read from it later can come from
 * `Object.prototype` (not even when that was polluted). `undefined` is an empty object.
 */
export function readOptions(field: string, value: unknown, allowed: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (value === undefined) return out;
  const name = field || 'options';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(name, value, 'an options object is required');
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new ValidationError(name, value, 'a plain object is required (options are never read through a prototype)');
  }
  for (const key of Object.keys(value)) {
    const at = field === '' ? key : `${field}.${key}`;
    const desc = Object.getOwnPropertyDescriptor(value, key);
    if (desc === undefined) continue;
    if (!('value' in desc)) throw new ValidationError(at, undefined, 'a data property is required (getters are not run)');
    const v: unknown = desc.value;
    if (v === undefined) continue;
    if (!allowed.includes(key)) throw new ValidationError(at, v, `unknown option (known: ${allowed.join(', ')})`);
    out[key] = v;
  }
  return out;
}

/**
 * Checks an array argument and returns a dense copy: holes are refused (a hole would be read from
 * `Array.prototype`/`Object.prototype`), as are getters and non-arrays.
 */
export function readArray(field: string, value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new ValidationError(field, value, `an array of ${what} is required`);
  const out: unknown[] = [];
  for (let i = 0; i < value.length; i++) {
    const desc = Object.getOwnPropertyDescriptor(value, i);
    if (desc === undefined) throw new ValidationError(`${field}[${i}]`, undefined, `an array without holes is required (${what})`);
    if (!('value' in desc)) throw new ValidationError(`${field}[${i}]`, undefined, 'a data property is required (getters are not run)');
    out.push(desc.value);
  }
  return out;
}
