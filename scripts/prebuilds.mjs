// Builds the prebuilt native helpers that ship in the npm tarball, in prebuildify's layout, which
// node-gyp-build (the runtime loader) reads:
//
//   prebuilds/linux-x64/rtnetlink.glibc.node     prebuilds/linux-x64/rtnetlink.musl.node
//   prebuilds/linux-arm64/rtnetlink.glibc.node   prebuilds/linux-arm64/rtnetlink.musl.node
//
// The helper uses Node-API only (NAPI_VERSION 8), so one binary per platform serves every Node >= 20.
// Each target is built with Debian's (cross) compilers in a staging copy of binding.gyp and native/,
// never in ./build, which holds the development build the tests load:
//   x64 glibc    x86_64-linux-gnu-gcc                           (gcc)
//   x64 musl     the same gcc with musl's specs file            (musl-tools)
//   arm64 glibc  aarch64-linux-gnu-gcc                          (gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
//   arm64 musl   the same gcc with musl's arm64 specs file      (dpkg --add-architecture arm64; musl-dev:arm64)
// musl's specs hide /usr/include, so the kernel UAPI headers (linux/, asm/, asm-generic/) of the target
// are put on the include path through a staging directory of symlinks.
//
// Usage: node scripts/prebuilds.mjs [--out DIR] [--require-all]
//   Builds every target whose toolchain is present; a target whose toolchain is missing is skipped
//   with a warning and its old binary, if any, is removed (a stale binary must never ship). With
//   --require-all, or when npm runs this for `npm publish`, a missing toolchain is an error.
//   --out DIR writes DIR/prebuilds/... instead of ./prebuilds/... (the package root); --verbose shows
//   the compiler output.
// Node's headers come from beside the running node (<prefix>/include/node): nothing is downloaded.
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import prebuildify from 'prebuildify';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const NAME = 'rtnetlink';

/** The targets, each with the Debian packages that provide its toolchain. */
const TARGETS = [
  { arch: 'x64', libc: 'glibc', triple: 'x86_64-linux-gnu', packages: 'gcc' },
  { arch: 'x64', libc: 'musl', triple: 'x86_64-linux-gnu', musl: 'x86_64-linux-musl', packages: 'gcc musl-tools' },
  { arch: 'arm64', libc: 'glibc', triple: 'aarch64-linux-gnu', packages: 'gcc-aarch64-linux-gnu libc6-dev-arm64-cross' },
  {
    arch: 'arm64', libc: 'musl', triple: 'aarch64-linux-gnu', musl: 'aarch64-linux-musl',
    packages: 'gcc-aarch64-linux-gnu libc6-dev-arm64-cross musl-dev:arm64 (after dpkg --add-architecture arm64)',
  },
];

/** Where a target's binary goes, relative to the package root. */
function prebuildPath(target) {
  return join('prebuilds', `linux-${target.arch}`, `${NAME}.${target.libc}.node`);
}

function onPath(program) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, program), constants.X_OK);
      return join(dir, program);
    } catch { /* not here */ }
  }
  return undefined;
}

// The first existing directory among the target's kernel UAPI header locations (native multiarch
// layout first, then the cross layout).
function uapiDir(triple, name) {
  const candidates = name === 'asm'
    ? [`/usr/include/${triple}/asm`, `/usr/${triple}/include/asm`]
    : [`/usr/include/${name}`, `/usr/${triple}/include/${name}`];
  return candidates.find((dir) => existsSync(dir));
}

/** The compiler, strip and flags for a target, or the reason it cannot be built here. */
function toolchain(target) {
  const gcc = onPath(`${target.triple}-gcc`);
  const strip = onPath(`${target.triple}-strip`);
  const missing = [];
  if (gcc === undefined) missing.push(`${target.triple}-gcc`);
  if (strip === undefined) missing.push(`${target.triple}-strip`);
  if (target.musl === undefined) {
    if (gcc !== undefined && !existsSync(target.arch === 'x64' ? '/usr/include/stdio.h' : `/usr/${target.triple}/include/stdio.h`)) {
      missing.push(`the ${target.triple} C library headers`);
    }
    if (missing.length > 0) return { missing };
    return { cc: gcc, strip, headers: {} };
  }
  const specs = `/usr/lib/${target.musl}/musl-gcc.specs`;
  if (!existsSync(specs)) missing.push(specs);
  const headers = {};
  for (const name of ['linux', 'asm', 'asm-generic']) {
    const dir = uapiDir(target.triple, name);
    if (dir === undefined) missing.push(`the ${target.triple} kernel headers (${name}/)`);
    else headers[name] = dir;
  }
  if (missing.length > 0) return { missing };
  return { cc: `${gcc} -specs ${specs}`, strip, headers };
}

// npm gives lifecycle scripts the path of its bundled node-gyp; otherwise the one beside npm, or PATH.
function nodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm !== undefined && existsSync(fromNpm)) return fromNpm;
  const bundled = join(dirname(dirname(process.execPath)), 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(bundled)) return bundled;
  return onPath('node-gyp');
}

// prebuildify, run on a staging copy with this target's compiler. Resolves to the binary's path in
// the output tree.
async function build(target, tools, nodedir, gyp) {
  const stage = mkdtempSync(join(tmpdir(), `rtnetlink-prebuild-${target.arch}-${target.libc}-`));
  try {
    mkdirSync(join(stage, 'native'));
    copyFileSync(join(root, 'binding.gyp'), join(stage, 'binding.gyp'));
    for (const file of readdirSync(join(root, 'native'))) {
      if (file.endsWith('.c') || file.endsWith('.h')) copyFileSync(join(root, 'native', file), join(stage, 'native', file));
    }
    writeFileSync(join(stage, 'package.json'), JSON.stringify({ name: NAME }));
    let cppflags = process.env.CPPFLAGS ?? '';
    if (Object.keys(tools.headers).length > 0) {
      const include = join(stage, 'kernel-headers');
      mkdirSync(include);
      for (const [name, dir] of Object.entries(tools.headers)) symlinkSync(dir, join(include, name));
      cppflags = `${cppflags} -isystem ${include}`.trim();
    }
    // prebuildify spawns node-gyp without a shell: a wrapper runs npm's node-gyp with this node.
    const wrapper = join(stage, 'node-gyp');
    writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${gyp}" "$@"\n`, { mode: 0o755 });
    const env = {
      ...process.env,
      CC: tools.cc, CXX: tools.cc, LINK: tools.cc, CPPFLAGS: cppflags,
      // node-gyp reads npm_config_* from the environment: headers from beside this node, no download.
      npm_config_nodedir: nodedir,
    };
    await new Promise((done, fail) => {
      // prebuildify copies process.env for its children synchronously when called.
      const saved = process.env;
      process.env = env;
      try {
        prebuildify({
          cwd: stage, out: stage, napi: true, targets: [process.versions.node], arch: target.arch, platform: 'linux',
          libc: target.libc, tagLibc: true, strip: true, stripBin: tools.strip, nodeGyp: wrapper, quiet: !verbose,
        }, (err) => (err ? fail(err) : done()));
      } finally {
        process.env = saved;
      }
    });
    const built = join(stage, prebuildPath(target));
    if (!existsSync(built)) throw new Error(`prebuildify wrote no ${prebuildPath(target)}`);
    const dest = join(outRoot, prebuildPath(target));
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(built, dest);
    return dest;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

const { values } = parseArgs({
  options: { out: { type: 'string' }, 'require-all': { type: 'boolean', default: false }, verbose: { type: 'boolean', default: false } },
});
const verbose = values.verbose;
const outRoot = values.out !== undefined ? resolve(values.out) : root;
const requireAll = values['require-all'] || process.env.npm_command === 'publish';

const nodedir = dirname(dirname(process.execPath));
if (!existsSync(join(nodedir, 'include', 'node', 'node_api.h'))) {
  console.error(`prebuilds: Node's headers are not at ${join(nodedir, 'include', 'node')}; this script does not download them`);
  process.exit(1);
}

let failed = false;
for (const target of TARGETS) {
  const label = `linux-${target.arch} ${target.libc}`;
  const tools = toolchain(target);
  if (tools.missing !== undefined) {
    const message = `prebuilds: ${label}: not built, missing ${tools.missing.join(', ')} (Debian: apt-get install ${target.packages})`;
    if (requireAll) {
      console.error(message);
      failed = true;
      continue;
    }
    console.warn(`${message}; installs on that platform will build from source`);
    const stale = join(outRoot, prebuildPath(target));
    if (existsSync(stale)) unlinkSync(stale);
    continue;
  }
  const gyp = nodeGyp();
  if (gyp === undefined) {
    console.error('prebuilds: node-gyp not found (run this through npm: npm run prebuilds)');
    process.exit(1);
  }
  try {
    console.log(`prebuilds: ${label}: ${await build(target, tools, nodedir, gyp)}`);
  } catch (err) {
    console.error(`prebuilds: ${label}: build failed: ${err.message}`);
    failed = true;
  }
}
if (failed) process.exit(1);
