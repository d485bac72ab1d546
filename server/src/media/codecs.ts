import type { RtpCodecCapability } from 'mediasoup/node/lib/RtpParameters';

/**
 * The codecs every router offers. Feeds are relayed as they arrive (no transcoding), so these are
 * what browsers and encoders can publish: Opus audio; VP8 video (test patterns, Chromium, Firefox)
 * and H.264 for hardware encoders and Safari.
 */
export const MEDIA_CODECS: RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];
