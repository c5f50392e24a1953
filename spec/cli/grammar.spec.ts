// The CLI's building blocks without the kernel: the keyword grammar, ip's number parsing and
// command matching, ip's JSON writer (compact and pretty, against text ip 6.1 printed), the name
// databases' file format, and the global options.
import test from 'ava';
import { UsageError } from '../../lib/cli/errors.js';
import { flag, integer, matchCommand, modified, parseUnsigned, parseWords, rest, value, type Grammar } from '../../lib/cli/grammar.js';
import { JsonNumberText, formatJson } from '../../lib/cli/json.js';
import { NameDb, parseDb } from '../../lib/cli/names.js';
import { addressBits, inPrefix, prefixSel } from '../../lib/cli/prefix.js';
import { parseGlobal } from '../../lib/cli/run.js';

interface State {
  dev?: string;
  up?: boolean;
  mtu?: number;
  nud: string[];
  kind?: string | undefined;
  args?: readonly string[];
}

const G: Grammar<State> = {
  object: 'link',
  bare: 'dev',
  keywords: [
    value(['dev'], (s, v) => { s.dev = v; }),
    flag(['up'], (s) => { s.up = true; }),
    value(['mtu'], (s, v) => { s.mtu = integer(v, 'mtu', 68); }),
    value(['nud'], (s, v) => { s.nud.push(v); }, true),
    rest(['type'], (s, words) => {
      s.kind = words[0];
      s.args = words.slice(1);
    }),
  ],
};

const parse = (words: string[]): State => parseWords(G, words, { nud: [] });

test('parseWords: keywords with and without values, the bare word, the rest of the line', (t) => {
  t.deepEqual(parse(['eth0', 'up', 'mtu', '1400']), { nud: [], dev: 'eth0', up: true, mtu: 1400 });
  t.deepEqual(parse(['dev', 'eth0', 'type', 'bridge', 'stp_state', '1']), { nud: [], dev: 'eth0', kind: 'bridge', args: ['stp_state', '1'] });
  t.deepEqual(parse(['nud', 'stale', 'nud', 'reachable']).nud, ['stale', 'reachable']);
  t.deepEqual(parse(['up', 'up']).up, true, 'a switch may repeat, as in ip');
});

test('parseWords: ip\'s errors for a missing value, a duplicate, a garbage word, a bad number', (t) => {
  const err = (words: string[]): string => {
    const e = t.throws(() => parse(words), { instanceOf: UsageError });
    return e.message;
  };
  t.is(err(['mtu']), 'Command line is not complete. Try "rtnl link help".');
  t.is(err(['mtu', '1400', 'mtu', '1500']), 'either "mtu" is duplicate, or "1500" is a garbage.');
  t.is(err(['eth0', 'eth1']), 'either "dev" is duplicate, or "eth1" is a garbage.');
  t.is(err(['mtu', 'abc']), 'argument "abc" is wrong: Invalid "mtu" value');
  t.is(err(['mtu', '10']), 'argument "10" is wrong: Invalid "mtu" value');
  t.is(err(['mtu', '-1']), 'argument "-1" is wrong: Invalid "mtu" value');
  t.is(err(['mtu', '4294967296']), 'argument "4294967296" is wrong: Invalid "mtu" value');
  t.is(err(['mtu', '1e3']), 'argument "1e3" is wrong: Invalid "mtu" value');
  // Object.prototype member names are words like any other: not keywords.
  t.is(err(['eth0', 'constructor']), 'either "dev" is duplicate, or "constructor" is a garbage.');
  t.is(err(['eth0', '__proto__']), 'either "dev" is duplicate, or "__proto__" is a garbage.');
  const noBare: Grammar<State> = { object: 'rule', keywords: G.keywords };
  t.throws(() => parseWords(noBare, ['toString'], { nud: [] }), { instanceOf: UsageError, message: /unknown argument "toString"/ });
});

test('parseWords: modifier words between a keyword and its value (`mtu lock 1400`, `via inet6 ADDR`)', (t) => {
  const g: Grammar<{ got: Array<[string, readonly string[]]> }> = {
    object: 'route',
    keywords: [
      modified(['mtu'], ['lock'], (s, v, mods) => { s.got.push([v, mods]); }),
      modified(['via'], ['inet', 'inet6'], (s, v, mods) => { s.got.push([v, mods]); }),
    ],
  };
  t.deepEqual(parseWords(g, ['mtu', 'lock', '1400', 'via', 'inet6', 'fe80::1'], { got: [] }).got, [['1400', ['lock']], ['fe80::1', ['inet6']]]);
  t.deepEqual(parseWords(g, ['mtu', '1400'], { got: [] }).got, [['1400', []]]);
  // A modifier word in the value's place is the value when nothing follows it.
  t.deepEqual(parseWords(g, ['mtu', 'lock'], { got: [] }).got, [['lock', []]]);
  t.deepEqual(parseWords(g, ['via', 'inet'], { got: [] }).got, [['inet', []]]);
  t.throws(() => parseWords(g, ['mtu'], { got: [] }), { instanceOf: UsageError, message: /not complete/ });
});

test('parseUnsigned reads numbers as C strtoul(…, 0): decimal, 0x hex, 0 octal; nothing else', (t) => {
  t.is(parseUnsigned('0'), 0);
  t.is(parseUnsigned('1400'), 1400);
  t.is(parseUnsigned('0x10'), 16);
  t.is(parseUnsigned('010'), 8);
  for (const bad of ['', ' 1', '1 ', '+1', '-1', '1.5', '1e3', '0x', '08', 'NaN', 'Infinity', '١٢', '99999999999999999999']) {
    t.is(parseUnsigned(bad), undefined, JSON.stringify(bad));
  }
});

test('matchCommand: a word or an abbreviation, the first entry in table order winning (as ip)', (t) => {
  const objects = [{ name: 'address', aliases: ['addr'] }, { name: 'route' }, { name: 'rule' }, { name: 'neighbor', aliases: ['neigh'] }, { name: 'link' }, { name: 'monitor' }, { name: 'netns' }];
  const m = (w: string): string | undefined => matchCommand(objects, w)?.name;
  t.is(m('a'), 'address');
  t.is(m('addr'), 'address');
  t.is(m('r'), 'route');
  t.is(m('ru'), 'rule');
  t.is(m('n'), 'neighbor');
  t.is(m('neigh'), 'neighbor');
  t.is(m('net'), 'netns');
  t.is(m('l'), 'link');
  t.is(m('mo'), 'monitor');
  t.is(m(''), undefined);
  t.is(m('linkx'), undefined);
  t.is(m('constructor'), undefined);
});

test('formatJson: ip\'s compact JSON, and its pretty layout (captured from ip -j -p, iproute2 6.1)', (t) => {
  const link = {
    ifindex: 1, ifname: 'lo', flags: ['LOOPBACK'], mtu: 65536, qdisc: 'noop', operstate: 'DOWN', linkmode: 'DEFAULT',
    group: 'default', txqlen: 1000, link_type: 'loopback', address: '00:00:00:00:00:00', broadcast: '00:00:00:00:00:00',
  };
  t.is(formatJson([link]), '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK"],"mtu":65536,"qdisc":"noop","operstate":"DOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00"}]');
  t.is(formatJson([link], true), `[ {
        "ifindex": 1,
        "ifname": "lo",
        "flags": [ "LOOPBACK" ],
        "mtu": 65536,
        "qdisc": "noop",
        "operstate": "DOWN",
        "linkmode": "DEFAULT",
        "group": "default",
        "txqlen": 1000,
        "link_type": "loopback",
        "address": "00:00:00:00:00:00",
        "broadcast": "00:00:00:00:00:00"
    } ]`);
  const rules = [{ priority: 0, src: 'all', table: 'local' }, { priority: 32766, src: 'all', table: 'main' }];
  t.is(formatJson(rules, true), `[ {
        "priority": 0,
        "src": "all",
        "table": "local"
    },{
        "priority": 32766,
        "src": "all",
        "table": "main"
    } ]`);
  t.is(formatJson([]), '[]');
  t.is(formatJson([], true), '[ ]');
  t.is(formatJson({ a: [], b: {}, c: null, d: true, e: 18446744073709551615n }), '{"a":[],"b":{},"c":null,"d":true,"e":18446744073709551615}');
  t.is(formatJson(['tab\there', 'q"\\', 'nul\0', 'é']), '["tab\\there","q\\"\\\\","nul\\u0000","é"]');
  // ip's timers keep two decimals (`%i.%.2i`), which JSON.stringify would drop.
  t.is(formatJson({ gc_timer: new JsonNumberText('296.10'), hold_timer: new JsonNumberText('0.00') }), '{"gc_timer":296.10,"hold_timer":0.00}');
  t.throws(() => new JsonNumberText('1e5'), { instanceOf: RangeError });
  t.deepEqual(JSON.parse(formatJson({ s: 'a\u0001b\nc', n: [1, 2] }, true)), { s: 'a\u0001b\nc', n: [1, 2] });
});

test('name databases: iproute2\'s file format (decimal or hex ids, comments), the last definition winning', (t) => {
  const db = new NameDb();
  parseDb('# comment\n255\tlocal\n254 main\n0x64 vpn # trailing\n  7 seven\nbogus line\n300 toolarge\n100 vpn2\n', db, 255);
  t.is(db.name(255), 'local');
  t.is(db.name(100), 'vpn2');
  t.is(db.id('vpn'), 100);
  t.is(db.id('seven'), 7);
  t.is(db.name(300), undefined);
  t.is(db.id('constructor'), undefined);
  t.is(db.id('toString'), undefined);
});

test('prefix selectors: IPv4 and IPv6 bits, host and prefix matches', (t) => {
  t.is(addressBits('10.0.0.1'), '00001010000000000000000000000001');
  t.is(addressBits('::1')?.length, 128);
  t.is(addressBits('fd00::1')?.slice(0, 16), '1111110100000000');
  for (const bad of ['10.0.0', '10.0.0.256', '1::2::3', 'fd00:::1', 'x', '']) t.is(addressBits(bad), undefined, bad);
  t.true(inPrefix('10.1.2.3', prefixSel('10.0.0.0/8')));
  t.false(inPrefix('11.1.2.3', prefixSel('10.0.0.0/8')));
  t.true(inPrefix('10.1.2.3', prefixSel('10.1.2.3')));
  t.false(inPrefix('10.1.2.4', prefixSel('10.1.2.3')));
  t.true(inPrefix('fd00::9', prefixSel('fd00::/64')));
  t.false(inPrefix('fd01::9', prefixSel('fd00::/64')));
  t.true(inPrefix('fd01::9', prefixSel('default')));
});

test('global options: util.parseArgs before the object, ip\'s grammar after it', (t) => {
  const g = parseGlobal(['-n', 'blue', '-j', '-p', '-s', '-s', '-d', '-6', 'route', 'add', '10.0.0.0/8', 'metric', '-1']);
  t.deepEqual(g.options, { netns: 'blue', json: true, pretty: true, details: 1, stats: 2, family: 6 });
  t.deepEqual(g.rest, ['route', 'add', '10.0.0.0/8', 'metric', '-1']);
  t.deepEqual(parseGlobal(['-js4', 'link']).options, { netns: undefined, json: true, pretty: false, details: 0, stats: 1, family: 4 });
  t.deepEqual(parseGlobal(['--netns=red', '--json', 'link']).options.netns, 'red');
  t.deepEqual(parseGlobal(['-j', '--', 'link', '-j']).rest, ['link', '-j']);
  t.throws(() => parseGlobal(['--frob', 'link']), { instanceOf: UsageError });
  t.throws(() => parseGlobal(['-x', 'link']), { instanceOf: UsageError });
  t.throws(() => parseGlobal(['-4', '-6', 'link']), { instanceOf: UsageError });
  t.throws(() => parseGlobal(['-n']), { instanceOf: UsageError });
});
