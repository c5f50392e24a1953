// The test command (`npm test` runs it after the build).
//
// Isolation: ava runs inside fresh network and mount namespaces (`unshare --net --mount
// --propagation private`), with a private tmpfs on /run/netns. Tests create their own namespaces
// in there, so nothing a test does — even one that crashes before its cleanup — can reach the
// machine's own network namespace, and no namespace file outlives the run.
//
// Output: ava's TAP stream, then one line `N passed, N failed[, N skipped]` (CI reads that line). The exit
// status is non-zero when a test failed or when no test ran.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ava = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'ava', 'entrypoints', 'cli.mjs');
const args = process.argv.slice(2);

const isolate = [
  'mkdir -p /run/netns',
  'mount -t tmpfs -o mode=0755 rtnetlink-test /run/netns',
  'ip link set lo up',
  'export RTNETLINK_TEST_ISOLATED=1',
  `exec "${process.execPath}" "${ava}" --tap "$@"`,
].join(' && ');

const root = process.getuid?.() === 0;
const child = root
  ? spawn('unshare', ['--net', '--mount', '--propagation', 'private', '--', 'sh', '-c', isolate, 'sh', ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] })
  : spawn(process.execPath, [ava, '--tap', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
if (!root) console.error('spec/run: not root: the live tests will be skipped (they need CAP_SYS_ADMIN and CAP_NET_ADMIN)');

const counts = { pass: 0, fail: 0, skip: 0, todo: 0 };
let rest = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  rest += chunk.toString('utf8');
  const lines = rest.split('\n');
  rest = lines.pop() ?? '';
  for (const line of lines) {
    const m = /^# (pass|fail|skip|todo) (\d+)$/.exec(line.trim());
    if (m) counts[m[1]] = Number(m[2]);
  }
});
child.on('close', (code, signal) => {
  const m = /^# (pass|fail|skip|todo) (\d+)$/.exec(rest.trim());
  if (m) counts[m[1]] = Number(m[2]);
  // ava exits non-zero on failures it may not count as tests (an uncaught exception in a file).
  const failed = counts.fail + (code !== 0 && counts.fail === 0 ? 1 : 0);
  // Skipped tests (a kernel feature missing here, or no root) are counted apart, never as passed;
  // each says why in its title above.
  console.log(`${counts.pass} passed, ${failed} failed${counts.skip > 0 ? `, ${counts.skip} skipped` : ''}`);
  if (signal) console.error(`spec/run: the test process was killed by ${signal}`);
  process.exit(failed > 0 || counts.pass === 0 ? 1 : 0);
});
