// Runs the hostile cases (cases.ts) against a native binding that counts what reaches the system:
// the fake kernel (spec/helpers/fake-kernel.ts, which answers every request as a kernel would), or
// the real helper with counters around it (the live part). A case's verdict is a string when it
// failed, undefined when it held.
import { NLMSG_HDRLEN } from '../../../lib/netlink/core/protocol.js';
import { NetlinkError, ProtocolError, ValidationError } from '../../../lib/netlink/index.js';
import type { RtNetlink } from '../../../lib/netlink/index.js';
import type { NativeBinding } from '../../../lib/netlink/transport/native.js';
import { nldone, nlerror, nlmsg } from '../../helpers/bytes.js';
import { FakeKernel, type SentMessage } from '../../helpers/fake-kernel.js';
import type { Case, GetterCase, NameCase, RefuseCase } from './cases.js';
import type { MethodSpec } from './methods.js';
import { describe } from './values.js';

/** What a call reached: datagrams sent, sockets opened, namespaces made, mounts changed. */
export interface Counters {
  sends: number;
  opens: number;
  namespaceOps: number;
  /** The datagrams sent, as hex with each message's sequence number zeroed (fake kernel only). */
  datagrams: string[];
}

/** The ifindex the fake kernel gives every link looked up by name. */
export const FAKE_INDEX = 7;

const NLM_F_DUMP = 0x300;
const NLM_F_ECHO = 0x8;
const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;

/** A fake kernel's answer to one request: a dump ends empty, a GET gets its own body back as the object, the rest an ACK. */
function answer(m: SentMessage, k: FakeKernel): void {
  if ((m.flags & NLM_F_DUMP) === NLM_F_DUMP) {
    k.deliver(nldone(m.seq));
    return;
  }
  if (m.type === RTM_NEWLINK && (m.flags & NLM_F_ECHO) !== 0) {
    const body = Buffer.from(m.payload);
    if (body.readInt32LE(4) === 0) body.writeInt32LE(1000, 4);
    k.deliver(nlmsg(RTM_NEWLINK, 0, m.seq, 4242, body));
  }
  // RTM_GET* is RTM_NEW* + 2 for every family; a link looked up by name gets an ifindex.
  if (m.type % 4 === 2 && m.type >= RTM_GETLINK) {
    const body = Buffer.from(m.payload);
    if (m.type === RTM_GETLINK && body.length >= 8 && body.readInt32LE(4) === 0) body.writeInt32LE(FAKE_INDEX, 4);
    k.deliver(nlmsg(m.type - 2, 0, m.seq, 0, body));
    return;
  }
  k.deliver(nlerror(m.seq, 0, { type: m.type, flags: m.flags }));
}

/** The fake kernel of the sweep, counting what reaches it. */
export class SweepKernel extends FakeKernel {
  opens = 0;
  namespaceOps = 0;

  constructor() {
    super((msgs, k) => { for (const m of msgs) answer(m, k); });
  }

  override socketOpen(): number {
    this.opens++;
    return 7;
  }

  /** Opening /dev/net/tun and making a device: an open (never reached here, see links.add (tun)). */
  override tunCreate(): number {
    this.opens++;
    return -1;
  }

  override namespaceCreate(): number {
    this.namespaceOps++;
    return -1;
  }

  override mount(): number {
    this.namespaceOps++;
    return -1;
  }

  override umount(): number {
    this.namespaceOps++;
    return -1;
  }

  /** The datagrams sent, normalized (see {@link Counters.datagrams}). */
  private readonly sentHex: string[] = [];

  override socketSend(fd: number, buf: Uint8Array, offset: number, length: number): number {
    const r = super.socketSend(fd, buf, offset, length);
    if (r >= 0) this.sentHex.push(normalize(this.datagrams[this.datagrams.length - 1]!));
    return r;
  }

  counters(): Counters {
    return { sends: this.datagrams.length, opens: this.opens, namespaceOps: this.namespaceOps, datagrams: this.sentHex };
  }
}

/** The real native binding with counters around what reaches the kernel and the mount table. */
export function countingBinding(real: NativeBinding): { binding: NativeBinding; counters: () => Counters } {
  const c = { sends: 0, opens: 0, namespaceOps: 0 };
  const counted: Record<string, keyof typeof c> = {
    socketSend: 'sends', packetSend: 'sends', socketOpen: 'opens', packetOpen: 'opens', procSysOpen: 'opens', tunCreate: 'opens',
    namespaceCreate: 'namespaceOps', mount: 'namespaceOps', umount: 'namespaceOps', invokeInNamespace: 'namespaceOps',
  };
  const binding = new Proxy(real, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver) as unknown;
      if (typeof key !== 'string' || typeof v !== 'function') return v;
      const counter = counted[key];
      return (...args: unknown[]) => {
        if (counter !== undefined) c[counter]++;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { binding, counters: () => ({ ...c, datagrams: [] }) };
}

/** A datagram as hex with every message's sequence number zeroed (they differ between runs). */
function normalize(d: Buffer): string {
  const copy = Buffer.from(d);
  for (let at = 0; at + NLMSG_HDRLEN <= copy.length;) {
    const len = copy.readUInt32LE(at);
    copy.writeUInt32LE(0, at + 8);
    if (len < NLMSG_HDRLEN) break;
    at += (len + 3) & ~3;
  }
  return copy.toString('hex');
}

/** How a call ended. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Runs a call to its end: its promise settled, or an iterator's first `next()` (then `return()`).
 * A call that neither settles nor throws within `timeoutMs` is an error of its own.
 */
export async function run(call: () => unknown, timeoutMs = 5000): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: new Error(`HANG: no answer within ${timeoutMs} ms`) }), timeoutMs);
  });
  const go = async (): Promise<Outcome> => {
    try {
      let r = call();
      if (r instanceof Promise) r = await r;
      if (typeof r === 'object' && r !== null && typeof (r as AsyncIterator<unknown>).next === 'function' && Symbol.asyncIterator in r) {
        const it = r as AsyncIterableIterator<unknown>;
        try {
          await it.next();
        } finally {
          await it.return?.();
        }
      }
      return { ok: true, value: r };
    } catch (error) {
      return { ok: false, error };
    }
  };
  try {
    return await Promise.race([go(), hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** A short text of an outcome. */
export function show(o: Outcome): string {
  if (o.ok) return `resolved (${describe(o.value)})`;
  const e = o.error;
  if (e instanceof Error) return `${e.constructor.name}${e instanceof ValidationError ? `[${e.field}]` : ''}: ${e.message.slice(0, 160)}`;
  return `threw ${describe(e)}`;
}

function fieldMatches(field: string, expect: string | RegExp): boolean {
  return typeof expect === 'string' ? field === expect : expect.test(field);
}

/** What changed between two counter snapshots ('' when nothing). */
function reached(before: Counters, after: Counters): string {
  const parts: string[] = [];
  if (after.sends !== before.sends) parts.push(`${after.sends - before.sends} datagram(s) sent`);
  if (after.opens !== before.opens) parts.push(`${after.opens - before.opens} socket(s) opened`);
  if (after.namespaceOps !== before.namespaceOps) parts.push(`${after.namespaceOps - before.namespaceOps} namespace/mount call(s)`);
  return parts.join(', ');
}

/** Runs a case; returns why it failed, or undefined. */
export async function verdict(c: Case, nl: RtNetlink, counters: () => Counters): Promise<string | undefined> {
  if (c.kind === 'refuse') return refuse(c, nl, counters);
  if (c.kind === 'getter') return getter(c, nl, counters);
  return name(c, nl, counters);
}

async function refuse(c: RefuseCase, nl: RtNetlink, counters: () => Counters): Promise<string | undefined> {
  const before = counters();
  const o = await run(() => c.method.call(nl, c.args));
  const touched = reached(before, counters());
  if (o.ok && 'none' in c.method && Object.is(o.value, c.method.none) && touched === '') return undefined;
  if (o.ok || !(o.error instanceof ValidationError)) return `${c.title}: ${show(o)}${touched === '' ? '' : `; ${touched}`}`;
  if (!fieldMatches(o.error.field, c.expect)) return `${c.title}: names ${o.error.field}, not ${String(c.expect)} (${o.error.message.slice(0, 120)})`;
  if (touched !== '') return `${c.title}: refused, but ${touched}`;
  if (o.error.message.length > 2000) return `${c.title}: an error message of ${o.error.message.length} characters`;
  return undefined;
}

async function getter(c: GetterCase, nl: RtNetlink, counters: () => Counters): Promise<string | undefined> {
  const before = counters();
  const o = await run(() => c.method.call(nl, c.args()));
  const after = counters();
  const sent = after.datagrams.slice(before.datagrams.length);
  if (!o.ok && o.error === c.thrown) {
    const touched = reached(before, after);
    return touched === '' ? undefined : `${c.title}: failed, but ${touched}`;
  }
  if (!o.ok && !(o.error instanceof ValidationError) && !(o.error instanceof NetlinkError)) return `${c.title}: ${show(o)}`;
  if (!o.ok && o.error instanceof ValidationError && reached(before, after) === '') return undefined;
  if (c.same === undefined) return `${c.title}: ${show(o)}${reached(before, after) === '' ? '' : `; ${reached(before, after)}`}`;
  // Sent something: exactly what the same call with a plain value sends, ending the same way.
  const b2 = counters();
  const control = await run(() => c.method.call(nl, c.same!));
  const expected = counters().datagrams.slice(b2.datagrams.length);
  const ending = (x: Outcome): string => (x.ok ? 'resolved' : x.error instanceof Error ? x.error.constructor.name : 'threw');
  if (ending(o) !== ending(control)) return `${c.title}: ${show(o)}, where a plain value: ${show(control)}`;
  if (sent.join() !== expected.join()) return `${c.title}: sent what no plain value sends\n  got  ${sent.join(' ')}\n  want ${expected.join(' ')}`;
  return undefined;
}

async function name(c: NameCase, nl: RtNetlink, counters: () => Counters): Promise<string | undefined> {
  const b1 = counters();
  const control = await run(() => c.method.call(nl, c.control));
  const b2 = counters();
  const o = await run(() => c.method.call(nl, c.args));
  const b3 = counters();
  const kind = (x: Outcome): string => (x.ok ? 'resolved' : x.error instanceof Error ? `${x.error.constructor.name} ${(x.error as { code?: string }).code ?? ''}` : 'threw');
  if (kind(o) !== kind(control)) return `${c.title}: ${show(o)}, where the control name ${c.controlName}: ${show(control)}`;
  const hex = (s: string): string => Buffer.from(s).toString('hex');
  const want = b2.datagrams.slice(b1.datagrams.length).map((d) => d.split(hex(c.controlName)).join(hex(c.name)));
  const got = b3.datagrams.slice(b2.datagrams.length);
  if (want.join() !== got.join()) return `${c.title}: sent other bytes than for the control name\n  got  ${got.join(' ')}\n  want ${want.join(' ')}`;
  return undefined;
}

/** The valid call of a method with argument `i` replaced (or as described when `i` is undefined). */
export async function validCall(m: MethodSpec, nl: RtNetlink, counters: () => Counters, args: unknown[], what: string): Promise<string | undefined> {
  const before = counters();
  const o = await run(() => m.call(nl, args));
  // Accepted input may still fail where only the kernel (or the file system) can say: that is no
  // refusal of the input.
  if (!o.ok && (o.error instanceof ValidationError || !(o.error instanceof NetlinkError || o.error instanceof ProtocolError))) {
    return `${m.name} ${what}: the valid call failed: ${show(o)}`;
  }
  if (m.sendsNothing !== true && counters().sends === before.sends) return `${m.name} ${what}: the valid call sent nothing`;
  return undefined;
}
