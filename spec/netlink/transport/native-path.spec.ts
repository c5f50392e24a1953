/**
 * The native helper's search (lib/netlink/transport/native-path.ts): the files node-gyp-build would
 * pick for this package's layout, in a temporary package folder.
 */
import test from 'ava';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { helperFiles } from '../../../lib/netlink/transport/native-path.js';
import type { ExecutionContext } from 'ava';
import { tempDir } from '../../helpers/netns.js';

/** A package folder holding `files` (empty files; paths relative to it). */
function packageWith(t: ExecutionContext, files: string[]): string {
  const root = tempDir(t, 'rtnl-native-path-');
  for (const f of files) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), '');
  }
  return root;
}

const arch = process.arch;
const prebuilds = [`prebuilds/linux-${arch}/rtnetlink.glibc.node`, `prebuilds/linux-${arch}/rtnetlink.musl.node`];

test('a build from source is the one file tried; PREBUILDS_ONLY skips it', (t) => {
  const root = packageWith(t, ['build/Release/rtnetlink_native.node', ...prebuilds]);
  t.deepEqual(helperFiles(root, { LIBC: 'glibc' }).files, [join(root, 'build/Release/rtnetlink_native.node')]);
  t.false(helperFiles(root, { LIBC: 'glibc' }).prebuilt);
  t.deepEqual(helperFiles(root, { LIBC: 'glibc', PREBUILDS_ONLY: '1' }).files, prebuilds.map((f) => join(root, f)));
  const debug = packageWith(t, ['build/Debug/rtnetlink_native.node', ...prebuilds]);
  t.deepEqual(helperFiles(debug, {}).files, [join(debug, 'build/Debug/rtnetlink_native.node')]);
});

test('prebuilt binaries: the libc asked for first, then the others of the folder', (t) => {
  const root = packageWith(t, [...prebuilds, `prebuilds/linux-${arch}/other.node`, `prebuilds/linux-${arch}/rtnetlink.glibc.node.txt`]);
  t.deepEqual(helperFiles(root, { LIBC: 'musl' }).files, [prebuilds[1]!, prebuilds[0]!].map((f) => join(root, f)));
  t.deepEqual(helperFiles(root, { LIBC: 'glibc' }).files, prebuilds.map((f) => join(root, f)));
  // A libc with no binary: the others are still tried.
  t.deepEqual(helperFiles(root, { LIBC: 'uclibc' }).files, prebuilds.map((f) => join(root, f)));
  t.true(helperFiles(root, {}).prebuilt);
});

test('npm_config_arch and RTNETLINK_PREBUILD move the search; nothing found says what was wanted', (t) => {
  const root = packageWith(t, [...prebuilds, 'prebuilds/linux-riscv64/rtnetlink.glibc.node']);
  t.deepEqual(helperFiles(root, { npm_config_arch: 'riscv64', LIBC: 'glibc' }).files, [join(root, 'prebuilds/linux-riscv64/rtnetlink.glibc.node')]);
  const none = helperFiles(root, { npm_config_arch: 'mips', LIBC: 'glibc' });
  t.deepEqual(none.files, []);
  t.is(none.prebuildDir, join(root, 'prebuilds', 'linux-mips'));
  t.regex(none.wanted, /^platform=linux arch=mips runtime=node napi=8 libc=glibc node=/);
  const elsewhere = packageWith(t, [`prebuilds/linux-${arch}/rtnetlink.musl.node`]);
  t.deepEqual(helperFiles(root, { RTNETLINK_PREBUILD: elsewhere, LIBC: 'glibc' }).files, [join(elsewhere, `prebuilds/linux-${arch}/rtnetlink.musl.node`)]);
  // Empty values count as unset.
  t.deepEqual(helperFiles(root, { RTNETLINK_PREBUILD: '', npm_config_arch: '', LIBC: 'glibc' }).files, prebuilds.map((f) => join(root, f)));
});
