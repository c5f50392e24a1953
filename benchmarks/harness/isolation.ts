/**
 * Isolation: as root, the benchmark re-executes itself inside `unshare --net --mount --propagation
 * private` with a private tmpfs on /run/netns, so every namespace it makes lives in there and
 * nothing — even after a crash — is left in the machine's own namespace or /run/netns.
 */
import { spawn } from 'node:child_process';

/** The environment variable that marks the isolated inner process. */
export const ISOLATED = 'RTNETLINK_BENCH_ISOLATED';

/** The one line printed when namespaces cannot be made. */
export const NEEDS_ROOT = 'rtnetlink bench: needs root (CAP_SYS_ADMIN) to create network namespaces: run it as root, e.g. sudo npm run bench';

/**
 * Set for the inner process when the outer one's stderr is a terminal: the inner one's stderr is a
 * pipe (so unshare's own failures can be recognised), and progress still counts repetitions in place.
 */
export const STDERR_TTY = 'RTNETLINK_BENCH_STDERR_TTY';

/** Whether this process is the isolated inner one. */
export function isolated(): boolean {
  return process.env[ISOLATED] === '1';
}

/** Runs `node <script> <argv…>` isolated; resolves to its exit code (1 with {@link NEEDS_ROOT} if unshare cannot). */
export function runIsolated(script: string, argv: readonly string[]): Promise<number> {
  const inner = [
    'mkdir -p /run/netns',
    'mount -t tmpfs -o mode=0755 rtnetlink-bench /run/netns',
    'ip link set lo up',
    `exec "${process.execPath}" "${script}" "$@"`,
  ].join(' && ');
  const child = spawn('unshare', ['--net', '--mount', '--propagation', 'private', '--', 'sh', '-c', inner, 'sh', ...argv],
    { stdio: ['inherit', 'inherit', 'pipe'], env: { ...process.env, [ISOLATED]: '1', [STDERR_TTY]: process.stderr.isTTY ? '1' : '0' } });
  let unshareFailed = false;
  child.stderr.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    // unshare itself failing (root without CAP_SYS_ADMIN, e.g. in a container): say it in one line.
    if (/^unshare: /m.test(text) || /^mount: /m.test(text)) unshareFailed = true;
    else process.stderr.write(chunk);
  });
  return new Promise((resolve) => {
    child.on('error', () => { console.error(NEEDS_ROOT); resolve(1); });
    child.on('close', (code, signal) => {
      if (unshareFailed) { console.error(NEEDS_ROOT); resolve(1); return; }
      if (signal) console.error(`rtnetlink bench: killed by ${signal}`);
      resolve(code ?? 1);
    });
  });
}
