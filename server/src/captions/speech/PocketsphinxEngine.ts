import { existsSync } from 'node:fs';
import { ProgramToFfmpeg, wallClockInput } from '../../media/programToFfmpeg';
import type { Listening, ListenOptions, SpeechEngine } from './SpeechEngine';

/** Debian's pocketsphinx-en-us model (an acoustic model, a dictionary and a language model). */
export const POCKETSPHINX_MODEL = '/usr/share/pocketsphinx/model/en-us';
/**
 * The filters that hear speech and print each phrase: pocketsphinx through ffmpeg's `asr`, then
 * `ametadata` writing `lavfi.asr.text` lines to ffmpeg's standard output (see PocketsphinxEngine).
 */
export function asrFilters(model = POCKETSPHINX_MODEL): string {
  return `asr=hmm=${model}/en-us:dict=${model}/cmudict-en-us.dict:lm=${model}/en-us.lm.bin,ametadata=mode=print:key=lavfi.asr.text:file='pipe\\:1':direct=1`;
}

/** Only the sound is sent: there is no picture to ask keyframes of (ProgramToFfmpeg asks the video it has). */
const KEYFRAME_INTERVAL_MS = 60_000;

/**
 * Speech recognition with Debian's ffmpeg and its built-in `asr` filter (pocketsphinx, English
 * only; weak, so its phrases are drafts). ffmpeg reads the program's audio (as the HLS packager
 * does, timed by arrival and moved back by an epoch, so a frame's time is the wall clock), and the
 * filter prints each phrase it heard with the time of the frame where it ended:
 *
 *     frame:66   pts:42240   pts_time:2.64
 *     lavfi.asr.text=go forward ten meters
 *
 * (to `pipe:1`, its standard output, which Node gives it as a socket that /dev/stdout cannot open;
 * quoted, so the filter graph keeps the colon, and `direct`, unbuffered, so each phrase comes as it
 * is heard, not when a buffer fills). Each ffmpeg holds about 150 MB and a fifth to a half of a core.
 */
export class PocketsphinxEngine implements SpeechEngine {
  readonly name = 'pocketsphinx';

  /** Whether Debian's model is installed (`pocketsphinx-en-us`). */
  static get installed(): boolean {
    return existsSync(`${POCKETSPHINX_MODEL}/en-us.lm.bin`);
  }

  async listen({ router, producers, sdpFile, logger, onPhrase }: ListenOptions): Promise<Listening> {
    const epochMs = Date.now();
    let endedAt: number | undefined;
    const program = await ProgramToFfmpeg.start({
      router,
      producers,
      kinds: ['audio'],
      sdpFile,
      args: [...wallClockInput(sdpFile, epochMs), '-af', asrFilters(), '-f', 'null', '-'],
      keyFrameIntervalMs: KEYFRAME_INTERVAL_MS,
      logger,
      what: 'speech recognition',
      onOutput: (line) => {
        const time = /pts_time:(-?[\d.]+)/.exec(line);
        if (time) endedAt = epochMs + Number(time[1]) * 1000;
        const heard = /^lavfi\.asr\.text=(.*)$/.exec(line);
        const text = heard?.[1]?.trim();
        if (!text || endedAt === undefined) return;
        onPhrase({ text, endMs: Math.round(Math.min(endedAt, Date.now())), words: text.split(/\s+/).length });
      },
    });
    let ended = false;
    const end = (reason: string) => {
      if (ended) return;
      ended = true;
      program.close();
      logger.warn({ reason }, 'speech recognition ended');
    };
    program.ffmpeg.on('exit', (code, signal, stderr) => end(`ffmpeg exited (${signal ?? `code ${code}`}): ${stderr.trim().slice(-300)}`));
    program.onProgramLost(() => end('the program went away'));
    await program.play();
    return {
      get ended() {
        return ended;
      },
      close: () => {
        ended = true;
        program.close();
      },
    };
  }
}
