/**
 * IFLA_LINKINFO: the link kind (`veth`, `bridge` …) and its kind-specific IFLA_INFO_DATA, whose
 * attribute set depends on the kind (a "sub-message" in YNL terms). The kinds form one static
 * table, {@link LINK_KINDS}; there is no registry to mutate.
 */
import { DecodeError } from './errors.js';
import { forEachAttr, readString } from './attributes.js';
import * as C from './link-constants.js';
import type { LinkBody } from './link-codec.js';
import { AttrSet, attr, binary, nest, string, u32, type AttrDefs, type AttrValues, type FieldCodec, type UnknownAttr } from './schema.js';

// veth.h
export const VETH_INFO_PEER = 1;

// if_link.h: enum IFLA_BR_* (bridge options inside IFLA_INFO_DATA). TODO(links): full set.
export const IFLA_BR_FORWARD_DELAY = 1;
export const IFLA_BR_HELLO_TIME = 2;
export const IFLA_BR_MAX_AGE = 3;
export const IFLA_BR_AGEING_TIME = 4;
export const IFLA_BR_STP_STATE = 5;
export const IFLA_BR_PRIORITY = 6;

/** Builds the veth data set once the link body codec exists (the peer is a whole link body). */
function vethAttrs(body: () => FieldCodec<LinkBody>): AttrSet<{ peer: ReturnType<typeof attr<LinkBody>> }> {
  const lazyBody: FieldCodec<LinkBody> = {
    kind: 'ifinfomsg',
    decode: (buf, off, len, path) => body().decode(buf, off, len, path),
    encode: (w, type, v, path) => body().encode(w, type, v, path),
  };
  return new AttrSet('veth', { peer: attr(VETH_INFO_PEER, lazyBody) });
}

const bridgeAttrs = new AttrSet('bridge', {
  forwardDelay: attr(IFLA_BR_FORWARD_DELAY, u32),
  helloTime: attr(IFLA_BR_HELLO_TIME, u32),
  maxAge: attr(IFLA_BR_MAX_AGE, u32),
  ageingTime: attr(IFLA_BR_AGEING_TIME, u32),
  stpState: attr(IFLA_BR_STP_STATE, u32),
  priority: attr(IFLA_BR_PRIORITY, binary),
});

/** The kind-specific data of a link kind, decoded by that kind's attribute set. */
export type LinkKindData = AttrValues<AttrDefs>;

/** The decoded IFLA_LINKINFO nest. */
export interface LinkInfo {
  /** IFLA_INFO_KIND (`'veth'`, `'bridge'` …). */
  kind?: string;
  /** IFLA_INFO_DATA: typed for the kinds in LINK_KINDS, raw bytes for others. */
  data?: LinkKindData | Uint8Array;
  /** IFLA_INFO_XSTATS, raw. */
  xstats?: Uint8Array;
  /** IFLA_INFO_SLAVE_KIND: the kind of the master this link is a port of (`'bridge'`). */
  slaveKind?: string;
  /** IFLA_INFO_SLAVE_DATA, raw. */
  slaveData?: Uint8Array;
  /** Attributes of the nest this library does not know. */
  unknown?: UnknownAttr[];
}

/** The static table of link kinds with typed IFLA_INFO_DATA. */
export interface LinkKindTable {
  readonly [kind: string]: AttrSet<AttrDefs> | undefined;
}

let kinds: LinkKindTable | undefined;

function kindTable(body: () => FieldCodec<LinkBody>): LinkKindTable {
  return (kinds ??= {
    veth: vethAttrs(body) as unknown as AttrSet<AttrDefs>,
    bridge: bridgeAttrs as unknown as AttrSet<AttrDefs>,
  });
}

/** The kinds whose data this library decodes and encodes. */
export const LINK_KINDS: readonly string[] = ['veth', 'bridge'];

const infoAttrs = new AttrSet('link_info', {
  kind: attr(C.IFLA_INFO_KIND, string),
  data: attr(C.IFLA_INFO_DATA, binary),
  xstats: attr(C.IFLA_INFO_XSTATS, binary),
  slaveKind: attr(C.IFLA_INFO_SLAVE_KIND, string),
  slaveData: attr(C.IFLA_INFO_SLAVE_DATA, binary),
});

/**
 * The IFLA_LINKINFO codec. `body` gives the link body codec lazily (veth's peer is a whole link
 * body, and link-codec.ts imports this file).
 */
export function linkInfoCodec(body: () => FieldCodec<LinkBody>): FieldCodec<LinkInfo> {
  const inner = nest(infoAttrs);
  return {
    kind: 'nest(link_info)',
    decode(buf, off, len, path) {
      // The kind selects how IFLA_INFO_DATA decodes, so find it first.
      let kind: string | undefined;
      forEachAttr(buf, off, off + len, path, (type, aoff, alen) => {
        if (type === C.IFLA_INFO_KIND && kind === undefined) kind = readString(buf, aoff, alen);
      });
      const info = inner.decode(buf, off, len, path) as LinkInfo;
      const set = kind === undefined ? undefined : kindTable(body)[kind];
      if (set !== undefined && info.data instanceof Uint8Array) {
        const data = Buffer.from(info.data.buffer, info.data.byteOffset, info.data.byteLength);
        info.data = set.decode(data, 0, data.length, `${path}.data`);
      }
      return info;
    },
    encode(w, type, value, path) {
      const start = w.beginAttr(type);
      const set = value.kind === undefined ? undefined : kindTable(body)[value.kind];
      for (const key of Object.keys(value) as Array<keyof LinkInfo>) {
        const v = value[key];
        if (v === undefined || key === 'unknown') continue;
        if (key === 'data' && !(v instanceof Uint8Array)) {
          if (set === undefined) throw new DecodeError(`${path}.data`, 0, `no typed data for kind ${String(value.kind)}`);
          nest(set).encode(w, C.IFLA_INFO_DATA, v as LinkKindData, `${path}.data`);
        } else {
          infoAttrs.encode(w, { [key]: v } as AttrValues<typeof infoAttrs.defs>, path);
        }
      }
      w.endNest(start);
    },
  };
}
