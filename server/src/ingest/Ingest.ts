import { randomUUID } from 'node:crypto';
import type { IngestInfo, IngestProtocol } from '@hybrid-stage/shared';
import type { Feed } from '../studios/Feed';
import { FfmpegProcess } from './FfmpegProcess';
import { ffmpegRtpOutputs, opusEncoderOptions, RtpEndpoint, vp8EncoderOptions } from './RtpEndpoint';
import type { Logger } from '../logger';
import type { types } from 'mediasoup';

/** SRT receive latency: enough for retransmissions across continents, in microseconds as ffmpeg wants. */
const SRT_LATENCY_US = 200_000;

/** Options of {@link Ingest.open}. */
export interface IngestOptions {
  protocol: IngestProtocol;
  feed: Feed;
  router: types.Router;
  /** Address to listen on for encoders, and the one to tell them. */
  listenIp: string;
  announcedIp: string;
  /** For SRT: the UDP port to listen on. */
  srtPort?: number;
  logger: Logger;
}

/**
 * An endpoint for an encoder outside the browser, feeding one feed until it is closed:
 * - RTP: the encoder sends VP8 and Opus RTP straight into mediasoup (an {@link RtpEndpoint}).
 * - SRT: an ffmpeg relay listens for the encoder (OBS, hardware encoders send H.264/AAC in MPEG-TS),
 *   converts to VP8/Opus and sends RTP into an endpoint on loopback. The relay is the only place
 *   that encodes; the program bus downstream forwards packets as they are.
 */
export class Ingest {
  readonly id = randomUUID();
  readonly createdAt = new Date().toISOString();
  readonly #options: IngestOptions;
  readonly #endpoint: RtpEndpoint;
  readonly #relay: FfmpegProcess | undefined;
  #closed = false;

  private constructor(options: IngestOptions, endpoint: RtpEndpoint, relay: FfmpegProcess | undefined) {
    this.#options = options;
    this.#endpoint = endpoint;
    this.#relay = relay;
    options.feed.once('close', () => this.close());
  }

  /** Opens the endpoint (and for SRT starts the relay). */
  static async open(options: IngestOptions): Promise<Ingest> {
    const { protocol, feed, router, listenIp, announcedIp, srtPort, logger } = options;
    if (protocol === 'rtp') {
      return new Ingest(options, await RtpEndpoint.open({ feed, router, listenIp, announcedIp, followsWorker: true }), undefined);
    }
    const endpoint = await RtpEndpoint.open({ feed, router, listenIp: '127.0.0.1', followsWorker: true });
    const out = ffmpegRtpOutputs(endpoint.targets);
    const relay = new FfmpegProcess({
      args: [
        '-fflags', 'nobuffer', '-i', `srt://${listenIp}:${srtPort}?mode=listener&latency=${SRT_LATENCY_US}`,
        // A keyframe every second whatever the frame rate: ffmpeg cannot answer keyframe requests.
        '-map', '0:v:0', ...vp8EncoderOptions('2500k', 60), '-force_key_frames', 'expr:gte(t,n_forced*1)', ...out.video,
        '-map', '0:a:0', ...opusEncoderOptions('128k'), ...out.audio,
      ],
      // The relay exits when the encoder hangs up; it listens again at once for the next connection.
      restartAfterMs: 200,
      logger,
      what: `SRT ingest ${feed.label}`,
    });
    return new Ingest(options, endpoint, relay);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get feed(): Feed {
    return this.#options.feed;
  }

  /** What the studio page shows: where to send and the exact settings. */
  info(): IngestInfo {
    const { protocol, feed, announcedIp, srtPort } = this.#options;
    const base = { id: this.id, studioId: feed.studioId, feedId: feed.id, label: feed.label, protocol };
    if (protocol === 'srt') {
      const url = `srt://${announcedIp}:${srtPort}?mode=caller&latency=${SRT_LATENCY_US}`;
      return {
        ...base,
        url,
        ffmpegCommand: `ffmpeg -re -i INPUT -c:v libx264 -preset veryfast -tune zerolatency -g 50 -b:v 3000k -c:a aac -b:a 128k -ar 48000 -f mpegts "${url}"`,
        obs: {
          server: url,
          streamKey: '',
          notes: 'Settings → Stream: Service "Custom…", Server as above, no stream key. Output: x264 (or hardware H.264), keyframe interval 1 s, AAC 48 kHz.',
        },
      };
    }
    const targets = this.#endpoint.targets;
    const out = ffmpegRtpOutputs(targets);
    const quote = (args: string[]) => args.map((a) => (/[?&]/.test(a) ? `"${a}"` : a)).join(' ');
    return {
      ...base,
      rtp: { video: { ...targets.video }, audio: { ...targets.audio } },
      ffmpegCommand: [
        'ffmpeg -re -i INPUT',
        `-map 0:v:0 ${quote(vp8EncoderOptions('2500k', 50))} ${quote(out.video)}`,
        `-map 0:a:0 ${quote(opusEncoderOptions('128k'))} ${quote(out.audio)}`,
      ].join(' '),
    };
  }

  /**
   * Opens the endpoint again on the router of the worker that replaced a dead one, on the same
   * ports and SSRCs: the encoder (or the SRT relay) keeps sending and the feed is back by itself.
   */
  async moveTo(router: types.Router): Promise<void> {
    await this.#endpoint.moveTo(router);
  }

  /** Stops the relay, closes the endpoint and ends the feed. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#relay?.close();
    this.#endpoint.close();
  }
}
