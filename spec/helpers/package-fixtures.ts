/**
 * Fixtures for the packaging tests: running npm and other programs, throwaway consumer projects, a
 * PATH with no compiler on it, the prebuilt targets and the tools each needs, and ELF inspection
 * with readelf. Tests run inside spec/run.mjs's network namespace, which has no network: npm runs
 * with --offline, taking registry packages (node-gyp-build) from the cache `npm ci` filled.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';

/** The repository root (this file runs from dist/spec/helpers/). */
export const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The installation prefix of the running node (its headers are in `<prefix>/include/node`). */
export const nodePrefix = dirname(dirname(process.execPath));

/** npm's CLI script: the one running `npm test`, else the one installed beside node. */
export const npmCli = process.env.npm_execpath !== undefined && process.env.npm_execpath.endsWith('.js')
  ? process.env.npm_execpath
  : join(nodePrefix, 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');

/** What a finished program printed, and how it ended. */
export interface RunResult {
  stdout: string;
  stderr: string;
  /** The exit status, or null when a signal ended it. */
  code: number | null;
}

/** Runs `file args` to completion (never throws for a non-zero exit; a missing program is code 127). */
export function run(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 64 << 20, timeout: options.timeoutMs ?? 300_000 },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
        const code = e === null ? 0 : typeof e.code === 'number' ? e.code : e.code === 'ENOENT' ? 127 : null;
        resolve({ stdout, stderr, code });
      });
  });
}

/** Runs npm with this node; `--offline` because the tests have no network. */
export function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  return run(process.execPath, [npmCli, '--offline', '--no-audit', '--no-fund', ...args], { cwd, env });
}

/**
 * Packs the package's registry dependency (node-gyp-build) from this checkout's node_modules into
 * `dir` and returns the tarball's path, to install beside the package. The tests have no network,
 * and resolving a range offline needs npm's cached registry document, which a cache filled by
 * `npm ci` (lockfile, tarballs only) may lack: ENOTCACHED on a fresh machine. Given the dependency
 * as a tarball too, npm meets the package's range without the registry.
 */
export async function packRegistryDeps(dir: string): Promise<string[]> {
  const packed = await npm(['pack', join(root, 'node_modules', 'node-gyp-build'), '--json', '--pack-destination', dir], root);
  if (packed.code !== 0) throw new Error(`npm pack node-gyp-build failed: ${packed.stderr}`);
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
  return [join(dir, info!.filename)];
}

/** A temporary directory removed at the end of the test. */
export function tempDir(t: ExecutionContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A new, empty ESM project (package.json only) in a temporary directory. */
export function consumerProject(t: ExecutionContext, prefix = 'rtnl-consumer-'): string {
  const dir = tempDir(t, prefix);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  return dir;
}

/**
 * An environment whose PATH holds only `node` and `sh` (npm runs scripts with sh): no C compiler,
 * make or python, so nothing can be built from source.
 */
export function envWithoutCompiler(dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const bin = join(dir, 'toolless-bin');
  if (!existsSync(bin)) {
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    symlinkSync('/bin/sh', join(bin, 'sh'));
  }
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: bin, ...extra };
  // npm's own variables from `npm test` would leak its config (and its node-gyp) into the consumer.
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key];
  return env;
}

/** The absolute path of `program` on `PATH`, or undefined. */
export function onPath(program: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, program), constants.X_OK);
      return join(dir, program);
    } catch { /* not here */ }
  }
  return undefined;
}

/** One prebuilt binary the package ships, and how to compile and run a program for its platform. */
export interface PrebuildTarget {
  arch: 'x64' | 'arm64';
  libc: 'glibc' | 'musl';
  /** Path inside the package. */
  file: string;
  /** readelf's "Machine:" value. */
  machine: string;
  /** The only DT_NEEDED entry: glibc's soname, or the name musl's loader resolves to itself. */
  needed: string;
  /** The compiler command for a program of this target. */
  cc: string[];
  /** The command prefix that runs such a program here (qemu-user for arm64). */
  runner: string[];
  /** Files and programs that must exist for `cc` and `runner` to work. */
  requires: string[];
}

const MUSL_SPECS = { x64: '/usr/lib/x86_64-linux-musl/musl-gcc.specs', arm64: '/usr/lib/aarch64-linux-musl/musl-gcc.specs' };

/** The four targets: linux-x64 and linux-arm64, each for glibc and musl. */
export const PREBUILD_TARGETS: PrebuildTarget[] = [
  {
    arch: 'x64', libc: 'glibc', file: 'prebuilds/linux-x64/rtnetlink.glibc.node', machine: 'Advanced Micro Devices X86-64',
    needed: 'libc.so.6', cc: ['x86_64-linux-gnu-gcc'], runner: [], requires: ['x86_64-linux-gnu-gcc'],
  },
  {
    arch: 'x64', libc: 'musl', file: 'prebuilds/linux-x64/rtnetlink.musl.node', machine: 'Advanced Micro Devices X86-64',
    needed: 'libc.so', cc: ['x86_64-linux-gnu-gcc', '-specs', MUSL_SPECS.x64], runner: [],
    requires: ['x86_64-linux-gnu-gcc', MUSL_SPECS.x64, '/lib/ld-musl-x86_64.so.1'],
  },
  {
    arch: 'arm64', libc: 'glibc', file: 'prebuilds/linux-arm64/rtnetlink.glibc.node', machine: 'AArch64',
    needed: 'libc.so.6', cc: ['aarch64-linux-gnu-gcc'], runner: ['qemu-aarch64-static', '-L', '/usr/aarch64-linux-gnu'],
    requires: ['aarch64-linux-gnu-gcc', '/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1', 'qemu-aarch64-static'],
  },
  {
    arch: 'arm64', libc: 'musl', file: 'prebuilds/linux-arm64/rtnetlink.musl.node', machine: 'AArch64',
    needed: 'libc.so', cc: ['aarch64-linux-gnu-gcc', '-specs', MUSL_SPECS.arm64], runner: ['qemu-aarch64-static'],
    requires: ['aarch64-linux-gnu-gcc', MUSL_SPECS.arm64, '/lib/ld-musl-aarch64.so.1', 'qemu-aarch64-static'],
  },
];

/** The files and programs of `target.requires` that are missing here. */
export function missingTools(target: PrebuildTarget): string[] {
  return target.requires.filter((r) => (r.startsWith('/') ? !existsSync(r) : onPath(r) === undefined));
}

/** What readelf says about a shared object. */
export interface ElfFacts {
  /** "Machine:" from the ELF header. */
  machine: string;
  /** DT_NEEDED entries. */
  needed: string[];
  /** Defined global functions in the dynamic symbol table. */
  exported: string[];
  /** Undefined dynamic symbols (without version suffixes). */
  imported: string[];
  /** GLIBC_x.y versions the object requires, from .gnu.version_r. */
  glibcVersions: string[];
}

/** Reads machine, needed libraries, dynamic symbols and required glibc versions with readelf. */
export async function elfFacts(file: string): Promise<ElfFacts> {
  const [header, dynamic, symbols, versions] = await Promise.all(
    [['-h'], ['-d'], ['--dyn-syms', '-W'], ['-V']].map((args) => run('readelf', [...args, file])),
  );
  for (const r of [header, dynamic, symbols, versions]) if (r!.code !== 0) throw new Error(`readelf failed: ${r!.stderr}`);
  const machine = /Machine:\s+(.+)/.exec(header!.stdout)?.[1]?.trim() ?? '';
  const needed = [...dynamic!.stdout.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]!);
  const exported: string[] = [];
  const imported: string[] = [];
  for (const line of symbols!.stdout.split('\n')) {
    // Num: Value Size Type Bind Vis Ndx Name
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || !/^\d+:$/.test(f[0]!)) continue;
    const name = f[7]!.replace(/@.*/, '');
    if (f[6] === 'UND') {
      if (name !== '') imported.push(name);
    } else if (f[3] === 'FUNC' && f[4] === 'GLOBAL') exported.push(name);
  }
  const glibcVersions = [...new Set([...versions!.stdout.matchAll(/Name: (GLIBC_[0-9.]+)/g)].map((m) => m[1]!))];
  return { machine, needed, exported, imported, glibcVersions };
}

/** Compares `GLIBC_2.28`-style versions numerically. */
export function compareGlibc(a: string, b: string): number {
  const pa = a.replace('GLIBC_', '').split('.').map(Number);
  const pb = b.replace('GLIBC_', '').split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
