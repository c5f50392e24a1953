/**
 * An independent byte builder for expected wire bytes (after pg-protocol's testing/buffer-list):
 * golden tests compare the library's encoder with bytes built here, never with its own output.
 * Host byte order is little-endian (x86-64, arm64).
 */

/** Concatenates parts into one Buffer. */
export function bytes(...parts: Array<Uint8Array | number[]>): Buffer {
  return Buffer.concat(parts.map((p) => (p instanceof Uint8Array ? p : Buffer.from(p))));
}

export const u8 = (v: number): Buffer => Buffer.from([v]);
export function u16(v: number): Buffer { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; }
export function u16be(v: number): Buffer { const b = Buffer.alloc(2); b.writeUInt16BE(v); return b; }
export function u32(v: number): Buffer { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; }
export function s32(v: number): Buffer { const b = Buffer.alloc(4); b.writeInt32LE(v); return b; }
export function u64(v: bigint): Buffer { const b = Buffer.alloc(8); b.writeBigUInt64LE(v); return b; }
/** A NUL-terminated string. */
export const cstr = (s: string): Buffer => Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
/** Bytes from hex text; whitespace and `|` are ignored. */
export const hex = (s: string): Buffer => Buffer.from(s.replace(/[\s|]/g, ''), 'hex');

function pad4(b: Buffer): Buffer {
  const n = (4 - (b.length % 4)) % 4;
  return n === 0 ? b : Buffer.concat([b, Buffer.alloc(n)]);
}

/** One attribute: header, payload, zero padding. */
export function attr(type: number, ...payload: Array<Uint8Array | number[]>): Buffer {
  const body = bytes(...payload);
  return pad4(bytes(u16(4 + body.length), u16(type), body));
}

/** One netlink message: nlmsghdr (length computed) and payload, padded. */
export function nlmsg(type: number, flags: number, seq: number, pid: number, ...payload: Array<Uint8Array | number[]>): Buffer {
  const body = pad4(bytes(...payload));
  return bytes(u32(16 + body.length), u16(type), u16(flags), u32(seq), u32(pid), body);
}

/** An NLMSG_ERROR reply (capped: the echoed header only) with optional ext-ack TLVs. */
export function nlerror(seq: number, errno: number, request: { type: number; flags: number; len?: number }, tlvs: Buffer[] = [], pid = 0): Buffer {
  const flags = 0x100 /* NLM_F_CAPPED */ | (tlvs.length > 0 ? 0x200 /* NLM_F_ACK_TLVS */ : 0);
  const echoed = bytes(u32(request.len ?? 16), u16(request.type), u16(request.flags), u32(seq), u32(pid));
  return nlmsg(2, flags, seq, pid, s32(-errno), echoed, ...tlvs);
}

/** An NLMSG_DONE with a status (0 or -errno) and optional ext-ack TLVs. */
export function nldone(seq: number, status = 0, tlvs: Buffer[] = [], flags = 0x2): Buffer {
  return nlmsg(3, flags | (tlvs.length > 0 ? 0x200 : 0), seq, 0, s32(status), ...tlvs);
}
