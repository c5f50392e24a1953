/**
 * Running the built `rtnl` (dist/bundle/rtnl.cjs, what package.json's `bin` points at) as a
 * process, and comparing its `-j` output with `ip -j`'s for the same objects.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ip } from '../helpers/netns.js';

/** The CLI's entry point, bundled (this file runs from dist/spec/cli/). */
export const RTNL = fileURLToPath(new URL('../../bundle/rtnl.cjs', import.meta.url));

/** What a run of the CLI printed and its exit status. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `rtnl args…` to completion (killed after `timeoutMs`). */
export function rtnl(args: readonly string[], timeoutMs = 20_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RTNL, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs `rtnl args…`, requires exit status 0 and nothing on stderr, and returns stdout. */
export async function rtnlOk(args: readonly string[]): Promise<string> {
  const r = await rtnl(args);
  if (r.code !== 0 || r.stderr !== '') throw new Error(`rtnl ${args.join(' ')}: exit ${String(r.code)}\n${r.stderr}`);
  return r.stdout;
}

/** `rtnl -n ns -j args…` parsed. */
export async function rtnlJson(ns: string, args: readonly string[]): Promise<unknown> {
  return JSON.parse(await rtnlOk(['-n', ns, '-j', ...args])) as unknown;
}

/** `ip -n ns -j args…` parsed (`[]` for ip's empty output). */
export function ipJsonOf(ns: string, args: readonly string[]): unknown {
  const out = ip(['-n', ns, '-j', ...args]);
  return JSON.parse(out.trim() === '' ? '[]' : out) as unknown;
}

/**
 * Whether `ours` is the object ip printed, allowing the values the kernel changed between ip's
 * two runs: every number lies between its `before` and `after` values, everything else is equal
 * to one of them, keys and array lengths agree.
 */
export function between(ours: unknown, before: unknown, after: unknown): boolean {
  if (typeof ours === 'number' && typeof before === 'number' && typeof after === 'number') {
    return ours >= Math.min(before, after) && ours <= Math.max(before, after);
  }
  if (Array.isArray(ours)) {
    return Array.isArray(before) && Array.isArray(after) && ours.length === before.length && ours.length === after.length
      && ours.every((v, i) => between(v, before[i], after[i]));
  }
  if (ours !== null && typeof ours === 'object') {
    if (before === null || typeof before !== 'object' || after === null || typeof after !== 'object') return false;
    const keys = Object.keys(ours);
    const b = before as Record<string, unknown>;
    const a = after as Record<string, unknown>;
    return keys.join() === Object.keys(b).join() && keys.join() === Object.keys(a).join()
      && keys.every((k) => between((ours as Record<string, unknown>)[k], b[k], a[k]));
  }
  return JSON.stringify(ours) === JSON.stringify(before) || JSON.stringify(ours) === JSON.stringify(after);
}

/**
 * `rtnl -j args` beside `ip -j args` in namespace `ns`: ip runs before and after rtnl, so values
 * the kernel changes meanwhile (lifetimes counting down, DAD flags) can be told from mistakes.
 * `theirs` is the ip run equal to rtnl's output when one is, else the later one.
 */
export async function besideIp(ns: string, args: readonly string[]): Promise<{
  ours: unknown; before: unknown; after: unknown; theirs: unknown; oursText: string;
}> {
  const before = ipJsonOf(ns, args);
  const oursText = await rtnlOk(['-n', ns, '-j', ...args]);
  const after = ipJsonOf(ns, args);
  const ours = JSON.parse(oursText) as unknown;
  const theirs = JSON.stringify(ours) === JSON.stringify(before) ? before : after;
  return { ours, before, after, theirs, oursText: oursText.trimEnd() };
}

/** A long-running process (`rtnl monitor`, `ip monitor`) whose output lines are read as they come. */
export class LineProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: string[] = [];
  stderr = '';
  #rest = '';
  #waiters: Array<() => void> = [];
  #closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(command: string, args: readonly string[]) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const parts = (this.#rest + d).split('\n');
      this.#rest = parts.pop() ?? '';
      this.lines.push(...parts);
      for (const w of this.#waiters.splice(0)) w();
    });
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => { this.stderr += d; });
    this.#closed = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        for (const w of this.#waiters.splice(0)) w();
        resolve({ code, signal });
      });
    });
  }

  /**
   * Waits until a line after index `from` satisfies `pred` (bounded by `ms`) and returns its index.
   * Throws with what was printed when none does in time.
   */
  async waitFor(pred: (line: string) => boolean, from: number, ms = 5000, what = 'a matching line'): Promise<number> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.lines.findIndex((l, k) => k >= from && pred(l));
      if (i >= 0) return i;
      const left = deadline - Date.now();
      if (left <= 0 || this.child.exitCode !== null) {
        throw new Error(`${what}: not printed within ${ms} ms; printed:\n${this.lines.slice(from).join('\n')}\nstderr: ${this.stderr}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  /** Sends `signal` and resolves to the exit status. */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.#closed;
  }
}

/** Starts `rtnl args…` as a {@link LineProcess}. */
export function startRtnl(args: readonly string[]): LineProcess {
  return new LineProcess(process.execPath, [RTNL, ...args]);
}

/** Starts `ip args…` as a {@link LineProcess}. */
export function startIp(args: readonly string[]): LineProcess {
  return new LineProcess('ip', args);
}
