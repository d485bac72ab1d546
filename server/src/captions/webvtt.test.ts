import { describe, expect, it } from 'vitest';
import { MAX_VTT_CUES } from '@hybrid-stage/shared';
import { escapeCueText, parseWebVtt, writeWebVtt } from './webvtt';

describe('writeWebVtt', () => {
  it('escapes &, < and > so no text can end a cue or open a tag, and keeps one line break', () => {
    expect(escapeCueText('a < b && c --> d\r\n\r\n<script>')).toBe('a &lt; b &amp;&amp; c --&gt; d\n&lt;script&gt;');
  });

  it('writes cues in time order with hh:mm:ss.ttt times', () => {
    const vtt = writeWebVtt(
      [
        { startMs: 3_723_004, endMs: 3_724_000, text: 'second' },
        { startMs: 1500, endMs: 2250, text: 'first' },
      ],
      'en',
    );
    expect(vtt).toBe('WEBVTT - en\n\n1\n00:00:01.500 --> 00:00:02.250\nfirst\n\n2\n01:02:03.004 --> 01:02:04.000\nsecond\n');
  });

  it('reads back what it writes', () => {
    const cues = [{ startMs: 0, endMs: 1000, text: 'Tom & Jerry <3 -->' }];
    expect(parseWebVtt(writeWebVtt(cues, 'en'))).toEqual(cues);
  });
});

describe('parseWebVtt', () => {
  it('refuses files with errors, naming the line', () => {
    expect(() => parseWebVtt('WEBVTT\n\n00:01.000 -> 00:02.000\nx\n')).toThrow(/not valid WebVTT: line \d+: /);
    expect(() => parseWebVtt('no signature')).toThrow(/not valid WebVTT/);
  });

  it('holds every cue to the limits of desks and ingest, and a file to MAX_VTT_CUES', () => {
    const cue = (start: string, end: string, text: string) => `${start} --> ${end}\n${text}`;
    const file = (...cues: string[]) => `WEBVTT\n\n${cues.join('\n\n')}\n`;
    expect(() => parseWebVtt(file(cue('00:00.000', '00:01.000', 'ok'), cue('00:02.000', '00:32.001', 'long')))).toThrow(/cue 2 \(at 00:00:02.000\).*30000 ms/);
    expect(parseWebVtt(file(cue('00:02.000', '00:32.000', 'thirty seconds')))).toHaveLength(1);
    expect(() => parseWebVtt(file(cue('00:00.000', '00:01.000', 'x'.repeat(501))))).toThrow(/cue 1 .*500/);
    expect(() => parseWebVtt(file(cue('00:00.000', '00:01.000', '<i> </i>')))).toThrow(/text is empty/);
    expect(() => parseWebVtt(file(cue('00:01.000', '00:01.000', 'no time')))).toThrow(/End timestamp is not greater/);
    const clock = (ms: number) => new Date(ms).toISOString().slice(11, 23);
    const many = Array.from({ length: MAX_VTT_CUES + 1 }, (_, i) => cue(clock(i * 1000), clock(i * 1000 + 500), 'c'));
    expect(() => parseWebVtt(file(...many))).toThrow(new RegExp(`at most ${MAX_VTT_CUES} cues`));
    expect(parseWebVtt(file(...many.slice(1)))).toHaveLength(MAX_VTT_CUES);
  });

  it('drops markup and decodes entities', () => {
    expect(parseWebVtt('WEBVTT\n\n00:00.500 --> 00:02.000\n<v Ana><b>Olá</b> &amp; adeus</v>\n')).toEqual([{ startMs: 500, endMs: 2000, text: 'Olá & adeus' }]);
  });
});
