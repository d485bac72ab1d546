import { randomInt } from 'node:crypto';
import type { types } from 'mediasoup';
import type { MediaKind } from '@hybrid-stage/shared';
import type { Feed } from '../studios/Feed';

/** Payload types an RTP sender must use: the router's own, so no mapping is needed. */
export const VIDEO_PAYLOAD_TYPE = 101;
export const AUDIO_PAYLOAD_TYPE = 100;

/** Where a sender sends one stream, and how it must label it. */
export interface RtpTarget {
  ip: string;
  port: number;
  rtcpPort: number;
  ssrc: number;
  payloadType: number;
}

/** Options of {@link RtpEndpoint.open}. */
export interface RtpEndpointOptions {
  /** The feed the endpoint's producers go into; it closes with the endpoint. */
  feed: Feed;
  router: types.Router;
  /** Address to listen on (127.0.0.1 for a local ffmpeg). */
  listenIp: string;
  /** Address senders are told to use, when it differs from listenIp. */
  announcedIp?: string;
}

/**
 * Two PlainTransports that receive VP8 and Opus RTP (RFC 3550) from an encoder such as ffmpeg, and
 * the feed's two producers. The sender must use the SSRCs and payload types of {@link targets};
 * it sends RTCP from a port of its own, so RTCP is not muxed and both tuples are learnt (comedia).
 */
export class RtpEndpoint {
  readonly #feed: Feed;
  readonly #transports: types.PlainTransport[] = [];
  readonly #targets: Partial<Record<MediaKind, RtpTarget>> = {};
  #closed = false;

  private constructor(feed: Feed) {
    this.#feed = feed;
  }

  /** Creates the transports and producers. */
  static async open(options: RtpEndpointOptions): Promise<RtpEndpoint> {
    const endpoint = new RtpEndpoint(options.feed);
    try {
      for (const kind of ['video', 'audio'] as const) await endpoint.#openTrack(kind, options);
    } catch (error) {
      endpoint.close();
      throw error;
    }
    return endpoint;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Where to send each kind. */
  get targets(): Record<MediaKind, RtpTarget> {
    return this.#targets as Record<MediaKind, RtpTarget>;
  }

  /** Closes the transports and the feed. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#transports) t.close();
    this.#feed.close();
  }

  async #openTrack(kind: MediaKind, { router, listenIp, announcedIp }: RtpEndpointOptions): Promise<void> {
    const transport = await router.createPlainTransport({ listenIp: { ip: listenIp, announcedIp }, rtcpMux: false, comedia: true });
    this.#transports.push(transport);
    // The router closed under us (its worker died): the endpoint and its feed end.
    transport.observer.once('close', () => this.close());
    const ssrc = randomInt(0x10000000, 0x7fffffff);
    const payloadType = kind === 'video' ? VIDEO_PAYLOAD_TYPE : AUDIO_PAYLOAD_TYPE;
    const codec =
      kind === 'video'
        ? { mimeType: 'video/VP8', payloadType, clockRate: 90000 }
        : { mimeType: 'audio/opus', payloadType, clockRate: 48000, channels: 2 };
    const producer = await transport.produce({ kind, rtpParameters: { codecs: [codec], encodings: [{ ssrc }] } });
    this.#feed.addTrack(producer, router);
    this.#targets[kind] = {
      ip: announcedIp ?? listenIp,
      port: transport.tuple.localPort,
      rtcpPort: transport.rtcpTuple!.localPort,
      ssrc,
      payloadType,
    };
  }
}

/** ffmpeg output options that send VP8 and Opus to an endpoint's targets (after the encoder options). */
export function ffmpegRtpOutputs(targets: Record<MediaKind, RtpTarget>): { video: string[]; audio: string[] } {
  const out = (t: RtpTarget) => ['-ssrc', String(t.ssrc), '-payload_type', String(t.payloadType), '-f', 'rtp', `rtp://${t.ip}:${t.port}?rtcpport=${t.rtcpPort}&pkt_size=1200`];
  return { video: out(targets.video), audio: out(targets.audio) };
}

/**
 * libvpx settings for live VP8: realtime, keyframes every `gop` frames (ffmpeg cannot answer a
 * keyframe request, so the program bus waits at most this long on a cut), no frames held back.
 * One thread: libvpx's threads spin on small pictures and cost several times the CPU.
 */
export function vp8EncoderOptions(bitrate: string, gop: number): string[] {
  return [
    '-c:v', 'libvpx', '-threads', '1', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', bitrate,
    '-g', String(gop), '-keyint_min', String(gop), '-error-resilient', '1', '-auto-alt-ref', '0', '-lag-in-frames', '0',
  ];
}

/** Opus settings matching the router's codec (48 kHz stereo). */
export function opusEncoderOptions(bitrate: string): string[] {
  return ['-c:a', 'libopus', '-b:a', bitrate, '-ac', '2', '-ar', '48000'];
}
