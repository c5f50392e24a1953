/**
 * Rules as `ip` prints them (iproute2 6.1, ip/iprule.c print_rule): the object of `ip -j rule
 * show` — same keys, values and order — and ip's text line (`1000:	from 10.0.0.0/8 lookup 100`).
 */
import type { Rule } from '../netlink/index.js';
import type { JsonObject, JsonValue } from './json.js';
import * as K from './kernel.js';
import { dsfieldName, groupName, ipProtocolNames, protoName, realmName, tableName } from './names.js';
import { routeTypeName } from './route-format.js';

/** How a rule is printed. */
export interface RuleFormat {
  details: number;
  /** An RTM_DELRULE notification. */
  deleted?: boolean;
}

/** A number as C's `%#llx` prints it (`0` for zero, `0x7` otherwise), as ip prints marks. */
function hex(n: number): string {
  return n === 0 ? '0' : `0x${(n >>> 0).toString(16)}`;
}

/** An IP protocol as ip's inet_proto_n2a prints it: its name, else `ipproto-N`. */
function ipProtoName(n: number): string {
  return ipProtocolNames().name(n) ?? `ipproto-${n}`;
}

/** The object `ip -j rule show` prints for `rule`. */
export function ruleObject(rule: Rule, f: RuleFormat): JsonObject {
  const h = rule.header;
  const a = rule.attributes;
  const host = h.family === K.AF_INET6 ? 128 : h.family === K.AF_INET ? 32 : -1;
  const o: JsonObject = {};
  if (f.deleted === true) o.deleted = true;
  o.priority = a.priority ?? 0;
  if ((h.flags & K.FIB_RULE_INVERT) !== 0) o.not = null;
  if (a.src !== undefined) {
    o.src = a.src;
    if (h.srcLen !== host) o.srclen = h.srcLen;
  } else if (h.srcLen !== 0) {
    o.src = '0';
    o.srclen = h.srcLen;
  } else {
    o.src = 'all';
  }
  if (a.dst !== undefined) {
    o.dst = a.dst;
    if (h.dstLen !== host) o.dstlen = h.dstLen;
  } else if (h.dstLen !== 0) {
    o.dst = '0';
    o.dstlen = h.dstLen;
  }
  if (h.tos !== 0) o.tos = dsfieldName(h.tos);
  if (a.fwmark !== undefined || a.fwmask !== undefined) {
    o.fwmark = hex(a.fwmark ?? 0);
    if (a.fwmask !== undefined && a.fwmask !== 0xffffffff) o.fwmask = hex(a.fwmask);
  }
  if (a.iifname !== undefined) {
    o.iif = a.iifname;
    if ((h.flags & K.FIB_RULE_IIF_DETACHED) !== 0) o.iif_detached = null;
  }
  if (a.oifname !== undefined) {
    o.oif = a.oifname;
    if ((h.flags & K.FIB_RULE_OIF_DETACHED) !== 0) o.oif_detached = null;
  }
  if (a.l3mdev !== undefined && a.l3mdev !== 0) o.l3mdev = null;
  if (a.uidRange !== undefined) {
    o.uid_start = a.uidRange.start;
    o.uid_end = a.uidRange.end;
  }
  if (a.ipProto !== undefined) o.ipproto = ipProtoName(a.ipProto);
  for (const [key, r] of [['sport', a.sportRange], ['dport', a.dportRange]] as const) {
    if (r === undefined) continue;
    if (r.start === r.end) o[key] = r.start;
    else {
      o[`${key}_start`] = r.start;
      o[`${key}_end`] = r.end;
    }
  }
  if (a.tunId !== undefined) o.tun_id = a.tunId;
  const table = a.table ?? h.table;
  if (table !== 0) {
    o.table = tableName(table);
    if (a.suppressPrefixlen !== undefined && a.suppressPrefixlen !== 0xffffffff) o.suppress_prefixlen = a.suppressPrefixlen | 0;
    if (a.suppressIfgroup !== undefined && a.suppressIfgroup !== 0xffffffff) o.suppress_ifgroup = groupName(a.suppressIfgroup | 0);
  }
  if (a.flow !== undefined) {
    const from = a.flow >>> 16;
    if (from !== 0) o.flow_from = realmName(from);
    o.flow_to = realmName(a.flow & 0xffff);
  }
  if (h.action === K.routeTypes.value('nat')) {
    o.masquerade = null;
  } else if (h.action === K.FR_ACT_GOTO) {
    o.goto = a.goto ?? 'none';
    if ((h.flags & K.FIB_RULE_UNRESOLVED) !== 0) o.unresolved = null;
  } else if (h.action === K.FR_ACT_NOP) {
    o.nop = null;
  } else if (h.action !== K.FR_ACT_TO_TBL) {
    o.action = routeTypeName(h.action);
  }
  if (a.protocol !== undefined && ((a.protocol !== 0 && a.protocol !== K.protocols.value('kernel')) || f.details > 0)) {
    o.protocol = protoName(a.protocol);
  }
  return o;
}

/** A value as text. */
function str(v: JsonValue | undefined): string {
  return v === undefined || v === null ? '' : String(v);
}

/** ip's text line of a rule object. */
export function ruleText(o: JsonObject): string[] {
  let line = `${o.deleted === true ? 'Deleted ' : ''}${str(o.priority)}:\t`;
  if ('not' in o) line += 'not ';
  line += `from ${str(o.src)}${o.srclen === undefined ? '' : `/${str(o.srclen)}`}`;
  if (o.dst !== undefined) line += ` to ${str(o.dst)}${o.dstlen === undefined ? '' : `/${str(o.dstlen)}`}`;
  if (o.tos !== undefined) line += ` tos ${str(o.tos)}`;
  if (o.fwmark !== undefined) line += ` fwmark ${str(o.fwmark)}${o.fwmask === undefined ? '' : `/${str(o.fwmask)}`}`;
  if (o.iif !== undefined) line += ` iif ${str(o.iif)}${'iif_detached' in o ? ' [detached]' : ''}`;
  if (o.oif !== undefined) line += ` oif ${str(o.oif)}${'oif_detached' in o ? ' [detached]' : ''}`;
  if ('l3mdev' in o) line += ' lookup [l3mdev-table]';
  if (o.uid_start !== undefined) line += ` uidrange ${str(o.uid_start)}-${str(o.uid_end)}`;
  if (o.ipproto !== undefined) line += ` ipproto ${str(o.ipproto)}`;
  for (const k of ['sport', 'dport']) {
    if (o[k] !== undefined) line += ` ${k} ${str(o[k])}`;
    else if (o[`${k}_start`] !== undefined) line += ` ${k} ${str(o[`${k}_start`])}-${str(o[`${k}_end`])}`;
  }
  if (o.tun_id !== undefined) line += ` tun_id ${str(o.tun_id)}`;
  if (o.table !== undefined) line += ` lookup ${str(o.table)}`;
  if (o.suppress_prefixlen !== undefined) line += ` suppress_prefixlength ${str(o.suppress_prefixlen)}`;
  if (o.suppress_ifgroup !== undefined) line += ` suppress_ifgroup ${str(o.suppress_ifgroup)}`;
  if (o.flow_to !== undefined) line += ` realms ${o.flow_from === undefined ? '' : `${str(o.flow_from)}/`}${str(o.flow_to)}`;
  if ('masquerade' in o) line += ' masquerade';
  if (o.goto !== undefined) line += ` goto ${str(o.goto)}${'unresolved' in o ? ' [unresolved]' : ''}`;
  if ('nop' in o) line += ' nop';
  if (o.action !== undefined) line += ` ${str(o.action)}`;
  if (o.protocol !== undefined) line += ` proto ${str(o.protocol)}`;
  return [line];
}
