import { describe, expect, it } from 'vitest';
import { isVp8KeyFrame, vp8KeyFrameSize, parseRtcpRequests, parseRtp, readVp8Numbering, rewriteRtpHeader, shiftVp8Numbering } from './rtp';

function rtp(payload: number[], options: { pt?: number; csrcs?: number; extensionWords?: number; padding?: number } = {}): Buffer {
  const { pt = 101, csrcs = 0, extensionWords, padding = 0 } = options;
  const header = Buffer.alloc(12 + csrcs * 4);
  header[0] = 0x80 | (extensionWords !== undefined ? 0x10 : 0) | (padding ? 0x20 : 0) | csrcs;
  header[1] = 0x80 | pt;
  header.writeUInt16BE(4242, 2);
  header.writeUInt32BE(90000, 4);
  header.writeUInt32BE(0xdeadbeef, 8);
  const ext = extensionWords !== undefined ? Buffer.alloc(4 + extensionWords * 4) : Buffer.alloc(0);
  if (extensionWords !== undefined) ext.writeUInt16BE(extensionWords, 2);
  const pad = padding ? Buffer.from([...Array(padding - 1).fill(0), padding]) : Buffer.alloc(0);
  return Buffer.concat([header, ext, Buffer.from(payload), pad]);
}

describe('parseRtp', () => {
  it('reads the header fields and finds the payload behind CSRCs, extensions and padding', () => {
    const packet = parseRtp(rtp([1, 2, 3], { csrcs: 2, extensionWords: 1, padding: 4 }))!;
    expect(packet).toMatchObject({ payloadType: 101, sequenceNumber: 4242, timestamp: 90000, ssrc: 0xdeadbeef, marker: true });
    expect([...packet.payload]).toEqual([1, 2, 3]);
  });

  it('refuses RTCP, other versions and truncated packets', () => {
    expect(parseRtp(rtp([0], { pt: 72 }))).toBeUndefined();
    expect(parseRtp(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined();
    expect(parseRtp(Buffer.alloc(8))).toBeUndefined();
    expect(parseRtp(rtp([], { extensionWords: 3 }).subarray(0, 14))).toBeUndefined();
  });
});

describe('isVp8KeyFrame', () => {
  it('recognises the first packet of a keyframe with and without a 15-bit picture id', () => {
    expect(isVp8KeyFrame(Buffer.from([0x10, 0x00]))).toBe(true);
    expect(isVp8KeyFrame(Buffer.from([0x90, 0x80, 0x81, 0x23, 0x00]))).toBe(true);
    expect(isVp8KeyFrame(Buffer.from([0x90, 0x80, 0x23, 0x00]))).toBe(true);
  });

  it('says no to interframes, continuation packets and other partitions', () => {
    expect(isVp8KeyFrame(Buffer.from([0x10, 0x01]))).toBe(false);
    expect(isVp8KeyFrame(Buffer.from([0x00, 0x00]))).toBe(false);
    expect(isVp8KeyFrame(Buffer.from([0x11, 0x00]))).toBe(false);
    expect(isVp8KeyFrame(Buffer.from([0x90, 0x80, 0x81, 0x23, 0x01]))).toBe(false);
  });
});

describe('VP8 picture numbering', () => {
  it('shifts a 15-bit PictureID and TL0PICIDX with wrap-around, leaving the rest alone', () => {
    // X=1 S=1; I=1 L=1; M=1 PictureID=0x7ffe; TL0PICIDX=255; then a keyframe header byte.
    const payload = Buffer.from([0x90, 0xc0, 0xff, 0xfe, 0xff, 0x10, 0x02]);
    shiftVp8Numbering(payload, 3, 2);
    expect(readVp8Numbering(payload)).toEqual({ pictureId: 1, tl0PicIdx: 1 });
    expect(payload[2]! & 0x80).toBe(0x80); // still 15 bits wide
    expect(isVp8KeyFrame(payload)).toBe(true);
  });

  it('shifts a 7-bit PictureID backwards modulo 128', () => {
    const payload = Buffer.from([0x90, 0x80, 0x01, 0x10]);
    shiftVp8Numbering(payload, -3, 0);
    expect(readVp8Numbering(payload)).toEqual({ pictureId: 126 });
  });

  it('leaves payloads without a descriptor extension unchanged', () => {
    const payload = Buffer.from([0x10, 0x00]);
    shiftVp8Numbering(payload, 5, 5);
    expect([...payload]).toEqual([0x10, 0x00]);
  });
});

describe('rewriteRtpHeader', () => {
  it('sets payload type, sequence number, timestamp and SSRC and keeps the marker', () => {
    const packet = rtp([9]);
    rewriteRtpHeader(packet, { payloadType: 96, sequenceNumber: 70000, timestamp: 2 ** 32 + 5, ssrc: 0x01020304 });
    expect(parseRtp(packet)).toMatchObject({ payloadType: 96, sequenceNumber: 70000 - 65536, timestamp: 5, ssrc: 0x01020304, marker: true });
  });
});

describe('parseRtcpRequests', () => {
  it('finds PLI and FIR media SSRCs in a compound packet after a receiver report', () => {
    const rr = Buffer.from([0x80, 201, 0, 1, 0, 0, 0, 1]);
    const pli = Buffer.from([0x81, 206, 0, 2, 0, 0, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd]);
    const fir = Buffer.from([0x84, 206, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0x11, 0x22, 0x33, 0x44, 7, 0, 0, 0]);
    expect(parseRtcpRequests(Buffer.concat([rr, pli, fir])).keyFrameSsrcs).toEqual([0xaabbccdd, 0x11223344]);
  });

  it('stops at a truncated or foreign packet', () => {
    expect(parseRtcpRequests(Buffer.from([0x81, 206, 0, 9, 0])).keyFrameSsrcs).toEqual([]);
    expect(parseRtcpRequests(Buffer.alloc(3)).keyFrameSsrcs).toEqual([]);
  });
});

describe('vp8KeyFrameSize', () => {
  // A keyframe's first packet: descriptor with a 15-bit picture id, frame tag, start code, 640x360.
  const keyframe = [0x90, 0x80, 0x81, 0x23, 0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01];

  it('reads the width and height a keyframe announces (scaling bits dropped)', () => {
    expect(vp8KeyFrameSize(Buffer.from(keyframe))).toEqual({ width: 640, height: 360 });
    const scaled = [...keyframe];
    scaled[11] = 0x42; // horizontal scale bits set: width stays 640
    expect(vp8KeyFrameSize(Buffer.from(scaled))).toEqual({ width: 640, height: 360 });
  });

  it('says nothing for interframes, truncated headers and a wrong start code', () => {
    const inter = [...keyframe];
    inter[4] = 0x51;
    expect(vp8KeyFrameSize(Buffer.from(inter))).toBeUndefined();
    expect(vp8KeyFrameSize(Buffer.from(keyframe.slice(0, 12)))).toBeUndefined();
    const wrong = [...keyframe];
    wrong[7] = 0x9e;
    expect(vp8KeyFrameSize(Buffer.from(wrong))).toBeUndefined();
  });
});
