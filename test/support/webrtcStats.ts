// What a page's WebRTC receiver goes through, read from the browser's own statistics: the page's
// peer connections are noted as the app makes them (an init script, before its own scripts run);
// from them, the path the media takes (the selected ICE candidate pair) and the video received.
import type { Page } from 'playwright-core';

/** One end of the selected ICE candidate pair, as getStats() reports it. */
export interface CandidateInfo {
  candidateType: string;
  protocol: string;
  /** For a relay candidate: how the browser reaches its TURN server (udp, tcp or tls). */
  relayProtocol?: string;
  address: string;
  port: number;
}

/** The selected pair of the page's receiving peer connection. */
export interface MediaPath {
  local: CandidateInfo;
  remote: CandidateInfo;
  /** The pair's latest round trip (the browser's STUN consent checks), in ms, once it has one. */
  roundTripMs?: number;
}

/** Keeps every RTCPeerConnection the page makes on `window.__peerConnections` (call before goto). */
export async function recordPeerConnections(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Original = window.RTCPeerConnection;
    const made: RTCPeerConnection[] = [];
    (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections = made;
    window.RTCPeerConnection = class extends Original {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        made.push(this);
      }
    } as typeof RTCPeerConnection;
  });
}

/** The candidate pair the page's video arrives on, or undefined while none is selected. */
export function selectedPath(page: Page): Promise<MediaPath | undefined> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ?? [];
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      const stats = new Map<string, Record<string, unknown>>();
      (await pc.getStats()).forEach((s: Record<string, unknown>) => stats.set(s.id as string, s));
      const receivesVideo = [...stats.values()].some((s) => s.type === 'inbound-rtp' && s.kind === 'video' && Number(s.framesDecoded) > 0);
      if (!receivesVideo) continue;
      const transport = [...stats.values()].find((s) => s.type === 'transport' && s.selectedCandidatePairId);
      const pair = transport && stats.get(transport.selectedCandidatePairId as string);
      if (!pair) continue;
      const candidate = (id: unknown) => {
        const c = stats.get(id as string) ?? {};
        return {
          candidateType: String(c.candidateType),
          protocol: String(c.protocol),
          ...(c.relayProtocol ? { relayProtocol: String(c.relayProtocol) } : {}),
          address: String(c.address),
          port: Number(c.port),
        };
      };
      const roundTrip = pair.currentRoundTripTime;
      return {
        local: candidate(pair.localCandidateId),
        remote: candidate(pair.remoteCandidateId),
        ...(typeof roundTrip === 'number' ? { roundTripMs: Math.round(roundTrip * 1000) } : {}),
      };
    }
    return undefined;
  });
}

/** The page's received video, summed over its receiving peer connections (mediasoup's probe left out). */
export interface InboundVideo {
  bytesReceived: number;
  packetsReceived: number;
  packetsLost: number;
  framesDecoded: number;
  frameWidth: number;
  frameHeight: number;
  /** Freezes Chromium counted (a frame later than its usual interval by far). */
  freezeCount: number;
  nackCount: number;
  pliCount: number;
  /** Packets that arrived as retransmissions (RTX), after a NACK. */
  retransmittedPacketsReceived: number;
}

/** Reads {@link InboundVideo} from the page's peer connections. */
export function inboundVideo(page: Page): Promise<InboundVideo> {
  return page.evaluate(async () => {
    const total = { bytesReceived: 0, packetsReceived: 0, packetsLost: 0, framesDecoded: 0, frameWidth: 0, frameHeight: 0, freezeCount: 0, nackCount: 0, pliCount: 0, retransmittedPacketsReceived: 0 };
    for (const pc of (window as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ?? []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type !== 'inbound-rtp' || s.kind !== 'video' || s.mid === 'probator') return;
        for (const key of ['bytesReceived', 'packetsReceived', 'packetsLost', 'framesDecoded', 'freezeCount', 'nackCount', 'pliCount', 'retransmittedPacketsReceived'] as const) total[key] += Number(s[key] ?? 0);
        if (s.frameWidth) total.frameWidth = Number(s.frameWidth);
        if (s.frameHeight) total.frameHeight = Number(s.frameHeight);
      });
    }
    return total;
  });
}

/**
 * Starts timing the frames a `<video>` presents (requestVideoFrameCallback), to find the longest
 * gap between two of them, which is what a viewer sees as a freeze. Read with {@link frameGaps}.
 */
export function startFrameClock(page: Page, selector = 'video'): Promise<void> {
  return page.$eval(selector, (v) => {
    const video = v as HTMLVideoElement;
    const clock = { last: 0, longest: 0, frames: 0, since: performance.now() };
    (window as unknown as { __frameClock: typeof clock }).__frameClock = clock;
    const onFrame = (now: number) => {
      if (clock.last) clock.longest = Math.max(clock.longest, now - clock.last);
      clock.last = now;
      clock.frames++;
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  });
}

/** Frames presented and the longest gap between two (or since the last, if longer) since the clock was (re)set; resets it. */
export function frameGaps(page: Page): Promise<{ frames: number; longestGapMs: number; overMs: number }> {
  return page.evaluate(() => {
    const clock = (window as unknown as { __frameClock: { last: number; longest: number; frames: number; since: number } }).__frameClock;
    const now = performance.now();
    const result = {
      frames: clock.frames,
      longestGapMs: Math.round(Math.max(clock.longest, now - (clock.last || clock.since))),
      overMs: Math.round(now - clock.since),
    };
    clock.longest = 0;
    clock.frames = 0;
    clock.since = now;
    return result;
  });
}
