// `rtnl netns add|list|delete` keep namespaces on files under /run/netns as `ip netns` does: what
// rtnl adds, ip lists and uses; what ip adds, rtnl lists and uses; refusals print ip's messages.
// (spec/run.mjs gives the test run a private /run/netns; other tests add namespaces there at the
// same time, so only this test's names are compared.)
import { ip, liveTest, uniqueName } from '../helpers/netns.js';
import { rtnl, rtnlOk } from './cli-helpers.js';

liveTest('netns add makes a namespace ip lists and enters; list and delete see ip\'s namespaces', async (t) => {
  const mine = uniqueName('cx');
  const theirs = uniqueName('cy');
  t.teardown(() => {
    for (const n of [mine, theirs]) {
      try { ip(['netns', 'del', n]); } catch { /* gone */ }
    }
  });
  t.is(await rtnlOk(['netns', 'add', mine]), '');
  t.true(ip(['netns', 'list']).split('\n').some((l) => l.split(' ')[0] === mine), 'ip netns list shows it');
  t.regex(ip(['-n', mine, 'link', 'show']), /^1: lo: <LOOPBACK> /, 'ip enters it: only a lo, down');
  ip(['netns', 'add', theirs]);
  const listed = (await rtnlOk(['netns', 'list'])).split('\n');
  t.true(listed.includes(mine) && listed.includes(theirs));
  const json = JSON.parse(await rtnlOk(['-j', 'netns', 'list'])) as Array<{ name: string }>;
  t.deepEqual(json.filter((n) => n.name === mine || n.name === theirs).map((n) => n.name).sort(), [mine, theirs].sort());
  t.is(await rtnlOk(['-n', theirs, 'link', 'add', 'inthere', 'type', 'ifb']), '');
  t.regex(ip(['-n', theirs, 'link', 'show', 'inthere']), /inthere/);
  const again = await rtnl(['netns', 'add', mine]);
  t.is(again.code, 1);
  t.is(again.stderr, `Cannot create namespace file "/run/netns/${mine}": File exists\n`);
  t.is(await rtnlOk(['netns', 'del', theirs]), '');
  t.is(await rtnlOk(['netns', 'delete', mine]), '');
  t.false(ip(['netns', 'list']).split('\n').some((l) => [mine, theirs].includes(l.split(' ')[0]!)));
  const gone = await rtnl(['netns', 'del', mine]);
  t.is(gone.code, 1);
  t.is(gone.stderr, `Cannot remove namespace file "/run/netns/${mine}": No such file or directory\n`);
});
