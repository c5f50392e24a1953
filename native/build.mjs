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

const hasSourceBuild = existsSync(join(root, 'build', 'Release')) &&
  readdirSync(join(root, 'build', 'Release')).some((f) => f.endsWith('.node'));
const fromSource = process.env.npm_config_build_from_source === 'true' || existsSync(join(root, '.git'));
if (!hasSourceBuild && !fromSource) {
  const prebuild = loadablePrebuild();
  if (prebuild !== undefined) {
    console.log(`rtnetlink: using the prebuilt native helper ${relative(root, prebuild)}`);
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
process.exit(result.status ?? 1);
