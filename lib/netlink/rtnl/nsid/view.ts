/**
 * Nsid: one namespace id as the kernel reported it (RTM_NEWNSID in a dump, an answer or an event;
 * RTM_DELNSID when the peer namespace went away), decoded lazily.
 */
import { MessageView } from '../../core/message-view.js';
import { NLMSG_HDRLEN } from '../../core/protocol.js';
import { s32 } from '../../core/schema.js';
import * as C from './codec.js';

/** An nsid value as the API gives it: the number, or undefined for NETNSA_NSID_NOT_ASSIGNED (-1). */
function assigned(v: number | undefined): number | undefined {
  return v === undefined || v === C.NETNSA_NSID_NOT_ASSIGNED ? undefined : v;
}

/** A namespace id, decoded lazily from its RTM_NEWNSID / RTM_DELNSID message. */
export class Nsid extends MessageView {
  protected get headerSize(): number { return C.RTGENMSG_SIZE; }
  protected get setName(): string { return 'nsid'; }

  /** rtgen_family (AF_UNSPEC). */
  get family(): number {
    return this.byteAt(NLMSG_HDRLEN);
  }

  /**
   * NETNSA_NSID: the peer namespace's id, as seen from the namespace the request was answered for
   * (the handle's, or the `target` of a list or get); undefined when it has none.
   */
  get nsid(): number | undefined {
    return assigned(this.attr(C.NETNSA_NSID, s32, 'nsid'));
  }

  /**
   * NETNSA_CURRENT_NSID: in answers for a `target` namespace, the same peer's id as seen from the
   * handle's own namespace; undefined otherwise, or when it has none there.
   */
  get currentNsid(): number | undefined {
    return assigned(this.attr(C.NETNSA_CURRENT_NSID, s32, 'currentNsid'));
  }

  /** Every NETNSA_* attribute, fully decoded (unknown ones kept raw). */
  get attributes(): C.NsidAttributes {
    return C.nsidAttrs.decode(this.buffer(), this.attrStart(), this.end(), 'nsid');
  }

  /** The ids as a new plain object; an id the namespace lacks is left out (as JSON leaves it out). */
  toObject(): NsidObject {
    const o: NsidObject = {};
    const nsid = this.nsid;
    if (nsid !== undefined) o.nsid = nsid;
    const currentNsid = this.currentNsid;
    if (currentNsid !== undefined) o.currentNsid = currentNsid;
    return o;
  }

  /** `ip netns list-id`'s line: `nsid 3 (current 5)`, or `nsid unassigned`. */
  toString(): string {
    const nsid = this.nsid;
    const current = this.currentNsid;
    return `nsid ${nsid ?? 'unassigned'}${current === undefined ? '' : ` (current ${current})`}`;
  }
}

/** What {@link Nsid.toObject} returns: the ids the message carries. */
export interface NsidObject {
  /** NETNSA_NSID: the peer namespace's id, as seen from the namespace the request was answered for (the handle's, or the `target` of a list or get); undefined when it has none. */
  nsid?: number;
  /** NETNSA_CURRENT_NSID: in answers for a `target` namespace, the same peer's id as seen from the handle's own namespace; undefined otherwise, or when it has none there. */
  currentNsid?: number;
}

/** Decodes a namespace-id message into a lazy {@link Nsid} (the bytes are referenced, not copied).
 * A DecodeError when `buf[off, off + len)` cannot hold the message its nlmsg_len announces (see MessageView). */
export function nsidView(buf: Buffer, off: number, len: number): Nsid {
  return new Nsid(buf, off, len);
}
