/**
 * The metrics of a route spec (`ip route add … mtu 1400 advmss 1360 lock mtu`): which options are
 * RTAX_* metrics, their limits, and their check into the RTA_METRICS nest request.ts writes through
 * the codec's metrics set, in the order iproute2 writes them (RTAX_LOCK last).
 */
import { ValidationError } from '../../core/errors.js';
import { checkArray, checkBool, checkInt, hasLoneSurrogate } from '../../core/validate.js';
import type { RouteMetrics } from './codec.js';
import * as C from './constants.js';

/** Numeric metrics, in the order iproute2 writes them: option (= RTAX_* field of routeMetricsAttrs), largest value. */
const NUMERIC_METRICS: ReadonlyArray<readonly ['mtu' | 'window' | 'rtt' | 'rttvar' | 'ssthresh' | 'cwnd' | 'advmss'
  | 'reordering' | 'hoplimit' | 'initcwnd' | 'features' | 'rtoMin' | 'initrwnd', number]> = [
  ['mtu', 0xffffffff], ['window', 0xffffffff], ['rtt', 0xffffffff], ['rttvar', 0xffffffff], ['ssthresh', 0xffffffff],
  ['cwnd', 0xffffffff], ['advmss', 0xffffffff], ['reordering', 0xffffffff], ['hoplimit', 255], ['initcwnd', 0xffffffff],
  ['features', 0xffffffff], ['rtoMin', 0xffffffff], ['initrwnd', 0xffffffff],
];

/** The metrics `lock` may name, by option name: their RTAX_* (the bit number in RTAX_LOCK). */
const LOCKABLE = new Map<string, number>([
  ['mtu', C.RTAX_MTU], ['window', C.RTAX_WINDOW], ['rtt', C.RTAX_RTT], ['rttvar', C.RTAX_RTTVAR],
  ['ssthresh', C.RTAX_SSTHRESH], ['cwnd', C.RTAX_CWND], ['advmss', C.RTAX_ADVMSS], ['reordering', C.RTAX_REORDERING],
  ['hoplimit', C.RTAX_HOPLIMIT], ['initcwnd', C.RTAX_INITCWND], ['features', C.RTAX_FEATURES], ['rtoMin', C.RTAX_RTO_MIN],
  ['initrwnd', C.RTAX_INITRWND], ['quickack', C.RTAX_QUICKACK], ['congctl', C.RTAX_CC_ALGO],
  ['fastopenNoCookie', C.RTAX_FASTOPEN_NO_COOKIE],
]);

/** The options of a RouteSpec that are metrics: every lockable one, and `lock`. */
export const METRIC_OPTIONS: ReadonlySet<string> = new Set([...LOCKABLE.keys(), 'lock']);

/**
 * The RTAX_* metrics of a spec (field names prefixed with `p`), in iproute2's order, or undefined
 * when none is set.
 */
export function checkMetrics(p: string, o: Record<string, unknown>): RouteMetrics | undefined {
  const m: RouteMetrics = {};
  let any = false;
  for (const [key, max] of NUMERIC_METRICS) {
    if (o[key] !== undefined) {
      m[key] = checkInt(`${p}${key}`, o[key], 0, max);
      any = true;
    }
  }
  if (o.quickack !== undefined) {
    m.quickack = checkBool(`${p}quickack`, o.quickack) ? 1 : 0;
    any = true;
  }
  // Read once: a getter must not pass the check with one value and be sent with another.
  const congctl = o.congctl;
  if (congctl !== undefined) {
    // TCP_CA_NAME_MAX - 1 bytes (the kernel counts bytes: 'é' is two).
    if (typeof congctl !== 'string' || congctl.length === 0 || congctl.length > 15 || Buffer.byteLength(congctl) > 15 || congctl.includes('\0')
      || hasLoneSurrogate(congctl)) {
      throw new ValidationError(`${p}congctl`, congctl, 'a congestion control name (1..15 bytes of valid Unicode, no NUL) is required');
    }
    m.ccAlgo = congctl;
    any = true;
  }
  if (o.fastopenNoCookie !== undefined) {
    m.fastopenNoCookie = checkBool(`${p}fastopenNoCookie`, o.fastopenNoCookie) ? 1 : 0;
    any = true;
  }
  const lock = o.lock;
  if (lock !== undefined) {
    let mask = 0;
    for (const [i, name] of checkArray(`${p}lock`, lock, 'metric names').entries()) {
      const bit = typeof name === 'string' ? LOCKABLE.get(name) : undefined;
      if (bit === undefined) {
        throw new ValidationError(`${p}lock[${i}]`, name, `unknown metric (known: ${[...LOCKABLE.keys()].join(', ')})`);
      }
      mask |= 1 << bit;
    }
    if (mask !== 0) {
      m.lock = mask >>> 0;
      any = true;
    }
  }
  return any ? m : undefined;
}

