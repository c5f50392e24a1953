/**
 * Gateways, static routes and default routes through an interface of a sandbox (libnetwork osl's
 * route_linux.go). Each next hop must be reachable directly through a link of the sandbox, as the
 * kernel's own route lookup inside the sandbox says; a route is recorded once the kernel accepted
 * it, with the link it went on.
 */
import { checkLinkName } from '../netlink/core/validate.js';
import type { Route } from '../netlink/rtnl/route/view.js';
import { SandboxError, type SandboxStep } from './errors.js';
import { recordOf } from './interface.js';
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

/**
 * setDefaultRouteIPv4 / setDefaultRouteIPv6 (osl's `SetDefaultRouteIPv4/6`): the default route of
 * the interface with source name `srcName` (`0.0.0.0/0` or `::/0` among its `routes`, which
 * addInterface recorded but did not add) as a link-scope route through it, without a gateway.
 * Recorded once the kernel accepted it; one per family (unset the one set first).
 */
export async function setDefaultRoute(state: SandboxState, srcName: string, version: 4 | 6): Promise<void> {
  assertLive(state);
  const name = checkLinkName('srcName', srcName);
  const what = `setting IPv${version} default route to interface with srcName '${name}'`;
  const set = version === 4 ? state.defaultRoute : state.defaultRouteIPv6;
  if (set !== undefined) throw new SandboxError('route', `${what}: one is set already, through '${set.srcName}' (unset it first)`);
  const rec = state.interfaces.map(recordOf).find((r) => r.srcName === name);
  if (rec === undefined) throw new SandboxError('route', `${what}: no interface`);
  const dst = rec.routes.find((r) => r.prefixlen === 0 && r.version === version);
  if (dst === undefined) throw new SandboxError('route', `${what}: no default route among the interface's routes`);
  try {
    await state.nl.routes.add({ dst: dst.text, oif: rec.ifindex, scope: 'link', family: version });
  } catch (e) {
    throw new SandboxError('route', what, { cause: e });
  }
  const record = { srcName: name, oif: rec.ifindex, dst };
  if (version === 4) state.defaultRoute = record;
  else state.defaultRouteIPv6 = record;
}

/** unsetDefaultRouteIPv4 / unsetDefaultRouteIPv6: removes the route set by setDefaultRoute; a no-op when none is recorded. */
export async function unsetDefaultRoute(state: SandboxState, version: 4 | 6): Promise<void> {
  assertLive(state);
  const set = version === 4 ? state.defaultRoute : state.defaultRouteIPv6;
  if (set === undefined) return;
  try {
    await state.nl.routes.del({ dst: set.dst.text, oif: set.oif, scope: 'link', family: version });
  } catch (e) {
    throw new SandboxError('route', `removing IPv${version} default route to interface with srcName '${set.srcName}'`, { cause: e });
  }
  if (version === 4) state.defaultRoute = undefined;
  else state.defaultRouteIPv6 = undefined;
}
