// The hostile values of link kind data, generated from the kind table itself: every writable field
// of every kind (IFLA_INFO_DATA) and slave kind (IFLA_INFO_SLAVE_DATA) gets the bad values of its
// attribute codec. A field added to a kind is swept without a line here; a codec kind this file
// does not know fails the sweep (so it gets values).
import { LINK_KIND_SETS } from '../../../lib/netlink/rtnl/link/codec.js';
import { LINK_SLAVE_KIND_SETS, type LinkKindSpec } from '../../../lib/netlink/rtnl/link/kinds/index.js';
import type { FieldSpec } from './methods.js';
import * as V from './values.js';

/** A struct given as an object of integer members. */
function structOf(members: readonly string[], max: number): unknown[] {
  const ok = Object.fromEntries(members.map((m) => [m, 1]));
  return [
    null, 5, 'x', true, [], [1, 1], {}, Object.fromEntries(members.slice(1).map((m) => [m, 1])),
    ...members.flatMap((m) => [-1, max + 1, 1.5, NaN, '1', null].map((v) => ({ ...ok, [m]: v }))),
    { __proto__: ok }, { ...ok, tail: 5 }, { ...ok, tail: [1, 2] }, Buffer.alloc(8),
  ];
}

/** A nested attribute set given as an object: refuses non-objects, unknown members, bad `unknown`. */
function nestOf(member: string, element: unknown[]): unknown[] {
  return [
    null, 5, 'x', true, [], { bogus: 1 }, { constructor: 1 }, { toString: 1 }, { unknown: 5 }, { unknown: [5] }, { unknown: [{ type: 1 }] },
    { [member]: 5 }, { [member]: 'x' }, { [member]: {} }, { [member]: null }, ...element.map((e) => ({ [member]: [e] })),
    ...V.sparse(element[0]).map((a) => ({ [member]: a })), { __proto__: { [member]: [] } },
  ];
}

/** A value each attribute codec kind accepts. */
function okOfCodec(kind: string, multi: boolean): unknown {
  if (multi) return [okOfCodec(kind, false)];
  if (kind.endsWith('[]')) return okOfCodec(kind.slice(0, -2), true);
  if (kind.startsWith('enum(')) return 1;
  switch (kind) {
    case 'u64': return 7n;
    case 'bool8': case 'flag': return true;
    case 'ether': return '02:00:00:00:00:07';
    case 'in_addr': return '10.0.0.7';
    case 'in6_addr': return 'fd00::7';
    case 'ifla_vxlan_port_range': return { low: 1000, high: 2000 };
    case 'ifla_vlan_flags': return { flags: 1, mask: 1 };
    case 'br_boolopt_multi': return { optval: 1, optmask: 1 };
    case 'vxlanhdr': return new Uint8Array(8);
    case 'nest(macvlan_macaddr)': return { macaddr: ['02:00:00:00:00:07'] };
    case 'nest(vlan_qos)': return { mapping: [{ from: 1, to: 2 }] };
    default: return 7;
  }
}

/** The bad values of one attribute codec kind (`'u32'`, `'enum(u8)'`, `'in_addr[]'` …). */
function badOfCodec(kind: string, multi: boolean): unknown[] | undefined {
  if (multi) {
    const element = badOfCodec(kind, false);
    return element === undefined ? undefined : [null, 5, 'x', '10.0.0.1', {}, true, ...element.slice(0, 20).map((e) => [e]), ...V.sparse(okOfCodec(kind, false))];
  }
  // A codec of its own for a list (bond's ARP / NS targets).
  if (kind.endsWith('[]')) return badOfCodec(kind.slice(0, -2), true);
  const enumBase = /^enum\((\w+)\)$/.exec(kind);
  if (enumBase !== undefined && enumBase !== null) {
    const max = { u8: 0xff, u16: 0xffff, be16: 0xffff, u32: 0xffffffff }[enumBase[1]!];
    return max === undefined ? undefined : V.enumOf(0, max);
  }
  switch (kind) {
    case 'u8': return V.u8();
    case 'u16': case 'be16': return V.u16();
    case 'u32': case 'be32': return V.u32();
    case 's32': return V.intOutside(-0x80000000, 0x7fffffff);
    case 'u64': return [-1, 1.5, NaN, Infinity, 2 ** 53, -1n, 2n ** 64n, '1', null, true, {}, []];
    case 'bool8': return V.bool();
    case 'flag': return [1, 0, 'true', null, {}, [], NaN];
    case 'ether': return V.mac();
    case 'in_addr': return V.ip(4);
    case 'in6_addr': return V.ip(6);
    case 'ifla_vxlan_port_range': return structOf(['low', 'high'], 0xffff);
    case 'ifla_vlan_flags': return structOf(['flags', 'mask'], 0xffffffff);
    case 'br_boolopt_multi': return structOf(['optval', 'optmask'], 0xffffffff);
    case 'vxlanhdr': return [null, 5, 'x', [], {}, new Uint8Array(7), new Uint8Array(9), Array(8).fill(0)];
    case 'nest(macvlan_macaddr)': return nestOf('macaddr', V.mac().slice(0, 12));
    case 'nest(vlan_qos)': return nestOf('mapping', [null, 5, {}, { from: -1, to: 1 }, { from: 1 }, { from: 1, to: 2 ** 32 }]);
    default: return undefined;
  }
}

/**
 * The fields of one kind's data, keyed `<field>.<name> (<kind>)`, and the data object itself
 * (`<field> (<kind>)`: refuses inherited options, unknown keys, Object.prototype member names).
 */
function fieldsOf(field: string, kind: string, ks: LinkKindSpec, base: Record<string, unknown>): Record<string, FieldSpec> {
  const out: Record<string, FieldSpec> = { [`${field} (${kind})`]: { bad: [], base, object: true } };
  for (const key of ks.writable) {
    const def = ks.request.defs[key];
    const isRef = ks.linkRefs.includes(key);
    const bad = isRef ? V.linkRef() : def === undefined ? undefined : badOfCodec(def.element.kind, def.multi === true);
    if (bad === undefined) throw new Error(`${field}.${key} (${kind}): no hostile values for codec kind ${def?.element.kind ?? '(none)'} (add it to spec/netlink/hostile/kinds.ts)`);
    const ok = isRef ? 'lo' : okOfCodec(def!.element.kind, def!.multi === true);
    out[`${field}.${key} (${kind})`] = { bad, ok, base, expect: new RegExp(`^${field}\\.${key}(\\.|\\[|$)`), ...(isRef ? { names: true as const } : {}) };
  }
  return out;
}

/** The `data` fields of every kind (base: `base(kind)`, holding `data: {}`). */
export function kindDataFields(base: (kind: string) => Record<string, unknown>): Record<string, FieldSpec> {
  const out: Record<string, FieldSpec> = {};
  for (const [kind, ks] of Object.entries(LINK_KIND_SETS) as Array<[string, LinkKindSpec]>) {
    if (ks.writable.length > 0) Object.assign(out, fieldsOf('data', kind, ks, base(kind)));
  }
  return out;
}

/** The `slaveData` fields of every slave kind of links.set (base: that slave kind, `slaveData: {}`). */
export function slaveDataFields(): Record<string, FieldSpec> {
  const out: Record<string, FieldSpec> = {};
  for (const [kind, ks] of Object.entries(LINK_SLAVE_KIND_SETS) as Array<[string, LinkKindSpec]>) {
    if (ks.writable.length > 0) Object.assign(out, fieldsOf('slaveData', kind, ks, { slaveKind: kind, slaveData: {} }));
  }
  return out;
}
