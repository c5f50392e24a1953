// The address codec on golden bytes captured from a 6.18 kernel and from iproute2 6.1 (the
// fixtures in spec/fixtures/address/, made by spec/fixtures/address/capture.sh; each file names its
// command), and the request encoder of nl.addresses against iproute2's request bytes, through the
// fake kernel (no privileges needed).
import { readFileSync } from 'node:fs';
import test, { type ExecutionContext } from 'ava';
import {
  addressAttrs, addressFlagNames, addressScopeName, addressScopeNumber, decodeAddressMessage, encodeAddressBody,
  type AddressBody,
} from '../../../../lib/netlink/rtnl/address/codec.js';
import { addressView } from '../../../../lib/netlink/rtnl/address/view.js';
import { Addresses } from '../../../../lib/netlink/rtnl/address/service.js';
import { checkAddress, type AddressAddOptions } from '../../../../lib/netlink/rtnl/address/options.js';
import { checkAddressFilter, globMatch, type AddressListOptions } from '../../../../lib/netlink/rtnl/address/filter.js';
import { writeAddAddress, writeAddressDump, writeDelAddress } from '../../../../lib/netlink/rtnl/address/request.js';
import { forEachAttr } from '../../../../lib/netlink/core/attributes.js';
import { Connection } from '../../../../lib/netlink/transport/connection.js';
import { messageTypeName } from '../../../../lib/netlink/rtnl/rtm.js';
import { DecodeError, NetlinkError, ValidationError } from '../../../../lib/netlink/core/errors.js';
import { Links } from '../../../../lib/netlink/rtnl/link/service.js';
import { NlWriter } from '../../../../lib/netlink/core/writer.js';
import { attr, bytes, cstr, nldone, nlerror, nlmsg, s32, u32, u8 } from '../../../helpers/bytes.js';
import { checkReencode, checkTruncations } from '../../../helpers/golden.js';
import { FakeKernel, type SentMessage } from '../../../helpers/fake-kernel.js';
import { fixturesUrl } from '../../../helpers/fixtures.js';

const FIXTURES = fixturesUrl('address');

/** A fixture's message bytes (comment lines dropped). */
function fixture(name: string): Buffer {
  const text = readFileSync(new URL(`${name}.hex`, FIXTURES), 'utf8');
  return Buffer.from(text.split('\n').filter((l) => !l.startsWith('#')).join('').replace(/\s/g, ''), 'hex');
}

const FOREVER = 0xffffffff;

/** The kernel's messages, and what they decode to (written from the hex, not from the decoder). */
const GOLDEN: Record<string, AddressBody> = {
  'v4-brd-label': {
    header: { family: 2, prefixlen: 24, flags: 0x80, scope: 0, index: 3 },
    attributes: {
      address: '10.1.2.3', local: '10.1.2.3', broadcast: '10.1.2.255', label: 'v0:1', flags: 0x80,
      cacheinfo: { prefered: FOREVER, valid: FOREVER, cstamp: 0x061692, tstamp: 0x061692 },
    },
  },
  'v4-peer': {
    header: { family: 2, prefixlen: 32, flags: 0x80, scope: 253, index: 3 },
    attributes: {
      address: '10.3.0.2', local: '10.3.0.1', label: 'v0', flags: 0x80,
      cacheinfo: { prefered: FOREVER, valid: FOREVER, cstamp: 0x0616ce, tstamp: 0x0616ce },
    },
  },
  'v4-metric': {
    header: { family: 2, prefixlen: 24, flags: 0x80, scope: 0, index: 3 },
    attributes: {
      address: '10.6.0.1', local: '10.6.0.1', label: 'v0', flags: 0x80, rtPriority: 9,
      cacheinfo: { prefered: FOREVER, valid: FOREVER, cstamp: 0x061735, tstamp: 0x061735 },
    },
  },
  'v4-target-netnsid': {
    header: { family: 2, prefixlen: 24, flags: 0x80, scope: 0, index: 1 },
    attributes: {
      targetNetnsid: 7, address: '192.0.2.9', local: '192.0.2.9', label: 'lo', flags: 0x80,
      cacheinfo: { prefered: FOREVER, valid: FOREVER, cstamp: 0x06180e, tstamp: 0x06180e },
    },
  },
  'v4-multicast': {
    header: { family: 2, prefixlen: 32, flags: 0x80, scope: 0, index: 1 },
    attributes: { multicast: '224.0.0.1', cacheinfo: { prefered: FOREVER, valid: FOREVER, cstamp: 0x06168e, tstamp: 0x06168e } },
  },
  'v6-flags-lft': {
    header: { family: 10, prefixlen: 64, flags: 0x02, scope: 0, index: 3 },
    attributes: {
      address: '2001:db8::1', cacheinfo: { prefered: 48, valid: 98, cstamp: 0x0616ac, tstamp: 0x0616ac }, flags: 0x202,
    },
  },
  'v6-linklocal-proto': {
    header: { family: 10, prefixlen: 64, flags: 0x80, scope: 253, index: 2 },
    attributes: {
      address: 'fe80::1c94:47ff:fed0:16e4', cacheinfo: { prefered: FOREVER, valid: FOREVER, cstamp: 0x061734, tstamp: 0x061734 },
      flags: 0x80, proto: 3,
    },
  },
  'v6-multicast': {
    header: { family: 10, prefixlen: 128, flags: 0x80, scope: 0, index: 1 },
    attributes: { multicast: 'ff02::1', cacheinfo: { prefered: FOREVER, valid: FOREVER, cstamp: 0x06168b, tstamp: 0x06168b } },
  },
  'v6-anycast': {
    header: { family: 10, prefixlen: 128, flags: 0x80, scope: 0, index: 2 },
    attributes: { anycast: '2001:db8:5::', cacheinfo: { prefered: FOREVER, valid: FOREVER, cstamp: 0x061734, tstamp: 0x061734 } },
  },
};

/** What the lazy view says for each golden, with the names ip -j prints (camelCased). */
const VIEWS: Record<string, object> = {
  'v4-brd-label': {
    family: 4, ifindex: 3, local: '10.1.2.3', address: '10.1.2.3', prefixlen: 24, cidr: '10.1.2.3/24', peer: undefined,
    broadcast: '10.1.2.255', label: 'v0:1', scope: 'global', scopeId: 0, flags: ['permanent'], rawFlags: 0x80, dynamic: false,
    validLft: Infinity, preferredLft: Infinity, metric: undefined, proto: undefined, messageType: 20,
  },
  'v4-peer': {
    family: 4, ifindex: 3, local: '10.3.0.1', address: '10.3.0.2', peer: '10.3.0.2', prefixlen: 32, cidr: '10.3.0.1/32',
    broadcast: undefined, label: 'v0', scope: 'link', scopeId: 253, flags: ['permanent'],
  },
  'v4-metric': { family: 4, cidr: '10.6.0.1/24', metric: 9, flags: ['permanent'] },
  'v4-target-netnsid': { family: 4, ifindex: 1, cidr: '192.0.2.9/24', label: 'lo' },
  'v4-multicast': { family: 4, multicast: '224.0.0.1', messageType: 58 },
  'v6-flags-lft': {
    family: 6, ifindex: 3, local: '2001:db8::1', address: '2001:db8::1', peer: undefined, prefixlen: 64, cidr: '2001:db8::1/64',
    label: undefined, broadcast: undefined, scope: 'global', flags: ['nodad', 'noprefixroute'], rawFlags: 0x202, dynamic: true,
    validLft: 98, preferredLft: 48,
  },
  'v6-linklocal-proto': {
    family: 6, ifindex: 2, cidr: 'fe80::1c94:47ff:fed0:16e4/64', scope: 'link', scopeId: 253, flags: ['permanent'], proto: 'kernel_ll', protoId: 3,
  },
  'v6-multicast': { family: 6, multicast: 'ff02::1', validLft: Infinity },
  'v6-anycast': { family: 6, ifindex: 2, anycast: '2001:db8:5::', messageType: 62 },
};

for (const [name, expected] of Object.entries(GOLDEN)) {
  test(`golden ${name}: decode gives the fields, encode gives the kernel's bytes back`, (t) => {
    const raw = fixture(name);
    const body = decodeAddressMessage(raw);
    t.deepEqual(body, expected);
    t.is(body.attributes.unknown, undefined, 'a 6.18 kernel sends no attribute we do not know');
    checkReencode(t, raw, encodeAddressBody, expected);
  });

  test(`golden ${name}: the lazy view agrees`, (t) => {
    const raw = fixture(name);
    const view = addressView(raw, 0, raw.length);
    const fields = view as unknown as Record<string, unknown>;
    for (const [field, value] of Object.entries(VIEWS[name]!)) t.deepEqual(fields[field], value, field);
    t.deepEqual(view.attributes, expected.attributes);
    t.deepEqual(view.header, expected.header);
    t.deepEqual(view.raw, raw);
    // toJSON holds the public fields and nothing decodes eagerly wrong.
    const json = view.toJSON() as Record<string, unknown>;
    for (const key of ['family', 'ifindex', 'local', 'prefixlen', 'cidr', 'scope', 'flags']) t.deepEqual(json[key], fields[key], key);
  });

  test(`golden ${name}: every truncation is a DecodeError, never a crash or a wrong value`, (t) => {
    const raw = fixture(name);
    // Besides the shared checks: the lazy view refuses a message without a whole header, and its
    // getters throw DecodeError (never read past the message) when an attribute is cut.
    checkTruncations(t, raw, decodeAddressMessage, expected, 24, (short, cut, _decoded, insideAttribute) => {
      if (cut < 24) {
        t.throws(() => addressView(short, 0, cut), { instanceOf: DecodeError });
      } else if (insideAttribute) {
        t.throws(() => addressView(short, 0, cut).toJSON(), { instanceOf: DecodeError }, `view cut at ${cut}`);
      }
    });
  });
}

test('unknown attributes are kept in place and re-encoded byte for byte; repeated ones too', (t) => {
  const raw = bytes(
    attr(1, [10, 0, 0, 1]),
    attr(12, u32(0xdeadbeef)), // a future IFA_* attribute
    attr(2, [10, 0, 0, 1]),
    attr(1, [10, 0, 0, 2]), // a repeat
    attr(0x8000 | 13, attr(1, u8(1))),
  );
  const v = addressAttrs.decode(raw, 0, raw.length);
  t.is(v.address, '10.0.0.1');
  t.is(v.local, '10.0.0.1');
  t.deepEqual(v.unknown?.map((u) => [u.type, u.index]), [[12, 1], [1, 3], [0x8000 | 13, 4]]);
  const w = new NlWriter();
  addressAttrs.encode(w, v);
  t.deepEqual(w.bytes(), raw);
});

test('wrong payload sizes are DecodeErrors naming the attribute', (t) => {
  const cases: Array<[Buffer, string]> = [
    [attr(2, [10, 0, 0]), 'address.local'],
    [attr(6, u32(1), u32(2), u32(3)), 'address.cacheinfo'],
    [attr(8, [1, 2]), 'address.flags'],
    [attr(11, u32(3)), 'address.proto'],
  ];
  for (const [raw, path] of cases) {
    const e = t.throws(() => addressAttrs.decode(raw, 0, raw.length), { instanceOf: DecodeError });
    t.is(e.path, path);
  }
  // A longer ifa_cacheinfo (a newer kernel) keeps its extra bytes.
  const long = attr(6, u32(1), u32(2), u32(3), u32(4), u32(5));
  const v = addressAttrs.decode(long, 0, long.length);
  const { tail, ...fields } = v.cacheinfo!;
  t.deepEqual(fields, { prefered: 1, valid: 2, cstamp: 3, tstamp: 4 });
  t.deepEqual([...tail!], [...u32(5)]);
  const w = new NlWriter();
  addressAttrs.encode(w, v);
  t.deepEqual(w.bytes(), long);
});

test('flag and scope names are the ones ip -j prints (its JSON keys)', (t) => {
  t.deepEqual(addressFlagNames(0, 2), []);
  t.deepEqual(addressFlagNames(0x01, 2), ['secondary']);
  t.deepEqual(addressFlagNames(0x01, 10), ['temporary']);
  t.deepEqual(addressFlagNames(0xfff, 10), [
    'temporary', 'nodad', 'optimistic', 'dadfailed', 'home', 'deprecated', 'tentative', 'permanent',
    'mngtmpaddr', 'noprefixroute', 'autojoin', 'stable-privacy',
  ]);
  t.deepEqual(addressFlagNames(0xfff, 2)[0], 'secondary');
  t.deepEqual(addressFlagNames(0x80001000 | 0x40, 10), ['tentative', '0x80001000'], 'bits no IFA_F_* names come last, in hex');
  t.deepEqual([0, 200, 253, 254, 255, 7].map(addressScopeName), ['global', 'site', 'link', 'host', 'nowhere', '7']);
  t.is(addressScopeNumber('link'), 253);
  t.is(addressScopeNumber('bogus'), undefined);
});

// ---- requests, against iproute2's bytes, through the fake kernel ----

const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const RTM_NEWADDR = 20;
const RTM_DELADDR = 21;
const RTM_GETADDR = 22;
const NLM_F_ACK = 0x04;

/** ACKs everything (or fails with errnoFor), ends dumps, answers RTM_GETLINK by name from `ifindexes`. */
function fakeKernel(ifindexes: Record<string, number> = {}, errnoFor: (m: SentMessage) => number = () => 0,
  dumpReplies: (m: SentMessage) => Buffer[] = () => []): FakeKernel {
  return new FakeKernel((msgs, k) => {
    k.deliver(...msgs.flatMap((m) => {
      if (m.type === RTM_GETLINK) {
        let name = '';
        forEachAttr(m.payload, 16, m.payload.length, 'l', (type, off, len) => {
          if (type === 3) name = m.payload.toString('utf8', off, off + len - 1);
        });
        const index = ifindexes[name];
        return [index === undefined ? nlerror(m.seq, 19, { type: m.type, flags: m.flags })
          : nlmsg(RTM_NEWLINK, 0, m.seq, 0, [0, 0, 1, 0], s32(index), u32(0), u32(0))];
      }
      if (m.type === RTM_GETADDR) return [...dumpReplies(m).map((r) => { r.writeUInt32LE(m.seq, 8); return r; }), nldone(m.seq)];
      // Like the kernel: an error always answers, a success only when NLM_F_ACK asks for it.
      const errno = errnoFor(m);
      return errno !== 0 || (m.flags & NLM_F_ACK) ? [nlerror(m.seq, errno, { type: m.type, flags: m.flags })] : [];
    }));
  });
}

function open(kernel: FakeKernel): { addresses: Addresses; conn: Connection } {
  kernel.install();
  const conn = Connection.open(0, {}, messageTypeName);
  return { addresses: new Addresses(conn, new Links(conn)), conn };
}

/** The attributes of a request payload after the ifaddrmsg, in wire order. */
function attrList(payload: Buffer): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  forEachAttr(payload, 8, payload.length, 'req', (_t, off, len, rawType) => {
    out.push([rawType, payload.toString('hex', off, off + len)]);
  });
  return out;
}

/** Compares our request with iproute2's, byte for byte (except `headerDiffs`: offset → our byte). */
function sameRequest(t: ExecutionContext, ours: SentMessage, golden: Buffer, headerDiffs: Record<number, number> = {}): void {
  t.is(ours.type, golden.readUInt16LE(4), 'nlmsg_type');
  t.is(ours.flags, golden.readUInt16LE(6), 'nlmsg_flags');
  const theirs = Buffer.from(golden.subarray(16, golden.readUInt32LE(0)));
  for (const [at, value] of Object.entries(headerDiffs)) {
    t.is(ours.payload[Number(at)], value, `our header byte ${at}`);
    theirs[Number(at)] = value;
  }
  t.deepEqual(attrList(ours.payload), attrList(theirs), 'attributes, in iproute2\'s order');
  t.deepEqual(ours.payload, theirs, 'bytes');
}

const serial = test.serial;

/** iproute2's requests and the calls that must send the same bytes (`diffs`: header offset → our byte). */
const REQUESTS: Array<[string, 'add' | 'del' | 'list', object, Record<number, number>?]> = [
  ['req-add-v4-brd-label', 'add', { link: 'v0', address: '10.1.2.3/24', broadcast: true, label: 'v0:1' }],
  // iproute2 leaves ifa_flags 0 when it sends IFA_FLAGS; we keep the low 8 bits there (0x202 → 0x02)
  // as the kernel does in its own messages. The kernel reads IFA_FLAGS and ignores the byte.
  ['req-add-v6-flags-lft', 'add', {
    link: 'v0', address: '2001:db8::1/64', flags: ['nodad', 'noprefixroute'], validLft: 100, preferredLft: 50,
  }, { 2: 0x02 }],
  ['req-add-v4-brd-metric', 'add', { link: 'v0', address: '10.2.0.1/16', broadcast: '10.2.255.254', metric: 7 }],
  ['req-add-v4-peer', 'add', { link: 'v0', address: '10.3.0.1', peer: '10.3.0.2/32', scope: 'link' }],
  ['req-add-v6-nodad', 'add', { link: 3, address: '2001:db8:1::1/64', flags: ['nodad'] }],
  ['req-del-v4', 'del', { link: 'v0', address: '10.2.0.1/16' }],
  ['req-del-v6', 'del', { link: 3, address: '2001:db8:1::1/64' }],
  ['req-dump-v6-dev', 'list', { link: 'v0', family: 6 }],
  ['req-dump-v4', 'list', { family: 4 }],
];

/** The golden with our header bytes patched in (see `diffs`). */
function patched(golden: Buffer, diffs: Record<number, number> = {}): Buffer {
  const out = Buffer.from(golden.subarray(0, golden.readUInt32LE(0)));
  for (const [at, value] of Object.entries(diffs)) out[16 + Number(at)] = value;
  return out;
}

for (const [name, method, options, diffs] of REQUESTS) {
  serial(`request ${name}: the same message iproute2 sends`, async (t) => {
    const k = fakeKernel({ v0: 3 });
    const { addresses, conn } = open(k);
    await (method === 'list' ? addresses.list(options) : addresses[method](options as AddressAddOptions));
    const sent = k.sent.filter((m) => m.type !== RTM_GETLINK);
    t.is(sent.length, 1);
    sameRequest(t, sent[0]!, fixture(name), diffs);
    conn.close();
  });

  test(`request ${name}: request.ts writes iproute2's bytes, and the reply codec decodes and re-encodes them unchanged`, (t) => {
    const golden = fixture(name);
    const w = new NlWriter();
    const start = w.beginMessage(golden.readUInt16LE(4), golden.readUInt16LE(6), golden.readUInt32LE(8), golden.readUInt32LE(12));
    if (method === 'list') {
      const l = checkAddressFilter(options);
      writeAddressDump(w, l.family, l.link === undefined ? 0 : 3);
    } else {
      (method === 'add' ? writeAddAddress : writeDelAddress)(w, checkAddress('', options), 3);
    }
    w.endMessage(start);
    const ours = Buffer.from(w.bytes());
    t.deepEqual(ours, patched(golden, diffs));
    // One encoder: the header writer and attribute codecs that wrote the request re-encode its decode.
    checkReencode(t, ours, encodeAddressBody, decodeAddressMessage(ours));
  });
}

serial('add: the other options land where iproute2 would put them', async (t) => {
  const k = fakeKernel({ v0: 3 });
  const { addresses, conn } = open(k);
  await addresses.add({ link: 3, address: '127.0.0.5/8' });
  await addresses.add({
    link: 3, address: '10.9.0.1/24', proto: 4, flags: ['mcautojoin', 'noprefixroute'], validLft: 'forever', preferredLft: 0,
  });
  await addresses.add({ link: 3, address: '10.9.0.2/31', broadcast: true, scope: 200 });
  await addresses.add({ link: 3, address: '2001:db8::2', flags: ['home', 'mngtmpaddr', 'optimistic', 'autojoin'], validLft: Infinity });
  await addresses.replace({ link: 3, address: '10.9.0.1/24', validLft: 60 }); // preferred follows valid
  const [lo, proto, p31, v6, replace] = k.sent;
  t.deepEqual(lo!.payload, bytes([2, 8, 0, 254], u32(3), attr(2, [127, 0, 0, 5]), attr(1, [127, 0, 0, 5])), '127/8 gets host scope as in iproute2');
  t.deepEqual(proto!.payload, bytes([2, 24, 0, 0], u32(3), attr(2, [10, 9, 0, 1]), attr(11, [4]), attr(8, u32(0x600)),
    attr(1, [10, 9, 0, 1]), attr(6, u32(0), u32(FOREVER), u32(0), u32(0))));
  t.deepEqual(p31!.payload, bytes([2, 31, 0, 200], u32(3), attr(2, [10, 9, 0, 2]), attr(1, [10, 9, 0, 2])), 'no broadcast for /31 (brd +)');
  const v6addr = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
  t.deepEqual(v6!.payload, bytes([10, 128, 0x14, 0], u32(3), attr(2, v6addr), attr(8, u32(0x514)), attr(1, v6addr),
    attr(6, u32(FOREVER), u32(FOREVER), u32(0), u32(0))));
  t.is(replace!.type, RTM_NEWADDR);
  t.is(replace!.flags, 0x505, 'NLM_F_REQUEST | NLM_F_ACK | NLM_F_REPLACE | NLM_F_CREATE');
  t.deepEqual(replace!.payload, bytes([2, 24, 0, 0], u32(3), attr(2, [10, 9, 0, 1]), attr(1, [10, 9, 0, 1]),
    attr(6, u32(60), u32(60), u32(0), u32(0))));
  conn.close();
});

serial('del sends what the kernel matches on: the peer as IFA_ADDRESS, the label; add-only options stay out', async (t) => {
  const k = fakeKernel();
  const { addresses, conn } = open(k);
  await addresses.del({ link: 3, address: '10.3.0.1', peer: '10.3.0.2/32' });
  await addresses.del({
    link: 3, address: '10.1.2.3/24', label: 'v0:1', broadcast: true, scope: 'link', metric: 5, validLft: 9, flags: ['noprefixroute'],
  });
  t.deepEqual(k.sent[0]!.payload, bytes([2, 32, 0, 0], u32(3), attr(2, [10, 3, 0, 1]), attr(1, [10, 3, 0, 2])));
  t.deepEqual(k.sent[1]!.payload, bytes([2, 24, 0, 0], u32(3), attr(2, [10, 1, 2, 3]), attr(3, cstr('v0:1')), attr(1, [10, 1, 2, 3])));
  conn.close();
});

serial('list: decodes the dump lazily, keeps IP addresses of the asked link and family only', async (t) => {
  const v4 = fixture('v4-brd-label');
  const v6 = fixture('v6-flags-lft');
  const ll = fixture('v6-linklocal-proto');
  // A message of another family (a phonet address, say) and a stray message for another link.
  const other = nlmsg(RTM_NEWADDR, 2, 0, 0, [35, 0, 0, 0], u32(3), attr(1, [1]));
  const k = fakeKernel({ v0: 3 }, () => 0, () => [v4, v6, ll, other].map((b) => Buffer.from(b)));
  const { addresses, conn } = open(k);
  const all = await addresses.list();
  t.deepEqual(all.map((a) => a.cidr), ['10.1.2.3/24', '2001:db8::1/64', 'fe80::1c94:47ff:fed0:16e4/64']);
  const onV0 = await addresses.list({ link: 'v0' });
  t.deepEqual(onV0.map((a) => a.cidr), ['10.1.2.3/24', '2001:db8::1/64'], 'the stray link-2 message is dropped');
  const six = await addresses.list({ family: 6 });
  t.deepEqual(six.map((a) => a.family), [6, 6]);
  const streamed: string[] = [];
  for await (const a of addresses.stream({ link: 3 })) streamed.push(a.cidr);
  t.deepEqual(streamed, onV0.map((a) => a.cidr));
  const dumps = k.sent.filter((m) => m.type === RTM_GETADDR);
  t.deepEqual(dumps.map((m) => m.flags), [0x301, 0x301, 0x301, 0x301]);
  t.deepEqual(dumps.map((m) => [...m.payload]), [
    [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 3, 0, 0, 0], [10, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 3, 0, 0, 0],
  ]);
  conn.close();
});

serial('addMany/delMany: one bulk, names resolved once, results in order, a missing link fails only its items', async (t) => {
  // The fake refuses 10.1.2.3 with EEXIST and 10.1.2.9 with EADDRNOTAVAIL.
  const k = fakeKernel({ v0: 3, v1: 2 }, (m) => {
    const local = m.payload.readUInt32BE(12);
    return local === 0x0a010203 ? 17 : local === 0x0a010209 ? 99 : 0;
  });
  const { addresses, conn } = open(k);
  const items = [
    { link: 'v0', address: '10.1.2.1/32' },
    { link: 'nope0', address: '10.1.2.2/32' },
    { link: 'v0', address: '10.1.2.3/32' },
    { link: 'v1', address: '10.1.2.4/24', label: 'v1:x' },
    { link: 3, address: '2001:db8::5/128', flags: ['nodad' as const] },
    { link: 'nope0', address: '10.1.2.6/32' },
  ];
  const results = await addresses.addMany(items);
  t.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled', 'rejected']);
  const reason = (i: number): NetlinkError => (results[i] as { reason: Error }).reason as NetlinkError;
  t.true(reason(1) instanceof NetlinkError, 'ENODEV is a NetlinkError');
  t.is(reason(1).code, 'ENODEV');
  t.is(reason(5).code, 'ENODEV');
  t.is(reason(2).code, 'EEXIST');
  t.is(reason(2).op, 'RTM_NEWADDR');
  t.is(k.sent.filter((m) => m.type === RTM_GETLINK).length, 3, 'v0, nope0 and v1 looked up once each');
  const adds = k.sent.filter((m) => m.type === RTM_NEWADDR);
  t.deepEqual(adds.map((m) => m.payload.readUInt32LE(4)), [3, 3, 2, 3]);
  // NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL; the engine asks for an ACK on the last of a datagram only.
  t.deepEqual(adds.map((m) => m.flags & ~NLM_F_ACK), [0x601, 0x601, 0x601, 0x601], 'add flags');
  t.true((adds[3]!.flags & NLM_F_ACK) !== 0);
  const dels = await addresses.delMany([{ link: 'v0', address: '10.1.2.9/32' }, { link: 'v0', address: '10.1.2.1/32' }]);
  t.deepEqual(dels.map((r) => r.status), ['rejected', 'fulfilled']);
  t.is(((dels[0] as { reason: Error }).reason as NetlinkError).code, 'EADDRNOTAVAIL');
  t.true(k.sent.filter((m) => m.type === RTM_DELADDR).every((m) => (m.flags & ~NLM_F_ACK) === 0x001), 'del flags');
  t.deepEqual(await addresses.addMany([]), []);
  conn.close();
});

serial('bad input is a ValidationError and nothing is sent (bulk: one bad item stops all)', async (t) => {
  const k = fakeKernel({ v0: 3 });
  const { addresses, conn } = open(k);
  const bad: Array<[unknown, RegExp]> = [
    [{ link: 'v0', address: '10.1.2.300/24' }, /^address: not a valid IP address/],
    [{ link: 'v0', address: '10.1.2.3/33' }, /^address: prefix length must be 0\.\.32/],
    [{ link: 'v0', address: '2001:db8::1/129' }, /^address: prefix length/],
    [{ link: 'v0', address: '10.1.2.3/' }, /^address: /],
    [{ link: 'v0', address: 'fe80::1%v0/64' }, /^address: /],
    [{ link: 'v0', address: 42 }, /^address: a CIDR string is required/],
    [{ link: 'v0' }, /^address: an address/],
    [{ address: '10.1.2.3/24' }, /^link: /],
    [{ link: 'a b', address: '10.1.2.3/24' }, /^link: /],
    [{ link: 0, address: '10.1.2.3/24' }, /^link: /],
    [{ link: 'v0', address: '10.1.2.3/24', peer: '2001:db8::2' }, /^peer: an IPv4 address is required/],
    [{ link: 'v0', address: '10.1.2.3/24', peer: '10.1.2.4/30' }, /^peer: prefix length \/30 differs/],
    [{ link: 'v0', address: '2001:db8::1/64', broadcast: '10.0.0.255' }, /^broadcast: a broadcast address is IPv4 only/],
    [{ link: 'v0', address: '2001:db8::1/64', broadcast: true }, /^broadcast: .*IPv4 only/],
    [{ link: 'v0', address: '10.1.2.3/24', broadcast: '2001:db8::ff' }, /^broadcast: an IPv4 address is required/],
    [{ link: 'v0', address: '10.1.2.3/24', broadcast: false }, /^broadcast: /],
    [{ link: 'v0', address: '2001:db8::1/64', label: 'v0:1' }, /^label: labels are IPv4 only/],
    [{ link: 'v0', address: '10.1.2.3/24', label: 'v0:averylonglabel' }, /^label: a label of 1\.\.15 bytes/],
    [{ link: 'v0', address: '10.1.2.3/24', label: '' }, /^label: /],
    [{ link: 'v0', address: '10.1.2.3/24', label: 'v0\0' }, /^label: /],
    [{ link: 'v0', address: '10.1.2.3/24', scope: 'galaxy' }, /^scope: a scope name/],
    [{ link: 'v0', address: '10.1.2.3/24', scope: 256 }, /^scope: /],
    [{ link: 'v0', address: '2001:db8::1/64', scope: 'link' }, /^scope: .*IPv4 only/],
    [{ link: 'v0', address: '10.1.2.3/24', flags: ['bogus'] }, /^flags\[0\]: not a flag a request can set/],
    [{ link: 'v0', address: '10.1.2.3/24', flags: ['noprefixroute', 'permanent'] }, /^flags\[1\]: not a flag/],
    [{ link: 'v0', address: '10.1.2.3/24', flags: ['secondary'] }, /^flags\[0\]: not a flag a request can set on an IPv4 address/],
    [{ link: 'v0', address: '10.1.2.3/24', flags: ['optimistic'] }, /^flags\[0\]: not a flag a request can set on an IPv4 address \(known: noprefixroute, autojoin, mcautojoin\)/],
    [{ link: 'v0', address: '10.1.2.3/24', flags: ['dadfailed'] }, /^flags\[0\]: not a flag/],
    [{ link: 'v0', address: '10.1.2.3/24', flags: ['nodad'] }, /^flags\[0\]: not a flag/],
    [{ link: 'v0', address: '10.1.2.3/24', flags: ['deprecated'] }, /^flags\[0\]: not a flag/],
    [{ link: 'v0', address: '2001:db8::1/64', flags: ['dadfailed'] }, /^flags\[0\]: not a flag a request can set on an IPv6 address/],
    [{ link: 'v0', address: '2001:db8::1/64', flags: ['tentative'] }, /^flags\[0\]: not a flag/],
    [{ link: 'v0', address: '2001:db8::1/64', flags: ['stable-privacy'] }, /^flags\[0\]: not a flag/],
    // Object.prototype member names are no flag or scope names.
    ...['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty'].flatMap((name): Array<[unknown, RegExp]> => [
      [{ link: 'v0', address: '10.1.2.3/24', flags: [name] }, /^flags\[0\]: not a flag a request can set/],
      [{ link: 'v0', address: '10.1.2.3/24', scope: name }, /^scope: a scope name/],
      [{ link: 'v0', address: '10.1.2.3/24', proto: name }, /^proto: unknown address protocol/],
    ]),
    [{ link: 'v0', address: '10.1.2.3/24', flags: 'nodad' }, /^flags: an array/],
    [{ link: 'v0', address: '10.1.2.3/24', validLft: 10, preferredLft: 20 }, /^preferredLft: the preferred lifetime cannot exceed/],
    [{ link: 'v0', address: '10.1.2.3/24', validLft: 0 }, /^validLft: the valid lifetime must be above 0/],
    [{ link: 'v0', address: '10.1.2.3/24', validLft: -1 }, /^validLft: seconds/],
    [{ link: 'v0', address: '10.1.2.3/24', validLft: 1.5 }, /^validLft: /],
    [{ link: 'v0', address: '10.1.2.3/24', validLft: 0xffffffff }, /^validLft: /],
    [{ link: 'v0', address: '10.1.2.3/24', preferredLft: 'never' }, /^preferredLft: /],
    [{ link: 'v0', address: '10.1.2.3/24', metric: -1 }, /^metric: /],
    [{ link: 'v0', address: '10.1.2.3/24', proto: 256 }, /^proto: /],
    [{ link: 'v0', address: '10.1.2.3/24', brd: '10.1.2.255' }, /^brd: unknown option/],
    [null, /^options: /],
  ];
  for (const [options, message] of bad) {
    await t.throwsAsync(addresses.add(options as never), { instanceOf: ValidationError, message }, JSON.stringify(options));
    await t.throwsAsync(addresses.replace(options as never), { instanceOf: ValidationError }, JSON.stringify(options));
  }
  for (const [options, message] of bad) {
    await t.throwsAsync(addresses.del(options as never), { instanceOf: ValidationError, message }, JSON.stringify(options));
  }
  await t.throwsAsync(addresses.del({ link: 'v0', address: '10.1.2.3/24', gateway: '10.1.2.1' } as never),
    { instanceOf: ValidationError, message: /^gateway: unknown option/ });
  // del checks add's options too (they are ignored, not unchecked).
  await t.throwsAsync(addresses.del({ link: 'v0', address: '10.1.2.3/24', flags: ['permanent' as never] }),
    { instanceOf: ValidationError, message: /^flags\[0\]: not a flag a request can set/ });
  await t.throwsAsync(addresses.addMany([{ link: 'v0', address: '10.0.0.1/32' }, { link: 'v0', address: 'x' }]),
    { instanceOf: ValidationError, message: /^items\[1\]\.address: / });
  await t.throwsAsync(addresses.addMany([{ link: 'v0', address: '10.0.0.1/32', mask: 24 } as never]),
    { instanceOf: ValidationError, message: /^items\[0\]\.mask: unknown option/ });
  await t.throwsAsync(addresses.delMany([null] as never), { instanceOf: ValidationError, message: /^items\[0\]: / });
  await t.throwsAsync(addresses.delMany('v0' as never), { instanceOf: ValidationError });
  await t.throwsAsync(addresses.list({ family: 5 } as never), { instanceOf: ValidationError, message: /^family: 4 or 6/ });
  await t.throwsAsync(addresses.list({ family: 'inet' } as never), { instanceOf: ValidationError, message: /^family: / });
  await t.throwsAsync(addresses.list({ dev: 'v0' } as never), { instanceOf: ValidationError, message: /^dev: unknown option/ });
  await t.throwsAsync(addresses.list({ link: '' }), { instanceOf: ValidationError, message: /^link: / });
  t.throws(() => addresses.stream({ family: 5 } as never), { instanceOf: ValidationError, message: /^family: / });
  t.is(k.datagrams.length, 0, 'nothing was sent');
  // The valid contrast case does go out.
  await addresses.add({ link: 3, address: '10.1.2.3/24', preferredLft: 20, validLft: 'forever' });
  t.is(k.datagrams.length, 1);
  conn.close();
});

serial('a kernel refusal is a NetlinkError with errno, code and the kernel message', async (t) => {
  const k = new FakeKernel((msgs, kernel) => {
    const m = msgs[0]!;
    const msg = cstr('ipv4: Address already assigned');
    kernel.deliver(nlerror(m.seq, 17, { type: m.type, flags: m.flags }, [attr(1, msg)]));
  });
  const { addresses, conn } = open(k);
  const e = await t.throwsAsync(addresses.add({ link: 3, address: '10.1.2.3/24' }), { instanceOf: NetlinkError });
  t.is(e.errno, 17);
  t.is(e.code, 'EEXIST');
  t.is(e.op, 'RTM_NEWADDR');
  t.is(e.kernelMessage, 'ipv4: Address already assigned');
  conn.close();
});

serial('list filters: label, scope, flags, to and proto pick from the dump (the kernel has none of them)', async (t) => {
  const names = ['v4-brd-label', 'v4-peer', 'v4-metric', 'v4-target-netnsid', 'v6-flags-lft', 'v6-linklocal-proto'];
  const k = fakeKernel({ v0: 3 }, () => 0, () => names.map((n) => Buffer.from(fixture(n))));
  const { addresses, conn } = open(k);
  const pick = async (o: AddressListOptions): Promise<string[]> => (await addresses.list(o)).map((a) => a.cidr);
  t.deepEqual(await pick({ label: 'v0*' }), ['10.1.2.3/24', '10.3.0.1/32', '10.6.0.1/24']);
  t.deepEqual(await pick({ label: 'v0' }), ['10.3.0.1/32', '10.6.0.1/24']);
  t.deepEqual(await pick({ label: 'v0:?' }), ['10.1.2.3/24']);
  t.deepEqual(await pick({ label: '*', family: 6 }), [], 'IPv6 addresses have no label');
  t.deepEqual(await pick({ scope: 'link' }), ['10.3.0.1/32', 'fe80::1c94:47ff:fed0:16e4/64']);
  t.deepEqual(await pick({ scope: 0, family: 6 }), ['2001:db8::1/64']);
  t.deepEqual(await pick({ flags: ['dynamic'] }), ['2001:db8::1/64']);
  t.deepEqual(await pick({ flags: ['-permanent'] }), ['2001:db8::1/64']);
  t.deepEqual(await pick({ flags: ['nodad', 'noprefixroute', 'primary'] }), ['2001:db8::1/64']);
  t.deepEqual(await pick({ flags: ['-primary'] }), [], 'none is secondary');
  t.deepEqual(await pick({ flags: ['permanent', '-nodad'], family: 6 }), ['fe80::1c94:47ff:fed0:16e4/64']);
  t.deepEqual(await pick({ to: '10.0.0.0/8' }), ['10.1.2.3/24', '10.3.0.1/32', '10.6.0.1/24']);
  t.deepEqual(await pick({ to: '10.3.0.1/32' }), ['10.3.0.1/32'], 'the local address, not the peer');
  t.deepEqual(await pick({ to: '10.3.0.2/32' }), []);
  t.deepEqual(await pick({ to: 'fe80::/10' }), ['fe80::1c94:47ff:fed0:16e4/64']);
  t.deepEqual(await pick({ proto: 'kernel_ll' }), ['fe80::1c94:47ff:fed0:16e4/64']);
  t.deepEqual(await pick({ proto: 'unspec', family: 4 }), ['10.1.2.3/24', '10.3.0.1/32', '10.6.0.1/24', '192.0.2.9/24']);
  t.deepEqual(await pick({ link: 'v0', scope: 'global', label: 'v0*', flags: ['primary'] }), ['10.1.2.3/24', '10.6.0.1/24']);
  const dumps = k.sent.filter((m) => m.type === RTM_GETADDR);
  t.deepEqual(dumps.map((m) => m.payload[0]), [0, 0, 0, 10, 0, 10, 0, 0, 0, 0, 10, 2, 2, 2, 10, 0, 2, 0], 'the family (given, or of `to`)');
  t.true(dumps.every((m) => m.payload.length === 8), 'only the ifaddrmsg: strict checking refuses attributes');
  conn.close();
});

test('label patterns follow fnmatch(3) without flags', (t) => {
  const cases: Array<[string, string, boolean]> = [
    ['v0:*', 'v0:web', true], ['v0:*', 'v0', false], ['*', '', true], ['*', 'anything', true], ['v?', 'v0', true],
    ['v?', 'v00', false], ['*:*', 'eth0:1', true], ['*b', 'aaab', true], ['a*b*c', 'a-b-x-c', true], ['a*b*c', 'a-c-b', false],
    ['v[01]', 'v1', true], ['v[01]', 'v2', false], ['v[0-9]:x', 'v7:x', true], ['v[!0-9]', 'va', true], ['v[!0-9]', 'v5', false],
    ['v[^a]', 'vb', true], ['[]]', ']', true], ['[]a]', 'a', true], ['[!]]', 'a', true], ['[!]]', ']', false],
    ['\\*', '*', true], ['\\*', 'x', false], ['v\\?', 'v?', true], ['[a-]', '-', true], ['[', '[', true], ['v[0', 'v[0', true],
    ['[\\]]', ']', true], ['**x', 'abx', true], ['*.*', 'a.b.c', true],
  ];
  for (const [pattern, text, expected] of cases) t.is(globMatch(pattern, text), expected, `${pattern} ~ ${text}`);
});

serial('bad list filters are a ValidationError before anything is sent', async (t) => {
  const k = fakeKernel({ v0: 3 });
  const { addresses, conn } = open(k);
  const bad: Array<[unknown, RegExp]> = [
    [{ label: '' }, /^label: /], [{ label: 5 }, /^label: /], [{ label: 'a\0' }, /^label: /], [{ label: 'x'.repeat(256) }, /^label: /],
    [{ scope: 'galaxy' }, /^scope: unknown scope/], [{ scope: 256 }, /^scope: /], [{ scope: -1 }, /^scope: /],
    [{ flags: 'nodad' }, /^flags: an array/], [{ flags: ['bogus'] }, /^flags\[0\]: unknown flag/], [{ flags: ['--nodad'] }, /^flags\[0\]: /],
    [{ flags: ['nodad', '-nodad'] }, /^flags: a flag cannot be both required and excluded/],
    [{ flags: ['primary', 'secondary'] }, /^flags: a flag cannot be both/], [{ flags: [7] }, /^flags\[0\]: unknown flag/],
    [{ to: '10.0.0.0/33' }, /^to: /], [{ to: '10.0.0.0/8', family: 6 }, /^to: an IPv6 address is required/], [{ to: 10 }, /^to: /],
    [{ proto: 'bgp' }, /^proto: unknown address protocol/], [{ proto: 256 }, /^proto: /],
    [{ family: 4, labels: 'x' }, /^labels: unknown option/],
    ...['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty'].flatMap((name): Array<[unknown, RegExp]> => [
      [{ scope: name }, /^scope: unknown scope/], [{ flags: [name] }, /^flags\[0\]: unknown flag/],
      [{ flags: [`-${name}`] }, /^flags\[0\]: unknown flag/], [{ proto: name }, /^proto: unknown address protocol/],
    ]),
  ];
  for (const [options, message] of bad) {
    await t.throwsAsync(addresses.list(options as never), { instanceOf: ValidationError, message }, JSON.stringify(options));
    t.throws(() => addresses.stream(options as never), { instanceOf: ValidationError, message }, JSON.stringify(options));
  }
  t.is(k.datagrams.length, 0, 'nothing was sent');
  conn.close();
});

test('the view reads IFA_ANYCAST and IFA_MULTICAST, and an address without IFA_ADDRESS falls back to IFA_LOCAL (as ip)', (t) => {
  const v6 = (a: string): number[] => [...Buffer.from(a, 'hex')];
  // RTM_NEWADDR, ifaddrmsg: AF_INET6, /64, IFA_F_PERMANENT, scope global, ifindex 3; attributes written here.
  const message = (...attrs: Buffer[]): Buffer => {
    const body = Buffer.concat([Buffer.from([10, 64, 0x80, 0, 3, 0, 0, 0]), ...attrs]);
    const m = Buffer.alloc(16 + body.length);
    m.writeUInt32LE(m.length, 0);
    m.writeUInt16LE(20, 4);
    body.copy(m, 16);
    return m;
  };
  const a = message(
    Buffer.from([20, 0, 1, 0, ...v6('20010db8000000000000000000000001')]), // IFA_ADDRESS
    Buffer.from([20, 0, 5, 0, ...v6('20010db8000000000000000000000000')]), // IFA_ANYCAST
    Buffer.from([20, 0, 7, 0, ...v6('ff020000000000000000000000000001')]), // IFA_MULTICAST
  );
  const view = addressView(a, 0, a.length);
  t.is(view.anycast, '2001:db8::');
  t.is(view.multicast, 'ff02::1');
  t.like(view.toObject(), { anycast: '2001:db8::', multicast: 'ff02::1' });
  const localOnly = message(Buffer.from([20, 0, 2, 0, ...v6('20010db8000000000000000000000002')])); // IFA_LOCAL
  const l = addressView(localOnly, 0, localOnly.length);
  t.is(l.local, '2001:db8::2');
  t.is(l.address, '2001:db8::2');
  t.is(l.peer, undefined);
});
