// The published package: what `npm pack` ships, and that it installs and works in another project
// in each way a consumer installs it:
// - from the tarball with --ignore-scripts and no compiler on PATH: the prebuilt binary loads;
// - with install scripts and no compiler: the install script picks the prebuilt binary, builds nothing;
// - --build-from-source: node-gyp builds the helper offline (Node's headers from beside node);
// - on a platform with no prebuilt binary and no build: the first call says what is missing and how
//   to fix it;
// and that its declarations type-check in a strict consumer on the oldest TypeScript the README
// states (5.3). The tarball is packed once, with the prebuilt binaries of every target whose toolchain
// is installed (package-prebuilds.spec.ts verifies those binaries one by one).
import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { arch, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  PREBUILD_TARGETS, consumerProject, envWithoutCompiler, missingTools, npm, packRegistryDeps, root, run, type RunResult,
} from './helpers/package-fixtures.js';

interface Packed {
  tarball: string;
  files: string[];
  /** The package's registry dependency, packed to install beside it (see packRegistryDeps). */
  deps: string[];
}

let packDir = '';
let packed: Packed | undefined;
let packError = '';

test.before(async () => {
  packDir = mkdtempSync(join(tmpdir(), 'rtnl-pack-'));
  // What `prepack` does, minus the TypeScript build: dist/ is already built by `npm test`, and
  // rebuilding it here would change it under the tests running beside this file.
  const prebuilt = await run(process.execPath, [join(root, 'scripts', 'prebuilds.mjs')], { cwd: root });
  const pack = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], root);
  if (prebuilt.code !== 0 || pack.code !== 0) {
    packError = `${prebuilt.stderr}\n${pack.stderr}`;
    return;
  }
  const [info] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  packed = { tarball: join(packDir, info!.filename), files: info!.files.map((f) => f.path), deps: await packRegistryDeps(packDir) };
});
test.after.always(() => rmSync(packDir, { recursive: true, force: true }));

function tarball(t: { fail(message: string): void }): string {
  if (packed === undefined) t.fail(`npm pack failed: ${packError}`);
  return packed!.tarball;
}

/** What `npm install` is given: the tarball, and its registry dependency packed (see {@link Packed.deps}). */
function installable(t: { fail(message: string): void }): string[] {
  return [tarball(t), ...(packed?.deps ?? [])];
}

/**
 * A consumer script: opens a handle, lists links, and reports which .node file the process mapped
 * (from /proc/self/maps) — or the error the first call threw.
 */
const USE = `
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
process.setSourceMapsEnabled(true);
let result;
try {
  const { RtNetlink, NetlinkError, ValidationError } = await import('rtnetlink');
  const sandbox = await import('rtnetlink/sandbox');
  const nl = await RtNetlink.open();
  const links = (await nl.links.list()).map((l) => l.name);
  const missing = await nl.links.get('missing0').catch((e) => e);
  nl.close();
  const loaded = readFileSync('/proc/self/maps', 'utf8').split('\\n').map((l) => l.split(/\\s+/)[5] ?? '').find((p) => p.endsWith('.node'));
  let invalid;
  try { sandbox.generateKey(''); } catch (e) { invalid = e; }
  // The first stack frame in the package, as the source maps name it (a .ts file and line).
  const frame = /\\(((?:file:\\/\\/)?\\/[^)]+?):\\d+:\\d+\\)/.exec(invalid.stack)?.[1];
  result = {
    links, loaded, sandbox: typeof sandbox.Sandbox,
    shared: missing instanceof sandbox.NetlinkError && missing.code === 'ENODEV' && invalid instanceof ValidationError
      && sandbox.NetlinkError === NetlinkError && RtNetlink.name === 'RtNetlink' && sandbox.Sandbox.name === 'Sandbox',
    frame: frame?.startsWith('file:') ? fileURLToPath(frame) : frame,
  };
} catch (e) {
  result = { error: e.message, type: e.constructor.name };
}
console.log(JSON.stringify(result));
`;

interface UseResult {
  links?: string[];
  loaded?: string;
  sandbox?: string;
  /** Errors and classes of the two entry points are the same classes. */
  shared?: boolean;
  /** The file of the first stack frame of an error thrown inside the package. */
  frame?: string;
  error?: string;
  type?: string;
}

/** What the installed package's load.cjs does with the code caches of library.cjs and cli.cjs, in a fresh node. */
async function cacheStatus(dir: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const load = JSON.stringify(pathToFileURL(installed(dir, 'dist', 'bundle', 'load.cjs')).href);
  const code = `const { loadScript } = await import(${load}); console.log(JSON.stringify([loadScript('library.cjs').status, loadScript('cli.cjs').status]));`;
  const r = await run(process.execPath, ['--input-type=module', '-e', code], { cwd: dir, env });
  return JSON.parse(r.stdout || 'null') as string[];
}

async function use(dir: string, env: NodeJS.ProcessEnv): Promise<UseResult> {
  writeFileSync(join(dir, 'use.mjs'), USE);
  const r = await run(process.execPath, ['use.mjs'], { cwd: dir, env });
  if (r.code !== 0) return { error: `exit ${r.code}: ${r.stderr}` };
  return JSON.parse(r.stdout) as UseResult;
}

function installed(dir: string, ...path: string[]): string {
  return join(dir, 'node_modules', 'rtnetlink', ...path);
}

const hostTarget = PREBUILD_TARGETS.find((p) => p.arch === arch() && p.libc === 'glibc');
const hostPrebuild = hostTarget?.file;

test('the tarball ships the code, types, C source, prebuilt binaries, LICENSE, CHANGELOG and README, and no tests or benchmarks', (t) => {
  tarball(t);
  const files = packed!.files;
  for (const f of ['LICENSE', 'CHANGELOG.md', 'README.md', 'package.json', 'binding.gyp', 'native/rtnetlink.c', 'native/build.mjs',
    'dist/bundle/rtnetlink.cjs', 'dist/bundle/sandbox.cjs', 'dist/bundle/load.cjs', 'dist/bundle/library.cjs', 'dist/bundle/library.cjs.map',
    'dist/bundle/library.cjs.cache', 'dist/bundle/code-cache.js', 'dist/bundle/cli.cjs', 'dist/bundle/cli.cjs.cache', 'dist/bundle/rtnl.cjs',
    'dist/lib/netlink/index.d.ts', 'dist/lib/sandbox/index.d.ts', 'lib/netlink/index.ts', 'lib/sandbox/index.ts']) {
    t.true(files.includes(f), f);
  }
  for (const target of PREBUILD_TARGETS) {
    // Every target whose toolchain is installed here (all of them under CI, where .ci/run installs them).
    if (missingTools(target).length === 0 || process.env.CI === 'true') t.true(files.includes(target.file), target.file);
  }
  t.deepEqual(files.filter((f) => /^(spec|benchmarks|scripts|dist\/spec|dist\/benchmarks|build)\//.test(f)), []);
  t.true(readFileSync(join(root, 'LICENSE'), 'utf8').includes('Apache License\n                           Version 2.0, January 2004'));
});

test('package.json says what npm and a reader need: Apache-2.0, repository, bugs, homepage, keywords, Linux on x64 or arm64, Node >= 20, an ES module package', (t) => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  t.is(pkg.license, 'Apache-2.0');
  t.regex((pkg.repository as { url: string }).url, /^git\+https:\/\//);
  t.regex((pkg.bugs as { url: string }).url, /^https:\/\//);
  t.regex(pkg.homepage as string, /^https:\/\//);
  t.true((pkg.keywords as string[]).includes('netlink'));
  t.deepEqual(pkg.os, ['linux']);
  t.deepEqual(pkg.cpu, ['x64', 'arm64']);
  t.deepEqual(pkg.engines, { node: '>=20' });
  t.is(pkg.type, 'module');
  t.truthy((pkg.scripts as Record<string, string>).prepare, 'git installs build dist/');
  t.truthy((pkg.dependencies as Record<string, string>)['node-gyp-build']);
});

const noCompiler = 'npm install <tarball> --ignore-scripts in a new project with no compiler on PATH: the prebuilt helper loads, RtNetlink.open() and links.list() work';
if (hostPrebuild === undefined) test.skip(`${noCompiler} (skipped: no prebuilt binary for ${arch()})`, () => {});
else {
  test(noCompiler, async (t) => {
    const dir = consumerProject(t);
    const env = envWithoutCompiler(dir);
    t.is((await run('gcc', ['--version'], { env })).code, 127, 'gcc is hidden');
    const install = await npm(['install', '--ignore-scripts', ...installable(t)], dir, env);
    t.is(install.code, 0, install.stderr);
    t.false(existsSync(installed(dir, 'build')), 'nothing was built');
    const result = await use(dir, env);
    t.is(result.error, undefined);
    t.true(result.links?.includes('lo'));
    t.is(result.loaded, installed(dir, hostPrebuild));
    t.is(result.sandbox, 'function');
    t.true(result.shared, 'one copy of each class across rtnetlink and rtnetlink/sandbox');
    // The bundles' source maps lead to the TypeScript source, which ships.
    t.is(result.frame, installed(dir, 'lib', 'sandbox', 'base-path.ts'));

    // require() from CommonJS (the entry points are CommonJS files: every Node 20).
    writeFileSync(join(dir, 'use.cjs'), "const { RtNetlink } = require('rtnetlink'); const { Sandbox } = require('rtnetlink/sandbox'); console.log(typeof RtNetlink, typeof Sandbox);");
    const cjs = await run(process.execPath, ['use.cjs'], { cwd: dir, env });
    t.is(cjs.stdout.trim(), 'function function', cjs.stderr);

    // The library and the command compile from the V8 code caches packed with them (packed by this node).
    t.deepEqual(await cacheStatus(dir, env), ['accepted', 'accepted']);

    // The loader picks the musl binary when LIBC=musl (as node-gyp-build does); it does not load on glibc, so the
    // loader falls back to the other binary of the same architecture.
    const musl = await use(dir, { ...env, LIBC: 'musl' });
    t.is(musl.loaded, installed(dir, hostPrebuild), musl.error);

    // No prebuilt binary for the platform and no build: the first call says what and how.
    const none = await use(dir, { ...env, npm_config_arch: 'riscv64' });
    t.is(none.type, 'Error');
    t.regex(none.error ?? '', /^rtnetlink: the native helper is missing: no build\/Release\/rtnetlink_native\.node .* no prebuilt binary in .*prebuilds for platform=linux arch=riscv64 /);
    t.regex(none.error ?? '', /apt-get install gcc make python3.*`npm rebuild rtnetlink`/);
    t.notRegex(none.error ?? '', /Cannot find module/);
  });

  test('npm install <tarball> with install scripts and no compiler: the install script picks the prebuilt helper and builds nothing', async (t) => {
    const dir = consumerProject(t);
    const env = envWithoutCompiler(dir);
    const install = await npm(['install', '--foreground-scripts', ...installable(t)], dir, env);
    t.is(install.code, 0, install.stderr);
    t.true(`${install.stdout}${install.stderr}`.includes(`rtnetlink: using the prebuilt native helper ${hostPrebuild}`));
    t.false(existsSync(installed(dir, 'build')));
    const result = await use(dir, env);
    t.is(result.error, undefined);
    t.is(result.loaded, installed(dir, hostPrebuild));

    // The install script keeps a code cache this node can use, and makes one when it cannot (a
    // package packed on another Node version: here, a header naming another V8).
    t.deepEqual(await cacheStatus(dir, env), ['accepted', 'accepted']);
    const cacheFile = installed(dir, 'dist', 'bundle', 'library.cjs.cache');
    const cache = readFileSync(cacheFile);
    writeFileSync(cacheFile, Buffer.from(cache.toString('latin1').replace(` ${process.versions.v8} `, ' 1.2.3.4-other '), 'latin1'));
    t.deepEqual(await cacheStatus(dir, env), ['stale', 'accepted']);
    const rebuild = await npm(['rebuild', '--foreground-scripts', 'rtnetlink'], dir, env);
    t.is(rebuild.code, 0, rebuild.stderr);
    const said = `${rebuild.stdout}${rebuild.stderr}`;
    t.true(said.includes('rtnetlink: made the code cache of library.cjs for this node (it had one it could not use: stale)'), said);
    t.false(said.includes('code cache of cli.cjs'), 'the command\'s cache fit: kept');
    t.deepEqual(await cacheStatus(dir, env), ['accepted', 'accepted']);
    // Nothing left beside it.
    t.deepEqual(readdirSync(installed(dir, 'dist', 'bundle')).filter((f) => f.endsWith('.tmp')), []);
  });
}

test('npm install <tarball> --build-from-source builds the helper offline with node-gyp, and that build is the one loaded', async (t) => {
  const dir = consumerProject(t);
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key];
  const install: RunResult = await npm(['install', '--build-from-source', ...installable(t)], dir, env);
  t.is(install.code, 0, install.stderr);
  t.true(existsSync(installed(dir, 'build', 'Release', 'rtnetlink_native.node')));
  const result = await use(dir, env);
  t.is(result.error, undefined);
  t.is(result.loaded, installed(dir, 'build', 'Release', 'rtnetlink_native.node'));
});

/** A consumer that uses both entry points' types the way an orchestrator would. */
const CONSUMER_TS = `
import { RtNetlink, NetlinkError, ValidationError, netns, type Link, type RouteSpec, type MonitorEvent } from 'rtnetlink';
import { Sandbox, generateKey, type SandboxInfo } from 'rtnetlink/sandbox';

export async function inventory(path: string): Promise<string[]> {
  const nl = await RtNetlink.open({ netns: path });
  try {
    const links: Link[] = await nl.links.list();
    const spec: RouteSpec = { dst: '10.2.0.0/16', oif: 'lo' };
    await nl.routes.add(spec).catch((e: unknown) => {
      if (e instanceof NetlinkError) return e.code;
      if (e instanceof ValidationError) return e.message;
      throw e;
    });
    return links.map((l) => \`\${l.ifindex} \${l.name} \${l.mtu ?? ''}\`);
  } finally {
    nl.close();
  }
}

export async function sandbox(id: string): Promise<SandboxInfo> {
  const sb = await Sandbox.create(generateKey(id));
  const info = sb.info();
  await sb.destroy();
  return info;
}

export function describe(e: MonitorEvent): string {
  return e.type;
}

export const create: (path: string) => Promise<void> = netns.create;
`;

for (const [name, tsc] of [['5.3 (the oldest the README states)', 'typescript-5.3'], ['7 (the one this package builds with)', 'typescript']] as const) {
  test(`the declarations type-check in a strict consumer (nodenext and bundler, skipLibCheck false) on TypeScript ${name}`, async (t) => {
    const dir = consumerProject(t, 'rtnl-types-');
    const install = await npm(['install', '--ignore-scripts', ...installable(t)], dir);
    t.is(install.code, 0, install.stderr);
    writeFileSync(join(dir, 'consumer.ts'), CONSUMER_TS);
    const bin = join(root, 'node_modules', tsc, 'bin', 'tsc');
    const version = await run(process.execPath, [bin, '--version']);
    t.regex(version.stdout, tsc === 'typescript' ? /^Version 7\./ : /^Version 5\.3\./);
    for (const [module, moduleResolution] of [['nodenext', 'nodenext'], ['esnext', 'bundler']]) {
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
        compilerOptions: {
          target: 'ES2022', module, moduleResolution, strict: true, skipLibCheck: false, noEmit: true,
          exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true,
          types: ['node'], typeRoots: [join(root, 'node_modules', '@types')],
        },
        files: ['consumer.ts'],
      }));
      const checked = await run(process.execPath, [bin, '-p', dir], { cwd: dir });
      t.is(checked.code, 0, `moduleResolution ${moduleResolution}:\n${checked.stdout}`);
    }
  });
}
