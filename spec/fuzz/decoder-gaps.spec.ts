// The decoder gaps found from outside by fuzzing (issue 7, defect 6), each as the smallest input
// that showed it. Every view checks its message when it is made: a message too short for its
// family's fixed header, or whose nlmsg_len does not fit the bytes it was given, is a DecodeError
// at construction, as decodeXxxMessage() does — never a RangeError from a getter, never bytes of
// the next message read as fields.
import test from 'ava';
import { DecodeError } from '../../lib/netlink/core/errors.js';
import { forEachMessage, parseErrorMessage } from '../../lib/netlink/core/message.js';
import { addressView } from '../../lib/netlink/rtnl/address/view.js';
import { linkView } from '../../lib/netlink/rtnl/link/view.js';
import { neighborView } from '../../lib/netlink/rtnl/neighbor/view.js';
import { routeView } from '../../lib/netlink/rtnl/route/view.js';
import { ruleView } from '../../lib/netlink/rtnl/rule/view.js';
import { bytes, nlmsg, s32, u16, u32 } from '../helpers/bytes.js';

const RTM_NEWLINK = 16;
const views = { link: linkView, address: addressView, route: routeView, neighbor: neighborView, rule: ruleView };
const headers = { link: 16, address: 8, route: 12, neighbor: 12, rule: 12 };

test('a 16-byte RTM_NEWLINK is a DecodeError when its view is made, not a RangeError from ifindex', (t) => {
  const msg = nlmsg(RTM_NEWLINK, 0, 1, 0);
  t.is(msg.length, 16);
  t.throws(() => linkView(msg, 0, msg.length), { instanceOf: DecodeError });
});

test('a header-only RTM_NEWLINK inside a datagram does not read the next message as its ifinfomsg', (t) => {
  // The second message's nlmsghdr sits where the first one's ifinfomsg would be: its type and
  // flags made `ifindex` 131075 (0x00020003).
  const datagram = Buffer.concat([nlmsg(RTM_NEWLINK, 0, 1, 0), nlmsg(3, 2, 1, 0, s32(0))]);
  const seen: string[] = [];
  forEachMessage(datagram, 0, datagram.length, (off, len, type) => {
    if (type !== RTM_NEWLINK) return;
    const err = t.throws(() => linkView(datagram, off, len).ifindex, { instanceOf: DecodeError });
    seen.push(err?.path ?? '');
  });
  t.deepEqual(seen, ['link']);
});

test('every view refuses a message shorter than nlmsghdr + its fixed header, at construction', (t) => {
  for (const [family, view] of Object.entries(views)) {
    const need = 16 + headers[family as keyof typeof headers];
    for (let n = 0; n < need; n++) {
      const buf = Buffer.alloc(n + 64, 0xa5);
      if (n >= 4) buf.writeUInt32LE(n, 0);
      t.throws(() => view(buf, 0, n), { instanceOf: DecodeError }, `${family} of ${n} bytes`);
    }
    const ok = Buffer.alloc(need);
    ok.writeUInt32LE(need, 0);
    t.notThrows(() => view(ok, 0, need).toJSON(), `${family} of ${need} bytes`);
  }
});

test('every view refuses an nlmsg_len that claims more bytes than it was given, or a range outside the buffer', (t) => {
  for (const [family, view] of Object.entries(views)) {
    const buf = Buffer.alloc(64);
    buf.writeUInt32LE(64, 0);
    t.throws(() => view(buf, 0, 48), { instanceOf: DecodeError }, `${family}: nlmsg_len 64 in 48 bytes`);
    t.throws(() => view(buf, 16, 64), { instanceOf: DecodeError }, `${family}: past the buffer`);
    t.throws(() => view(buf, -4, 64), { instanceOf: DecodeError }, `${family}: negative offset`);
    t.throws(() => view(buf, Number.NaN, 64), { instanceOf: DecodeError }, `${family}: NaN offset`);
  }
});

test('a view given more bytes than its nlmsg_len reads only its own message', (t) => {
  // A route message of 28 bytes followed by garbage that is not an attribute list.
  const msg = bytes(u32(28), u16(24), u16(0), u32(1), u32(0), [2, 0, 0, 0, 254, 4, 0, 1], u32(0));
  const buf = Buffer.concat([msg, Buffer.from('ffff0100deadbeef', 'hex')]);
  const view = routeView(buf, 0, buf.length);
  t.is(view.raw.length, 28);
  t.is(view.oif, undefined);
  t.deepEqual(view.attributes, {});
});

test('an NLMSG_ERROR whose echoed nlmsg_len is 0x80000000 or more is a DecodeError, not a negative offset', (t) => {
  for (const echoedLen of [0x80000000, 0xfffffffc, 0xffffffff, 0x7ffffffd]) {
    const msg = nlmsg(2, 0x200 /* NLM_F_ACK_TLVS */, 1, 0, s32(-22), u32(echoedLen), u16(16), u16(5), u32(1), u32(0));
    t.throws(() => parseErrorMessage(msg, 0, msg.length, 0x200), { instanceOf: DecodeError }, `echoed nlmsg_len ${echoedLen}`);
  }
});

test('an NLMSG_ERROR whose echoed request is shorter than a header or longer than the error is a DecodeError', (t) => {
  for (const echoedLen of [0, 15, 36, 1000]) {
    const msg = nlmsg(2, 0x200, 1, 0, s32(-22), u32(echoedLen), u16(16), u16(5), u32(1), u32(0), u32(0x00010008), u32(0));
    t.throws(() => parseErrorMessage(msg, 0, msg.length, 0x200), { instanceOf: DecodeError }, `echoed nlmsg_len ${echoedLen}`);
  }
  // The echoed request exactly fills what precedes the TLVs: fine.
  const whole = nlmsg(2, 0x200, 1, 0, s32(-22), u32(16), u16(16), u16(5), u32(1), u32(0), u32(0x00020008), u32(12));
  t.deepEqual(parseErrorMessage(whole, 0, whole.length, 0x200), { errno: 22, extack: { offset: 12 } });
});
