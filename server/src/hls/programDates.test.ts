import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { firstPts, ProgramDates } from './programDates';

/** A TS packet: PAT-like table (no PES) when `pts` is undefined, else the start of a video PES with that PTS. */
function tsPacket(pts?: number, { adaptation = false } = {}): Buffer {
  const packet = Buffer.alloc(188, 0xff);
  packet[0] = 0x47;
  packet[1] = 0x40 | (pts === undefined ? 0x00 : 0x01); // payload unit start; PID 0 (PAT) or 0x100
  packet[2] = 0x00;
  packet[3] = adaptation ? 0x30 : 0x10; // adaptation field and payload, or payload only
  let p = 4;
  if (adaptation) {
    packet[4] = 7; // adaptation field length (a PCR's worth)
    packet.fill(0, 5, 12);
    p = 12;
  }
  if (pts === undefined) {
    packet.set([0x00, 0x00, 0xb0, 0x0d], p); // pointer field, table id 0 (PAT), section length
    return packet;
  }
  const b = [0x21 | ((Math.floor(pts / 2 ** 30) & 0x07) << 1), (Math.floor(pts / 2 ** 22) & 0xff), ((Math.floor(pts / 2 ** 15) & 0x7f) << 1) | 1, (Math.floor(pts / 2 ** 7) & 0xff), ((pts & 0x7f) << 1) | 1];
  packet.set([0x00, 0x00, 0x01, 0xe0, 0x00, 0x00, 0x80, 0x80, 0x05, ...b], p);
  return packet;
}

describe('firstPts', () => {
  it('reads the PTS of the first PES packet, past tables and adaptation fields, up to 33 bits', () => {
    expect(firstPts(Buffer.concat([tsPacket(), tsPacket(), tsPacket(1_234_567, { adaptation: true })]))).toBe(1_234_567);
    expect(firstPts(tsPacket(2 ** 33 - 1))).toBe(2 ** 33 - 1);
  });

  it('finds nothing in what is not MPEG-TS or carries no PTS', () => {
    expect(firstPts(Buffer.from('#EXTM3U\n'.repeat(40)))).toBeUndefined();
    expect(firstPts(Buffer.concat([tsPacket(), tsPacket()]))).toBeUndefined();
    expect(firstPts(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('ProgramDates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hybrid-stage-pdt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const epochMs = 1_796_666_400_250;
  const name = (n: number) => `${Math.floor(epochMs / 1000)}-${n}.ts`;

  it("dates each segment at the epoch plus its first PTS, and leaves ffmpeg's date where it cannot read one", async () => {
    // Segment 7 starts 14.04 s into the media clock, segment 8 at 16.04 s; segment 9 is gone already.
    writeFileSync(join(dir, name(7)), Buffer.concat([tsPacket(), tsPacket(14_040 * 90)]));
    writeFileSync(join(dir, name(8)), Buffer.concat([tsPacket(), tsPacket(16_040 * 90)]));
    const ffmpegs = (n: number) => new Date(epochMs + 1_000 + n * 2000).toISOString();
    const playlist = ['#EXTM3U', '#EXT-X-TARGETDURATION:2', ...[7, 8, 9].flatMap((n) => [`#EXT-X-PROGRAM-DATE-TIME:${ffmpegs(n)}`, '#EXTINF:2.000000,', name(n)]), ''].join('\n');
    const dated = await new ProgramDates().rewrite(playlist, dir, epochMs, epochMs + 20_000);
    expect(dated.split('\n').filter((l) => l.startsWith('#EXT-X-PROGRAM-DATE-TIME:'))).toEqual([
      `#EXT-X-PROGRAM-DATE-TIME:${new Date(epochMs + 14_040).toISOString()}`,
      `#EXT-X-PROGRAM-DATE-TIME:${new Date(epochMs + 16_040).toISOString()}`,
      `#EXT-X-PROGRAM-DATE-TIME:${ffmpegs(9)}`,
    ]);
    expect(dated.replace(/PROGRAM-DATE-TIME:.*/g, '')).toBe(playlist.replace(/PROGRAM-DATE-TIME:.*/g, ''));
  });

  it("leaves a segment of another clock (another epoch's name) alone, and unwraps a PTS past 33 bits", async () => {
    const other = `${Math.floor(epochMs / 1000) - 600}-3.ts`;
    writeFileSync(join(dir, other), tsPacket(90_000));
    const playlist = `#EXTM3U\n#EXT-X-PROGRAM-DATE-TIME:2026-12-07T00:00:00.000Z\n#EXTINF:2.000000,\n${other}\n`;
    expect(await new ProgramDates().rewrite(playlist, dir, epochMs)).toBe(playlist);

    // 27 hours in, the PTS has wrapped once: the date still follows the media clock.
    const at = 27 * 3_600_000;
    writeFileSync(join(dir, name(48_600)), tsPacket((at * 90) % 2 ** 33));
    const late = `#EXTM3U\n#EXT-X-PROGRAM-DATE-TIME:x\n#EXTINF:2.000000,\n${name(48_600)}\n`;
    expect(await new ProgramDates().rewrite(late, dir, epochMs, epochMs + at + 3000)).toContain(`#EXT-X-PROGRAM-DATE-TIME:${new Date(epochMs + at).toISOString()}`);
  });
});
