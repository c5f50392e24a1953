/**
 * User and group names as ip finds them (getpwnam / getpwuid, getgrnam / getgrgid): read from
 * /etc/passwd and /etc/group, `name:x:id:…` per line. No NSS (LDAP and the like): a name only
 * those know is not found, an id only those know prints as its number.
 */
import { readFileSync } from 'node:fs';

/** An account file: users (/etc/passwd) or groups (/etc/group). */
export type AccountFile = '/etc/passwd' | '/etc/group';

/** Each file's entries, name and id, read once per process. */
const cache = new Map<AccountFile, Array<[string, number]>>();

function entries(file: AccountFile): Array<[string, number]> {
  let list = cache.get(file);
  if (list !== undefined) return list;
  list = [];
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // No file: no names.
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    const id = fields.length > 2 && /^[0-9]+$/.test(fields[2]!) ? Number(fields[2]) : undefined;
    if (fields[0] !== undefined && fields[0] !== '' && id !== undefined) list.push([fields[0], id]);
  }
  cache.set(file, list);
  return list;
}

/** The id of account `name` in `file`, or undefined. */
export function accountId(file: AccountFile, name: string): number | undefined {
  return entries(file).find(([n]) => n === name)?.[1];
}

/** The name of account `id` in `file` (the first one listed), or undefined. */
export function accountName(file: AccountFile, id: number): string | undefined {
  return entries(file).find(([, i]) => i === id)?.[0];
}
