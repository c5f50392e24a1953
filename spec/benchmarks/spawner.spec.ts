// benchmarks/harness/spawner.ts: the helper that starts the benchmark's programs runs each in the
// folder asked for, with the harness's environment minus the variables asked to be left out (the
// import case leaves out NODE_EXTRA_CA_CERTS), and reports its status and output.
import test from 'ava';
import { tmpdir } from 'node:os';
import { releaseSpawner, spawnTimed } from '../../benchmarks/harness/spawner.js';

const PROBE = 'RTNETLINK_SPAWNER_PROBE';
const SHOW = `process.stdout.write(JSON.stringify([process.env.${PROBE} ?? null, process.env.${PROBE}_KEPT ?? null, process.cwd()]))`;

test.after.always(() => releaseSpawner());

test('a program runs in the folder asked for, without the environment variables named, with the others', async (t) => {
  // Set before the helper starts: it passes on its own environment.
  process.env[PROBE] = 'set';
  process.env[`${PROBE}_KEPT`] = 'kept';
  const dir = tmpdir();
  const plain = await spawnTimed(process.execPath, ['-e', SHOW], { cwd: dir, stdout: 'pipe' });
  t.is(plain.status, 0, plain.stderr);
  t.deepEqual(JSON.parse(plain.stdout), ['set', 'kept', dir]);
  const without = await spawnTimed(process.execPath, ['-e', SHOW], { cwd: dir, stdout: 'pipe', unsetEnv: [PROBE] });
  t.is(without.status, 0, without.stderr);
  t.deepEqual(JSON.parse(without.stdout), [null, 'kept', dir]);
  t.true(without.ms > 0);
  // The next program has the variable again: leaving it out is per program.
  const again = await spawnTimed(process.execPath, ['-e', SHOW], { cwd: dir, stdout: 'pipe', unsetEnv: [] });
  t.deepEqual(JSON.parse(again.stdout), ['set', 'kept', dir]);
});

test('a program that fails reports its status and standard error', async (t) => {
  const r = await spawnTimed(process.execPath, ['-e', "process.stderr.write('no'); process.exit(3)"], { stdout: 'null' });
  t.is(r.status, 3);
  t.is(r.stderr, 'no');
  t.is(r.stdout, '');
});
