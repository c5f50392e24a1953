/**
 * Checks of caller input shared by every family. Each throws a ValidationError naming the field,
 * before anything is sent.
 */
import { ValidationError } from './errors.js';

/** IFNAMSIZ - 1: the longest interface name in bytes. */
export const IFNAMSIZ_MAX = 15;

/**
 * Whether `s` holds a lone UTF-16 surrogate: UTF-8 has no encoding for one, and Buffer writes U+FFFD
 * in its place, so the kernel would get another name than the one given. (`isWellFormed`, not a
 * `/\p{Surrogate}/u` made at import: V8 builds that regular expression's class from ICU's tables,
 * ~0.3 ms of every process's start.)
 */
export function hasLoneSurrogate(s: string): boolean {
  return !s.isWellFormed();
}

/** A link given by name or by ifindex. */
export type LinkRef = string | number;

/**
 * Checks an interface name as the kernel's dev_valid_name does: 1..15 bytes, not `.` or `..`, no
 * `/`, `:` or whitespace.
 */
export function checkLinkName(field: string, value: unknown): string {
  if (isPlainLinkName(value)) return value;
  if (typeof value !== 'string') throw new ValidationError(field, value, 'an interface name string is required');
  if (value.length === 0) throw new ValidationError(field, value, 'an interface name cannot be empty');
  if (Buffer.byteLength(value) > IFNAMSIZ_MAX) {
    throw new ValidationError(field, value, `an interface name is at most ${IFNAMSIZ_MAX} bytes`);
  }
  if (value === '.' || value === '..') throw new ValidationError(field, value, 'an interface name cannot be "." or ".."');
  if (/[\s/:]/.test(value)) throw new ValidationError(field, value, 'an interface name cannot contain "/", ":" or whitespace');
  // The kernel copies names as C strings.
  if (value.includes('\0')) throw new ValidationError(field, value, 'an interface name cannot contain NUL');
  if (hasLoneSurrogate(value)) throw new ValidationError(field, value, 'an interface name must be valid Unicode (it holds a lone surrogate)');
  return value;
}

/**
 * Whether `value` is an interface name of 1..15 printable ASCII characters other than space, `/`
 * and `:`, and not `.` or `..`: a valid name that needs no further check. A character loop (this
 * runs for every request that names a link); other names go through {@link checkLinkName}.
 */
export function isPlainLinkName(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > IFNAMSIZ_MAX) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x2f || c === 0x3a) return false;
  }
  return value !== '.' && value !== '..';
}

/** Whether `value` is a valid ifindex (a positive 31-bit integer). */
export function isIfindex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 0x7fffffff;
}

/** Checks an ifindex (a positive 31-bit integer). */
export function checkIfindex(field: string, value: unknown): number {
  if (!isIfindex(value)) {
    throw new ValidationError(field, value, 'an ifindex (a positive integer) is required');
  }
  return value;
}

/** Checks a link reference: a valid name or a valid ifindex. */
export function checkLinkRef(field: string, value: unknown): LinkRef {
  return typeof value === 'number' ? checkIfindex(field, value) : checkLinkName(field, value);
}

/** Checks an integer in `[min, max]`. */
export function checkInt(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(field, value, `an integer in ${min}..${max} is required`);
  }
  return value;
}

/** Checks a u32. */
export function checkU32(field: string, value: unknown): number {
  return checkInt(field, value, 0, 0xffffffff);
}

/** Checks a boolean. */
export function checkBool(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValidationError(field, value, 'true or false is required');
  return value;
}

/**
 * The prototype of every options copy: an empty object with no prototype of its own. A copy reads
 * nothing from Object.prototype, whatever was added to it, enumerable or not (`Object.prototype.netns
 * = …`, `Object.defineProperty(Object.prototype, 'gateway', …)`), and still has fast properties (an
 * object made by `Object.create(null)` keeps a dictionary instead).
 */
const OPTIONS_COPY: object = Object.create(null) as object;

/**
 * Checks a plain options object and returns what to read options from: a copy of its own
 * enumerable properties, each read once, here, whose prototype chain holds nothing. Only own
 * properties count: an object whose prototype is not Object.prototype (or null) is refused —
 * `{ __proto__: { name } }` or a class instance would otherwise lend its inherited members as
 * options — and no member of Object.prototype, polluted or not, is ever read as an option. A getter
 * runs once (or throws here): a check and the request it allows see the same value however often
 * the checker reads the option.
 */
export function checkObject(field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(field, value, 'an options object is required');
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new ValidationError(field, value, 'a plain object is required (options are read from its own properties only)');
  }
  // Object.assign defines an own `__proto__` key as a key: the copy's chain has no setter for it.
  return Object.assign(Object.create(OPTIONS_COPY) as Record<string, unknown>, value);
}

/** Refuses keys of `options` that are not in `allowed` (catches typos such as `gatway`). */
export function checkKeys(field: string, options: Record<string, unknown>, allowed: readonly string[]): void {
  // for…in, not Object.keys: no array per call (options come from checkObject: a copy whose
  // prototype chain holds no key).
  for (const key in options) {
    if (!allowed.includes(key) && options[key] !== undefined) {
      const known = allowed.length === 0 ? 'none is taken here' : `known: ${allowed.join(', ')}`;
      throw new ValidationError(field === '' ? key : `${field}.${key}`, options[key], `unknown option (${known})`);
    }
  }
}

/**
 * Checks an array and returns a dense copy with each element read once. A hole is refused: reading
 * it would find Array.prototype's or a polluted Object.prototype's member at that index (and
 * `forEach` / `map` would silently skip it). `what` says what the elements are, for the message.
 */
export function checkArray(field: string, value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new ValidationError(field, value, `an array of ${what} is required`);
  const out: unknown[] = [];
  for (let i = 0; i < value.length; i++) {
    if (!Object.hasOwn(value, i)) throw new ValidationError(`${field}[${i}]`, undefined, `an array without holes is required (${what})`);
    out.push(value[i]);
  }
  return out;
}

/** How deep {@link snapshotPlainData} copies (kind data nests two levels; a cycle stops here). */
const SNAPSHOT_DEPTH = 16;

/**
 * A deep copy of plain data as it is now, for input that is checked only later (after an await):
 * changes the caller makes in between do not reach the request, and each getter runs once, here.
 * Plain objects (own enumerable properties) and arrays are copied level by level (holes stay holes),
 * byte arrays copied; anything else — a class instance, a function — is kept as it is, for the
 * later check to refuse as it would have. Nothing is validated here.
 */
export function snapshotPlainData(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth >= SNAPSHOT_DEPTH) return value;
  if (value instanceof Uint8Array) return Uint8Array.prototype.slice.call(value);
  if (Array.isArray(value)) {
    const out: unknown[] = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) if (Object.hasOwn(value, i)) out[i] = snapshotPlainData(value[i], depth + 1);
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out = (proto === null ? Object.create(null) : {}) as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    // defineProperty, not assignment: an own `__proto__` key stays a key and sets no prototype.
    Object.defineProperty(out, key, {
      value: snapshotPlainData((value as Record<string, unknown>)[key], depth + 1), enumerable: true, writable: true, configurable: true,
    });
  }
  return out;
}
