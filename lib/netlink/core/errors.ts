/**
 * The error classes of the library. Four kinds, never mixed:
 * - {@link NetlinkError}: the kernel (or a syscall) said no; carries the errno, always.
 * - {@link ValidationError}: the caller's input is malformed; thrown before any syscall.
 * - {@link DecodeError}: bytes from the kernel (or a test) do not parse.
 * - {@link ProtocolError}: a condition of the protocol itself (timeout, interrupted dump, …), with a
 *   stable `ERR_NL_*` code.
 */
import { ENODEV, errnoName, errnoText } from './errno.js';

/** The kernel's extended acknowledgement (NLMSGERR_ATTR_*), when it sent one. */
export interface ExtendedAck {
  /** NLMSGERR_ATTR_MSG: the kernel's own explanation. */
  message?: string;
  /** NLMSGERR_ATTR_OFFS: byte offset of the offending attribute in the request message. */
  offset?: number;
  /** NLMSGERR_ATTR_MISS_TYPE: type of a required attribute that was missing. */
  missingType?: number;
  /** NLMSGERR_ATTR_MISS_NEST: offset of the nest the attribute was missing from. */
  missingNest?: number;
  /** NLMSGERR_ATTR_POLICY: the policy the attribute failed, by NL_POLICY_TYPE_ATTR_* name. */
  policy?: Record<string, number | bigint>;
}

/** What a {@link NetlinkError} was doing: a netlink request (`RTM_NEWLINK`) or a syscall (`setns`). */
export interface NetlinkErrorOptions {
  /** The request's message type number (e.g. 16 for RTM_NEWLINK), when the error answers a request. */
  requestType?: number;
  /** Sequence number of the request. */
  seq?: number;
  /** The kernel's extended acknowledgement, if any. */
  extack?: ExtendedAck;
  /** The error this one wraps. */
  cause?: unknown;
  /** The link the request named, when the error is about it (ENODEV: which link is missing). */
  link?: string | number;
  /** The alias a link was looked up by (`links.get({ alias })`), when no link has it. */
  alias?: string;
}

/**
 * The kernel refused a request, or a syscall failed. The message reads
 * `RTM_NEWADDR: EEXIST (File exists): <kernel message>`.
 */
export class NetlinkError extends Error {
  /** The positive errno (`EEXIST` → 17). */
  readonly errno: number;
  /** The errno's name (`'EEXIST'`). */
  readonly code: string;
  /** What failed: a request type name (`'RTM_NEWADDR'`) or a syscall (`'sendmsg'`, `'setns'`). */
  readonly op: string;
  /** The request's message type number, when the error answers a request. */
  readonly requestType: number | undefined;
  /** Sequence number of the request, when the error answers a request. */
  readonly seq: number | undefined;
  /** The kernel's extended acknowledgement, when it sent one. */
  readonly extack: ExtendedAck | undefined;

  /** The link the request named, when the error is about it (for ENODEV: the missing link). */
  readonly link: string | number | undefined;

  /** The alias a link was looked up by (`links.get({ alias })`), when no link has it (ENODEV). */
  readonly alias: string | undefined;

  constructor(errno: number, op: string, options: NetlinkErrorOptions = {}) {
    const code = errnoName(errno);
    const detail = options.extack?.message;
    const named = options.link !== undefined ? (typeof options.link === 'number' ? `link with ifindex ${options.link}` : `link ${JSON.stringify(options.link)}`)
      : options.alias !== undefined ? `link with alias ${JSON.stringify(options.alias)}` : undefined;
    const link = named === undefined ? '' : `: ${named}${errno === ENODEV ? ' does not exist' : ''}`;
    super(`${op}: ${code} (${errnoText(errno)})${link}${detail ? `: ${detail}` : ''}`,
      options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NetlinkError';
    this.errno = errno;
    this.code = code;
    this.op = op;
    this.requestType = options.requestType;
    this.seq = options.seq;
    this.extack = options.extack;
    this.link = options.link;
    this.alias = options.alias;
  }

  /**
   * This error with the link the request named (`links.get('nope')`: `… ENODEV (No such device):
   * link "nope" does not exist`), keeping errno, request type, sequence and ext-ack.
   */
  naming(link: string | number): NetlinkError {
    if (this.link !== undefined) return this;
    const options: NetlinkErrorOptions = { link, cause: this.cause };
    if (this.requestType !== undefined) options.requestType = this.requestType;
    if (this.seq !== undefined) options.seq = this.seq;
    if (this.extack !== undefined) options.extack = this.extack;
    const named = new NetlinkError(this.errno, this.op, options);
    named.stack = `${named.name}: ${named.message}${this.stack?.slice(this.stack.indexOf('\n')) ?? ''}`;
    return named;
  }

  /** The kernel's extended-ack message, if it sent one. */
  get kernelMessage(): string | undefined {
    return this.extack?.message;
  }
}

/**
 * Malformed caller input (a name over 15 bytes, a bad CIDR, an IPv6 address where IPv4 is needed …),
 * thrown before anything is sent or changed. A `TypeError`, naming the field and the value.
 */
export class ValidationError extends TypeError {
  /** The option or argument at fault, as a path (`'peer.name'`). */
  readonly field: string;
  /** The value that was refused. */
  readonly value: unknown;
  /** Always `'ERR_NL_VALIDATION'`, as Node's own errors carry a stable `code`. */
  readonly code = 'ERR_NL_VALIDATION';
  /** Why the value was refused (the message without the field and the value). */
  readonly reason: string;

  constructor(field: string, value: unknown, reason: string) {
    super(`${field}: ${reason} (got ${describe(value)})`);
    this.name = 'ValidationError';
    this.field = field;
    this.value = value;
    this.reason = reason;
  }

  /**
   * The same refusal with the field under `path` (`items[3]` + `name` → `items[3].name`): for a
   * check of one item made by a check of many.
   */
  under(path: string): ValidationError {
    return new ValidationError(this.field === '' ? path : `${path}.${this.field}`, this.value, this.reason);
  }
}

/** Bytes that do not parse. `path` names where (`link.IFLA_LINKINFO.IFLA_INFO_DATA`). */
export class DecodeError extends Error {
  /** Byte offset of the problem in the decoded buffer. */
  readonly offset: number;
  /** The attribute path down to the problem. */
  readonly path: string;
  /** Always `'ERR_NL_DECODE'`. */
  readonly code = 'ERR_NL_DECODE';

  constructor(path: string, offset: number, reason: string) {
    super(`${path} at offset ${offset}: ${reason}`);
    this.name = 'DecodeError';
    this.offset = offset;
    this.path = path;
  }
}

/** The stable codes of {@link ProtocolError}. */
export type ProtocolErrorCode =
  /** No reply within the request's timeout. */
  | 'ERR_NL_TIMEOUT'
  /** A dump stayed inconsistent (NLM_F_DUMP_INTR) after every retry; `partial` holds what arrived. */
  | 'ERR_NL_DUMP_INTERRUPTED'
  /** A datagram was larger than the receive buffer. */
  | 'ERR_NL_TRUNCATED'
  /** A reply did not parse or did not fit the request. */
  | 'ERR_NL_BAD_REPLY'
  /** The handle was closed while the request was in flight, or before it was made. */
  | 'ERR_NL_CLOSED';

/** A protocol condition that is not a kernel errno. */
export class ProtocolError extends Error {
  /** Which protocol condition (`'ERR_NL_TIMEOUT'` …, see {@link ProtocolErrorCode}). */
  readonly code: ProtocolErrorCode;
  /** What was being done (`'RTM_GETROUTE'`, `'recvmsg'`). */
  readonly op: string;
  /** For ERR_NL_DUMP_INTERRUPTED: the objects of the last, inconsistent attempt. */
  readonly partial: readonly unknown[] | undefined;

  constructor(code: ProtocolErrorCode, op: string, message: string, partial?: readonly unknown[]) {
    super(`${op}: ${message}`);
    this.name = 'ProtocolError';
    this.code = code;
    this.op = op;
    this.partial = partial;
  }
}

/** The longest quotation of a refused value in a ValidationError's message, in characters. */
const MAX_QUOTED = 120;

/**
 * A short, safe rendering of a refused value for an error message: strings quoted, objects as JSON
 * (without calling their toJSON: a lazy view would render itself whole), cut at {@link MAX_QUOTED}
 * characters. Never throws, whatever the value (a throwing getter, a cycle, a null prototype).
 */
function describe(value: unknown): string {
  let text: string;
  try {
    if (typeof value === 'string') text = JSON.stringify(value);
    else if (typeof value === 'bigint') text = `${value}n`;
    else if (typeof value === 'symbol') text = value.toString();
    else if (typeof value === 'function') text = `[function ${value.name || 'anonymous'}]`;
    else if (value === null || typeof value !== 'object') text = String(value);
    else if (value instanceof Uint8Array) text = `<${value.length} bytes>`;
    else text = shallowJson(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}… (${text.length} characters)` : text;
}

/** JSON of an object's own enumerable properties, one level deep, stopping once long enough. */
function shallowJson(value: object): string {
  const proto: unknown = Object.getPrototypeOf(value);
  const name = proto === null || proto === Object.prototype || Array.isArray(value) ? '' : `${(value as { constructor?: { name?: unknown } }).constructor?.name ?? 'object'} `;
  const parts: string[] = [];
  let length = 0;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    const item = `${Array.isArray(value) ? '' : `${JSON.stringify(key)}:`}${leaf(v)}`;
    parts.push(item);
    length += item.length + 1;
    if (length > MAX_QUOTED) break;
  }
  return Array.isArray(value) ? `${name}[${parts.join(',')}]` : `${name}{${parts.join(',')}}`;
}

function leaf(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > MAX_QUOTED ? `${v.slice(0, MAX_QUOTED)}…` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return String(v);
  if (Array.isArray(v)) return `[…${v.length}]`;
  return typeof v === 'function' ? '[function]' : '{…}';
}
