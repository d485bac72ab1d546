import { rmSync, writeFileSync } from 'node:fs';
import type { types } from 'mediasoup';
import type { MediaKind } from '@hybrid-stage/shared';
import { PRIVATE_FILE_MODE } from '../files/privateFiles';
import { FfmpegProcess } from '../ingest/FfmpegProcess';
import type { Logger } from '../logger';
import { freeRtpPort, waitUntilTaken } from './loopbackPorts';

/** ffmpeg must have opened its RTP ports within this time. */
const LISTEN_TIMEOUT_MS = 5000;
/** Tries at starting ffmpeg on fresh ports before {@link ProgramToFfmpeg.start} gives up. */
const START_ATTEMPTS = 3;

/**
 * ffmpeg's input arguments for the program on the wall clock: packets timed by arrival
 * (`-use_wallclock_as_timestamps`), moved back by `epochMs` (`-itsoffset`) and kept (`-copyts`), so
 * a frame's PTS is the wall-clock moment it was on the program minus `epochMs`.
 */
export function wallClockInput(sdpFile: string, epochMs: number): string[] {
  return [
    '-protocol_whitelist', 'file,udp,rtp', '-use_wallclock_as_timestamps', '1',
    '-itsoffset', (-epochMs / 1000).toFixed(3), '-threads', '1', '-i', sdpFile,
    '-copyts',
  ];
}

/** Options of {@link ProgramToFfmpeg.start}. */
export interface ProgramToFfmpegOptions {
  /** The router the program's producers live on. */
  router: types.Router;
  /** The program's producers (a channel's `ProgramBus.producers`). */
  producers: Readonly<Record<MediaKind, types.Producer>>;
  /** The kinds ffmpeg is sent (both by default; speech recognition needs only the sound). */
  kinds?: readonly MediaKind[];
  /** Where the SDP ffmpeg reads the program with is written (private; removed on close). */
  sdpFile: string;
  /** ffmpeg's arguments; they read the program with `-i sdpFile`. */
  args: string[];
  /**
   * The program is asked for a keyframe this often: ffmpeg sends no PLI of its own, so a decoder
   * that lost a packet, or a file to be joined later, waits for the next one.
   */
  keyFrameIntervalMs: number;
  logger: Logger;
  what: string;
  /** ffmpeg's standard output, line by line (see FfmpegProcessOptions.onOutput). */
  onOutput?: (line: string) => void;
}

/**
 * A program sent to an ffmpeg on loopback, the way the recorder and the HLS packager both take it:
 * one PlainTransport and one paused consumer per kind, each to a free RTP/RTCP port pair, the SDP
 * that ffmpeg reads them with, ffmpeg itself (not restarted: its owner decides), and keyframe
 * requests every `keyFrameIntervalMs`. Its owner listens to `ffmpeg`'s exit and to
 * {@link onProgramLost}, then calls {@link play}, and closes it.
 */
export class ProgramToFfmpeg {
  readonly ffmpeg: FfmpegProcess;
  readonly #transports: types.PlainTransport[];
  readonly #consumers: types.Consumer[];
  readonly #sdpFile: string;
  readonly #keyFrames: NodeJS.Timeout;
  #closed = false;

  private constructor(transports: types.PlainTransport[], consumers: types.Consumer[], ffmpeg: FfmpegProcess, sdpFile: string, keyFrameIntervalMs: number) {
    this.#transports = transports;
    this.#consumers = consumers;
    this.ffmpeg = ffmpeg;
    this.#sdpFile = sdpFile;
    this.#keyFrames = setInterval(() => this.#requestKeyFrame(), keyFrameIntervalMs);
  }

  /**
   * Opens the program's transports, starts ffmpeg and waits until it listens; {@link play} then
   * sends the program. The ports are chosen free, but another process may bind one before ffmpeg
   * does (browsers and workers take ephemeral UDP ports too), or ffmpeg may be slow on a loaded
   * host: each of {@link START_ATTEMPTS} tries takes fresh ports.
   */
  static async start(options: ProgramToFfmpegOptions): Promise<ProgramToFfmpeg> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await ProgramToFfmpeg.#tryStart(options);
      } catch (error) {
        if (attempt >= START_ATTEMPTS) throw error;
        options.logger.warn({ what: options.what, err: error, attempt }, 'ffmpeg did not take the program; trying again on other ports');
      }
    }
  }

  static async #tryStart({ router, producers, kinds = ['video', 'audio'], sdpFile, args, keyFrameIntervalMs, logger, what, onOutput }: ProgramToFfmpegOptions): Promise<ProgramToFfmpeg> {
    const transports: types.PlainTransport[] = [];
    const consumers: types.Consumer[] = [];
    let ffmpeg: FfmpegProcess | undefined;
    try {
      const ports = await openProgram(router, producers, kinds, sdpFile, transports, consumers);
      const started = new FfmpegProcess({ args, restart: false, logger, what, ...(onOutput && { onOutput }) });
      ffmpeg = started;
      let lastWords: string | undefined;
      started.once('exit', (_code, _signal, stderr) => (lastWords = stderr));
      // ffmpeg has read the SDP and opened its sockets once the ports are taken.
      await waitUntilTaken(ports, LISTEN_TIMEOUT_MS, () => lastWords);
      return new ProgramToFfmpeg(transports, consumers, started, sdpFile, keyFrameIntervalMs);
    } catch (error) {
      ffmpeg?.close();
      for (const t of transports) t.close();
      rmSync(sdpFile, { force: true });
      throw error;
    }
  }

  /**
   * Sends the program, from the next keyframe on. Its owner calls this once it listens to ffmpeg's
   * exit and {@link onProgramLost}, so an ffmpeg that ends meanwhile is not missed. Closes
   * everything when it fails.
   */
  async play(): Promise<void> {
    try {
      await Promise.all(this.#consumers.map((c) => c.resume()));
      this.#requestKeyFrame();
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** Calls `listener` once when the program goes away (its router closed: the worker died). */
  onProgramLost(listener: () => void): void {
    let told = false;
    for (const t of this.#transports) {
      t.observer.once('close', () => {
        if (told || this.#closed) return;
        told = true;
        listener();
      });
    }
  }

  /** Kills ffmpeg if it still runs, closes the transports and removes the SDP. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#keyFrames);
    this.ffmpeg.close();
    for (const t of this.#transports) t.close();
    rmSync(this.#sdpFile, { force: true });
  }

  #requestKeyFrame(): void {
    const video = this.#consumers.find((c) => c.kind === 'video');
    if (video && !video.closed) video.requestKeyFrame().catch(() => undefined);
  }
}

/**
 * Opens the transports and paused consumers (pushed onto `transports` and `consumers` as it goes,
 * so a failure later closes them all) and writes the SDP (private: no one else may point an ffmpeg
 * at it). Answers the RTP ports ffmpeg is to listen on.
 */
async function openProgram(
  router: types.Router,
  producers: Readonly<Record<MediaKind, types.Producer>>,
  kinds: readonly MediaKind[],
  sdpFile: string,
  transports: types.PlainTransport[],
  consumers: types.Consumer[],
): Promise<number[]> {
  const media: string[] = [];
  const ports: number[] = [];
  // The worker's own sockets are bound before ffmpeg's ports are chosen, so they cannot take one
  // of them; the two kinds get different pairs.
  for (let i = 0; i < kinds.length; i++) transports.push(await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: false, comedia: false }));
  for (const [i, kind] of kinds.entries()) {
    const port = await freeRtpPort(ports);
    const transport = transports[i]!;
    await transport.connect({ ip: '127.0.0.1', port, rtcpPort: port + 1 });
    const consumer = await transport.consume({ producerId: producers[kind].id, rtpCapabilities: router.rtpCapabilities, paused: true });
    consumers.push(consumer);
    const codec = consumer.rtpParameters.codecs[0]!;
    const name = codec.mimeType.split('/')[1]!;
    media.push(
      `m=${kind} ${port} RTP/AVP ${codec.payloadType}`,
      `a=rtpmap:${codec.payloadType} ${name}/${codec.clockRate}${codec.channels ? `/${codec.channels}` : ''}`,
      'a=recvonly',
    );
    ports.push(port);
  }
  writeFileSync(sdpFile, ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=Hybrid Stage program', 'c=IN IP4 127.0.0.1', 't=0 0', ...media, ''].join('\r\n'), { mode: PRIVATE_FILE_MODE });
  return ports;
}
