import { spawn, type ChildProcess } from 'node:child_process';
import type { types } from 'mediasoup';
import type { StudioInfo } from '@hybrid-stage/shared';
import type { Logger } from '../logger';
import type { Feed } from './Feed';

const VIDEO_PAYLOAD_TYPE = 101;
const AUDIO_PAYLOAD_TYPE = 100;
const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

/** Where ffmpeg sends one stream. */
interface RtpTarget {
  port: number;
  rtcpPort: number;
  ssrc: number;
}

/** Options of a {@link TestPattern}. */
export interface TestPatternOptions {
  studio: StudioInfo;
  /** The feed the pattern publishes into; it closes with the pattern. */
  feed: Feed;
  /** The router the pattern's producers live on. */
  router: types.Router;
  /** Picture size as WIDTHxHEIGHT. */
  size: string;
  logger: Logger;
}

/**
 * A studio's built-in test pattern: Debian's ffmpeg draws a moving picture with the studio's name
 * and its local clock, plus a tone with a beep every second, and sends them as VP8 and Opus RTP
 * into two PlainTransports. ffmpeg cannot answer keyframe requests, so it sends a keyframe every
 * second. If ffmpeg exits, it is restarted after a second until the pattern is closed.
 */
export class TestPattern {
  readonly #options: TestPatternOptions;
  readonly #transports: types.PlainTransport[] = [];
  #ffmpeg: ChildProcess | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(options: TestPatternOptions) {
    this.#options = options;
  }

  /** Creates the transports and producers and starts ffmpeg. */
  static async start(options: TestPatternOptions): Promise<TestPattern> {
    const pattern = new TestPattern(options);
    try {
      await pattern.#produce();
    } catch (error) {
      pattern.close();
      throw error;
    }
    return pattern;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get feed(): Feed {
    return this.#options.feed;
  }

  /** Stops ffmpeg and closes the transports and the feed. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#restartTimer);
    this.#ffmpeg?.kill('SIGKILL');
    for (const t of this.#transports) t.close();
    this.#options.feed.close();
  }

  async #produce(): Promise<void> {
    const { router, feed } = this.#options;
    const video = await this.#transport();
    const audio = await this.#transport();
    const ssrc = () => 0x10000000 + Math.floor(Math.random() * 0x6fffffff);
    const videoProducer = await video.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO_PAYLOAD_TYPE, clockRate: 90000 }],
        encodings: [{ ssrc: ssrc() }],
      },
    });
    const audioProducer = await audio.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PAYLOAD_TYPE, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: ssrc() }],
      },
    });
    feed.addTrack(videoProducer, router);
    feed.addTrack(audioProducer, router);
    this.#spawn(
      { port: video.tuple.localPort, rtcpPort: video.rtcpTuple!.localPort, ssrc: videoProducer.rtpParameters.encodings![0]!.ssrc! },
      { port: audio.tuple.localPort, rtcpPort: audio.rtcpTuple!.localPort, ssrc: audioProducer.rtpParameters.encodings![0]!.ssrc! },
    );
  }

  async #transport(): Promise<types.PlainTransport> {
    const transport = await this.#options.router.createPlainTransport({
      listenIp: { ip: '127.0.0.1' },
      // ffmpeg sends RTCP from a port of its own, so RTCP gets its own comedia tuple.
      rtcpMux: false,
      comedia: true,
    });
    this.#transports.push(transport);
    // The router closed under us (its worker died): the pattern ends and is started anew elsewhere.
    transport.observer.once('close', () => this.close());
    return transport;
  }

  #spawn(video: RtpTarget, audio: RtpTarget): void {
    const { studio, size, logger } = this.#options;
    const name = studio.name.replace(/[^\p{L}\p{N} .-]/gu, '');
    const text = (extra: string) =>
      `drawtext=fontfile=${FONT}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=10:x=(w-text_w)/2:${extra}`;
    const filter = [
      `testsrc2=size=${size}:rate=25`,
      text(`fontsize=h/9:y=h/3-text_h:text='${name}'`),
      text(`fontsize=h/12:y=h/2:text='%{localtime\\:%X}'`),
    ].join(',');
    const rtp = (t: RtpTarget) => `rtp://127.0.0.1:${t.port}?rtcpport=${t.rtcpPort}&pkt_size=1200`;
    const args = [
      '-hide_banner', '-loglevel', 'error', '-nostdin',
      '-re', '-f', 'lavfi', '-i', filter,
      '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:beep_factor=2:sample_rate=48000',
      '-map', '0:v:0', '-c:v', 'libvpx', '-threads', '1', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '800k',
      '-g', '25', '-keyint_min', '25', '-error-resilient', '1', '-auto-alt-ref', '0', '-lag-in-frames', '0',
      '-ssrc', String(video.ssrc), '-payload_type', String(VIDEO_PAYLOAD_TYPE), '-f', 'rtp', rtp(video),
      '-map', '1:a:0', '-af', 'volume=0.2', '-c:a', 'libopus', '-b:a', '64k', '-ac', '2', '-ar', '48000',
      '-ssrc', String(audio.ssrc), '-payload_type', String(AUDIO_PAYLOAD_TYPE), '-f', 'rtp', rtp(audio),
    ];
    // The clock shows the studio's own local time.
    const ffmpeg = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TZ: studio.timeZone } });
    this.#ffmpeg = ffmpeg;
    let stderr = '';
    ffmpeg.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    ffmpeg.on('error', (error) => logger.error({ err: error, studio: studio.id }, 'test pattern: cannot run ffmpeg'));
    ffmpeg.on('exit', (code, signal) => {
      if (this.#closed) return;
      logger.warn({ studio: studio.id, code, signal, stderr }, 'test pattern ffmpeg exited; restarting');
      this.#restartTimer = setTimeout(() => {
        if (!this.#closed) this.#spawn(video, audio);
      }, 1000);
    });
  }
}
