// NLMSG_ERROR / NLMSG_DONE parsing on replies captured from the kernel (6.18, NLDEBUG=1; the
// request is given with each), plus the ext-ack forms the captures do not cover.
import test from 'ava';
import { DecodeError } from '../../../lib/netlink/core/errors.js';
import { forEachMessage, parseDoneMessage, parseErrorMessage, readHeader } from '../../../lib/netlink/core/message.js';
import { attr, cstr, hex, nlerror, s32, u32 } from '../../helpers/bytes.js';

// RTM_NEWLINK with a 26-byte IFLA_IFNAME: the policy (NLA_STRING, max length 15) refuses it.
const policyError = hex(`68000000 0200 0003 01000000 9d2a0000 deffffff
  40000000 1000 0506 01000000 00000000
  2700 0100 417474726962757465206661696c656420706f6c6963792076616c69646174696f6e00 00
  0800 0200 20000000
  1400 0480 0800 0700 0f000000 0800 0100 0b000000`);

// RTM_NEWNEIGH without NDA_DST.
const missingDst = hex(`48000000 0200 0003 01000000 b82a0000 eaffffff
  1c000000 1c00 0506 01000000 00000000
  2200 0100 4e6574776f726b2061646472657373206e6f742073706563696669656400 0000`);

// RTM_GETROUTE dump with rtm_dst_len = 8 under strict checking: the error comes in NLMSG_DONE.
const doneError = hex(`48000000 0300 0202 02000000 b82a0000 eaffffff
  3200 0100 496e76616c69642076616c75657320696e2068656164657220666f72204649422064756d702072657175657374000000`);

test('an error with message, offset and policy (captured)', (t) => {
  const h = readHeader(policyError, 0);
  t.deepEqual(h, { length: 104, type: 2, flags: 0x300, seq: 1, pid: 0x2a9d });
  t.deepEqual(parseErrorMessage(policyError, 0, h.length, h.flags), {
    errno: 34,
    extack: { message: 'Attribute failed policy validation', offset: 32, policy: { maxLength: 15, type: 11 } },
  });
});

test('an error with a message only (captured)', (t) => {
  const h = readHeader(missingDst, 0);
  t.deepEqual(parseErrorMessage(missingDst, 0, h.length, h.flags), { errno: 22, extack: { message: 'Network address not specified' } });
});

test('a dump error carried in NLMSG_DONE (captured)', (t) => {
  const h = readHeader(doneError, 0);
  t.is(h.type, 3);
  t.deepEqual(parseDoneMessage(doneError, 0, h.length, h.flags), { errno: 22, extack: { message: 'Invalid values in header for FIB dump request' } });
});

test('a missing-attribute report and an uncapped echo of the request', (t) => {
  const request = Buffer.concat([u32(24), Buffer.from([28, 0, 5, 6]), u32(9), u32(0), u32(0x02), u32(1)]);
  const tlvs = Buffer.concat([attr(5, u32(1)), attr(6, u32(16))]);
  const msg = Buffer.concat([u32(16 + 4 + request.length + tlvs.length), Buffer.from([2, 0, 0, 2]), u32(9), u32(0), s32(-22), request, tlvs]);
  t.deepEqual(parseErrorMessage(msg, 0, msg.length, 0x200), { errno: 22, extack: { missingType: 1, missingNest: 16 } });
});

test('an ACK with a warning keeps the message; a plain ACK has none', (t) => {
  const warn = nlerror(3, 0, { type: 24, flags: 0x605 }, [attr(1, cstr('route is ignored'))]);
  t.deepEqual(parseErrorMessage(warn, 0, warn.length, warn.readUInt16LE(6)), { errno: 0, extack: { message: 'route is ignored' } });
  const ack = nlerror(3, 0, { type: 24, flags: 0x605 });
  t.deepEqual(parseErrorMessage(ack, 0, ack.length, ack.readUInt16LE(6)), { errno: 0, extack: undefined });
});

test('a DONE without payload is a success', (t) => {
  const done = Buffer.concat([u32(16), Buffer.from([3, 0, 2, 0]), u32(1), u32(0)]);
  t.deepEqual(parseDoneMessage(done, 0, 16, 2), { errno: 0, extack: undefined });
});

test('the message walker visits each message and refuses bad lengths', (t) => {
  const two = Buffer.concat([missingDst, doneError]);
  const seen: number[] = [];
  forEachMessage(two, 0, two.length, (_off, _len, type) => seen.push(type));
  t.deepEqual(seen, [2, 3]);
  const bad = Buffer.from(two);
  bad.writeUInt32LE(4000, 0);
  t.throws(() => forEachMessage(bad, 0, bad.length, () => {}), { instanceOf: DecodeError });
});

test('truncated error messages are DecodeErrors, never crashes', (t) => {
  for (let cut = 16; cut < policyError.length; cut++) {
    try {
      parseErrorMessage(policyError, 0, cut, 0x300);
    } catch (e) {
      t.true(e instanceof DecodeError, `cut ${cut}: ${String(e)}`);
    }
  }
});
