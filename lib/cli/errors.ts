/**
 * What the CLI prints when something fails, and its exit status, after `ip`:
 *
 * - a bad command line (unknown object or command, missing or malformed argument, or input the
 *   library refuses with a ValidationError) is a {@link UsageError}: `Error: …` on stderr, exit 2;
 * - a kernel refusal (NetlinkError) prints the kernel's extended-ack message as ip does
 *   (`Error: Nexthop has invalid gateway.`) or, without one, `RTNETLINK answers: File exists`;
 *   exit 1;
 * - a missing device prints ip's `Cannot find device "eth9"`, exit 1.
 *
 * ip itself exits 2 for kernel refusals and 1 or 255 for bad arguments; this CLI uses 1 for every
 * failure of the operation and 2 for every bad command line, so scripts can tell them apart.
 */
import { NetlinkError, ProtocolError, ValidationError } from '../netlink/index.js';
import { errnoMessage } from './kernel.js';

/** Exit status of a bad command line. */
export const EXIT_USAGE = 2;
/** Exit status of a failed operation (kernel refusal, missing device, I/O error). */
export const EXIT_FAILURE = 1;

/** A bad command line: printed as `Error: <message>` (or the message alone, as ip prints some), exit 2. */
export class UsageError extends Error {
  /** Print the message without the `Error: ` prefix (ip's `Command line is not complete. …`). */
  readonly bare: boolean;

  constructor(message: string, bare = false) {
    super(message);
    this.name = 'UsageError';
    this.bare = bare;
  }
}

/** A failure of the operation that is not a kernel errno (ip's `Cannot find device "x"`), exit 1. */
export class CliFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliFailure';
  }
}

/** ip's message for a value that does not parse: `argument "abc" is wrong: Invalid "mtu" value`. */
export function invalidArgument(value: string, what: string): UsageError {
  return new UsageError(`argument "${value}" is wrong: ${what}`);
}

/** ip's message for a keyword given twice or a word it cannot place. */
export function duplicateArgument(keyword: string, value: string): UsageError {
  return new UsageError(`either "${keyword}" is duplicate, or "${value}" is a garbage.`);
}

/** The kernel's message as ip prints it: `Error: <ext-ack>.` or `RTNETLINK answers: <strerror>`. */
function kernelMessage(e: NetlinkError): string {
  const ack = e.extack?.message;
  if (ack !== undefined && ack !== '') return `Error: ${ack}${ack.endsWith('.') ? '' : '.'}`;
  // A namespace given to `netns` that cannot be opened (ip: Cannot open network namespace "x": …).
  if (e.op === 'setns' || e.op.startsWith('open')) return `Cannot open network namespace: ${errnoMessage(e.errno)}`;
  return `RTNETLINK answers: ${errnoMessage(e.errno)}`;
}

/** What to print for an error, and the exit status. */
export function describeError(e: unknown, command: string): { message: string; status: number } {
  if (e instanceof UsageError) {
    return { message: `${e.bare ? '' : 'Error: '}${e.message}`, status: EXIT_USAGE };
  }
  if (e instanceof ValidationError) return { message: `Error: ${e.message}`, status: EXIT_USAGE };
  if (e instanceof CliFailure) return { message: e.message, status: EXIT_FAILURE };
  if (e instanceof NetlinkError) {
    if (e.code === 'ENODEV' && e.link !== undefined) {
      return { message: `Cannot find device "${String(e.link)}"`, status: EXIT_FAILURE };
    }
    return { message: kernelMessage(e), status: EXIT_FAILURE };
  }
  if (e instanceof ProtocolError) return { message: `Error: ${e.message}`, status: EXIT_FAILURE };
  const err = e instanceof Error ? e : new Error(String(e));
  return { message: `${command}: ${err.stack ?? err.message}`, status: EXIT_FAILURE };
}
