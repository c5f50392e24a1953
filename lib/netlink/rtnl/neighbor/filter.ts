/**
 * The filters of `neighbors.list` / `neighbors.stream`: caller input in, a
 * {@link CheckedNeighborList} out, and the state test of one dumped entry. The kernel filters a
 * neighbour dump by family, link (NDA_IFINDEX), master (NDA_MASTER) and table (NTF_PROXY); the
 * NUD state is tested here, as `ip neigh show nud STATE` does it: an entry whose state has any of
 * the named bits passes, and `none` selects the entries with no state bit at all.
 */
import { ValidationError } from '../../core/errors.js';
import { checkBool, checkKeys, checkLinkRef, checkObject, type LinkRef } from '../../core/validate.js';
import { afOf, checkFamily, checkState, type NeighborFamily, type NeighborStateName } from './options.js';

/** Filters of `neighbors.list` and `neighbors.stream`. */
export interface NeighborListOptions {
  /** Only entries on this link (NDA_IFINDEX in the dump request). */
  link?: LinkRef;
  /** Only this family; omitted: IPv4 and IPv6 neighbours (FDB entries need `'bridge'`). */
  family?: NeighborFamily;
  /** Only entries of links enslaved to this master (NDA_MASTER in the dump request). */
  master?: LinkRef;
  /** The proxy entries (NTF_PROXY, `ip neigh show proxy`) instead of the ordinary ones. */
  proxy?: boolean;
  /**
   * Only entries in one of these NUD states (`ip neigh show nud STATE`): a name, names
   * (`['reachable', 'stale']`, in either case: `'STALE'` as a Neighbor's `state` gives it), or
   * NUD_* bits; an entry passes when its state has any of them. `'none'` (or 0) selects the
   * entries with no state bit (NUD_NONE).
   */
  state?: StateName | StateName[] | number;
}

/** A state name in ip's lower case or `ip -j`'s upper case. */
type StateName = NeighborStateName | Uppercase<NeighborStateName>;

const LIST_KEYS = ['link', 'family', 'master', 'proxy', 'state'];

/** Checked list filters: the dump request's ndmsg family and flags, the links still to resolve, the state test. */
export interface CheckedNeighborList {
  /** ndm_family: AF_UNSPEC (IPv4 and IPv6), AF_INET, AF_INET6 or AF_BRIDGE. */
  af: number;
  /** List the proxy entries (NTF_PROXY in ndm_flags). */
  proxy: boolean;
  /** NDA_IFINDEX filter. */
  link: LinkRef | undefined;
  /** NDA_MASTER filter. */
  master: LinkRef | undefined;
  /** The NUD_* bits an entry's state must share (0: no state filter, unless {@link stateNone}). */
  state: number;
  /** Entries without any state bit (NUD_NONE) pass too. */
  stateNone: boolean;
}

/** Whether the `state` option names `none` (a 0 among the names or bits). */
function namesNone(value: unknown): boolean {
  const none = (v: unknown): boolean => v === 0 || (typeof v === 'string' && v.toLowerCase() === 'none');
  return Array.isArray(value) ? value.some(none) : none(value);
}

/** Checks the options of `list` / `stream` (own properties only; no I/O). */
export function checkNeighborList(options: unknown): CheckedNeighborList {
  const o = checkObject('options', options);
  checkKeys('', o, LIST_KEYS);
  const family = o.family === undefined ? undefined : checkFamily('family', o.family);
  const proxy = o.proxy === undefined ? false : checkBool('proxy', o.proxy);
  if (proxy && family === 'bridge') throw new ValidationError('proxy', o.proxy, 'FDB entries have no proxy table');
  if (Array.isArray(o.state) && o.state.length === 0) throw new ValidationError('state', o.state, 'at least one state is required');
  return {
    af: afOf(family),
    proxy,
    link: o.link === undefined ? undefined : checkLinkRef('link', o.link),
    master: o.master === undefined ? undefined : checkLinkRef('master', o.master),
    state: o.state === undefined ? 0 : checkState('state', o.state),
    stateNone: o.state !== undefined && namesNone(o.state),
  };
}

/** Whether an entry of ndm_state `state` (NUD_* bits) passes the state filter of `l`. */
export function neighborStateMatches(l: CheckedNeighborList, state: number): boolean {
  return (l.state === 0 && !l.stateNone) || (state & l.state) !== 0 || (l.stateNone && state === 0);
}
