import { describe, expect, it } from 'vitest';
import { ladderFor } from './ladder';
import { masterPlaylist, vttSegment } from './playlists';
import { SUBTITLE_HOLD_MS, SUBTITLE_SEGMENT, SubtitleSegments } from './SubtitleSegments';

describe('ladderFor', () => {
  it('gives 720p, 480p and 240p for a source of 720p or more, never an upscale below', () => {
    expect(ladderFor({ width: 1920, height: 1080 }).map((r) => [r.name, r.width, r.height])).toEqual([
      ['720p', 1280, 720],
      ['480p', 854, 480],
      ['240p', 426, 240],
    ]);
    expect(ladderFor({ width: 640, height: 360 }).map((r) => [r.name, r.width, r.height])).toEqual([
      ['360p', 640, 360],
      ['240p', 426, 240],
    ]);
    expect(ladderFor({ width: 320, height: 180 }).map((r) => r.name)).toEqual(['180p']);
    // Unknown size: the full ladder at 16:9; bitrates fall with size.
    const full = ladderFor(undefined);
    expect(full.map((r) => r.name)).toEqual(['720p', '480p', '240p']);
    expect(full[0]!.videoKbps).toBeGreaterThan(full[1]!.videoKbps);
  });
});

describe('masterPlaylist', () => {
  it('ties the renditions to the floor audio and a subtitle track per language named in itself, English the default', () => {
    const text = masterPlaylist({ renditions: ladderFor({ width: 640, height: 360 }), subtitles: ['en', 'ja'], query: '?expires=1&signature=x' });
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('#EXTM3U');
    expect(lines.filter((l) => l.startsWith('#EXT-X-MEDIA:TYPE=AUDIO'))).toHaveLength(1);
    expect(text).toContain('TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES');
    expect(text).toContain('TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="ja",NAME="日本語",DEFAULT=NO,AUTOSELECT=NO');
    expect(text).toContain('URI="subs/ja/index.m3u8?expires=1&signature=x"');
    const variants = lines.filter((l) => l.startsWith('#EXT-X-STREAM-INF'));
    expect(variants).toHaveLength(2);
    expect(variants[0]).toMatch(/RESOLUTION=640x360,.*AUDIO="audio",SUBTITLES="subs"$/);
    expect(lines[lines.indexOf(variants[0]!) + 1]).toBe('360p/index.m3u8?expires=1&signature=x');
    // Without captions, no subtitle group is named.
    expect(masterPlaylist({ renditions: ladderFor(undefined), subtitles: [] })).not.toContain('SUBTITLES');
  });
});

describe('vttSegment', () => {
  it('maps its local time to the same MPEG-TS time, and escapes cue text', () => {
    const text = vttSegment(12_000, [{ id: 'c1', startMs: 12_500, endMs: 15_000, text: 'a <b> & c' }]);
    expect(text).toBe('WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:1080000,LOCAL:00:00:12.000\n\nc1\n00:00:12.500 --> 00:00:15.000\na &lt;b&gt; &amp; c\n');
  });
});

describe('SubtitleSegments', () => {
  const epochMs = 1_700_000_000_000;
  const clock = { epochMs, firstSequence: 5 };

  it('puts each cue in every segment it is shown in, lists segments once they are old enough, and renames a corrected one', () => {
    const subs = new SubtitleSegments();
    const now = epochMs + 30_000;
    subs.add({ id: 'a', language: 'ja', startMs: epochMs + 20_500, endMs: epochMs + 23_000, text: 'こんにちは' }, now);
    expect(subs.languages).toEqual(['ja']);
    const playlist = subs.playlist('ja', clock, now);
    const uris = playlist.split('\n').filter((l) => l && !l.startsWith('#'));
    // Six segments of 2 s, the last ending SUBTITLE_HOLD_MS or more before now.
    expect(uris).toHaveLength(6);
    const last = Number(SUBTITLE_SEGMENT.exec(uris.at(-1)!)![1]);
    expect(epochMs + (last + 1) * 2000).toBeLessThanOrEqual(now - SUBTITLE_HOLD_MS);
    expect(playlist).toContain(`#EXT-X-MEDIA-SEQUENCE:${last - 5}`);
    const segment10 = uris.find((u) => u.startsWith('10-'))!;
    expect(subs.segment('ja', 10, clock)).toContain('00:00:20.500 --> 00:00:23.000\nこんにちは');
    expect(subs.segment('ja', 11, clock)).toContain('こんにちは');
    expect(subs.segment('ja', 9, clock)).not.toContain('こんにちは');
    expect(subs.segment('ja', 12, clock)).not.toContain('こんにちは');
    // A correction keeps the cue, changes the text and the segment's name; the old name is no longer current.
    subs.add({ id: 'a', language: 'ja', startMs: epochMs + 20_500, endMs: epochMs + 23_000, text: 'こんばんは' }, now);
    const corrected = subs.playlist('ja', clock, now).split('\n').find((u) => u.startsWith('10-'))!;
    expect(corrected).not.toBe(segment10);
    const [, , digest] = SUBTITLE_SEGMENT.exec(segment10)!;
    expect(subs.segmentFile('ja', 10, digest!, clock)).toMatchObject({ current: false });
    expect(subs.segment('ja', 10, clock)).toContain('こんばんは');
  });

  it('lists nothing before the video has its first segment', () => {
    const subs = new SubtitleSegments();
    subs.addLanguage('en');
    // Half a second after the first segment (5, ending at 12 s) is old enough to list, before the next is.
    const playlist = subs.playlist('en', clock, epochMs + 12_000 + SUBTITLE_HOLD_MS + 500);
    expect(playlist).toContain('#EXT-X-MEDIA-SEQUENCE:5');
    expect(playlist.split('\n').filter((l) => l.endsWith('.vtt'))).toHaveLength(1);
  });
});
