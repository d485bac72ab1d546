/** Minimal RTP parsing: what the server needs to look at packets it relays or records. */

/** The fields of an RTP packet the server uses. */
export interface RtpPacket {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  marker: boolean;
  /** The payload, after the header, CSRCs, extensions and padding are removed. */
  payload: Buffer;
}

/** Parses an RTP packet (RFC 3550); undefined for anything else, RTCP included. */
export function parseRtp(packet: Buffer): RtpPacket | undefined {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return undefined;
  const payloadType = packet[1]! & 0x7f;
  // RTCP packet types 200-204 land on payload types 72-76 when muxed on one port.
  if (payloadType >= 72 && payloadType <= 76) return undefined;
  let offset = 12 + (packet[0]! & 0x0f) * 4;
  if (packet[0]! & 0x10) {
    if (packet.length < offset + 4) return undefined;
    offset += 4 + packet.readUInt16BE(offset + 2) * 4;
  }
  let end = packet.length;
  if (packet[0]! & 0x20) end -= packet[packet.length - 1]!;
  if (offset > end) return undefined;
  return {
    payloadType,
    sequenceNumber: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
    marker: (packet[1]! & 0x80) !== 0,
    payload: packet.subarray(offset, end),
  };
}

/**
 * Whether a VP8 RTP payload (RFC 7741) starts a keyframe: the first packet of a frame
 * (S bit set, partition 0) whose VP8 frame header has the P bit clear.
 */
export function isVp8KeyFrame(payload: Buffer): boolean {
  if (payload.length < 1) return false;
  const first = payload[0]!;
  const start = (first & 0x10) !== 0;
  const partition = first & 0x07;
  if (!start || partition !== 0) return false;
  const offset = vp8DescriptorLength(payload);
  return payload.length > offset && (payload[offset]! & 0x01) === 0;
}

/** Length of the VP8 payload descriptor (RFC 7741) at the start of a payload. */
export function vp8DescriptorLength(payload: Buffer): number {
  if (payload.length < 1 || !(payload[0]! & 0x80)) return 1;
  if (payload.length < 2) return payload.length;
  const ext = payload[1]!;
  let offset = 2;
  if (ext & 0x80) offset += payload.length > offset && payload[offset]! & 0x80 ? 2 : 1; // PictureID, 7 or 15 bits
  if (ext & 0x40) offset += 1; // TL0PICIDX
  if (ext & 0x30) offset += 1; // TID/Y/KEYIDX
  return offset;
}

/** Where the VP8 payload descriptor (RFC 7741) keeps its picture numbering, when present. */
interface Vp8Numbering {
  /** Offset of the PictureID in the payload, and its width in bits (7 or 15). */
  pictureId?: { offset: number; bits: 7 | 15 };
  /** Offset of TL0PICIDX in the payload. */
  tl0PicIdx?: number;
}

function vp8Numbering(payload: Buffer): Vp8Numbering {
  if (payload.length < 2 || !(payload[0]! & 0x80)) return {};
  const ext = payload[1]!;
  let offset = 2;
  const result: Vp8Numbering = {};
  if (ext & 0x80) {
    if (payload.length <= offset) return {};
    const bits = payload[offset]! & 0x80 ? 15 : 7;
    result.pictureId = { offset, bits };
    offset += bits === 15 ? 2 : 1;
  }
  if (ext & 0x40 && payload.length > offset) result.tl0PicIdx = offset;
  return result;
}

/** The VP8 PictureID and TL0PICIDX of a payload, when it carries them. */
export function readVp8Numbering(payload: Buffer): { pictureId?: number; tl0PicIdx?: number } {
  const n = vp8Numbering(payload);
  const out: { pictureId?: number; tl0PicIdx?: number } = {};
  if (n.pictureId) {
    out.pictureId = n.pictureId.bits === 15 ? payload.readUInt16BE(n.pictureId.offset) & 0x7fff : payload[n.pictureId.offset]! & 0x7f;
  }
  if (n.tl0PicIdx !== undefined) out.tl0PicIdx = payload[n.tl0PicIdx];
  return out;
}

/**
 * Adds offsets to the VP8 PictureID (modulo its width) and TL0PICIDX (modulo 256) of a payload,
 * in place, so that a decoder sees one numbering across a switch between sources.
 */
export function shiftVp8Numbering(payload: Buffer, pictureIdOffset: number, tl0PicIdxOffset: number): void {
  const n = vp8Numbering(payload);
  if (n.pictureId?.bits === 15) {
    const value = (payload.readUInt16BE(n.pictureId.offset) & 0x7fff) + pictureIdOffset;
    payload.writeUInt16BE(0x8000 | (((value % 0x8000) + 0x8000) % 0x8000), n.pictureId.offset);
  } else if (n.pictureId?.bits === 7) {
    const value = (payload[n.pictureId.offset]! & 0x7f) + pictureIdOffset;
    payload[n.pictureId.offset] = ((value % 0x80) + 0x80) % 0x80;
  }
  if (n.tl0PicIdx !== undefined) payload[n.tl0PicIdx] = (((payload[n.tl0PicIdx]! + tl0PicIdxOffset) % 256) + 256) % 256;
}

/** Rewrites the header fields that make packets from several sources one stream, in place. */
export function rewriteRtpHeader(packet: Buffer, fields: { payloadType: number; sequenceNumber: number; timestamp: number; ssrc: number }): void {
  packet[1] = (packet[1]! & 0x80) | (fields.payloadType & 0x7f);
  packet.writeUInt16BE(fields.sequenceNumber & 0xffff, 2);
  packet.writeUInt32BE(fields.timestamp >>> 0, 4);
  packet.writeUInt32BE(fields.ssrc >>> 0, 8);
}

/** What an RTCP compound packet asks of a media source. */
export interface RtcpRequests {
  /** SSRCs of media asked for a keyframe (PLI or FIR). */
  keyFrameSsrcs: number[];
}

/** Finds keyframe requests (PLI, RFC 4585; FIR, RFC 5104) in an RTCP compound packet. */
export function parseRtcpRequests(packet: Buffer): RtcpRequests {
  const keyFrameSsrcs: number[] = [];
  let offset = 0;
  while (offset + 4 <= packet.length) {
    const first = packet[offset]!;
    if (first >> 6 !== 2) break;
    const type = packet[offset + 1]!;
    const length = (packet.readUInt16BE(offset + 2) + 1) * 4;
    if (offset + length > packet.length) break;
    const fmt = first & 0x1f;
    if (type === 206 && fmt === 1 && length >= 12) keyFrameSsrcs.push(packet.readUInt32BE(offset + 8));
    if (type === 206 && fmt === 4) {
      for (let entry = offset + 12; entry + 8 <= offset + length; entry += 8) keyFrameSsrcs.push(packet.readUInt32BE(entry));
    }
    offset += length;
  }
  return { keyFrameSsrcs };
}

/**
 * The picture size a VP8 keyframe's first RTP packet announces (RFC 6386 §9.1: after the 3-byte
 * frame tag, the start code 9d 01 2a, then 14-bit width and height, little-endian), or undefined
 * when the payload does not start a keyframe.
 */
export function vp8KeyFrameSize(payload: Buffer): { width: number; height: number } | undefined {
  if (!isVp8KeyFrame(payload)) return undefined;
  const offset = vp8DescriptorLength(payload);
  if (payload.length < offset + 10) return undefined;
  if (payload[offset + 3] !== 0x9d || payload[offset + 4] !== 0x01 || payload[offset + 5] !== 0x2a) return undefined;
  return { width: payload.readUInt16LE(offset + 6) & 0x3fff, height: payload.readUInt16LE(offset + 8) & 0x3fff };
}
