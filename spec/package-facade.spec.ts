// The entry points' facade (dist/bundle/facade.cjs, from scripts/library-facade.cjs): importing the
// package loads no library code; the first use loads it, and from then on every export behaves as the
// library's own: classes (identity, instanceof, constructor, name, length, statics, subclasses), functions
// (this, arguments, results, errors), constants (equal, frozen where the library's are), `netns`.
// Each case runs in a fresh node, as only the first use in a process loads the library.
import test, { type ExecutionContext } from 'ava';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, run } from './helpers/package-fixtures.js';

const bundleDir = join(root, 'dist', 'bundle');
const entry = (name: string): string => JSON.stringify(pathToFileURL(join(bundleDir, name)).href);

/** Runs `code` (an ES module) in a fresh node; returns its stdout, parsed as JSON. */
async function inFreshNode(t: ExecutionContext, code: string): Promise<unknown> {
  const r = await run(process.execPath, ['--input-type=module', '-e', code], { env: { ...process.env } });
  t.is(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** Code that sets `loaded()` to whether load.cjs (so the library) has been loaded in this process. */
const LOADED = `import { createRequire } from 'node:module';
const cache = createRequire(import.meta.url).cache;
const loaded = () => Object.keys(cache).some((f) => f.endsWith('/load.cjs'));`;

test('importing either entry point loads no library code; the first use of any export loads it, once', async (t) => {
  const uses = [
    'typeof r.RtNetlink.open',
    "r.errnoName(1)",
    "new r.ValidationError('x') instanceof r.ValidationError",
    'typeof s.Sandbox.create',
    "s.generateKey('abc').length > 0",
  ];
  for (const use of uses) {
    const code = `${LOADED}
const r = await import(${entry('rtnetlink.cjs')});
const s = await import(${entry('sandbox.cjs')});
const atImport = loaded();
const value = ${use};
console.log(JSON.stringify({ atImport, value, afterUse: loaded() }));`;
    const got = await inFreshNode(t, code) as { atImport: boolean; value: unknown; afterUse: boolean };
    t.false(got.atImport, use);
    t.true(got.afterUse, use);
    t.not(got.value, false, use);
  }
  // Reading a constant or a class's name, or an instanceof check, loads nothing.
  const code = `${LOADED}
const r = await import(${entry('rtnetlink.cjs')});
const x = [r.KNOWN_KINDS.length, r.Link.name, r.netns.NETNS_RUN_DIR, ({}) instanceof r.NetlinkError, r.ValidationError.prototype instanceof TypeError];
console.log(JSON.stringify({ x, loaded: loaded() }));`;
  t.deepEqual(await inFreshNode(t, code), { x: [(await import(pathToFileURL(join(root, 'dist/lib/netlink/index.js')).href) as { KNOWN_KINDS: unknown[] }).KNOWN_KINDS.length, 'Link', '/run/netns', false, true], loaded: false });
});

test('classes: the library\'s objects are instances of the exported classes, which have its names, lengths, statics and parents; both entry points share them', async (t) => {
  const code = `
const r = await import(${entry('rtnetlink.cjs')});
const s = await import(${entry('sandbox.cjs')});
const { inspect } = await import('node:util');
const lib = (await import(${entry('load.cjs')})).default.library;
const out = {};
const nl = await r.RtNetlink.open();
try {
  const lo = await nl.links.get('lo');
  const addr = (await nl.addresses.list()).find((a) => a.ifindex === 1);
  out.instances = [nl instanceof r.RtNetlink, nl.links instanceof r.Links, lo instanceof r.Link, addr instanceof r.Address, nl.routes instanceof r.Routes];
  out.constructors = [nl.constructor === r.RtNetlink, lo.constructor === r.Link, addr.constructor === r.Address];
  out.inspect = inspect(lo).startsWith('Link ');
  out.json = JSON.parse(JSON.stringify(lo)).name === 'lo' && JSON.parse(JSON.stringify(addr)).local === '127.0.0.1' && lo.toObject().ifindex === 1;
  let err;
  try { await nl.links.get('nosuch0'); } catch (e) { err = e; }
  out.error = [err instanceof r.NetlinkError, err instanceof s.NetlinkError, err instanceof Error, err.constructor === r.NetlinkError, err.code, err.name];
} finally {
  nl.close();
}
out.classes = [[r, lib], [s, lib.sandbox]].flatMap(([mine, theirs]) => Object.keys(mine)
  .filter((k) => k !== 'default' && typeof mine[k] === 'function' && /^class\\b/.test(Function.prototype.toString.call(theirs[k])))
  .map((k) => [k, mine[k].name === theirs[k].name, mine[k].length === theirs[k].length, Object.getPrototypeOf(mine[k]) === Object.getPrototypeOf(theirs[k]), Object.getPrototypeOf(theirs[k].prototype) === mine[k].prototype]));
out.shared = [r.NetlinkError === s.NetlinkError, r.ValidationError === s.ValidationError];
out.statics = [r.RtNetlink.open === lib.RtNetlink.open, s.Sandbox.create === lib.sandbox.Sandbox.create, Object.getOwnPropertyDescriptor(r.RtNetlink, 'open').enumerable];
console.log(JSON.stringify(out));`;
  const got = await inFreshNode(t, code) as Record<string, unknown[]>;
  t.deepEqual(got.instances, [true, true, true, true, true]);
  t.deepEqual(got.constructors, [true, true, true]);
  t.true(got.inspect as unknown as boolean);
  t.true(got.json as unknown as boolean);
  t.deepEqual(got.error, [true, true, true, true, 'ENODEV', 'NetlinkError']);
  t.true(got.classes!.length >= 25, `${got.classes!.length} classes`);
  for (const c of got.classes as [string, ...boolean[]][]) t.deepEqual(c.slice(1), [true, true, true, true], c[0]);
  t.deepEqual(got.shared, [true, true]);
  t.deepEqual(got.statics, [true, true, false]);
});

test('errors made by users: the library\'s fields and messages, subclasses of the exported classes, stubs of their prototypes', async (t) => {
  const code = `
const r = await import(${entry('rtnetlink.cjs')});
const lib = (await import(${entry('load.cjs')})).default.library;
const mine = new r.ValidationError('mtu', -1, 'a positive number is required');
const theirs = new lib.ValidationError('mtu', -1, 'a positive number is required');
class MyError extends r.NetlinkError {
  constructor() { super(19, 'RTM_GETLINK', { link: 'eth9' }); this.mine = true; }
  describe() { return this.code + ':' + this.mine; }
}
const e = new MyError();
console.log(JSON.stringify({
  same: [mine.message === theirs.message, mine.name, mine instanceof TypeError, mine instanceof r.ValidationError, Object.keys(mine).join() === Object.keys(theirs).join()],
  sub: [e instanceof MyError, e instanceof r.NetlinkError, e instanceof Error, e.describe(), e.errno, e.name, typeof e.stack],
  withoutNew: (() => { try { r.NetlinkError(1); return 'called'; } catch (x) { return x instanceof TypeError; } })(),
}));`;
  const got = await inFreshNode(t, code) as Record<string, unknown>;
  t.deepEqual(got.same, [true, 'ValidationError', true, true, true]);
  t.deepEqual(got.sub, [true, true, true, 'ENODEV:true', 19, 'NetlinkError', 'string']);
  t.is(got.withoutNew, true);
});

test('functions forward this, arguments, results and errors; constants equal the library\'s, frozen where they are', async (t) => {
  const code = `
const r = await import(${entry('rtnetlink.cjs')});
const s = await import(${entry('sandbox.cjs')});
const lib = (await import(${entry('load.cjs')})).default.library;
const { isDeepStrictEqual } = await import('node:util');
const fns = [];
const consts = [];
const frozen = (v) => v === null || typeof v !== 'object' ? [] : [Object.isFrozen(v), ...Object.values(v).flatMap(frozen)];
for (const [mine, theirs, at] of [[r, lib, ''], [s, lib.sandbox, 'sandbox.'], [r.netns, lib.netns, 'netns.']]) {
  for (const k of Object.keys(mine)) {
    if (k === 'default') continue; // the ES module namespace's module.exports
    const v = mine[k];
    if (typeof v === 'function' && !/^class\\b/.test(Function.prototype.toString.call(theirs[k]))) fns.push([at + k, v.name === theirs[k].name, v.length === theirs[k].length]);
    else if (typeof v !== 'function' && k !== 'netns') consts.push([at + k, isDeepStrictEqual(v, theirs[k]), isDeepStrictEqual(frozen(v), frozen(theirs[k]))]);
  }
}
let thrown;
try { r.errnoNumber({}); } catch (e) { thrown = [e instanceof r.ValidationError, e.constructor.name]; }
console.log(JSON.stringify({
  fns, consts, thrown,
  results: [r.errnoName(19), r.errnoNumber('ENODEV'), r.linkFlagNames(1).join() === lib.linkFlagNames(1).join(), s.lowestFreeName('eth', ['eth0', 'eth1'])],
  netns: [Object.isFrozen(r.netns), Object.keys(r.netns).sort().join() === Object.keys(lib.netns).sort().join()],
}));`;
  const got = await inFreshNode(t, code) as { fns: [string, boolean, boolean][]; consts: [string, boolean, boolean][]; thrown: unknown[]; results: unknown[]; netns: boolean[] };
  t.true(got.fns.length >= 10);
  for (const [name, ...checks] of got.fns) t.deepEqual(checks, [true, true], name);
  t.true(got.consts.length >= 8);
  for (const [name, ...checks] of got.consts) t.deepEqual(checks, [true, true], name);
  t.deepEqual(got.thrown, [true, 'ValidationError']);
  t.deepEqual(got.results, ['ENODEV', 19, true, 'eth2']);
  t.deepEqual(got.netns, [true, true]);
});

test('a polluted Object.prototype changes nothing: the facade and its first use read own properties only', async (t) => {
  // Names the facade looks up in the library's exports, and what a join reads.
  const code = `
globalThis.calls = 0;
for (const k of ['Link', 'RtNetlink', 'errnoName', 'sandbox', 'netns', 'library', 'open', 'create', 'loadLibrary'])
  Object.defineProperty(Object.prototype, k, { value: () => { globalThis.calls++; return 0; }, writable: true, configurable: true, enumerable: false });
const r = await import(${entry('rtnetlink.cjs')});
const s = await import(${entry('sandbox.cjs')});
const nl = await r.RtNetlink.open();
const lo = await nl.links.get('lo');
nl.close();
console.log(JSON.stringify([lo instanceof r.Link, lo.name, r.errnoName(1), typeof s.Sandbox.create, globalThis.calls]));`;
  t.deepEqual(await inFreshNode(t, code), [true, 'lo', 'EPERM', 'function', 0]);
});
