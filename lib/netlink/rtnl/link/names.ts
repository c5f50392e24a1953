/**
 * The names a link has besides its IFLA_IFNAME, checked: its alias (IFLA_IFALIAS, which
 * `links.get({ alias })` and the `alias` list filter look links up by) and its alternative names
 * (IFLA_ALT_IFNAME, `links.addAltName` / `delAltName`, and `get`/`index` by a name past 15 bytes).
 */
import { ValidationError } from '../../core/errors.js';
import { IFNAMSIZ_MAX, checkArray, checkKeys, checkObject, hasLoneSurrogate } from '../../core/validate.js';

const ALIAS_REF_KEYS = ['alias'];

/** IFALIASZ - 1: the longest interface alias in bytes. */
const ALIAS_MAX = 255;

/** An alias: at most 255 bytes, no NUL. */
export function checkAlias(field: string, value: unknown): string {
  if (typeof value !== 'string' || Buffer.byteLength(value) > ALIAS_MAX) {
    throw new ValidationError(field, value, `a string of at most ${ALIAS_MAX} bytes is required`);
  }
  // The kernel keeps the alias as a C string: a NUL would silently cut it.
  if (value.includes('\0')) throw new ValidationError(field, value, 'an alias cannot contain NUL');
  if (hasLoneSurrogate(value)) throw new ValidationError(field, value, 'an alias must be valid Unicode (it holds a lone surrogate)');
  return value;
}

/** ALTIFNAMSIZ - 1: the longest alternative name in bytes. */
const ALTNAME_MAX = 127;

/**
 * Checks alternative names (`links.addAltName` / `delAltName`): one or an array of 1..127-byte
 * names with an interface name's characters (no `/`, `:`, whitespace or NUL; not `.` or `..`).
 */
export function checkAltNames(value: unknown): string[] {
  return checkAltNameList(value, 'name');
}

/**
 * A link reference that is no valid interface name but a valid alternative name longer than 15
 * bytes (looked up with IFLA_ALT_IFNAME), else undefined.
 */
export function longAltName(ref: unknown): string | undefined {
  if (typeof ref !== 'string' || Buffer.byteLength(ref) <= IFNAMSIZ_MAX) return undefined;
  try {
    return checkAltNameList(ref, 'link')[0];
  } catch {
    return undefined;
  }
}

function checkAltNameList(value: unknown, one: string): string[] {
  const names: unknown[] = Array.isArray(value) ? checkArray('names', value, 'alternative names') : [value];
  if (names.length === 0 || names.length > 64) throw new ValidationError('names', value, 'an alternative name or a non-empty array of them is required');
  return names.map((n, i) => {
    const field = Array.isArray(value) ? `names[${i}]` : one;
    if (typeof n !== 'string' || n.length === 0 || Buffer.byteLength(n) > ALTNAME_MAX) {
      throw new ValidationError(field, n, `a name of 1..${ALTNAME_MAX} bytes is required`);
    }
    if (n === '.' || n === '..' || /[\s/:\0]/.test(n) || hasLoneSurrogate(n)) {
      throw new ValidationError(field, n, 'a name cannot be "." or "..", nor contain "/", ":", whitespace, NUL or a lone surrogate');
    }
    return n;
  });
}

/** Checks `links.get({ alias })`'s argument: the alias to look for. */
export function checkAliasRef(ref: unknown): string {
  const o = checkObject('link', ref);
  checkKeys('link', o, ALIAS_REF_KEYS);
  if (o.alias === undefined) throw new ValidationError('link.alias', o.alias, 'an alias is required (or give a name or ifindex)');
  return checkAlias('link.alias', o.alias);
}
