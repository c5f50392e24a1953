/**
 * Configuring a link that is inside the sandbox (osl's `configureInterface` and the steps of
 * `AddInterface` after it), and undoing that configuration in place for a link the caller created
 * inside (createdInContainer), which is never moved back.
 *
 * Order, as osl: IPv6 enabled or disabled on the interface; IPv4, IPv6 (no DAD) and link-local
 * addresses and the master in one stage (one datagram); the per-interface sysctls; up; the
 * link-scope routes (they need the link up). Every change the kernel accepted is written down in
 * an {@link AppliedConfig}, so an undo removes exactly that and nothing the link had before.
 */
import { EADDRNOTAVAIL, ENOENT, ESRCH } from '../netlink/core/errno.js';
import type { LinkSetOptions } from '../netlink/rtnl/link/service.js';
import { errnoOf } from './errors.js';
import { PROC_SYS_NET, interfaceSysctlPath, restoreKnobs, setKnob, type KnobChange } from './knobs.js';
import type { CheckedInterfaceOptions, CheckedPrefix } from './options.js';
import type { AppliedConfig, InterfaceRecord, LinkSnapshot, SandboxState } from './state.js';
import { StepFailure, stage, step, type StageStep } from './steps.js';

/** An empty record of changes. */
export function nothingApplied(): AppliedConfig {
  return { addresses: [], routes: [], knobs: [], master: false, mac: false };
}

/**
 * Sets a knob (see knobs.ts setKnob) and records the change; a missing file is ignored when
 * `missingOk` (IPv6 switched off in the kernel), other failures are a StepFailure 'sysctl'.
 */
function knob(state: SandboxState, path: string, value: string, applied: AppliedConfig, message: string, missingOk: boolean): void {
  let change: KnobChange | undefined;
  try {
    change = setKnob(state.fd, path, value);
  } catch (e) {
    if (missingOk && errnoOf(e) === ENOENT) return;
    throw new StepFailure('sysctl', message, e);
  }
  if (change !== undefined) applied.knobs.push(change);
}

/** The stage step that adds one address and records it once the kernel accepted it. */
function addAddress(state: SandboxState, idx: number, a: CheckedPrefix, flags: Array<'nodad'>, applied: AppliedConfig,
  message: string): StageStep {
  return {
    step: 'address', message,
    run: async () => {
      await state.nl.addresses.add({ link: idx, address: a.text, flags });
      applied.addresses.push(a);
    },
  };
}

/**
 * Configures link `idx` (named `dstName` inside): see the module comment. Returns the IPv6 address
 * the interface keeps: undefined when a sysctl made the kernel drop it (osl then forgets it too,
 * so it is neither reported nor announced).
 */
export async function configure(state: SandboxState, idx: number, srcName: string, dstName: string, opts: CheckedInterfaceOptions,
  master: InterfaceRecord | undefined, applied: AppliedConfig): Promise<CheckedPrefix | undefined> {
  const nl = state.nl;
  const disableIPv6 = `${PROC_SYS_NET}/ipv6/conf/${dstName}/disable_ipv6`;
  const wantsIPv6 = opts.addressIPv6 !== undefined || opts.linkLocalAddresses.some((a) => a.version === 6);
  // IPv6 on the interface iff asked for (osl's setIPv6): enabled before its addresses are added;
  // a kernel without IPv6 has no such file (then adding the address reports the real problem).
  if (wantsIPv6) knob(state, disableIPv6, '0', applied, `failed to enable IPv6 on interface "${dstName}"`, true);
  if (opts.disableIPv6) knob(state, disableIPv6, '1', applied, `failed to disable IPv6 on interface "${dstName}"`, true);

  const up: StageStep = { step: 'up', message: `failed to set link "${dstName}" up`, run: () => nl.links.set(idx, { up: true }) };
  const lls = opts.linkLocalAddresses.map((a) => a.text).join(', ');
  await stage([
    ...(opts.address === undefined ? [] : [addAddress(state, idx, opts.address, [], applied,
      `error setting interface "${srcName}" IP to "${opts.address.text}"`)]),
    ...(opts.addressIPv6 === undefined ? [] : [addAddress(state, idx, opts.addressIPv6, ['nodad'], applied,
      `error setting interface "${srcName}" IPv6 to "${opts.addressIPv6.text}"`)]),
    ...opts.linkLocalAddresses.map((a) => addAddress(state, idx, a, [], applied,
      `error setting interface "${srcName}" link local IPs to "${lls}"`)),
    ...(master === undefined ? [] : [{
      step: 'master' as const, message: `error setting interface "${srcName}" master to "${master.dstName}"`,
      run: async () => {
        await nl.links.set(idx, { master: master.ifindex });
        applied.master = true;
      },
    }]),
    // Without sysctls nothing comes between the addresses and up: one datagram for all.
    ...(opts.sysctls.length === 0 ? [up] : []),
  ]);

  let addressIPv6 = opts.addressIPv6;
  if (opts.sysctls.length > 0) {
    for (const s of opts.sysctls) {
      knob(state, interfaceSysctlPath(s, dstName), s.value, applied, `failed to set sysctl ${s.text} on interface "${dstName}"`, false);
    }
    if (addressIPv6 !== undefined) {
      const kept = await step(nl.addresses.list({ link: idx, family: 6 }), 'address', 'failed to check IPv6 addresses');
      if (!kept.some((a) => a.cidr === addressIPv6!.text)) addressIPv6 = undefined;
    }
    await stage([up]);
  }

  // Routes need the link up; a default route waits for setDefaultRouteIPv4/IPv6 (osl).
  const routes = opts.routes.filter((r) => r.prefixlen !== 0);
  const list = opts.routes.map((r) => r.text).join(', ');
  await stage(routes.map((r) => ({
    step: 'route' as const, message: `error setting interface "${srcName}" routes to "${list}"`,
    run: async () => {
      await nl.routes.add({ dst: r.text, oif: idx, scope: 'link', family: r.version });
      applied.routes.push(r);
    },
  })));
  return addressIPv6;
}

/** Runs `p`, keeping an error that is not one of the `tolerated` errnos (the change is already gone). */
async function quietly(p: Promise<unknown>, tolerated: readonly number[], errors: Error[]): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!tolerated.includes(errnoOf(e) ?? 0)) errors.push(e as Error);
  }
}

/**
 * Puts a link that was created inside by the caller back as it was found: removes the routes and
 * addresses that were added, puts back the knobs that were written (while the link still has the
 * name they were written under), then sets it down, gives back its name, MAC and master, and its
 * up state. Goes on after a failure; returns the errors (empty: completely undone). A route or
 * address already gone is fine.
 */
export async function revertInside(state: SandboxState, idx: number, snapshot: LinkSnapshot, applied: AppliedConfig): Promise<Error[]> {
  const nl = state.nl;
  const errors: Error[] = [];
  await Promise.all(applied.routes.map((r) => quietly(nl.routes.del({ dst: r.text, oif: idx, scope: 'link', family: r.version }), [ESRCH], errors)));
  await Promise.all(applied.addresses.map((a) => quietly(nl.addresses.del({ link: idx, address: a.text }), [EADDRNOTAVAIL], errors)));
  // The knobs' paths name the interface as it is named now: put them back before the rename.
  errors.push(...restoreKnobs(state.fd, applied.knobs));
  // A link that is up cannot be renamed (EBUSY): down first, the rest after.
  await quietly(nl.links.set(idx, { up: false }), [], errors);
  const back: LinkSetOptions = { name: snapshot.name };
  if (applied.mac && snapshot.mac !== undefined) back.mac = snapshot.mac;
  if (applied.master) back.master = snapshot.master ?? null;
  if (snapshot.up) back.up = true;
  await quietly(nl.links.set(idx, back), [], errors);
  return errors;
}
