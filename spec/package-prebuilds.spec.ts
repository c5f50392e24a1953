// The prebuilt helpers scripts/prebuilds.mjs makes for the npm tarball (linux-x64 and linux-arm64,
// glibc and musl), verified where no Node of that kind is at hand:
// - ELF facts with readelf: architecture, the only library needed (glibc's libc.so.6, or musl's
//   libc.so, which musl's loader resolves to itself), napi_register_module_v1 exported, and no
//   glibc symbol version newer than the oldest glibc the README claims;
// - a run: spec/helpers/napi-probe.c, compiled for the target's libc, dlopens the binary (every
//   symbol resolved at once), registers the module and drives it through a minimal Node-API: it
//   opens a netlink socket and dumps the links of this test's namespace. x64 runs natively, arm64
//   under qemu-user. (package.spec.ts also loads the x64 glibc binary in Node itself.)
// The cross toolchains and qemu come from Debian (.ci/run installs them). Elsewhere, a target whose
// tools are missing is reported as skipped with the reason; under CI they are required.
import test from 'ava';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { native } from '../lib/netlink/transport/native.js';
import {
  PREBUILD_TARGETS, compareGlibc, elfFacts, envWithoutCompiler, missingTools, nodePrefix, root, run, tempDir,
  type RunResult,
} from './helpers/package-fixtures.js';

/** The oldest glibc the README promises the prebuilt binaries run on (Node 20's own minimum). */
const OLDEST_GLIBC = 'GLIBC_2.28';
const script = join(root, 'scripts', 'prebuilds.mjs');
const probeSource = join(root, 'spec', 'helpers', 'napi-probe.c');
const required = process.env.CI === 'true';

let out = '';
let built: RunResult = { stdout: '', stderr: '', code: null };

test.before(async () => {
  out = mkdtempSync(join(tmpdir(), 'rtnl-prebuilds-'));
  built = await run(process.execPath, [script, '--out', out], { cwd: root });
});
test.after.always(() => rmSync(out, { recursive: true, force: true }));

/** The Node-API functions the probe implements; everything else the binary imports becomes a stub. */
function probeImplements(): Set<string> {
  return new Set([...readFileSync(probeSource, 'utf8').matchAll(/^napi_status (napi_\w+)\(/gm)].map((m) => m[1]!));
}

interface ProbeReport {
  error?: string;
  apiVersion: number;
  exports: string[];
  fd: number;
  portId: number;
  links: string[];
  done: boolean;
  close: number;
}

for (const target of PREBUILD_TARGETS) {
  const title = `prebuilt linux-${target.arch} ${target.libc}: ${target.machine === 'AArch64' ? 'aarch64' : 'x86-64'} ELF needing only ${target.needed}` +
    `${target.libc === 'glibc' ? `, nothing newer than ${OLDEST_GLIBC}` : ''}; loaded ${target.runner.length > 0 ? 'under qemu-user' : 'natively'} ` +
    'by a Node-API probe, it registers every function and dumps links over netlink';
  const missing = missingTools(target);
  if (missing.length > 0 && !required) {
    test.skip(`${title} (skipped: ${missing.join(', ')} not installed; .ci/run installs them)`, () => {});
    continue;
  }
  test(title, async (t) => {
    t.deepEqual(missingTools(target), [], 'the tools .ci/run installs are missing');
    const file = join(out, target.file);
    t.true(existsSync(file), `prebuilds.mjs did not write ${target.file}:\n${built.stdout}\n${built.stderr}`);
    if (!existsSync(file)) return;

    const elf = await elfFacts(file);
    t.is(elf.machine, target.machine);
    t.deepEqual(elf.needed, [target.needed]);
    t.true(elf.exported.includes('napi_register_module_v1'));
    if (target.libc === 'glibc') {
      t.true(elf.glibcVersions.length > 0);
      const newer = elf.glibcVersions.filter((v) => compareGlibc(v, OLDEST_GLIBC) > 0);
      t.deepEqual(newer, [], `symbols need a glibc newer than ${OLDEST_GLIBC}`);
    } else {
      t.deepEqual(elf.glibcVersions, []);
    }

    // Stubs for the Node-API and libuv functions the binary imports and the probe does not implement.
    const work = tempDir(t, `rtnl-probe-${target.arch}-${target.libc}-`);
    const implemented = probeImplements();
    const stubs = elf.imported.filter((s) => /^(napi_|node_api_|uv_)/.test(s) && !implemented.has(s));
    writeFileSync(join(work, 'stubs.c'), [
      'void probe_unexpected(const char *name);',
      ...stubs.map((s) => `void ${s}(void) { probe_unexpected("${s}"); }`),
    ].join('\n') + '\n');
    const probe = join(work, 'napi-probe');
    const cc = await run(target.cc[0]!, [...target.cc.slice(1), '-O1', '-I', join(nodePrefix, 'include', 'node'), '-rdynamic', '-o', probe,
      probeSource, join(work, 'stubs.c'), '-ldl']);
    t.is(cc.code, 0, cc.stderr);

    const ran = await run(target.runner[0] ?? probe, [...target.runner.slice(1), ...(target.runner.length > 0 ? [probe] : []), file]);
    const report = JSON.parse(ran.stdout.trim().split('\n').pop() ?? '{}') as ProbeReport;
    t.is(ran.code, 0, `${ran.stdout}\n${ran.stderr}`);
    t.is(report.error, undefined);
    t.is(report.apiVersion, 8);
    t.deepEqual([...report.exports].sort(), Object.keys(native()).sort(), 'the same functions as the build Node loads here');
    t.true(report.fd >= 0);
    t.true(report.portId > 0);
    t.true(report.links.includes('lo'), `links: ${report.links.join(', ')}`);
    t.true(report.done);
    t.is(report.close, 0);
  });
}

test('prebuilds.mjs without toolchains skips every target, names the Debian packages and removes a stale binary; --require-all fails instead', async (t) => {
  const dir = tempDir(t, 'rtnl-prebuilds-none-');
  const stale = join(dir, 'prebuilds', 'linux-arm64', 'rtnetlink.glibc.node');
  mkdirSync(join(dir, 'prebuilds', 'linux-arm64'), { recursive: true });
  writeFileSync(stale, 'an old build');
  const env = envWithoutCompiler(dir);

  const lenient = await run(process.execPath, [script, '--out', dir], { cwd: root, env });
  t.is(lenient.code, 0, lenient.stderr);
  t.regex(lenient.stderr, /linux-x64 glibc: not built, missing x86_64-linux-gnu-gcc/);
  t.regex(lenient.stderr, /linux-arm64 musl: not built, .*apt-get install gcc-aarch64-linux-gnu .*musl-dev:arm64/);
  t.false(existsSync(stale), 'a binary that could not be rebuilt from this source must not ship');

  const strict = await run(process.execPath, [script, '--out', dir, '--require-all'], { cwd: root, env });
  t.is(strict.code, 1);
  t.regex(strict.stderr, /linux-arm64 glibc: not built, missing aarch64-linux-gnu-gcc/);
});
