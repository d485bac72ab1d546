import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { MediaKind } from '@hybrid-stage/shared';
import { ProgramToFfmpeg } from '../media/programToFfmpeg';
import type { Logger } from '../logger';

/**
 * Packets are timed by their arrival, which jitters by a few ms and, on a busy machine, bunches.
 * Opus packets are 20 ms apart: each gets the time of the one before plus 20 ms unless that drifts
 * more than 60 ms from its arrival (a gap in the program), so listeners of a re-run get even
 * timestamps that stay on the wall clock. Video times only ever increase (two frames arriving in
 * the same millisecond would share one). The times are the muxer's milliseconds (Debian's ffmpeg
 * 5.1); `\,` because bitstream filter lists are comma-separated.
 */
const SMOOTH_AUDIO_TIMESTAMPS = 'setts=ts=if(N\\,if(gt(abs(PTS-PREV_OUTPTS-20)\\,60)\\,max(PTS\\,PREV_OUTPTS+1)\\,PREV_OUTPTS+20)\\,PTS)';
const INCREASING_VIDEO_TIMESTAMPS = 'setts=ts=if(N\\,max(PTS\\,PREV_OUTPTS+1)\\,PTS)';

/** The program is asked for a keyframe this often, so a re-run can be joined (and cut to) every few seconds. */
const KEYFRAME_INTERVAL_MS = 2000;

/** Events of a {@link Recorder}. */
export interface RecorderEvents {
  /**
   * The recording ended without being asked to: ffmpeg ended (killed, crashed), or the program
   * went away with its worker (`programLost`; ffmpeg finished the file). The file holds what was
   * written until then.
   */
  interrupted: [reason: string, programLost: boolean];
}

/** Options of {@link Recorder.start}. */
export interface RecorderOptions {
  /** The router the program's producers live on. */
  router: types.Router;
  /** The program's producers (a channel's `ProgramBus.producers`). */
  producers: Readonly<Record<MediaKind, types.Producer>>;
  /** The WebM file to write. */
  file: string;
  logger: Logger;
  what: string;
}

/**
 * Writes one channel's program into a WebM file, as it goes out: the program's VP8 and Opus
 * producers are consumed through PlainTransports into Debian's ffmpeg, which copies the packets
 * into Matroska (no re-encode). The file is written live, cluster by cluster with every packet
 * flushed, so a file cut short by a crash still opens and plays up to its last cluster.
 */
export class Recorder extends EventEmitter<RecorderEvents> {
  /** Program-clock time (Unix ms) of the file's first moment. */
  readonly startedAtMs: number;
  readonly #program: ProgramToFfmpeg;
  #stopping = false;
  #closed = false;

  private constructor(program: ProgramToFfmpeg) {
    super();
    this.#program = program;
    this.startedAtMs = Date.now();
    program.ffmpeg.on('exit', (code, signal, stderr) => {
      if (this.#stopping || this.#closed) return;
      this.close();
      this.emit('interrupted', `ffmpeg exited (${signal ?? `code ${code}`}): ${stderr.trim().slice(-300)}`, false);
    });
    program.onProgramLost(() => this.#onProgramLost());
  }

  /** Starts ffmpeg, waits until it listens, then sends it the program from the next keyframe on. */
  static async start({ router, producers, file, logger, what }: RecorderOptions): Promise<Recorder> {
    const sdpFile = `${file}.sdp`;
    const program = await ProgramToFfmpeg.start({
      router,
      producers,
      sdpFile,
      args: [
        // Packets are timed by their arrival, so video and audio share one clock from the first moment
        // (the RTP timestamps of the two streams only line up once RTCP sender reports came).
        '-protocol_whitelist', 'file,udp,rtp', '-use_wallclock_as_timestamps', '1', '-i', sdpFile,
        '-map', '0:v:0', '-map', '0:a:0', '-c', 'copy', '-bsf:a', SMOOTH_AUDIO_TIMESTAMPS, '-bsf:v', INCREASING_VIDEO_TIMESTAMPS,
        // Live Matroska: no cues to seek back for, every packet flushed, a cluster at least every second.
        '-f', 'webm', '-live', '1', '-flush_packets', '1', '-cluster_time_limit', '1000', '-y', file,
      ],
      keyFrameIntervalMs: KEYFRAME_INTERVAL_MS,
      logger,
      what,
    });
    const recorder = new Recorder(program);
    await program.play();
    return recorder;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The ffmpeg writing the file, while it runs. */
  get pid(): number | undefined {
    return this.#program.ffmpeg.pid;
  }

  /**
   * Lets ffmpeg write what it holds and finish the file, then releases everything; after `graceMs`
   * ffmpeg is killed (the live file stays playable up to its last flushed packet).
   */
  async stop(graceMs?: number): Promise<void> {
    if (this.#closed || this.#stopping) return;
    this.#stopping = true;
    // ffmpeg ends its read loop at the next packet after SIGINT, so packets keep coming until it exits.
    await this.#program.ffmpeg.stop(graceMs);
    this.close();
  }

  /** Kills ffmpeg at once (the file stays playable up to here) and closes the transports. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#program.close();
  }

  #onProgramLost(): void {
    if (this.#closed || this.#stopping) return;
    // The program's router went away (its worker died): finish what is written.
    void this.stop().then(() => this.emit('interrupted', 'the program went away', true));
  }
}
