// Builds the native helper with node-gyp, offline.
//
// node-gyp downloads Node's headers unless it is told where they are. Node ships them under
// <prefix>/include/node (prefix = the directory above bin/node), so when they exist we pass
// --nodedir=<prefix>; this keeps `npm install` working on a machine with no network, both in this
// repository and when the package is installed from a tarball into another project.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
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
process.exit(result.status ?? 1);
