/**
 * What the running kernel can do, probed once per test file with iproute2 (an independent oracle)
 * in a throwaway namespace: link kinds without a driver here (dummy, bond, vlan, ipvlan, geneve, gre …), bridge
 * VLAN filtering, MPLS and SRv6 lightweight tunnels. A live test that needs a missing feature is registered as
 * skipped, with the reason in its title, so the summary counts it as skipped rather than passed.
 */
import { execFileSync } from 'node:child_process';
import test, { type ExecutionContext } from 'ava';
import { NEEDS_ROOT, privileged, uniqueName } from './netns.js';

/** A kernel feature some live tests need. */
export type KernelFeature = 'dummy' | 'bond' | 'vlan' | 'ipvlan' | 'ipvtap' | 'bridge-vlan-filtering' | 'mpls-encap'
  | 'geneve' | 'gre' | 'gretap' | 'ip6gretap' | 'vrf' | 'wireguard' | 'seg6-encap' | 'seg6local-encap';

/** How each feature is probed: `ip` commands run in order in a fresh namespace; the last one decides. */
const PROBES: ReadonlyArray<readonly [KernelFeature, string[][]]> = [
  ['dummy', [['link', 'add', 'p0', 'type', 'dummy']]],
  ['bond', [['link', 'add', 'p1', 'type', 'bond']]],
  ['vlan', [['link', 'add', 'pv0', 'type', 'veth', 'peer', 'name', 'pv1'], ['link', 'add', 'pv2', 'link', 'pv0', 'type', 'vlan', 'id', '5']]],
  ['ipvlan', [['link', 'add', 'pv3', 'type', 'veth', 'peer', 'name', 'pv4'], ['link', 'add', 'pi0', 'link', 'pv3', 'type', 'ipvlan', 'mode', 'l3']]],
  ['ipvtap', [['link', 'add', 'pv5', 'type', 'veth', 'peer', 'name', 'pv6'], ['link', 'add', 'pt0', 'link', 'pv5', 'type', 'ipvtap', 'mode', 'l2']]],
  ['bridge-vlan-filtering', [['link', 'add', 'pb0', 'type', 'bridge', 'vlan_filtering', '1']]],
  ['geneve', [['link', 'add', 'pg0', 'type', 'geneve', 'id', '1', 'remote', '10.99.0.1']]],
  ['gre', [['link', 'add', 'pg1', 'type', 'gre', 'remote', '10.99.0.1', 'local', '10.99.0.2']]],
  ['gretap', [['link', 'add', 'pg2', 'type', 'gretap', 'remote', '10.99.0.1', 'local', '10.99.0.2']]],
  ['ip6gretap', [['link', 'add', 'pg3', 'type', 'ip6gretap', 'remote', '2001:db8::1', 'local', '2001:db8::2']]],
  ['vrf', [['link', 'add', 'pf0', 'type', 'vrf', 'table', '10']]],
  ['wireguard', [['link', 'add', 'pw0', 'type', 'wireguard']]],
  ['mpls-encap', [
    ['link', 'add', 'pm0', 'type', 'veth', 'peer', 'name', 'pm1'], ['link', 'set', 'pm0', 'up'],
    ['route', 'add', '10.99.0.0/24', 'encap', 'mpls', '100', 'dev', 'pm0'],
  ]],
  // SRv6 lightweight tunnels (CONFIG_IPV6_SEG6_LWTUNNEL): some kernels here have them, some do not.
  ['seg6-encap', [
    ['link', 'add', 'ps0', 'type', 'veth', 'peer', 'name', 'ps1'], ['link', 'set', 'ps0', 'up'],
    ['-6', 'route', 'add', 'fc00:99::/64', 'encap', 'seg6', 'mode', 'encap', 'segs', 'fc00::1', 'dev', 'ps0'],
  ]],
  ['seg6local-encap', [
    ['link', 'add', 'ps2', 'type', 'veth', 'peer', 'name', 'ps3'], ['link', 'set', 'ps2', 'up'],
    ['-6', 'route', 'add', 'fc00:98::/64', 'encap', 'seg6local', 'action', 'End', 'dev', 'ps2'],
  ]],
];

/** Why each missing feature is missing (ip's stderr); absent when the kernel has it. */
const missing = new Map<KernelFeature, string>();

function probe(): void {
  const ns = uniqueName('probe');
  execFileSync('ip', ['netns', 'add', ns], { stdio: 'pipe' });
  try {
    for (const [feature, commands] of PROBES) {
      try {
        for (const args of commands) execFileSync('ip', ['-n', ns, ...args], { stdio: 'pipe' });
      } catch (e) {
        missing.set(feature, String((e as { stderr?: unknown }).stderr ?? e).trim().split('\n')[0] ?? 'refused');
      }
    }
  } finally {
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'pipe' });
  }
}

if (privileged) probe();

/** Whether the kernel has `feature` (false when live tests cannot run at all). */
export function kernelHas(feature: KernelFeature): boolean {
  return privileged && !missing.has(feature);
}

/** Why the kernel lacks `feature` (ip's message), or undefined when it has it. */
export function whyMissing(feature: KernelFeature): string | undefined {
  return missing.get(feature);
}

/**
 * Registers a live test that needs kernel features. Without root it is skipped like any live test;
 * when the kernel lacks one of `needs` it is registered as skipped, the title saying which and why.
 */
export function kernelTest(needs: readonly KernelFeature[], title: string, fn: (t: ExecutionContext) => Promise<void> | void): void {
  if (!privileged) {
    test.skip(`${title} (${NEEDS_ROOT})`, fn);
    return;
  }
  const lacking = needs.filter((f) => missing.has(f));
  if (lacking.length === 0) test(title, fn);
  else test.skip(`${title} (skipped: the kernel lacks ${lacking.map((f) => `${f}: ${missing.get(f)}`).join('; ')})`, fn);
}
