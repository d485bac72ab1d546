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
  let offset = 1;
  if (first & 0x80) {
    if (payload.length < 2) return false;
    const ext = payload[1]!;
    offset = 2;
    if (ext & 0x80) offset += payload.length > offset && payload[offset]! & 0x80 ? 2 : 1; // PictureID, 7 or 15 bits
    if (ext & 0x40) offset += 1; // TL0PICIDX
    if (ext & 0x30) offset += 1; // TID/Y/KEYIDX
  }
  return payload.length > offset && (payload[offset]! & 0x01) === 0;
}
