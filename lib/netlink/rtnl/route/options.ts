/**
 * What callers give `nl.routes`: the public option types of add/replace/del (`ip route add` in
 * object form), list/stream filters and `get` lookups. validate.ts checks them into the forms
 * request.ts and filter.ts encode.
 */
import type { LinkRef } from '../../core/validate.js';
import type { RouteTypeName as RtnName, ScopeName } from '../enums.js';

/** Route type names a route can have (`ip route add blackhole …`): every RTN_* name but `'none'`. */
export type RouteTypeName = Exclude<RtnName, 'none'>;

/** Route scope names (`'global'` is RT_SCOPE_UNIVERSE, also accepted as `'universe'`). */
export type RouteScopeName = ScopeName | 'universe';

/** A routing table: its id (0..2^32-1) or a reserved name. */
export type RouteTableRef = number | 'main' | 'local' | 'default';

/** One path of a multipath route. */
export interface RouteNexthopSpec {
  /** The path's gateway, of the route's family (RTA_GATEWAY). */
  gateway?: string;
  /** A gateway of another family (RTA_VIA), e.g. an IPv6 nexthop for an IPv4 route. */
  via?: string;
  /** The output link of the path (name or ifindex). */
  oif?: LinkRef;
  /** Relative weight 1..256 (default 1): rtnh_hops = weight - 1. */
  weight?: number;
  /** RTNH_F_ONLINK: the gateway is on the link even if no prefix says so. */
  onlink?: boolean;
  /** RTA_FLOW: realms of the path. */
  realms?: number;
}

/**
 * A lightweight-tunnel encapsulation (RTA_ENCAP + RTA_ENCAP_TYPE, `ip route add … encap …`): `ip`
 * and `ip6` set the tunnel metadata for a collect_md (external) tunnel device, `mpls` pushes labels,
 * `seg6` adds an SRv6 segment routing header, `seg6local` makes the route a local SRv6 SID.
 */
export type RouteEncapSpec =
  | {
    /** LWTUNNEL_ENCAP_IP: IPv4 tunnel metadata (LWTUNNEL_IP_*). */
    type: 'ip';
    /** The tunnel id (VNI, key), 0..2^64-1. */
    id?: number | bigint;
    /** The outer destination address (IPv4). */
    dst?: string;
    /** The outer source address (IPv4). */
    src?: string;
    /** The outer TTL, 0..255. */
    ttl?: number;
    /** The outer TOS, 0..255. */
    tos?: number;
  }
  | {
    /** LWTUNNEL_ENCAP_IP6: IPv6 tunnel metadata (LWTUNNEL_IP6_*). */
    type: 'ip6';
    /** The tunnel id (VNI, key), 0..2^64-1. */
    id?: number | bigint;
    /** The outer destination address (IPv6). */
    dst?: string;
    /** The outer source address (IPv6). */
    src?: string;
    /** The outer hop limit, 0..255. */
    hoplimit?: number;
    /** The outer traffic class, 0..255. */
    tc?: number;
  }
  | {
    /** LWTUNNEL_ENCAP_MPLS: push MPLS labels. */
    type: 'mpls';
    /** The label stack to push, outermost first (each 0..2^20-1). */
    labels: number[];
    /** The TTL of the pushed labels, 0..255. */
    ttl?: number;
  }
  | {
    /** LWTUNNEL_ENCAP_SEG6: an SRv6 segment routing header (SEG6_IPTUNNEL_SRH). */
    type: 'seg6';
    /**
     * `'encap'` (an outer IPv6 header with the segments), `'inline'` (the header inserted into an IPv6
     * packet), `'l2encap'` (the Ethernet frame encapsulated), or the `.red` (reduced) forms.
     */
    mode: 'inline' | 'encap' | 'l2encap' | 'encap.red' | 'l2encap.red';
    /** The segments, IPv6 addresses, first hop first (1..127; with `inline`, `'::'` is appended for the packet's destination, as ip does). */
    segments: string[];
  }
  | {
    /** LWTUNNEL_ENCAP_SEG6_LOCAL: what this node does with packets for the route's destination (a local SID). */
    type: 'seg6local';
    /** The SRv6 behaviour, by iproute2's name (`'End'`, `'End.X'`, `'End.T'`, `'End.DX2'`, `'End.DX4'`, `'End.DX6'`, `'End.DT4'`, `'End.DT6'`, `'End.DT46'`, `'End.B6'`, `'End.B6.Encaps'` …). */
    action: string;
    /** SEG6_LOCAL_NH4: the IPv4 nexthop (End.DX4). */
    nh4?: string;
    /** SEG6_LOCAL_NH6: the IPv6 nexthop (End.X, End.DX6). */
    nh6?: string;
    /** SEG6_LOCAL_TABLE: the table looked up (End.T, End.DT6), an id or `'main'`, `'local'`, `'default'`. */
    table?: RouteTableRef;
    /** SEG6_LOCAL_VRFTABLE: the VRF's table (End.DT4, End.DT6 and End.DT46 in VRF mode). */
    vrftable?: RouteTableRef;
    /** SEG6_LOCAL_IIF: an input interface, by ifindex. */
    iif?: number;
    /** SEG6_LOCAL_OIF: the output interface (End.DX2), by ifindex. */
    oif?: number;
    /** SEG6_LOCAL_SRH: the segments of the header to push (End.B6, End.B6.Encaps), first hop first; End.B6 appends `'::'`, as ip does. */
    segments?: string[];
  };

/** What `add`, `replace` and `del` describe: `ip route add` in object form. */
export interface RouteSpec {
  /** The destination: `'10.2.0.0/16'`, a host (`'10.2.0.1'` = /32), or `'default'`. Host bits must be zero. */
  dst: string;
  /** 4 or 6: needed for `'default'` when nothing else (gateway, prefsrc …) tells the family. */
  family?: 4 | 6;
  /** Source selector prefix (RTA_SRC, `from`; IPv6 subtrees). */
  src?: string;
  /** The gateway, of the route's family (RTA_GATEWAY). */
  gateway?: string;
  /** A gateway of any family (RTA_VIA), e.g. `via: 'fe80::1'` for an IPv4 route. */
  via?: string;
  /** The output link (name or ifindex; RTA_OIF). */
  oif?: LinkRef;
  /**
   * The table: id or `'main'`, `'local'`, `'default'`. Ids above 255 travel in RTA_TABLE. Default, as
   * with `ip route`: `'local'` for `type` local, broadcast, nat and anycast, else `'main'`.
   */
  table?: RouteTableRef;
  /** RTA_PRIORITY: the metric (IPv6: 0 means 1024). */
  metric?: number;
  /** rtm_scope (default as `ip`: link without a gateway, host for local routes, else global). */
  scope?: RouteScopeName | number;
  /** rtm_protocol (default `'boot'`, like `ip route add`). */
  protocol?: string | number;
  /** rtm_type (default `'unicast'`). */
  type?: RouteTypeName | number;
  /** RTA_PREFSRC: the preferred source address. */
  prefsrc?: string;
  /** rtm_tos. */
  tos?: number;
  /** RTNH_F_ONLINK. */
  onlink?: boolean;
  /** RTA_FLOW: realms. */
  realms?: number;
  /** RTA_NH_ID: use a nexthop object. */
  nhid?: number;
  /** RTA_MULTIPATH: several paths with weights. */
  multipath?: RouteNexthopSpec[];
  /** RTA_ENCAP / RTA_ENCAP_TYPE: a lightweight-tunnel encapsulation. */
  encap?: RouteEncapSpec;
  /** RTA_PREF (IPv6 only): router preference. */
  pref?: 'low' | 'medium' | 'high';
  /** RTA_EXPIRES (IPv6 only): seconds until the route expires. */
  expires?: number;
  /** RTAX_MTU. */
  mtu?: number;
  /** RTAX_ADVMSS. */
  advmss?: number;
  /** RTAX_HOPLIMIT. */
  hoplimit?: number;
  /** RTAX_WINDOW. */
  window?: number;
  /** RTAX_RTT, raw (1/8 ms units, as the kernel stores it). */
  rtt?: number;
  /** RTAX_RTTVAR, raw (1/4 ms units). */
  rttvar?: number;
  /** RTAX_SSTHRESH. */
  ssthresh?: number;
  /** RTAX_CWND. */
  cwnd?: number;
  /** RTAX_INITCWND. */
  initcwnd?: number;
  /** RTAX_INITRWND. */
  initrwnd?: number;
  /** RTAX_REORDERING. */
  reordering?: number;
  /** RTAX_FEATURES (RTAX_FEATURE_* bits). */
  features?: number;
  /** RTAX_RTO_MIN in ms. */
  rtoMin?: number;
  /** RTAX_QUICKACK. */
  quickack?: boolean;
  /** RTAX_FASTOPEN_NO_COOKIE. */
  fastopenNoCookie?: boolean;
  /** RTAX_CC_ALGO: congestion control name. */
  congctl?: string;
  /** RTAX_LOCK: metrics the kernel must not change (names of the options above, e.g. `['mtu']`). */
  lock?: string[];
}

/**
 * Filters of `routes.list` and `routes.stream`; a route must pass all given. The kernel filters by
 * table, oif, protocol and type; the others are applied here (see filter.ts).
 */
export interface RouteListOptions {
  /** Only IPv4 or IPv6 routes (omitted: both, or the family of `dst`/`src`; multicast caches and other families are left out). */
  family?: 4 | 6;
  /** Only this table (kernel filter: RTA_TABLE). */
  table?: RouteTableRef;
  /** Only routes through this link, multipath routes included (kernel filter: RTA_OIF). */
  oif?: LinkRef;
  /** Only this rtm_protocol (kernel filter, except `'unspec'`). */
  protocol?: string | number;
  /** Only this rtm_type (kernel filter). */
  type?: RouteTypeName | number;
  /**
   * Only this destination, exactly (`ip route show exact`, vishvananda's RT_FILTER_DST): a CIDR,
   * a host (/32, /128) or `'default'` (a zero-length prefix of either family, or of `family`).
   * Host bits are ignored, as ip ignores them.
   */
  dst?: string;
  /** Only this source selector (RTA_SRC, `from`), exactly; `'default'`: routes without one. */
  src?: string;
  /**
   * Only routes through this gateway (RTA_GATEWAY, or RTA_VIA of another family), as the route's
   * own gateway or one of its multipath paths'.
   */
  gateway?: string;
  /** Only this preferred source (RTA_PREFSRC). */
  prefsrc?: string;
  /** Only this input link (RTA_IIF: route cache entries, multicast routes). */
  iif?: LinkRef;
  /** Only this rtm_tos (0..255). */
  tos?: number;
  /** Only this rtm_scope. */
  scope?: RouteScopeName | number;
  /** Only this metric (RTA_PRIORITY; a route without one has metric 0). */
  metric?: number;
  /** Only routes with this firewall mark (RTA_MARK). */
  mark?: number;
  /** Only these realms (RTA_FLOW; a route without one has 0). */
  realms?: number;
  /** Only routes through this nexthop object (RTA_NH_ID). */
  nhid?: number;
  /** Only this RTAX_HOPLIMIT metric (a route without one has 0). */
  hoplimit?: number;
}

/** Options of `routes.get` (`ip route get`). */
export interface RouteGetOptions {
  /** RTA_SRC: the source address of the lookup. */
  from?: string;
  /** RTA_IIF: look up as if received on this link (needs `from`). */
  iif?: LinkRef;
  /** RTA_OIF: force the output link. */
  oif?: LinkRef;
  /** RTA_MARK: the firewall mark of the lookup. */
  mark?: number;
  /** RTA_UID: the uid of the lookup. */
  uid?: number;
  /** rtm_tos. */
  tos?: number;
  /** RTA_IP_PROTO: the IP protocol number (6 tcp, 17 udp …). */
  ipProto?: number;
  /** RTA_SPORT. */
  sport?: number;
  /** RTA_DPORT. */
  dport?: number;
  /** RTM_F_FIB_MATCH: return the matching FIB entry rather than the resolved route. */
  fibMatch?: boolean;
}
