// The program's packet rewriting without a network, as SFUs test their forwarders: packets of
// successive sources go in, and what a receiver's depacketizer and decoder would see comes out.
import { describe, expect, it } from 'vitest';
import { parseRtp, readVp8Numbering, vp8DescriptorLength } from '../media/rtp';
import { StreamRewriter, type OutputStream } from './StreamRewriter';

interface SourcePacket {
  sequenceNumber: number;
  timestamp: number;
  /** VP8 PictureID; 15 bits wide unless `pictureIdBits` says 7. Omitted: no PictureID. */
  pictureId?: number;
  pictureIdBits?: 7 | 15;
  tl0PicIdx?: number;
  /** Bytes of padding at the end (RFC 3550 P bit). */
  padding?: number;
  ssrc?: number;
  payloadType?: number;
  marker?: boolean;
  /** The coded bytes after the descriptor. */
  body?: number[];
}

/** A VP8 RTP packet as an encoder sends it (RFC 7741 descriptor with the fields asked for). */
function vp8Packet(p: SourcePacket): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80 | (p.padding ? 0x20 : 0);
  header[1] = (p.marker ? 0x80 : 0) | (p.payloadType ?? 96);
  header.writeUInt16BE(p.sequenceNumber, 2);
  header.writeUInt32BE(p.timestamp >>> 0, 4);
  header.writeUInt32BE(p.ssrc ?? 0x11111111, 8);
  const descriptor: number[] = [];
  const hasPictureId = p.pictureId !== undefined;
  const hasTl0 = p.tl0PicIdx !== undefined;
  if (hasPictureId || hasTl0) {
    descriptor.push(0x90, (hasPictureId ? 0x80 : 0) | (hasTl0 ? 0x40 : 0)); // X=1 S=1; I, L
    if (hasPictureId && p.pictureIdBits === 7) descriptor.push(p.pictureId! & 0x7f);
    else if (hasPictureId) descriptor.push(0x80 | ((p.pictureId! >> 8) & 0x7f), p.pictureId! & 0xff);
    if (hasTl0) descriptor.push(p.tl0PicIdx!);
  } else {
    descriptor.push(0x10); // S=1, no extensions
  }
  const padding = p.padding ? [...Array(p.padding - 1).fill(0), p.padding] : [];
  return Buffer.concat([header, Buffer.from(descriptor), Buffer.from(p.body ?? [0x9d, 0x01, 0x2a]), Buffer.from(padding)]);
}

/** An Opus packet: its payload is opaque, whatever its first bytes look like. */
function opusPacket(sequenceNumber: number, timestamp: number, body = [0x90, 0xc0, 0x81, 0x23, 0x07]): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = 111;
  header.writeUInt16BE(sequenceNumber, 2);
  header.writeUInt32BE(timestamp >>> 0, 4);
  header.writeUInt32BE(0x22222222, 8);
  return Buffer.concat([header, Buffer.from(body)]);
}

const VIDEO: OutputStream = { ssrc: 0x5eed0001, payloadType: 101, clockRate: 90000, vp8: true, sequenceNumber: 1000, timestamp: 500_000, pictureId: 300, tl0PicIdx: 40 };
const AUDIO: OutputStream = { ssrc: 0x5eed0002, payloadType: 100, clockRate: 48000, vp8: false, sequenceNumber: 7000, timestamp: 9_000_000, pictureId: 0, tl0PicIdx: 0 };

/** What the receiver sees of one output packet. */
interface Seen {
  ssrc: number;
  payloadType: number;
  marker: boolean;
  sequenceNumber: number;
  timestamp: number;
  pictureId?: number;
  tl0PicIdx?: number;
  body: string;
}

/** Rewrites `raw` at `now` and reads the result back as a receiver would (`vp8`: as VP8, or as opaque audio). */
function send(rewriter: StreamRewriter, raw: Buffer, now: number, vp8 = true): Seen {
  const before = Buffer.from(raw);
  const out = rewriter.rewrite(raw, parseRtp(raw)!, now);
  expect(raw.equals(before), 'the source packet is left as it was').toBe(true);
  const packet = parseRtp(out)!;
  expect(packet, 'the output is a valid RTP packet').toBeDefined();
  const numbering = vp8 ? readVp8Numbering(packet.payload) : {};
  return {
    ssrc: packet.ssrc,
    payloadType: packet.payloadType,
    marker: packet.marker,
    sequenceNumber: packet.sequenceNumber,
    timestamp: packet.timestamp,
    ...numbering,
    body: packet.payload.subarray(vp8 ? vp8DescriptorLength(packet.payload) : 0).toString('hex'),
  };
}

describe('one source', () => {
  it('starts the output at its own numbers, with its SSRC and payload type, and keeps the payload', () => {
    const rewriter = new StreamRewriter(VIDEO);
    const seen = send(rewriter, vp8Packet({ sequenceNumber: 31000, timestamp: 123456, pictureId: 9000, tl0PicIdx: 3, marker: true, body: [1, 2, 3] }), 0);
    expect(seen).toEqual({ ssrc: VIDEO.ssrc, payloadType: 101, marker: true, sequenceNumber: 1000, timestamp: 500_000, pictureId: 300, tl0PicIdx: 40, body: '010203' });
  });

  it('keeps the source\'s steps: gaps, timestamps per frame, picture numbers', () => {
    const rewriter = new StreamRewriter(VIDEO);
    const seen = [
      vp8Packet({ sequenceNumber: 10, timestamp: 0, pictureId: 50, tl0PicIdx: 7 }),
      vp8Packet({ sequenceNumber: 11, timestamp: 0, pictureId: 50, tl0PicIdx: 7 }), // same frame, second packet
      vp8Packet({ sequenceNumber: 12, timestamp: 3000, pictureId: 51, tl0PicIdx: 8 }),
      vp8Packet({ sequenceNumber: 15, timestamp: 9000, pictureId: 53, tl0PicIdx: 10 }), // two lost in between
    ].map((p, i) => send(rewriter, p, i * 33));
    expect(seen.map((s) => [s.sequenceNumber, s.timestamp, s.pictureId, s.tl0PicIdx])).toEqual([
      [1000, 500_000, 300, 40],
      [1001, 500_000, 300, 40],
      [1002, 503_000, 301, 41],
      [1005, 509_000, 303, 43],
    ]);
    expect(new Set(seen.map((s) => s.ssrc))).toEqual(new Set([VIDEO.ssrc]));
  });

  it('passes a duplicate and a reordered packet through at their place, and a late one does not move the output back', () => {
    const rewriter = new StreamRewriter(VIDEO);
    send(rewriter, vp8Packet({ sequenceNumber: 100, timestamp: 0, pictureId: 1 }), 0);
    const third = send(rewriter, vp8Packet({ sequenceNumber: 102, timestamp: 6000, pictureId: 3 }), 66);
    const second = send(rewriter, vp8Packet({ sequenceNumber: 101, timestamp: 3000, pictureId: 2 }), 70); // late
    const again = send(rewriter, vp8Packet({ sequenceNumber: 102, timestamp: 6000, pictureId: 3 }), 71); // duplicate
    expect([second.sequenceNumber, second.timestamp, second.pictureId]).toEqual([1001, 503_000, 301]);
    expect(again).toEqual(third);
    // The next source continues after the highest sequence number sent (1002), timed from when it
    // was last sent (the duplicate, at 71).
    rewriter.newSource();
    const next = send(rewriter, vp8Packet({ sequenceNumber: 5000, timestamp: 77, pictureId: 800 }), 71 + 40);
    expect(next.sequenceNumber).toBe(1003);
    expect(next.timestamp).toBe(506_000 + 3600); // 40 ms at 90 kHz
  });
});

describe('a cut to another source', () => {
  it('continues sequence numbers, timestamps (by wall-clock time) and picture numbering', () => {
    const rewriter = new StreamRewriter(VIDEO);
    send(rewriter, vp8Packet({ sequenceNumber: 10, timestamp: 0, pictureId: 50, tl0PicIdx: 7 }), 1000);
    const last = send(rewriter, vp8Packet({ sequenceNumber: 11, timestamp: 3000, pictureId: 51, tl0PicIdx: 8 }), 1033);

    rewriter.newSource();
    const other = { ssrc: 0x33333333, payloadType: 98 };
    const first = send(rewriter, vp8Packet({ ...other, sequenceNumber: 60000, timestamp: 4_000_000_000, pictureId: 20000, tl0PicIdx: 200 }), 1073);
    const second = send(rewriter, vp8Packet({ ...other, sequenceNumber: 60001, timestamp: 4_000_003_000, pictureId: 20001, tl0PicIdx: 201 }), 1106);

    expect([first.sequenceNumber, second.sequenceNumber]).toEqual([last.sequenceNumber + 1, last.sequenceNumber + 2]);
    expect(first.timestamp).toBe(last.timestamp + 40 * 90); // 40 ms after the last packet
    expect(second.timestamp - first.timestamp).toBe(3000); // then the new source's own steps
    expect([first.pictureId, second.pictureId]).toEqual([last.pictureId! + 1, last.pictureId! + 2]);
    expect([first.tl0PicIdx, second.tl0PicIdx]).toEqual([last.tl0PicIdx! + 1, last.tl0PicIdx! + 2]);
    expect([first.ssrc, first.payloadType]).toEqual([VIDEO.ssrc, VIDEO.payloadType]);
  });

  it('advances the timestamp by at least one tick when the cut comes in the same millisecond', () => {
    const rewriter = new StreamRewriter(VIDEO);
    const last = send(rewriter, vp8Packet({ sequenceNumber: 1, timestamp: 0, pictureId: 1 }), 500);
    rewriter.newSource();
    expect(send(rewriter, vp8Packet({ sequenceNumber: 9, timestamp: 9, pictureId: 9 }), 500).timestamp).toBe(last.timestamp + 1);
  });

  it('continues across several cuts, back and forth between two sources', () => {
    const rewriter = new StreamRewriter(VIDEO);
    const sources = [
      { sequenceNumber: 100, timestamp: 10_000, pictureId: 10, tl0PicIdx: 1 },
      { sequenceNumber: 40_000, timestamp: 2_000_000, pictureId: 30_000, tl0PicIdx: 250 },
    ];
    const sent: Seen[] = [];
    let now = 0;
    for (let cut = 0; cut < 6; cut++) {
      rewriter.newSource();
      const source = sources[cut % 2]!;
      for (let i = 0; i < 3; i++) {
        sent.push(send(rewriter, vp8Packet({ ...source }), now));
        source.sequenceNumber = (source.sequenceNumber + 1) & 0xffff;
        source.timestamp += 3000;
        source.pictureId = (source.pictureId + 1) & 0x7fff;
        source.tl0PicIdx = (source.tl0PicIdx + 1) & 0xff;
        now += 33;
      }
    }
    for (let i = 1; i < sent.length; i++) {
      expect((sent[i]!.sequenceNumber - sent[i - 1]!.sequenceNumber) & 0xffff, `packet ${i}`).toBe(1);
      expect((sent[i]!.pictureId! - sent[i - 1]!.pictureId!) & 0x7fff, `packet ${i}`).toBe(1);
      expect((sent[i]!.tl0PicIdx! - sent[i - 1]!.tl0PicIdx!) & 0xff, `packet ${i}`).toBe(1);
      // Within a source 3000 a frame; at a cut, 33 ms of wall-clock time.
      expect((sent[i]!.timestamp - sent[i - 1]!.timestamp) >>> 0, `packet ${i}`).toBe(i % 3 === 0 ? 33 * 90 : 3000);
    }
  });

  it('starts afresh when the same source is taken again', () => {
    const rewriter = new StreamRewriter(VIDEO);
    send(rewriter, vp8Packet({ sequenceNumber: 10, timestamp: 0, pictureId: 1 }), 0);
    const last = send(rewriter, vp8Packet({ sequenceNumber: 11, timestamp: 3000, pictureId: 2 }), 33);
    rewriter.newSource();
    // The source skipped ahead meanwhile (its packets went elsewhere): the output does not skip.
    const first = send(rewriter, vp8Packet({ sequenceNumber: 500, timestamp: 900_000, pictureId: 400 }), 66);
    expect([first.sequenceNumber, first.timestamp, first.pictureId]).toEqual([last.sequenceNumber + 1, last.timestamp + 33 * 90, last.pictureId! + 1]);
  });
});

describe('wrap-around', () => {
  it('wraps the 16-bit sequence number and the 32-bit timestamp of the output', () => {
    const rewriter = new StreamRewriter({ ...VIDEO, sequenceNumber: 0xfffe, timestamp: 0xffffffff - 2999 });
    const seen = [0, 1, 2, 3].map((i) => send(rewriter, vp8Packet({ sequenceNumber: 200 + i, timestamp: 1000 + i * 3000, pictureId: i }), i * 33));
    expect(seen.map((s) => s.sequenceNumber)).toEqual([0xfffe, 0xffff, 0, 1]);
    expect(seen.map((s) => s.timestamp)).toEqual([0xffffffff - 2999, 0, 3000, 6000]);
  });

  it('follows a source whose own numbers wrap', () => {
    const rewriter = new StreamRewriter(VIDEO);
    const seen = [0, 1, 2].map((i) =>
      send(rewriter, vp8Packet({ sequenceNumber: (0xffff + i) & 0xffff, timestamp: (0xffffffff - 1499 + i * 3000) >>> 0, pictureId: (0x7fff + i) & 0x7fff, tl0PicIdx: (255 + i) & 0xff }), i * 33),
    );
    expect(seen.map((s) => s.sequenceNumber)).toEqual([1000, 1001, 1002]);
    expect(seen.map((s) => s.timestamp)).toEqual([500_000, 503_000, 506_000]);
    expect(seen.map((s) => s.pictureId)).toEqual([300, 301, 302]);
    expect(seen.map((s) => s.tl0PicIdx)).toEqual([40, 41, 42]);
  });

  it('continues after a cut that comes right after the sequence number wrapped (the highest is after the wrap)', () => {
    const rewriter = new StreamRewriter({ ...VIDEO, sequenceNumber: 0xffff });
    send(rewriter, vp8Packet({ sequenceNumber: 10, timestamp: 0 }), 0); // 0xffff
    send(rewriter, vp8Packet({ sequenceNumber: 11, timestamp: 0 }), 1); // 0
    send(rewriter, vp8Packet({ sequenceNumber: 9, timestamp: 0 }), 2); // 0xfffe, late: not the highest
    rewriter.newSource();
    expect(send(rewriter, vp8Packet({ sequenceNumber: 3, timestamp: 0 }), 3).sequenceNumber).toBe(1);
  });

  it('wraps a 15-bit PictureID at 32768 and TL0PICIDX at 256, keeping the PictureID 15 bits wide', () => {
    const rewriter = new StreamRewriter({ ...VIDEO, pictureId: 0x7ffe, tl0PicIdx: 254 });
    const raws = [0, 1, 2, 3].map((i) => vp8Packet({ sequenceNumber: i, timestamp: i * 3000, pictureId: 10 + i, tl0PicIdx: 10 + i }));
    const out = raws.map((raw, i) => rewriter.rewrite(raw, parseRtp(raw)!, i * 33));
    expect(out.map((o) => readVp8Numbering(parseRtp(o)!.payload))).toEqual([
      { pictureId: 0x7ffe, tl0PicIdx: 254 },
      { pictureId: 0x7fff, tl0PicIdx: 255 },
      { pictureId: 0, tl0PicIdx: 0 },
      { pictureId: 1, tl0PicIdx: 1 },
    ]);
    for (const o of out) expect(parseRtp(o)!.payload[2]! & 0x80, 'M bit: 15-bit PictureID').toBe(0x80);
  });

  it('wraps a 7-bit PictureID at 128, and a cut between 15-bit and 7-bit sources continues modulo each width', () => {
    const rewriter = new StreamRewriter({ ...VIDEO, pictureId: 126 });
    const seven = [0, 1, 2].map((i) => send(rewriter, vp8Packet({ sequenceNumber: i, timestamp: i * 3000, pictureId: 5 + i, pictureIdBits: 7 }), i * 33));
    expect(seven.map((s) => s.pictureId)).toEqual([126, 127, 0]);

    rewriter.newSource();
    const fifteen = send(rewriter, vp8Packet({ sequenceNumber: 900, timestamp: 0, pictureId: 20000 }), 100);
    // One after 128, which the 7-bit 0 stood for: 1 modulo 128, and counting on in 15 bits.
    expect(fifteen.pictureId).toBe(129);

    rewriter.newSource();
    const backToSeven = send(rewriter, vp8Packet({ sequenceNumber: 50, timestamp: 0, pictureId: 100, pictureIdBits: 7 }), 133);
    expect(backToSeven.pictureId).toBe(130 % 128);
  });
});

describe('VP8 payloads', () => {
  it('renumbers the descriptor of a padded packet and leaves the padding and coded bytes alone', () => {
    const rewriter = new StreamRewriter(VIDEO);
    const raw = vp8Packet({ sequenceNumber: 1, timestamp: 0, pictureId: 7, tl0PicIdx: 9, padding: 4, body: [0xaa, 0xbb] });
    const out = rewriter.rewrite(raw, parseRtp(raw)!, 0);
    expect(readVp8Numbering(parseRtp(out)!.payload)).toEqual({ pictureId: 300, tl0PicIdx: 40 });
    expect([...out.subarray(-6)]).toEqual([0xaa, 0xbb, 0, 0, 0, 4]);
  });

  it('leaves a descriptor without PictureID or TL0PICIDX as it is, and the numbering where it was', () => {
    const rewriter = new StreamRewriter(VIDEO);
    const plain = send(rewriter, vp8Packet({ sequenceNumber: 1, timestamp: 0 }), 0);
    expect(plain.pictureId).toBeUndefined();
    rewriter.newSource();
    expect(send(rewriter, vp8Packet({ sequenceNumber: 70, timestamp: 0, pictureId: 4444, tl0PicIdx: 3 }), 33)).toMatchObject({ pictureId: 301, tl0PicIdx: 41 });
  });

  it('keeps a source\'s own picture numbers when its first packet carries none', () => {
    const rewriter = new StreamRewriter(VIDEO);
    send(rewriter, vp8Packet({ sequenceNumber: 1, timestamp: 0 }), 0);
    expect(send(rewriter, vp8Packet({ sequenceNumber: 2, timestamp: 3000, pictureId: 4444, tl0PicIdx: 3 }), 33)).toMatchObject({ pictureId: 4444, tl0PicIdx: 3 });
  });
});

describe('audio and video together', () => {
  it('rewrites each kind on its own clock, and a cut continues both', () => {
    const video = new StreamRewriter(VIDEO);
    const audio = new StreamRewriter(AUDIO);
    const sentVideo: Seen[] = [];
    const sentAudio: Seen[] = [];
    // Source A: 30 fps video, 20 ms Opus frames, for 100 ms.
    for (let t = 0; t < 100; t += 20) sentAudio.push(send(audio, opusPacket(3000 + t / 20, 48 * t), t, false));
    for (let t = 0; t < 100; t += 33) sentVideo.push(send(video, vp8Packet({ sequenceNumber: 50 + t / 33, timestamp: 90 * t, pictureId: 10 + t / 33 }), t));
    video.newSource();
    audio.newSource();
    // Source B from 120 ms on, with numbers of its own.
    for (let t = 120; t < 200; t += 20) sentAudio.push(send(audio, opusPacket(60000 + t / 20, 1_000_000 + 48 * t), t, false));
    for (let t = 132; t < 200; t += 33) sentVideo.push(send(video, vp8Packet({ sequenceNumber: 9000 + t / 33, timestamp: 5_000_000 + 90 * t, pictureId: 700 + t / 33 }), t));

    expect(new Set(sentAudio.map((s) => s.ssrc))).toEqual(new Set([AUDIO.ssrc]));
    expect(new Set(sentAudio.map((s) => s.payloadType))).toEqual(new Set([AUDIO.payloadType]));
    expect(sentAudio.map((s) => s.sequenceNumber)).toEqual([7000, 7001, 7002, 7003, 7004, 7005, 7006, 7007, 7008]);
    // Audio timestamps: 960 a frame, and at the cut 40 ms at 48 kHz (120 ms after the last at 80 ms).
    expect(sentAudio.map((s) => s.timestamp - AUDIO.timestamp)).toEqual([0, 960, 1920, 2880, 3840, 3840 + 1920, 3840 + 2880, 3840 + 3840, 3840 + 4800]);
    // Opus payloads are never touched, even when their bytes look like a VP8 descriptor.
    expect(new Set(sentAudio.map((s) => s.body))).toEqual(new Set(['90c0812307']));
    expect(sentVideo.map((s) => s.sequenceNumber)).toEqual([1000, 1001, 1002, 1003, 1004, 1005, 1006]);
    expect(sentVideo.map((s) => s.pictureId)).toEqual([300, 301, 302, 303, 304, 305, 306]);
    expect(sentVideo.map((s) => s.timestamp - VIDEO.timestamp)).toEqual([0, 2970, 5940, 8910, 8910 + 33 * 90, 8910 + 66 * 90, 8910 + 99 * 90]);
  });
});
