/**
 * Machine translation through a pivot (issue 18):
 *  - mt.cuesPerSecond: distinct English cues to Portuguese through Spanish by ApertiumTranslator, as
 *    the caption pipeline asks for them (two long-lived pipelines fed cue by cue; the next cue goes
 *    in when the last came back, so no queue grows), after a first cue has started the pipelines;
 *  - mt.batchCuesPerSecond, the baseline in the same run: the same cues through the same two modes as
 *    one batch by Apertium's own command line (`apertium eng-spa | apertium es-pt`), nothing of ours
 *    in the way and no flush per cue; its start (dictionaries loaded) is taken off by timing a
 *    one-cue batch too;
 *  - asr.draftDelayMs: an RTP encoder's feed on air speaks a clip of pocketsphinx-testdata ("go
 *    forward ten meters") between silences, over and over; with ASR_CHANNELS=main and
 *    ASR_REVIEW=false each phrase goes to viewers as a cue. From the end of the spoken phrase (the
 *    encoder's start plus the phrase's place in the looped file, found by ffmpeg's silencedetect) to
 *    the cue at a viewer's socket, p50. The encoder's own start (a fraction of a second) counts in
 *    the delay, so the figure errs long;
 *  - asr.wordErrorRate: speech recognition's filters (the ones PocketsphinxEngine runs on a program)
 *    on the five read-speech clips of Debian's pocketsphinx-testdata (LibriVox), against their
 *    transcriptions: word-level edit distance over the transcriptions' words. Reported, no bar: it
 *    tells a user how much a desk will correct.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asrFilters } from '../server/src/captions/speech/PocketsphinxEngine';
import { ApertiumTranslator } from '../server/src/captions/translation/ApertiumTranslator';
import { runShownCommand } from '../test/support/encoder';
import { startTestServer, TestClient } from '../test/support/server';
import { progress, quantile, type Figure, type FigureKey } from './report';

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

/** pocketsphinx-testdata's "go forward ten meters". */
const CLIP = '/usr/share/pocketsphinx/test/data/goforward.raw';
const PHRASES = 8;

/** Seconds: where the speech in `file` ends (the last silence's start, by ffmpeg's silencedetect, which logs on stderr), and the file's length. */
function speechEnd(file: string): { endS: number; lengthS: number } {
  const { stderr } = spawnSync('ffmpeg', ['-hide_banner', '-i', file, '-af', 'silencedetect=noise=-35dB:d=0.2', '-f', 'null', '-'], { encoding: 'utf8' });
  const starts = [...stderr.matchAll(/silence_start: ([\d.]+)/g)].map((m) => Number(m[1]));
  const lengthS = Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim());
  // The trailing silence starts where the speech ends (the leading one starts at 0).
  return { endS: Math.max(...starts), lengthS };
}

/** Delays (ms) from the end of each spoken phrase on air to its cue at a viewer. */
async function draftDelays(dir: string): Promise<{ delays: number[]; periodS: number }> {
  const speech = join(dir, 'speech.wav');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 's16le', '-ar', '16000', '-ac', '1', '-i', CLIP, '-af', 'adelay=1000,apad=pad_dur=2', '-ar', '48000', speech]);
  const { endS, lengthS } = speechEnd(speech);
  const server = await startTestServer({ DATA_DIR: join(dir, 'data'), WORKERS: '1', TEST_PATTERNS: 'false', ASR_CHANNELS: 'main', ASR_REVIEW: 'false', MT_APERTIUM_LANGUAGES: 'none', LOG_LEVEL: 'error' });
  const clients: TestClient[] = [];
  let encoder: ReturnType<typeof runShownCommand> | undefined;
  try {
    const studio = await TestClient.connectAs(server, { role: 'studio', studioId: 'london' });
    clients.push(studio);
    const ingest = await studio.ok('ingest:create', { studioId: 'london', label: 'London lectern', protocol: 'rtp', source: { ip: '127.0.0.1', videoPort: 19504, audioPort: 19506 } });
    const startedAt = Date.now();
    encoder = runShownCommand(ingest, { seconds: 600, source: `testsrc2=size=320x180:rate=25[out0];amovie=${speech}:loop=0,asetpts=N/SR/TB[out1]` });
    for (let i = 0; server.feeds.get(ingest.feedId).tracks.length < 2; i++) {
      if (i > 150) throw new Error('the encoder did not reach the ingest within 15 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const producer = await TestClient.connectAs(server, { role: 'producer' });
    clients.push(producer);
    await producer.take('main', ingest.feedId, 20_000);
    const viewer = await TestClient.connect(server.url);
    clients.push(viewer);
    const delays: number[] = [];
    const done = new Promise<void>((resolve) => {
      viewer.socket.on('captions:cue', (cue) => {
        if (cue.source !== 'speech') return;
        const now = Date.now();
        // The phrase end just before the cue came: the encoder's start, whole loops, the end in the file.
        const sinceFirst = now - startedAt - endS * 1000;
        const loops = Math.floor(sinceFirst / (lengthS * 1000));
        delays.push(sinceFirst - loops * lengthS * 1000);
        progress(`languages: speech cue ${delays.length}/${PHRASES} "${cue.text}" ${Math.round(delays.at(-1)!)} ms after its phrase ended`);
        if (delays.length >= PHRASES) resolve();
      });
    });
    await viewer.ok('captions:join', { channelId: 'main', language: 'en' });
    await Promise.race([done, new Promise((r) => setTimeout(r, (PHRASES + 4) * lengthS * 1000))]);
    return { delays, periodS: lengthS };
  } finally {
    encoder?.kill('SIGKILL');
    for (const c of clients) c.close();
    await server.close();
  }
}

export async function measureLanguages(): Promise<Map<FigureKey, Figure>> {
  const figures = new Map<FigureKey, Figure>();
  const liveDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-bench-asr-'));
  try {
    progress('languages: speech recognition on air, phrase by phrase');
    const { delays, periodS } = await draftDelays(liveDir);
    figures.set(
      'asr.draftDelayMs',
      delays.length
        ? {
            value: Math.round(quantile(delays, 0.5)),
            unit: 'ms, p50',
            conditions: `${delays.length} phrases ("go forward ten meters", pocketsphinx-testdata, one every ${periodS.toFixed(1)} s) from an RTP encoder's feed on air to the cue at a viewer's socket (ASR_REVIEW=false); p95 ${Math.round(quantile(delays, 0.95))} ms; the encoder's start counts in, so it errs long`,
          }
        : { value: null, reason: 'no phrase reached the viewer' },
    );
  } finally {
    rmSync(liveDir, { recursive: true, force: true });
  }
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
