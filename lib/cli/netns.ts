/**
 * `rtnl netns add|delete|list NAME`: network namespaces kept on files under /run/netns, as
 * `ip netns` keeps them (the library's `netns.create/remove/list`). `ip netns exec` has no
 * counterpart: the package never runs programs.
 */
import { NetlinkError, netns } from '../netlink/index.js';
import type { Context } from './context.js';
import { CliFailure, UsageError } from './errors.js';
import { errnoMessage } from './kernel.js';
import type { JsonObject } from './json.js';

/** Usage of `rtnl netns`. */
export const NETNS_USAGE = `Usage: rtnl netns list
       rtnl netns add NAME
       rtnl netns delete NAME
NAME is a file under ${netns.NETNS_RUN_DIR} (as ip netns); rtnl -n NAME … works inside it.
`;

/** A namespace name as ip netns takes it: no `/`, not `.` or `..`, not empty. */
function checkName(words: readonly string[], what: string): string {
  if (words.length !== 1) throw new UsageError(`No netns name specified${words.length > 1 ? ` (one name, got ${words.length})` : ''}. Try "rtnl netns help".`, true);
  const name = words[0]!;
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0') || Buffer.byteLength(name) > 255) {
    throw new UsageError(`Invalid netns name "${name}" to ${what}`, true);
  }
  return name;
}

async function add(_ctx: Context, words: readonly string[]): Promise<void> {
  const path = `${netns.NETNS_RUN_DIR}/${checkName(words, 'add')}`;
  try {
    await netns.create(path);
  } catch (e) {
    if (e instanceof NetlinkError) throw new CliFailure(`Cannot create namespace file "${path}": ${errnoMessage(e.errno)}`);
    throw e;
  }
}

async function del(_ctx: Context, words: readonly string[]): Promise<void> {
  const path = `${netns.NETNS_RUN_DIR}/${checkName(words, 'delete')}`;
  try {
    await netns.remove(path);
  } catch (e) {
    if (e instanceof NetlinkError) throw new CliFailure(`Cannot remove namespace file "${path}": ${errnoMessage(e.errno)}`);
    throw e;
  }
}

async function list(ctx: Context, words: readonly string[]): Promise<void> {
  if (words.length > 0) throw new UsageError(`"rtnl netns list" takes no arguments (got "${words[0]}")`);
  const names = (await netns.list()).map((p) => p.slice(p.lastIndexOf('/') + 1));
  const objects: JsonObject[] = names.map((name) => ({ name }));
  ctx.print(objects, () => names);
}

/** The commands of `rtnl netns`, in ip's matching order. */
export const NETNS_COMMANDS = [
  { name: 'list', aliases: ['show', 'lst'], run: list },
  { name: 'add', run: add },
  { name: 'delete', aliases: ['del'], run: del },
] as const;
