/**
 * What osl's namespace_linux.go offers besides the namespace's life cycle (namespace.ts): alias
 * addresses on any link of the sandbox, ARP settings for virtual IPs, loopback facts, the OS
 * tweaks of load-balancer and ingress sandboxes, and `/proc/sys/net` knobs read and written as
 * the sandbox sees them (knobs.ts). Nothing here is recorded in the sandbox's state: like osl,
 * these change the kernel only.
 */
import { errnoNumber } from '../netlink/core/errno.js';
import { checkLinkName } from '../netlink/core/validate.js';
import { formatIp, parsePrefix } from '../netlink/core/inet.js';
import { SandboxError, errnoOf } from './errors.js';
import { recordOf, type Interface } from './interface.js';
import {
  OS_TWEAKS, PROC_SYS_NET, applyKnobs, checkKnobValue, checkSandboxTypes, knobPath, readKnob, restoreKnobs, setKnob, writeKnob,
  type KnobChange, type KnobResult,
} from './knobs.js';
import { assertLive, type SandboxState } from './state.js';

/** The loopback interface's name (osl's `GetLoopbackIfaceName`). */
export const LOOPBACK_NAME = 'lo';

/** An alias address: an address with its prefix length, or bare (a host prefix: /32, /128). */
function checkAlias(value: unknown): string {
  const p = parsePrefix('ip', value);
  return `${formatIp(p.bytes)}/${p.prefixlen}`;
}

/**
 * addAliasIP / removeAliasIP (osl's `AddAliasIP`/`RemoveAliasIP`): adds or deletes `ip` on the
 * link named `ifName` inside the sandbox (`lo`, or an interface's name there such as `eth0`).
 */
export async function aliasIP(state: SandboxState, ifName: string, ip: string, add: boolean): Promise<void> {
  assertLive(state);
  const link = checkLinkName('ifName', ifName);
  const address = checkAlias(ip);
  try {
    if (add) await state.nl.addresses.add({ link, address });
    else await state.nl.addresses.del({ link, address });
  } catch (e) {
    throw new SandboxError('address', `failed to ${add ? 'add' : 'remove'} alias IP ${address} ${add ? 'to' : 'from'} "${link}"`, { cause: e });
  }
}

/** The interface of the sandbox whose source name is `srcName` (osl's `InterfaceBySrcName`), or undefined. */
export function interfaceBySrcName(state: SandboxState, srcName: string): Interface | undefined {
  const name = checkLinkName('srcName', srcName);
  return state.interfaces.find((i) => recordOf(i).srcName === name);
}

/**
 * disableARPForVIP (osl's `DisableARPForVIP`): on the interface with source name `srcName`, answer
 * ARP only for addresses of that interface (`arp_ignore=1`) and announce only them
 * (`arp_announce=2`), so virtual IPs on `lo` stay silent. If the second write fails, the first is
 * put back.
 */
export async function disableARPForVIP(state: SandboxState, srcName: string): Promise<void> {
  assertLive(state);
  const iface = interfaceBySrcName(state, srcName);
  if (iface === undefined) throw new SandboxError('lookup', `failed to find interface ${srcName} in sandbox`);
  const dir = `${PROC_SYS_NET}/ipv4/conf/${recordOf(iface).dstName}`;
  const changes: KnobChange[] = [];
  for (const [name, value] of [['arp_ignore', '1'], ['arp_announce', '2']] as const) {
    try {
      const change = setKnob(state.fd, `${dir}/${name}`, value);
      if (change !== undefined) changes.push(change);
    } catch (e) {
      throw new SandboxError('sysctl', `failed to set ${dir}/${name} to ${value}`, { cause: e, rollbackErrors: restoreKnobs(state.fd, changes) });
    }
  }
}

/**
 * Whether `lo` has an IPv6 address (osl's `IPv6LoEnabled`: the kernel gives it ::1 when IPv6 is
 * enabled in the namespace). Asked of the kernel at each call (osl caches the first answer until
 * `RefreshIPv6LoEnabled`). A kernel without IPv6 answers false.
 */
export async function ipv6LoEnabled(state: SandboxState): Promise<boolean> {
  assertLive(state);
  try {
    return (await state.nl.addresses.list({ link: LOOPBACK_NAME, family: 6 })).length > 0;
  } catch (e) {
    if (errnoOf(e) === errnoNumber('EAFNOSUPPORT')) return false;
    throw new SandboxError('address', `failed to list the IPv6 addresses of ${LOOPBACK_NAME}`, { cause: e });
  }
}

/**
 * applyOSTweaks (osl's `ApplyOSTweaks`): the knobs of {@link OS_TWEAKS} for each type, inside the
 * sandbox. A knob the namespace does not have (IPVS not loaded) is skipped, as osl does; a failure
 * puts back what the call changed and is a SandboxError.
 */
export async function applyOSTweaks(state: SandboxState, types: unknown): Promise<KnobResult[]> {
  assertLive(state);
  const wanted = new Map<string, string>();
  for (const t of checkSandboxTypes('types', types)) for (const [k, v] of OS_TWEAKS[t]) wanted.set(k, v);
  return applyKnobs(state.fd, [...wanted]);
}

/** readSysctl: a `/proc/sys/net` knob as the sandbox sees it, without the trailing newline. */
export async function readSysctl(state: SandboxState, key: string): Promise<string> {
  assertLive(state);
  const path = knobPath('key', key);
  try {
    return readKnob(state.fd, path);
  } catch (e) {
    throw new SandboxError('sysctl', `failed to read ${key} in sandbox "${state.key}"`, { cause: e });
  }
}

/** writeSysctl: writes a `/proc/sys/net` knob inside the sandbox (always written, in one write). */
export async function writeSysctl(state: SandboxState, key: string, value: string | number): Promise<void> {
  assertLive(state);
  const path = knobPath('key', key);
  const text = checkKnobValue('value', value);
  try {
    writeKnob(state.fd, path, text);
  } catch (e) {
    throw new SandboxError('sysctl', `failed to write ${key} in sandbox "${state.key}"`, { cause: e });
  }
}
