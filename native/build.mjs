// The install script: makes sure a native helper loads here, building one only when needed.
//
// 1. A build from source is already there (build/Release): rebuild it, so that it never goes stale
//    (node-gyp-build loads it before any prebuilt binary).
// 2. `--build-from-source` (npm_config_build_from_source=true), or a git checkout (this repository,
//    where prebuilds/ is packaging output that may be older than native/): build.
// 3. A prebuilt binary for this platform, architecture and libc (prebuilds/, shipped in the npm
//    tarball) loads: use it and build nothing — no compiler, Python or Node headers needed.
// 4. Otherwise build from source with node-gyp, offline: node-gyp downloads Node's headers unless
//    told where they are. Node ships them under <prefix>/include/node (prefix = the directory above
//    bin/node), so when they exist we pass --nodedir=<prefix>.
// Then, once a helper loads: when the library's V8 code cache (dist/bundle/library.cjs.cache, made
// by the Node that packed the package) is not one this node can use, make one for it
// (dist/bundle/code-cache.js --if-stale); a failure there only costs start-up time, so it warns.
// A git checkout has no dist/ yet at install time (`prepare` builds it, cache included).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

// The prebuilt binary node-gyp-build would pick and that loads in this process, or undefined.
// When node-gyp-build's pick fails to load (it tells musl from glibc only by /etc/alpine-release or
// LIBC), the other binaries of the same platform and architecture are tried, as the loader does.
function loadablePrebuild() {
  let file;
  try {
    file = require('node-gyp-build').path(root);
  } catch {
    return undefined;
  }
  const dir = dirname(file);
  if (basename(dirname(dir)) !== 'prebuilds') return undefined;
  const candidates = [file, ...readdirSync(dir).filter((f) => f.endsWith('.node')).map((f) => join(dir, f)).filter((f) => f !== file)];
  for (const candidate of candidates) {
    try {
      require(candidate);
      return candidate;
    } catch (e) {
      console.warn(`rtnetlink: the prebuilt helper ${relative(root, candidate)} does not load here: ${e.message.split('\n')[0]}`);
    }
  }
  return undefined;
}

// Makes the code cache for this node when the shipped one does not fit it (see the header).
function refreshCodeCache() {
  const writer = join(root, 'dist', 'bundle', 'code-cache.js');
  if (!existsSync(writer)) return;
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  const r = spawnSync(process.execPath, [writer, '--if-stale'], { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) console.warn(`rtnetlink: could not make the library's code cache for this node (${r.error?.message ?? `exit ${r.status ?? r.signal}`}); it compiles from source at each start`);
}

const hasSourceBuild = existsSync(join(root, 'build', 'Release')) &&
  readdirSync(join(root, 'build', 'Release')).some((f) => f.endsWith('.node'));
const fromSource = process.env.npm_config_build_from_source === 'true' || existsSync(join(root, '.git'));
if (!hasSourceBuild && !fromSource) {
  const prebuild = loadablePrebuild();
  if (prebuild !== undefined) {
    console.log(`rtnetlink: using the prebuilt native helper ${relative(root, prebuild)}`);
    refreshCodeCache();
    process.exit(0);
  }
}

const prefix = dirname(dirname(process.execPath));
const args = ['rebuild'];
if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);

// npm exports the path of its bundled node-gyp to lifecycle scripts; fall back to PATH.
const gyp = process.env.npm_config_node_gyp;
const result = gyp
  ? spawnSync(process.execPath, [gyp, ...args], { cwd: root, stdio: 'inherit' })
  : spawnSync('node-gyp', args, { cwd: root, stdio: 'inherit' });
if (result.error) {
  console.error(`rtnetlink: cannot run node-gyp: ${result.error.message}`);
  process.exit(1);
}
if (result.status !== 0) {
  console.error('rtnetlink: building the native helper from source failed (no prebuilt binary fits this machine). ' +
    'It needs a C compiler, make and python3 (Debian/Ubuntu: apt-get install gcc make python3; Alpine: apk add build-base python3).');
}
if (result.status === 0) refreshCodeCache();
process.exit(result.status ?? 1);
