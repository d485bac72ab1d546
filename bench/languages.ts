/**
 * Machine translation through a pivot (issue 18):
 *  - mt.cuesPerSecond: distinct English cues to Portuguese through Spanish by ApertiumTranslator, as
 *    the caption pipeline asks for them (two long-lived pipelines fed cue by cue; the next cue goes
 *    in when the last came back, so no queue grows), after a first cue has started the pipelines;
 *  - mt.batchCuesPerSecond, the baseline in the same run: the same cues through the same two modes as
 *    one batch by Apertium's own command line (`apertium eng-spa | apertium es-pt`), nothing of ours
 *    in the way and no flush per cue; its start (dictionaries loaded) is taken off by timing a
 *    one-cue batch too.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

export async function measureLanguages(): Promise<Map<FigureKey, Figure>> {
  const figures = new Map<FigureKey, Figure>();
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
