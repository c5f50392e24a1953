// The captured link messages of spec/fixtures/link (each with its provenance), what the link specs
// share to compare them, and their fake-kernel harness.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '../../../../lib/netlink/transport/connection.js';
import { Links } from '../../../../lib/netlink/rtnl/link/service.js';
import { RTM_GETLINK, RTM_NEWLINK } from '../../../../lib/netlink/rtnl/rtm.js';
import { NLM_F_ECHO } from '../../../../lib/netlink/core/protocol.js';
import { attr, cstr, nlerror, nlmsg } from '../../../helpers/bytes.js';
import { FakeKernel, type SentMessage } from '../../../helpers/fake-kernel.js';
import { fixturesDir } from '../../../helpers/fixtures.js';

// The fixtures are read from the source tree (spec/fixtures/link).
const FIXTURES = fixturesDir('link');

/** The bytes of a fixture (its `#` provenance lines left out). */
export function fixture(name: string): Buffer {
  const text = readFileSync(join(FIXTURES, name), 'utf8');
  return Buffer.from(text.split('\n').filter((l) => !l.startsWith('#')).join('').replace(/\s/g, ''), 'hex');
}

/**
 * iproute2's request with IFLA_IFALIAS and IFLA_INFO_KIND NUL-terminated (iproute2 sends them as
 * strlen bytes; the library NUL-terminates them, as the kernel's own messages do), rebuilt with the
 * independent byte builder (top-level attributes copied, IFLA_LINKINFO rebuilt child by child).
 */
export function withNulStrings(request: Buffer): Buffer {
  const walk = (buf: Buffer, start: number, end: number): Array<[number, Buffer]> => {
    const out: Array<[number, Buffer]> = [];
    for (let at = start; at + 4 <= end; at += (buf.readUInt16LE(at) + 3) & ~3) {
      out.push([buf.readUInt16LE(at + 2), buf.subarray(at + 4, at + buf.readUInt16LE(at))]);
    }
    return out;
  };
  const attrs = walk(request, 32, request.length).map(([type, payload]) => {
    if (type === 20) return attr(20, cstr(payload.toString('utf8')));
    if (type !== 18) return attr(type, payload);
    return attr(18, ...walk(payload, 0, payload.length).map(([t, p]) => (t === 1 ? attr(1, cstr(p.toString('utf8'))) : attr(t, p))));
  });
  return nlmsg(request.readUInt16LE(4), request.readUInt16LE(6), request.readUInt32LE(8), 0, request.subarray(16, 32), ...attrs);
}

/** Sorts object keys recursively, so structures compare regardless of attribute order. */
export function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  }
  return v;
}

/** Every `unknown` list anywhere in a decoded value, with its path. */
export function unknowns(value: unknown, path = ''): string[] {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (k === 'unknown') out.push(`${path}: ${(v as Array<{ type: number }>).map((u) => u.type).join(',')}`);
    else out.push(...unknowns(v, `${path}.${k}`));
  }
  return out;
}

/** The ifindex the fake kernels give a link created without one. */
export const FAKE_IFINDEX = 1000;

/**
 * What a kernel of Linux 6.3 or later echoes for an RTM_NEWLINK with NLM_F_ECHO: the new link's
 * message (here the request's own body, its ifi_index filled in) before the ACK.
 */
export function echoOf(m: SentMessage): Buffer {
  const body = Buffer.from(m.payload);
  if (body.readInt32LE(4) === 0) body.writeInt32LE(FAKE_IFINDEX, 4);
  return nlmsg(RTM_NEWLINK, 0, m.seq, 4242, body);
}

/**
 * A fake kernel that ACKs every request, answering an RTM_GETLINK with `getlink` when given and
 * echoing an RTM_NEWLINK sent with NLM_F_ECHO (unless `echo` is false: a kernel before 6.3).
 */
export function ackingKernel(getlink?: (m: SentMessage) => Buffer, echo = true): FakeKernel {
  return new FakeKernel((msgs, k) => {
    for (const m of msgs) {
      if (echo && m.type === RTM_NEWLINK && (m.flags & NLM_F_ECHO) !== 0) k.deliver(echoOf(m));
      k.deliver(m.type === RTM_GETLINK && getlink !== undefined ? getlink(m) : nlerror(m.seq, 0, { type: m.type, flags: m.flags }));
    }
  });
}

/**
 * Runs `fn` with a Links service over `kernel`. The fake replaces the process-wide native binding,
 * so the tests that use it run serially.
 */
export async function withLinks<T>(kernel: FakeKernel, fn: (links: Links, kernel: FakeKernel) => Promise<T>): Promise<T> {
  const restore = kernel.install();
  const conn = Connection.open(0);
  try {
    return await fn(new Links(conn), kernel);
  } finally {
    conn.close();
    restore();
  }
}
