import { randomBytes, randomUUID } from 'node:crypto';
import { DEFAULT_RTP_SOURCE_PORTS, type IngestInfo, type IngestProtocol, type IngestSource, type RtpSourceAddress } from '@hybrid-stage/shared';
import type { Feed } from '../studios/Feed';
import { FfmpegProcess } from './FfmpegProcess';
import type { IngestRecord, IngestSpec } from './IngestStore';
import { ffmpegRtpOutputs, opusEncoderOptions, RtpEndpoint, vp8EncoderOptions, type RtpSource } from './RtpEndpoint';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { types } from 'mediasoup';

/** SRT receive latency: enough for retransmissions across continents, in microseconds as ffmpeg wants. */
const SRT_LATENCY_US = 200_000;
/**
 * The largest picture an SRT encoder may send (1920×1080): the relay re-encodes it to VP8 on this
 * machine's cores, and a decoder told a limit refuses a 16k picture instead of allocating for it.
 */
export const MAX_SRT_PICTURE = { width: 1920, height: 1080 } as const;
const MAX_SRT_PIXELS = MAX_SRT_PICTURE.width * MAX_SRT_PICTURE.height;
/** The relay listens again at once after an encoder hangs up, and backs off to this when it keeps failing. */
const SRT_RESTART_MS = 200;
const SRT_MAX_RESTART_MS = 10_000;

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
  /** For RTP: where the encoder sends from (required: no first-sender lock from outside). */
  source?: IngestSource;
  /** An ingest opened before (by a server that stopped or died), opened again as it was. */
  restore?: IngestRecord;
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
  readonly id: string;
  readonly createdAt: string;
  readonly #options: IngestOptions;
  readonly #endpoint: RtpEndpoint;
  readonly #relay: FfmpegProcess | undefined;
  /**
   * For SRT: the passphrase the encoder must know (AES encryption, enforced: a caller without it or
   * with another one is refused by the handshake) and a stream id naming the ingest. Random per
   * ingest, shown only to the studio's crew (ingest:create, ingest:list).
   */
  readonly #srt: { passphrase: string; streamId: string } | undefined;
  #closed = false;

  private constructor(options: IngestOptions, endpoint: RtpEndpoint, relay?: FfmpegProcess, srt?: { passphrase: string; streamId: string }) {
    this.id = options.restore?.id ?? randomUUID();
    this.createdAt = options.restore?.createdAt ?? new Date().toISOString();
    this.#options = options;
    this.#endpoint = endpoint;
    this.#relay = relay;
    this.#srt = srt;
    options.feed.once('close', () => this.close());
  }

  /** Opens the endpoint (and for SRT starts the relay). */
  static async open(options: IngestOptions): Promise<Ingest> {
    const { protocol, feed, router, listenIp, announcedIp, srtPort, restore, logger } = options;
    if (protocol === 'rtp') {
      if (!options.source) throw new AppError('INVALID_REQUEST', "an RTP ingest needs the encoder's address (source.ip)");
      const keep = restore?.spec.rtp;
      return new Ingest(options, await RtpEndpoint.open({ feed, router, listenIp, announcedIp, followsWorker: true, source: rtpSource(options.source), keep }));
    }
    const endpoint = await RtpEndpoint.open({ feed, router, listenIp: '127.0.0.1', followsWorker: true });
    const out = ffmpegRtpOutputs(endpoint.targets);
    // 32 URL-safe characters (SRT takes 10 to 79): 192 random bits. An ingest opened again keeps its
    // own, which its encoder holds.
    const kept = restore?.spec.srt;
    const srt = kept
      ? { passphrase: kept.passphrase, streamId: kept.streamId }
      : { passphrase: randomBytes(24).toString('base64url'), streamId: `hybrid-stage-${randomBytes(8).toString('hex')}` };
    const relay = new FfmpegProcess({
      args: [
        // Told the container (MPEG-TS, what SRT encoders send) rather than guessing it from the
        // first bytes, and the largest picture it decodes.
        '-fflags', 'nobuffer', '-f', 'mpegts', '-max_pixels', String(MAX_SRT_PIXELS),
        '-i', `srt://${listenIp}:${srtPort}?mode=listener&latency=${SRT_LATENCY_US}&${srtSecret(srt)}&enforced_encryption=1`,
        // A keyframe every second whatever the frame rate: ffmpeg cannot answer keyframe requests.
        '-map', '0:v:0', ...vp8EncoderOptions('2500k', 60), '-force_key_frames', 'expr:gte(t,n_forced*1)', ...out.video,
        '-map', '0:a:0', ...opusEncoderOptions('128k'), ...out.audio,
      ],
      // The relay exits when the encoder hangs up; it listens again at once for the next connection.
      // An encoder that keeps failing (a picture over the limit, a stream it cannot decode) backs off.
      restartAfterMs: SRT_RESTART_MS,
      maxRestartAfterMs: SRT_MAX_RESTART_MS,
      secrets: [srt.passphrase],
      logger,
      what: `SRT ingest ${feed.label}`,
    });
    return new Ingest(options, endpoint, relay, srt);
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
    if (protocol === 'srt' && this.#srt) {
      const url = `srt://${announcedIp}:${srtPort}?mode=caller&latency=${SRT_LATENCY_US}&${srtSecret(this.#srt)}`;
      return {
        ...base,
        url,
        srt: { ...this.#srt, maxWidth: MAX_SRT_PICTURE.width, maxHeight: MAX_SRT_PICTURE.height },
        ffmpegCommand: `ffmpeg -re -i INPUT -c:v libx264 -preset veryfast -tune zerolatency -g 50 -b:v 3000k -c:a aac -b:a 128k -ar 48000 -f mpegts "${url}"`,
        obs: {
          server: url,
          streamKey: '',
          notes:
            `Settings → Stream: Service "Custom…", Server as above (it carries the passphrase and stream id), no stream key. Output: x264 (or hardware H.264) at most ${MAX_SRT_PICTURE.width}×${MAX_SRT_PICTURE.height}, keyframe interval 1 s, AAC 48 kHz.`,
        },
      };
    }
    const targets = this.#endpoint.targets;
    const out = ffmpegRtpOutputs(targets, this.#options.source && rtpSource(this.#options.source));
    const quote = (args: string[]) => args.map((a) => (/[?&]/.test(a) ? `"${a}"` : a)).join(' ');
    return {
      ...base,
      rtp: { video: { ...targets.video }, audio: { ...targets.audio } },
      ...(this.#options.source ? { source: withPorts(this.#options.source) } : {}),
      ffmpegCommand: [
        'ffmpeg -re -i INPUT',
        `-map 0:v:0 ${quote(vp8EncoderOptions('2500k', 50))} ${quote(out.video)}`,
        `-map 0:a:0 ${quote(opusEncoderOptions('128k'))} ${quote(out.audio)}`,
      ].join(' '),
    };
  }

  /** The port an SRT ingest listens on. */
  get srtPort(): number | undefined {
    return this.#options.srtPort;
  }

  /** What is kept of it to open it again after a restart or on a new origin (ports, SSRCs, secret). */
  record(): IngestRecord {
    const { protocol, feed, source, srtPort } = this.#options;
    const keep = ({ port, ssrc }: { port: number; ssrc: number }) => ({ port, ssrc });
    const targets = this.#endpoint.targets;
    const spec: IngestSpec =
      protocol === 'srt' && this.#srt && srtPort
        ? { label: feed.label, protocol, srt: { port: srtPort, ...this.#srt } }
        : { label: feed.label, protocol, ...(source ? { source } : {}), rtp: { video: keep(targets.video), audio: keep(targets.audio) } };
    return { id: this.id, studioId: feed.studioId, createdAt: this.createdAt, spec };
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

/** The SRT URL parameters that carry an ingest's passphrase and stream id (both URL-safe). */
function srtSecret({ passphrase, streamId }: { passphrase: string; streamId: string }): string {
  return `passphrase=${passphrase}&pbkeylen=16&streamid=${streamId}`;
}

function withPorts({ ip, videoPort = DEFAULT_RTP_SOURCE_PORTS.video, audioPort = DEFAULT_RTP_SOURCE_PORTS.audio }: IngestSource): RtpSourceAddress {
  return { ip, videoPort, audioPort };
}

function rtpSource(source: IngestSource): RtpSource {
  const { ip, videoPort, audioPort } = withPorts(source);
  return { ip, ports: { video: videoPort, audio: audioPort } };
}
