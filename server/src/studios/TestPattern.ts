import type { types } from 'mediasoup';
import type { StudioInfo } from '@hybrid-stage/shared';
import type { Logger } from '../logger';
import { FfmpegProcess } from '../ingest/FfmpegProcess';
import { ffmpegRtpOutputs, opusEncoderOptions, RtpEndpoint, vp8EncoderOptions } from '../ingest/RtpEndpoint';
import type { Feed } from './Feed';

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

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
 * into an {@link RtpEndpoint} on loopback. ffmpeg cannot answer keyframe requests, so it sends a
 * keyframe every second.
 */
export class TestPattern {
  readonly #endpoint: RtpEndpoint;
  readonly #ffmpeg: FfmpegProcess;
  readonly feed: Feed;
  #closed = false;

  private constructor(endpoint: RtpEndpoint, ffmpeg: FfmpegProcess, feed: Feed) {
    this.#endpoint = endpoint;
    this.#ffmpeg = ffmpeg;
    this.feed = feed;
    feed.once('close', () => this.close());
  }

  /** Creates the endpoint and starts ffmpeg. */
  static async start({ studio, feed, router, size, logger }: TestPatternOptions): Promise<TestPattern> {
    const endpoint = await RtpEndpoint.open({ feed, router, listenIp: '127.0.0.1' });
    const name = studio.name.replace(/[^\p{L}\p{N} .-]/gu, '');
    const text = (extra: string) =>
      `drawtext=fontfile=${FONT}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=10:x=(w-text_w)/2:${extra}`;
    const picture = [
      `testsrc2=size=${size}:rate=25`,
      text(`fontsize=h/9:y=h/3-text_h:text='${name}'`),
      text(`fontsize=h/12:y=h/2:text='%{localtime\\:%X}'`),
    ].join(',');
    const out = ffmpegRtpOutputs(endpoint.targets);
    const ffmpeg = new FfmpegProcess({
      args: [
        '-re', '-f', 'lavfi', '-i', picture,
        '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:beep_factor=2:sample_rate=48000',
        '-map', '0:v:0', ...vp8EncoderOptions('800k', 25), ...out.video,
        '-map', '1:a:0', '-af', 'volume=0.2', ...opusEncoderOptions('64k'), ...out.audio,
      ],
      // The clock shows the studio's own local time.
      env: { TZ: studio.timeZone },
      logger,
      what: `test pattern ${studio.id}`,
    });
    return new TestPattern(endpoint, ffmpeg, feed);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Stops ffmpeg and closes the endpoint and the feed. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ffmpeg.close();
    this.#endpoint.close();
  }
}
