/**
 * Facts about what a result was measured on: the package and its commit, Node, the kernel,
 * iproute2, the CPUs and their load. Nothing here may fail a run: a fact that cannot be read is
 * `null` (or `unknown`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { arch, cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { iproute2Version } from './ip.js';

/** Facts about the machine and the code a result was measured on. */
export interface MachineInfo {
  package: { name: string; version: string };
  /** The commit checked out (40 or 64 hex digits), or null when there is no readable .git. */
  commit: string | null;
  /** Whether tracked files differ from the commit (null: unknown, e.g. git is not installed). */
  commitDirty: boolean | null;
  node: string;
  v8: string;
  kernel: string;
  arch: string;
  iproute2: string;
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  /** 1-, 5- and 15-minute load averages when the run started and when it ended. */
  loadStart: number[];
  loadEnd: number[];
  /** When the run started (ISO 8601). */
  date: string;
  /** Median wall time of an `ip -n <ns> -batch` of an empty file (included in every ip sample, never subtracted). */
  ipStartupMs: number;
  ipStartupSpread: number;
}

/** The package's root folder: the nearest folder above this file whose package.json is named `rtnetlink`. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = readJson(file);
      if (pkg?.name === 'rtnetlink') return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('rtnetlink bench: cannot find the rtnetlink package.json above the benchmark');
    dir = up;
  }
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * The commit checked out in `root`, read from its .git without running git: `.git` is a folder, or
 * a file `gitdir: <path>` (a worktree or submodule); HEAD names a ref (looked up loose in the
 * worktree's and the common folder, then in packed-refs) or is a commit itself. Null when unreadable.
 */
export function readGitCommit(root: string): string | null {
  try {
    let gitDir = join(root, '.git');
    if (!existsSync(gitDir)) return null;
    if (statSync(gitDir).isFile()) {
      const m = /^gitdir: (.+)$/m.exec(readText(gitDir) ?? '');
      if (m === null) return null;
      gitDir = isAbsolute(m[1]!) ? m[1]! : resolve(root, m[1]!);
    }
    const head = readText(join(gitDir, 'HEAD'));
    if (head === null) return null;
    if (SHA.test(head)) return head;
    const ref = /^ref: (refs\/[^\s]+)$/.exec(head)?.[1];
    if (ref === undefined || ref.split('/').includes('..')) return null;
    const common = readText(join(gitDir, 'commondir'));
    const commonDir = common === null ? gitDir : resolve(gitDir, common);
    for (const dir of [gitDir, commonDir]) {
      const loose = readText(join(dir, ref));
      if (loose !== null && SHA.test(loose)) return loose;
    }
    for (const line of (readText(join(commonDir, 'packed-refs')) ?? '').split('\n')) {
      const [sha, name] = line.split(' ');
      if (name === ref && sha !== undefined && SHA.test(sha)) return sha;
    }
    return null;
  } catch {
    return null;
  }
}

/** The commit and whether the work tree differs from it: from git when it runs, else from .git's files. */
function gitState(root: string): { commit: string | null; dirty: boolean | null } {
  const git = (args: string[]): string | null => {
    const r = spawnSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    return r.error || r.status !== 0 ? null : r.stdout.trim();
  };
  const commit = git(['rev-parse', '--verify', '-q', 'HEAD']);
  if (commit !== null && SHA.test(commit)) {
    const status = git(['status', '--porcelain', '--untracked-files=no']);
    return { commit, dirty: status === null ? null : status !== '' };
  }
  return { commit: readGitCommit(root), dirty: null };
}

/** Collects the facts that do not need a measurement (the ip startup is measured by the caller). */
export function machineInfo(ipStartup: { ms: number; spread: number }, loadStart: number[], date: Date): MachineInfo {
  let root: string | null = null;
  try {
    root = packageRoot();
  } catch {
    root = null;
  }
  const pkg = root === null ? null : readJson(join(root, 'package.json'));
  const git = root === null ? { commit: null, dirty: null } : gitState(root);
  const cpuList = cpus();
  return {
    package: { name: typeof pkg?.name === 'string' ? pkg.name : 'rtnetlink', version: typeof pkg?.version === 'string' ? pkg.version : 'unknown' },
    commit: git.commit,
    commitDirty: git.dirty,
    node: process.version,
    v8: process.versions.v8,
    kernel: release(),
    arch: arch(),
    iproute2: iproute2Version(),
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() || 'unknown',
    memoryBytes: totalmem(),
    loadStart,
    loadEnd: loadavg(),
    date: date.toISOString(),
    ipStartupMs: ipStartup.ms,
    ipStartupSpread: ipStartup.spread,
  };
}
