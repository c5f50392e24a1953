/**
 * Gateways and static routes of a sandbox (libnetwork osl's route_linux.go). Each next hop must be
 * reachable directly through a link of the sandbox, as the kernel's own route lookup inside the
 * sandbox says; the route is recorded once the kernel accepted it, with the link it went on.
 */
import type { Route } from '../netlink/rtnl/route/view.js';
import { SandboxError, type SandboxStep } from './errors.js';
import { checkIp, checkStaticRoute, type StaticRoute } from './options.js';
import { assertLive, type SandboxState } from './state.js';

/**
 * The interface through which `ip` is directly reachable: the kernel's route lookup inside the
 * sandbox must give a unicast route without a gateway.
 */
async function directOif(state: SandboxState, ip: string, stepName: SandboxStep, what: string): Promise<number> {
  let route: Route;
  try {
    route = await state.nl.routes.get(ip);
  } catch (e) {
    throw new SandboxError(stepName, `route for the ${what} ${ip} could not be found`, { cause: e });
  }
  if (route.gateway !== undefined || route.type !== 'unicast' || route.oif === undefined) {
    const how = route.gateway !== undefined ? `it is only reachable through ${route.gateway}` : `the kernel resolves it as ${String(route.type)}`;
    throw new SandboxError(stepName, `direct route for the ${what} ${ip} could not be found (${how})`);
  }
  return route.oif;
}

/** setGateway / setGatewayIPv6: a default route via `gw` on the link that reaches it; `''` is a no-op. */
export async function setGateway(state: SandboxState, gw: string, version: 4 | 6): Promise<void> {
  assertLive(state);
  const field = version === 4 ? 'gateway' : 'gatewayIPv6';
  if (gw === '') return;
  const ip = checkIp(field, gw, version).text;
  const oif = await directOif(state, ip, 'gateway', 'gateway');
  try {
    await state.nl.routes.add({ dst: 'default', gateway: ip, oif, family: version });
  } catch (e) {
    throw new SandboxError('gateway', `failed to set ${version === 4 ? 'IPv4' : 'IPv6'} gateway ${ip}`, { cause: e });
  }
  if (version === 4) state.gateway = { ip, oif };
  else state.gatewayIPv6 = { ip, oif };
}

/** unsetGateway / unsetGatewayIPv6: removes the recorded default route; a no-op when none is. */
export async function unsetGateway(state: SandboxState, version: 4 | 6): Promise<void> {
  assertLive(state);
  const gw = version === 4 ? state.gateway : state.gatewayIPv6;
  if (gw === undefined) return;
  try {
    await state.nl.routes.del({ dst: 'default', gateway: gw.ip, oif: gw.oif, family: version });
  } catch (e) {
    throw new SandboxError('gateway', `failed to remove ${version === 4 ? 'IPv4' : 'IPv6'} gateway ${gw.ip}`, { cause: e });
  }
  if (version === 4) state.gateway = undefined;
  else state.gatewayIPv6 = undefined;
}

/** addStaticRoute: a route to the destination via a next hop the sandbox reaches directly. */
export async function addStaticRoute(state: SandboxState, route: StaticRoute): Promise<void> {
  assertLive(state);
  const { destination, nextHop } = checkStaticRoute('route', route);
  const oif = await directOif(state, nextHop, 'route', 'next hop');
  try {
    await state.nl.routes.add({ dst: destination.text, gateway: nextHop, oif, family: destination.version });
  } catch (e) {
    throw new SandboxError('route', `failed to add static route ${destination.text} via ${nextHop}`, { cause: e });
  }
  state.staticRoutes.push({ destination, nextHop, oif });
}

/** removeStaticRoute: the kernel's route first, then every record equal to it (by value). */
export async function removeStaticRoute(state: SandboxState, route: StaticRoute): Promise<void> {
  assertLive(state);
  const { destination, nextHop } = checkStaticRoute('route', route);
  try {
    await state.nl.routes.del({ dst: destination.text, gateway: nextHop, family: destination.version });
  } catch (e) {
    throw new SandboxError('route', `failed to remove static route ${destination.text} via ${nextHop}`, { cause: e });
  }
  for (let i = state.staticRoutes.length - 1; i >= 0; i--) {
    const s = state.staticRoutes[i]!;
    if (s.destination.text === destination.text && s.nextHop === nextHop) state.staticRoutes.splice(i, 1);
  }
}
