/**
 * The request encoder of `nl.nsids`: RTM_NEWNSID (set), RTM_GETNSID for one peer and its dump,
 * laid out as iproute2 6.1 lays them out (the captured req-*.hex goldens are its tests), written
 * with the rtgenmsg writer and the attribute schema of codec.ts that re-encode replies.
 */
import { AF_UNSPEC } from '../../core/inet.js';
import type { NlWriter } from '../../core/writer.js';
import { nsidAttrs, writeRtGenMsg } from './codec.js';

/** The peer of a request once opened: an fd of this process (NETNSA_FD) or a process id (NETNSA_PID). */
export type PeerAttr = { fd: number } | { pid: number };

/** Writes the peer attribute: NETNSA_FD or NETNSA_PID. */
function writePeer(w: NlWriter, peer: PeerAttr): void {
  const A = nsidAttrs.defs;
  if ('fd' in peer) A.fd.element.encode(w, A.fd.type, peer.fd, 'fd');
  else A.pid.element.encode(w, A.pid.type, peer.pid, 'pid');
}

/** Writes an RTM_NEWNSID body (`ip netns set NAME NSID`): the peer, then NETNSA_NSID (-1: the kernel picks). */
export function writeNsidSet(w: NlWriter, peer: PeerAttr, nsid: number): void {
  const A = nsidAttrs.defs;
  writeRtGenMsg(w, AF_UNSPEC);
  writePeer(w, peer);
  A.nsid.element.encode(w, A.nsid.type, nsid, 'nsid');
}

/** Writes an RTM_GETNSID body for one peer (what `ip netns list` asks per namespace file), optionally for a target. */
export function writeNsidGet(w: NlWriter, peer: PeerAttr, target: number | undefined): void {
  const A = nsidAttrs.defs;
  writeRtGenMsg(w, AF_UNSPEC);
  writePeer(w, peer);
  if (target !== undefined) A.targetNsid.element.encode(w, A.targetNsid.type, target, 'target');
}

/**
 * Writes an RTM_GETNSID dump request (`ip netns list-id [target-nsid N]`): strict checking takes
 * NETNSA_TARGET_NSID and no other attribute.
 */
export function writeNsidDump(w: NlWriter, target: number | undefined): void {
  const A = nsidAttrs.defs;
  writeRtGenMsg(w, AF_UNSPEC);
  if (target !== undefined) A.targetNsid.element.encode(w, A.targetNsid.type, target, 'target');
}
