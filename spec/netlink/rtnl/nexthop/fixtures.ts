// The captured nexthop messages of spec/fixtures/nexthop (made by capture.mjs there from iproute2
// and the kernel, each with its provenance), and a handle on a fake kernel for request tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RtNetlink } from '../../../../lib/netlink/index.js';
import { nlerror, nlmsg, u32 } from '../../../helpers/bytes.js';
import { FakeKernel, type SentMessage } from '../../../helpers/fake-kernel.js';
import { fixturesDir } from '../../../helpers/fixtures.js';

const FIXTURES = fixturesDir('nexthop');

/** A fixture's message bytes (the `#` provenance lines skipped). */
export function fixture(name: string): Buffer {
  const text = readFileSync(join(FIXTURES, name), 'utf8');
  return Buffer.from(text.split('\n').filter((l) => !l.startsWith('#')).join('').replace(/\s/g, ''), 'hex');
}

export const RTM_GETLINK = 18;
export const RTM_NEWLINK = 16;

/** A handle on a fake kernel that ACKs everything, resolves d0 → 3 and vx0 → 4, and `answers` the rest. */
export async function fake(answers: (m: SentMessage, k: FakeKernel) => boolean = () => false): Promise<{ kernel: FakeKernel; nl: RtNetlink; sent(type: number): SentMessage[] }> {
  const kernel = new FakeKernel((msgs, k) => {
    for (const m of msgs) {
      if (answers(m, k)) continue;
      if (m.type === RTM_GETLINK) {
        const name = m.payload.subarray(20, m.payload.indexOf(0, 20)).toString();
        const index = name === 'd0' ? 3 : name === 'vx0' ? 4 : 0;
        if (index > 0) k.deliver(nlmsg(RTM_NEWLINK, 0, m.seq, 0, [0, 0, 1, 0], u32(index), u32(0x1043), u32(0)));
        else k.deliver(nlerror(m.seq, 19, { type: m.type, flags: m.flags }));
      } else {
        k.deliver(nlerror(m.seq, 0, { type: m.type, flags: m.flags }));
      }
    }
  });
  const restore = kernel.install();
  const nl = await RtNetlink.open();
  const close = nl.close.bind(nl);
  nl.close = () => { close(); restore(); };
  return { kernel, nl, sent: (type) => kernel.sent.filter((m) => m.type === type) };
}
