/**
 * Machine translation through a pivot (issue 18):
 *  - mt.cuesPerSecond: distinct English cues to Portuguese through Spanish by ApertiumTranslator, as
 *    the caption pipeline asks for them (two long-lived pipelines fed cue by cue; the next cue goes
 *    in when the last came back, so no queue grows), after a first cue has started the pipelines;
 *  - mt.batchCuesPerSecond, the baseline in the same run: the same cues through the same two modes as
 *    one batch by Apertium's own command line (`apertium eng-spa | apertium es-pt`), nothing of ours
 *    in the way and no flush per cue; its start (dictionaries loaded) is taken off by timing a
 *    one-cue batch too;
 *  - asr.wordErrorRate: speech recognition's filters (the ones PocketsphinxEngine runs on a program)
 *    on the five read-speech clips of Debian's pocketsphinx-testdata (LibriVox), against their
 *    transcriptions: word-level edit distance over the transcriptions' words. Reported, no bar: it
 *    tells a user how much a desk will correct.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asrFilters } from '../server/src/captions/speech/PocketsphinxEngine';
import { ApertiumTranslator } from '../server/src/captions/translation/ApertiumTranslator';
import { progress, type Figure, type FigureKey } from './report';

const CUES = 200;

/** A caption-like English sentence, different for every `i` (the translator remembers recent ones). */
const cue = (i: number) => `In session ${i + 1}, our partners from region ${(i % 9) + 1} present the new products and answer questions.`;

/** Seconds the Apertium command line takes for `lines` English lines to Portuguese through Spanish. */
function batchSeconds(dir: string, lines: string[]): number {
  const file = join(dir, `batch-${lines.length}.txt`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const started = performance.now();
  const out = execFileSync('bash', ['-c', 'apertium -u eng-spa "$1" | apertium -u es-pt', 'batch', file], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const seconds = (performance.now() - started) / 1000;
  if (out.trim().split('\n').length !== lines.length) throw new Error(`the batch gave ${out.trim().split('\n').length} lines for ${lines.length}`);
  return seconds;
}

/** pocketsphinx-testdata's LibriVox clips and their transcriptions ("<s> words </s> (clip)" lines). */
const LIBRIVOX = '/usr/share/pocketsphinx/test/data/librivox';

/** Word-level edit distance (substitutions, deletions, insertions) of `heard` from `said`. */
function wordErrors(said: string[], heard: string[]): number {
  let row = Array.from({ length: heard.length + 1 }, (_, j) => j);
  for (let i = 1; i <= said.length; i++) {
    const next = [i];
    for (let j = 1; j <= heard.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (said[i - 1] === heard[j - 1] ? 0 : 1));
    row = next;
  }
  return row[heard.length]!;
}

/** Speech recognition's word error rate over the LibriVox clips, and the words they hold. */
function wordErrorRate(): { rate: number; words: number; clips: number } {
  let errors = 0;
  let words = 0;
  const lines = readFileSync(join(LIBRIVOX, 'transcription'), 'utf8').trim().split('\n');
  for (const line of lines) {
    const [, text, clip] = /^<s>\s*(.*?)\s*<\/s>\s*\((.+)\)$/.exec(line.trim())!;
    const output = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', join(LIBRIVOX, `${clip}.wav`), '-af', `apad=pad_dur=2,${asrFilters()}`, '-f', 'null', '-'], { encoding: 'utf8' });
    const heard = output.split('\n').flatMap((l) => (l.startsWith('lavfi.asr.text=') ? l.slice(15).trim().split(/\s+/) : [])).filter(Boolean);
    const said = text!.split(/\s+/);
    errors += wordErrors(said, heard);
    words += said.length;
  }
  return { rate: errors / words, words, clips: lines.length };
}

export async function measureLanguages(): Promise<Map<FigureKey, Figure>> {
  const figures = new Map<FigureKey, Figure>();
  progress('languages: speech recognition on the LibriVox clips of pocketsphinx-testdata');
  const wer = wordErrorRate();
  figures.set('asr.wordErrorRate', {
    value: Math.round(wer.rate * 100) / 100,
    unit: 'of the words',
    conditions: `Debian's pocketsphinx-en-us through ffmpeg's asr filter (PocketsphinxEngine's filters) on the ${wer.clips} LibriVox read-speech clips of pocketsphinx-testdata, ${wer.words} words, word-level edit distance over their transcriptions`,
  });
  const dir = mkdtempSync(join(tmpdir(), 'hybrid-stage-bench-mt-'));
  const translator = new ApertiumTranslator(dir);
  try {
    progress('languages: starting the English-Spanish and Spanish-Portuguese pipelines');
    const first = await translator.translate('Welcome to the conference.', 'pt');
    progress(`languages: ${CUES} cues to Portuguese through Spanish, cue by cue (first: "${first}")`);
    const started = performance.now();
    for (let i = 0; i < CUES; i++) {
      const portuguese = await translator.translate(cue(i), 'pt');
      if (!portuguese) throw new Error(`no Portuguese for cue ${i}`);
    }
    const ours = CUES / ((performance.now() - started) / 1000);
    progress(`languages: the same ${CUES} cues as one batch through Apertium's command line`);
    const lines = Array.from({ length: CUES }, (_, i) => cue(i));
    const start = batchSeconds(dir, lines.slice(0, 1));
    const whole = batchSeconds(dir, lines);
    const batch = (CUES - 1) / Math.max(0.001, whole - start);
    const conditions = `${CUES} distinct English cues of about 100 characters, en→es→pt (apertium-eng-spa, apertium-es-pt)`;
    figures.set('mt.cuesPerSecond', {
      value: Math.round(ours * 10) / 10,
      unit: 'cues/s',
      conditions: `${conditions}, one at a time through ApertiumTranslator's two long-lived pipelines (no queue grows); ${(ours / batch).toFixed(2)} of the batch rate in the same run`,
    });
    figures.set('mt.batchCuesPerSecond', {
      value: Math.round(batch * 10) / 10,
      unit: 'cues/s',
      conditions: `${conditions}, as one batch through Apertium's command line, its start (${start.toFixed(2)} s for one cue) taken off`,
    });
  } finally {
    await translator.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
