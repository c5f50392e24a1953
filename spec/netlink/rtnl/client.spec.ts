// RtNetlink.open's options: every one is checked before a socket is opened, unknown keys (typos such
// as `netNs`) are refused, and only own properties count. No privileges needed: a NETLINK_ROUTE
// socket in the caller's namespace opens for anyone.
import test from 'ava';
import { RtNetlink, ValidationError } from '../../../lib/netlink/index.js';

const bad: Array<[string, unknown, RegExp]> = [
  ['the typo netNs', { netNs: '/run/netns/blue' }, /^netNs: unknown option/],
  ['timeout as text', { timeout: 'abc' }, /^timeout: /],
  ['a negative timeout', { timeout: -1 }, /^timeout: /],
  ['a zero timeout', { timeout: 0 }, /^timeout: /],
  ['a NaN timeout', { timeout: NaN }, /^timeout: /],
  ['an infinite timeout', { timeout: Infinity }, /^timeout: /],
  ['a timeout beyond setTimeout', { timeout: 2 ** 31 }, /^timeout: /],
  ['negative dump retries', { dumpRetries: -5 }, /^dumpRetries: /],
  ['fractional dump retries', { dumpRetries: 1.5 }, /^dumpRetries: /],
  ['extendedAck as text', { extendedAck: 'no' }, /^extendedAck: /],
  ['strictCheck as a number', { strictCheck: 1 }, /^strictCheck: /],
  ['capAck as null', { capAck: null }, /^capAck: /],
  ['receiveBufferSize as text', { receiveBufferSize: 'big' }, /^receiveBufferSize: /],
  ['a negative receive buffer', { receiveBufferSize: -1 }, /^receiveBufferSize: /],
  ['a huge send buffer', { sendBufferSize: 2 ** 40 }, /^sendBufferSize: /],
  ['a tiny datagram size', { maxDatagramSize: 10 }, /^maxDatagramSize: /],
  ['onWarning not a function', { onWarning: 5 }, /^onWarning: /],
  ['netns with NUL', { netns: '/run/netns/a\0b' }, /^netns: /],
  ['netns as a negative fd', { netns: -1 }, /^netns: /],
  ['netns as an object', { netns: {} }, /^netns: /],
  ['options inherited through a prototype', { __proto__: { netns: '/run/netns/blue' } }, /^options: a plain object/],
  ['a class instance', new (class Options { netns = '/run/netns/blue'; })(), /^options: a plain object/],
  ['null', null, /^options: /],
  ['a number', 5, /^options: /],
  ['an array', [], /^options: /],
];

for (const [name, options, message] of bad) {
  test(`open refuses ${name} with a ValidationError`, async (t) => {
    await t.throwsAsync(RtNetlink.open(options as never), { instanceOf: ValidationError, message });
  });
}

test.serial('open reads only own options: a polluted Object.prototype changes nothing', async (t) => {
  const proto = Object.prototype as Record<string, unknown>;
  proto.netns = '/nonexistent/netns';
  proto.timeout = 'abc';
  try {
    const nl = await RtNetlink.open({});
    try {
      t.is(nl.netns, undefined, 'the handle is in the caller\'s namespace');
      t.true(nl.portId > 0);
    } finally {
      nl.close();
    }
    const nl2 = await RtNetlink.open();
    nl2.close();
    t.is(nl2.netns, undefined);
  } finally {
    delete proto.netns;
    delete proto.timeout;
  }
});

test('open takes valid options and a null-prototype options object', async (t) => {
  const o = Object.assign(Object.create(null) as object, { timeout: 500, dumpRetries: 0, extendedAck: false, receiveBufferSize: 65536 });
  const nl = await RtNetlink.open(o);
  t.is(nl.netns, undefined);
  t.is(nl.connection.timeout, 500);
  nl.close();
});

test('a fifo given as the namespace is refused without blocking (the open is non-blocking)', async (t) => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { execFileSync } = await import('node:child_process');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-fifo-'));
  try {
    const fifo = join(dir, 'ns');
    execFileSync('mkfifo', [fifo]);
    const e = await t.throwsAsync(RtNetlink.open({ netns: fifo }));
    t.is((e as { code?: string }).code, 'EINVAL');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
