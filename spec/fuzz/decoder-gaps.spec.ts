// The decoder gaps found from outside by fuzzing (issue 7, defect 6), each as the smallest input
// that showed it. Every view checks its message when it is made: a message too short for its
// family's fixed header, or whose nlmsg_len does not fit the bytes it was given, is a DecodeError
// at construction, as decodeXxxMessage() does — never a RangeError from a getter, never bytes of
// the next message read as fields.
import test from 'ava';
import { DecodeError, ValidationError } from '../../lib/netlink/core/errors.js';
import { forEachMessage, parseErrorMessage } from '../../lib/netlink/core/message.js';
import { addressView } from '../../lib/netlink/rtnl/address/view.js';
import { decodeLinkMessage, encodeLinkBody } from '../../lib/netlink/rtnl/link/codec.js';
import { linkKindData } from '../../lib/netlink/rtnl/link/kinds/index.js';
import { linkView } from '../../lib/netlink/rtnl/link/view.js';
import { NlWriter } from '../../lib/netlink/core/writer.js';
import { neighborView } from '../../lib/netlink/rtnl/neighbor/view.js';
import { routeView } from '../../lib/netlink/rtnl/route/view.js';
import { ruleView } from '../../lib/netlink/rtnl/rule/view.js';
import { attr, bytes, cstr, nlmsg, s32, u16, u32 } from '../helpers/bytes.js';

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

// Found by the fuzzer (spec/fuzz/), saved under spec/fixtures/regress/ too.

/** IFLA_LINKINFO { KIND veth, DATA { VETH_INFO_PEER { ifinfomsg, `inner` } } }. */
function vethLevel(inner: Buffer): Buffer {
  return attr(18, attr(1, cstr('veth')), attr(2, attr(1, Buffer.alloc(16), inner)));
}

test('a veth peer nested in its own link info 1000 times is a DecodeError, not a stack overflow', (t) => {
  let nest: Buffer = Buffer.alloc(0);
  for (let i = 0; i < 1000; i++) nest = vethLevel(nest);
  const msg = nlmsg(RTM_NEWLINK, 0, 1, 0, Buffer.alloc(16), nest);
  t.throws(() => decodeLinkMessage(msg), { instanceOf: DecodeError, message: /nested more than/ });
  const view = linkView(msg, 0, msg.length);
  t.throws(() => view.linkInfo, { instanceOf: DecodeError });
  t.throws(() => view.attributes, { instanceOf: DecodeError });
  t.throws(() => JSON.stringify(view), { instanceOf: DecodeError });
  // Two levels (a veth request whose peer names its own kind) still decode.
  const two = nlmsg(RTM_NEWLINK, 0, 1, 0, Buffer.alloc(16), vethLevel(vethLevel(Buffer.alloc(0))));
  t.is(linkKindData(decodeLinkMessage(two).attributes.linkinfo, 'veth')?.peer?.attributes.linkinfo?.kind, 'veth');
});

test('an attribute longer than nla_len can count is a ValidationError when written, not a RangeError', (t) => {
  const w = new NlWriter();
  t.throws(() => w.attrString(3, 'x'.repeat(0xffff - 4)), { instanceOf: ValidationError, message: /at most 65535 bytes/ });
  t.throws(() => w.attrBytes(3, new Uint8Array(0x10000)), { instanceOf: ValidationError });
  const nest = w.beginNest(18);
  w.attrBytes(1, new Uint8Array(0xfff0));
  w.attrBytes(2, new Uint8Array(0x20));
  t.throws(() => w.endNest(nest), { instanceOf: ValidationError, message: /^attribute type 18: / });
  t.notThrows(() => new NlWriter().attrString(3, 'x'.repeat(0xffff - 5)));
});

test('a decoded string that grows when encoded again (bytes that are not UTF-8) is a ValidationError from encode', (t) => {
  // IFLA_IFNAME of 21,844 bytes 0x80: each decodes to U+FFFD, three bytes in UTF-8.
  const msg = nlmsg(RTM_NEWLINK, 0, 1, 0, Buffer.alloc(16), attr(3, Buffer.alloc(21844, 0x80)));
  const body = decodeLinkMessage(msg);
  t.is(body.attributes.ifname?.length, 21844);
  const w = new NlWriter();
  w.beginMessage(RTM_NEWLINK, 0, 1);
  t.throws(() => encodeLinkBody(w, body), { instanceOf: ValidationError });
});

test('a getter gives the same answer read first or after others, when a later attribute is malformed', (t) => {
  // IFLA_IFNAME 'a', then an attribute claiming 64 bytes with 4 left.
  const msg = nlmsg(RTM_NEWLINK, 0, 1, 0, Buffer.alloc(16), attr(3, cstr('a')), u16(64), u16(4));
  t.is(linkView(msg, 0, msg.length).name, 'a');
  t.throws(() => linkView(msg, 0, msg.length).mtu, { instanceOf: DecodeError });
  const view = linkView(msg, 0, msg.length);
  // Past three reads the view indexes the message: the answers must not change.
  for (let i = 0; i < 3; i++) t.throws(() => view.mtu, { instanceOf: DecodeError });
  t.is(view.name, 'a');
  t.throws(() => view.mtu, { instanceOf: DecodeError });
  t.throws(() => view.toJSON(), { instanceOf: DecodeError });
});

test('trailing bytes that are not padding are a DecodeError for a getter whether it walks or uses the index', (t) => {
  const msg = Buffer.concat([nlmsg(RTM_NEWLINK, 0, 1, 0, Buffer.alloc(16), attr(3, cstr('a'))), Buffer.from([1, 0])]);
  msg.writeUInt32LE(msg.length, 0);
  t.is(linkView(msg, 0, msg.length).name, 'a');
  t.throws(() => linkView(msg, 0, msg.length).mtu, { instanceOf: DecodeError, message: /trailing bytes/ });
  const view = linkView(msg, 0, msg.length);
  for (let i = 0; i < 4; i++) t.is(view.name, 'a');
  t.throws(() => view.mtu, { instanceOf: DecodeError, message: /trailing bytes/ });
});
