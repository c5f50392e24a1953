/**
 * IFLA_STATS64 (struct rtnl_link_stats64) for the Link view: the same object the schema codec
 * (`linkStats64` in codec.ts) decodes, built as one object literal with DataView's 64-bit reads —
 * the view's `stats` is read for every link of a dump that is turned into objects, and the generic
 * codec (bigints built from two halves, fields set by name in a loop) cost several times more.
 */
import { DecodeError } from '../../core/errors.js';
import type { LinkStats64 } from './codec.js';

/** Fields every kernel since 2.6 sends (23 × 8 bytes); rxNohandler came in 4.6, rxOtherhostDropped in 5.19. */
const REQUIRED = 23 * 8;
/** Bytes of the struct this library knows (25 fields). */
const KNOWN = 25 * 8;

/** The DataView of the last buffer read: the views of one dump share their buffer. */
let viewOf: ArrayBufferLike | undefined;
let dataView: DataView = new DataView(new ArrayBuffer(0));

/** A DataView over all of `buf`'s ArrayBuffer (cached for the last one). */
function dataViewOf(buf: Buffer): DataView {
  if (buf.buffer !== viewOf) {
    dataView = new DataView(buf.buffer);
    viewOf = buf.buffer;
  }
  return dataView;
}

/**
 * Decodes the rtnl_link_stats64 payload `buf[off, off + len)` (as `linkStats64.decode` does: the
 * newer fields when present, longer payloads' extra bytes in `tail`). DecodeError naming `path`
 * when it is shorter than the 23 fields every kernel sends.
 */
export function readLinkStats64(buf: Buffer, off: number, len: number, path: string): LinkStats64 & { tail?: Uint8Array } {
  if (len < REQUIRED) throw new DecodeError(path, off, `rtnl_link_stats64 payload of ${len} bytes, at least ${REQUIRED} expected`);
  const d = dataViewOf(buf);
  const o = buf.byteOffset + off;
  const out: LinkStats64 & { tail?: Uint8Array } = {
    rxPackets: d.getBigUint64(o, true),
    txPackets: d.getBigUint64(o + 8, true),
    rxBytes: d.getBigUint64(o + 16, true),
    txBytes: d.getBigUint64(o + 24, true),
    rxErrors: d.getBigUint64(o + 32, true),
    txErrors: d.getBigUint64(o + 40, true),
    rxDropped: d.getBigUint64(o + 48, true),
    txDropped: d.getBigUint64(o + 56, true),
    multicast: d.getBigUint64(o + 64, true),
    collisions: d.getBigUint64(o + 72, true),
    rxLengthErrors: d.getBigUint64(o + 80, true),
    rxOverErrors: d.getBigUint64(o + 88, true),
    rxCrcErrors: d.getBigUint64(o + 96, true),
    rxFrameErrors: d.getBigUint64(o + 104, true),
    rxFifoErrors: d.getBigUint64(o + 112, true),
    rxMissedErrors: d.getBigUint64(o + 120, true),
    txAbortedErrors: d.getBigUint64(o + 128, true),
    txCarrierErrors: d.getBigUint64(o + 136, true),
    txFifoErrors: d.getBigUint64(o + 144, true),
    txHeartbeatErrors: d.getBigUint64(o + 152, true),
    txWindowErrors: d.getBigUint64(o + 160, true),
    rxCompressed: d.getBigUint64(o + 168, true),
    txCompressed: d.getBigUint64(o + 176, true),
  };
  if (len >= REQUIRED + 8) out.rxNohandler = d.getBigUint64(o + 184, true);
  if (len >= KNOWN) out.rxOtherhostDropped = d.getBigUint64(o + 192, true);
  const used = Math.min(Math.floor(len / 8), 25) * 8;
  if (len > used) out.tail = Uint8Array.prototype.slice.call(buf, off + used, off + len);
  return out;
}
