import { useEffect, useState } from 'react';
import type { Watch } from '../media/MediaSession';

/** Video receive statistics as a viewer reads them. */
export interface VideoStats {
  width: number;
  height: number;
  kbps: number;
  framesDecoded: number;
  framesPerSecond: number;
  /** Packets lost as a share of packets expected, 0-100, since the last reading. */
  lossPercent: number;
  /** Time the receiver holds frames before showing them (jitter buffer), in ms. */
  bufferMs: number;
  /** Round trip to the server, in ms (0 until measured). */
  rttMs: number;
  /**
   * Estimated glass-to-glass share this viewer adds, in ms: half the round trip (server to here),
   * the jitter buffer and the decode time.
   */
  latencyMs: number;
}

/** Reads the video receiver's statistics every second while `watch` plays. */
export function useVideoStats(watch: Watch | undefined): VideoStats | undefined {
  const [stats, setStats] = useState<VideoStats>();
  useEffect(() => {
    setStats(undefined);
    if (!watch) return;
    let last: { bytes: number; lost: number; received: number; at: number } | undefined;
    const timer = setInterval(async () => {
      const report = await watch.videoStats().catch(() => undefined);
      let video: RTCInboundRtpStreamStats | undefined;
      let rttSeconds = 0;
      report?.forEach((s) => {
        // mediasoup's bandwidth probe arrives as a second video stream with mid "probator".
        if (s.type === 'inbound-rtp' && s.kind === 'video' && s.mid !== 'probator') video ??= s;
        if (s.type === 'candidate-pair' && s.nominated && typeof s.currentRoundTripTime === 'number') rttSeconds = s.currentRoundTripTime;
      });
      if (!video) return;
      const now = performance.now();
      const bytes = video.bytesReceived ?? 0;
      const lost = video.packetsLost ?? 0;
      const received = video.packetsReceived ?? 0;
      const delay = video.jitterBufferDelay ?? 0;
      const emitted = video.jitterBufferEmittedCount ?? 0;
      const decodeMs = video.framesDecoded ? (1000 * (video.totalDecodeTime ?? 0)) / video.framesDecoded : 0;
      if (last) {
        const bufferMs = emitted > 0 ? Math.round((1000 * delay) / emitted) : 0;
        const expected = received - last.received + (lost - last.lost);
        setStats({
          width: video.frameWidth ?? 0,
          height: video.frameHeight ?? 0,
          kbps: Math.max(0, Math.round(((bytes - last.bytes) * 8) / (now - last.at))),
          framesDecoded: video.framesDecoded ?? 0,
          framesPerSecond: Math.round(video.framesPerSecond ?? 0),
          lossPercent: expected > 0 ? Math.round((1000 * Math.max(0, lost - last.lost)) / expected) / 10 : 0,
          bufferMs,
          rttMs: Math.round(rttSeconds * 1000),
          latencyMs: Math.round((rttSeconds * 1000) / 2 + bufferMs + decodeMs),
        });
      }
      last = { bytes, lost, received, at: now };
    }, 1000);
    return () => clearInterval(timer);
  }, [watch]);
  return stats;
}
