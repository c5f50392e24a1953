/**
 * Where the native helper's binary is: the files the loader tries, in order. This is the search
 * node-gyp-build (the loader of prebuildify packages) makes, for this package's layout, without
 * loading node-gyp-build: its module, node:os and a parse of package.json cost a first call ~3 ms.
 *
 * - `build/Release/rtnetlink_native.node`, else `build/Debug/…` (a build from source; skipped when
 *   PREBUILDS_ONLY is set), and then nothing else: a source build that does not load is an error to
 *   report, not to step around.
 * - else `prebuilds/<platform>-<arch>/rtnetlink.<libc>.node`, libc being LIBC when set, else musl when
 *   `/etc/alpine-release` exists, else glibc; then the other binaries of that folder (a musl system
 *   that is not Alpine).
 * - `RTNETLINK_PREBUILD` names another folder to search instead of the package's; `npm_config_arch`
 *   and `npm_config_platform` (set by npm for a cross install) replace this process's.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The binaries to try, in order, and what a prebuilt one would have to fit (for error messages). */
export interface HelperFiles {
  /** Existing files to load, best first; empty when none exists. */
  readonly files: readonly string[];
  /** Whether `files` are prebuilt binaries (else one build from source). */
  readonly prebuilt: boolean;
  /** The folder of prebuilt binaries searched. */
  readonly prebuildDir: string;
  /** What was looked for, as node-gyp-build words it (`platform=linux arch=x64 libc=glibc …`). */
  readonly wanted: string;
}

/** The binaries of the helper for the package at `root`, under `env` (see the module comment). */
export function helperFiles(root: string, env: NodeJS.ProcessEnv = process.env): HelperFiles {
  const dir = nonEmpty(env.RTNETLINK_PREBUILD) ?? root;
  const platform = nonEmpty(env.npm_config_platform) ?? process.platform;
  const arch = nonEmpty(env.npm_config_arch) ?? process.arch;
  const libc = nonEmpty(env.LIBC) ?? (existsSync('/etc/alpine-release') ? 'musl' : 'glibc');
  const prebuildDir = join(dir, 'prebuilds', `${platform}-${arch}`);
  const wanted = `platform=${platform} arch=${arch} runtime=node napi=8 libc=${libc} node=${process.versions.node}`;
  if (!nonEmpty(env.PREBUILDS_ONLY)) {
    for (const build of ['Release', 'Debug']) {
      const file = join(dir, 'build', build, 'rtnetlink_native.node');
      if (existsSync(file)) return { files: [file], prebuilt: false, prebuildDir, wanted };
    }
  }
  let names: string[];
  try {
    names = readdirSync(prebuildDir).filter((f) => f.startsWith('rtnetlink.') && f.endsWith('.node')).sort();
  } catch {
    names = [];
  }
  const picked = `rtnetlink.${libc}.node`;
  const ordered = names.includes(picked) ? [picked, ...names.filter((f) => f !== picked)] : names;
  return { files: ordered.map((f) => join(prebuildDir, f)), prebuilt: true, prebuildDir, wanted };
}

/** `value` unless it is unset or empty. */
function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
