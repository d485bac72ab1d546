import { describe, expect, it } from 'vitest';
import { isVp8KeyFrame, parseRtp } from './rtp';

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
