// NLM_F_DUMP_INTR from the real kernel: address and link dumps are flagged when the table changes
// between two datagrams of a dump. A stream cannot restart what it already yielded, so it ends with
// ERR_NL_DUMP_INTERRUPTED after the last object; an undisturbed stream ends cleanly. The kernel
// builds the next datagram inside each read, so the tables span several datagrams: a change must
// land before the last one is built to be seen.
import { ProtocolError, RtNetlink } from '../../../lib/netlink/index.js';
import { liveTest, tempNetns } from '../../helpers/netns.js';

liveTest('a change between datagrams of an address dump makes the stream end with ERR_NL_DUMP_INTERRUPTED', async (t) => {
  const { path, nl } = await tempNetns(t);
  await Promise.all(Array.from({ length: 20 }, (_, i) => nl.links.add({ name: `d${i}`, kind: 'ifb' })));
  const items = [];
  for (let i = 0; i < 20; i++) for (let j = 0; j < 100; j++) items.push({ link: `d${i}`, address: `10.${i}.${j}.1/24` });
  t.true((await nl.addresses.addMany(items)).every((r) => r.status === 'fulfilled'));
  const other = await RtNetlink.open({ netns: path });
  t.teardown(() => other.close());

  let clean = 0;
  for await (const a of nl.addresses.stream({ family: 4 })) if (a.family === 4) clean++;
  t.is(clean, 2000 + 1, 'undisturbed: every address (and lo\'s) once');

  let seen = 0;
  const error = await t.throwsAsync(async () => {
    for await (const _ of nl.addresses.stream({ family: 4 })) {
      if (seen++ === 0) await other.addresses.add({ link: 'd0', address: '10.200.0.1/24' });
    }
  }, { instanceOf: ProtocolError });
  t.is(error.code, 'ERR_NL_DUMP_INTERRUPTED');
  t.true(seen >= 2000, `the objects were all yielded before the error (${seen})`);
  // list() restarts an interrupted dump; without concurrent changes it is consistent at once.
  t.is((await nl.addresses.list({ family: 4 })).length, 2002);
});

liveTest('a link created during a link dump interrupts the stream', async (t) => {
  const { path, nl } = await tempNetns(t);
  await Promise.all(Array.from({ length: 60 }, (_, i) => nl.links.add({ name: `l${i}`, kind: 'ifb' })));
  const other = await RtNetlink.open({ netns: path });
  t.teardown(() => other.close());
  let seen = 0;
  const error = await t.throwsAsync(async () => {
    for await (const _ of nl.links.stream()) {
      if (seen++ === 0) await other.links.add({ name: 'late0', kind: 'ifb' });
    }
  }, { instanceOf: ProtocolError });
  t.is(error.code, 'ERR_NL_DUMP_INTERRUPTED');
  t.is((await nl.links.list()).length, 62);
});
