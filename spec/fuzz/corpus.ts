/**
 * The seeds the fuzzer mutates: every golden capture under spec/fixtures/ (all families, requests
 * and replies, and the saved regression inputs under spec/fixtures/regress/), plus control messages
 * the captures do not hold — ACKs, errors with every ext-ack TLV (capped and with the whole request
 * echoed), DONE with a status and TLVs — and a dump datagram of several messages.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { attr, bytes, cstr, nldone, nlerror, nlmsg, s32, u32, u64 } from '../helpers/bytes.js';
import { fixturesDir } from '../helpers/fixtures.js';

/** One seed: where it came from and its bytes. */
export interface Seed {
  readonly name: string;
  readonly bytes: Buffer;
}

/** Parses a fixture file: `#` lines are provenance, the rest is hex (whitespace ignored). */
export function parseHexFixture(text: string): Buffer {
  const hex = text.split('\n').filter((l) => !l.trimStart().startsWith('#')).join('').replace(/\s/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new Error('not hex');
  return Buffer.from(hex, 'hex');
}

/** Every `*.hex` below `dir`, sorted, as [path relative to spec/fixtures, bytes]. */
export function hexFiles(dir: string, root = dir): Seed[] {
  const out: Seed[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...hexFiles(path, root));
    else if (entry.name.endsWith('.hex')) out.push({ name: relative(root, path), bytes: parseHexFixture(readFileSync(path, 'utf8')) });
  }
  return out;
}

/** The fixtures root (spec/fixtures/ in the source tree). */
export const FIXTURES_ROOT = fixturesDir('.');

/** Control messages and datagrams built here (no capture holds them). */
function controlSeeds(requests: readonly Seed[]): Seed[] {
  const policy = attr(4 | 0x8000, attr(1, u32(11)), attr(7, u32(15)), attr(2, u64(1n)), attr(5, u64(0xffffffffffffffffn)));
  const tlvs = [attr(1, cstr('Attribute failed policy validation')), attr(2, u32(32)), policy, attr(5, u32(1)), attr(6, u32(16)), attr(3, [1, 2, 3, 4, 5, 6, 7, 8])];
  const seeds: Seed[] = [
    { name: 'control/ack', bytes: nlerror(1, 0, { type: 16, flags: 0x605 }) },
    { name: 'control/ack-warning', bytes: nlerror(2, 0, { type: 24, flags: 0x605 }, [attr(1, cstr('route is ignored'))]) },
    { name: 'control/error-capped-tlvs', bytes: nlerror(3, 34, { type: 16, flags: 0x605, len: 64 }, tlvs) },
    { name: 'control/done', bytes: nldone(4) },
    { name: 'control/done-error-tlvs', bytes: nldone(5, -22, [attr(1, cstr('Invalid values in header for FIB dump request')), attr(2, u32(20))]) },
    { name: 'control/done-empty', bytes: nlmsg(3, 2, 6, 0) },
  ];
  // Errors echoing a whole request (NETLINK_CAP_ACK off): the TLVs follow the echoed message.
  for (const req of requests.slice(0, 6)) {
    seeds.push({ name: `control/error-echo(${req.name})`, bytes: nlmsg(2, 0x200, 7, 0, s32(-22), req.bytes, ...tlvs.slice(0, 2)) });
  }
  return seeds;
}

/** A dump datagram: several replies of one family, then DONE. */
function dumpSeed(name: string, replies: readonly Seed[]): Seed {
  return { name, bytes: bytes(...replies.map((s) => s.bytes), nldone(9)) };
}

/** Loads the corpus (fixtures first, in path order, then the built seeds). */
export function loadCorpus(): Seed[] {
  const files = hexFiles(FIXTURES_ROOT);
  const requests = files.filter((s) => /\/req(uest)?-/.test(s.name));
  const replies = (family: string): Seed[] => files.filter((s) => s.name.startsWith(`${family}/`) && !/\/req(uest)?-/.test(s.name));
  return [
    ...files,
    ...controlSeeds(requests),
    dumpSeed('control/dump(link)', replies('link').slice(0, 3)),
    dumpSeed('control/dump(route)', replies('route').slice(0, 4)),
    dumpSeed('control/dump(address+neighbor+rule)', [...replies('address').slice(0, 2), ...replies('neighbor').slice(0, 2), ...replies('rule').slice(0, 2)]),
  ];
}
