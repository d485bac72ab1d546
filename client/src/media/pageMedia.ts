import { matchPath } from 'react-router';
import type { RtpCapabilities, SessionResumable } from '@hybrid-stage/shared';
import { appSignaling } from '../signaling/SignalingContext';
import type { SignalingClient } from '../signaling/SignalingClient';
import { servedPage } from '../servedPage';
import { loadDevice, MediaSession, type WatchSource } from './MediaSession';

/** The pages that show a channel's program as soon as they open (App's routes use these paths). */
export const WATCH_PAGES = { channel: '/channel/:channelId', kiosk: '/kiosk/:channelId' } as const;

/** The program a page at `pathname` opens with, if it is a watch page. */
export function watchOnOpening(pathname: string): WatchSource | undefined {
  for (const path of Object.values(WATCH_PAGES)) {
    const channelId = matchPath(path, pathname)?.params.channelId;
    if (channelId) return { kind: 'channel', id: channelId };
  }
  return undefined;
}

/** How the page's first media session starts. */
export interface FirstSession {
  /** The routers' RTP capabilities the page came with. */
  rtpCapabilities?: RtpCapabilities | undefined;
  /** What to start receiving at once, asked when the session starts (the viewer may have moved on). */
  watch?: () => WatchSource | undefined;
}

/**
 * The page's media: one MediaSession per signaling session, kept outside React so a watch page's
 * join starts as soon as the connection is up, while the page is still drawing.
 *
 * A short drop of the connection keeps the session (the server keeps its side for the grace period,
 * and the media flows on meanwhile); it is replaced when the connection that comes back did not
 * resume it (the server restarted, the drop was too long) or when the server says the media worker
 * under it died, so everything watching joins again on the new one. A server that announced it is
 * stopping ends it as the connection goes.
 *
 * The first session starts with what the page brought: the routers' RTP capabilities (so its device
 * loads without asking) and, on a watch page, its program, received at once. Later sessions ask the
 * server for the capabilities (a restarted server may have other codecs).
 */
export class PageMedia {
  #session: MediaSession | undefined;
  #first: FirstSession | undefined;
  readonly #listeners = new Set<() => void>();

  constructor(signaling: SignalingClient, first: FirstSession = {}) {
    this.#first = first;
    // The device probes the browser's codecs while the connection opens, not after.
    let device = first.rtpCapabilities ? loadDevice(first.rtpCapabilities) : undefined;
    device?.catch(() => undefined); // a failure is the first session's to report
    const fresh = () => {
      this.#session?.close();
      const { rtpCapabilities, watch } = this.#first ?? {};
      this.#first = undefined;
      this.#set(new MediaSession(signaling, { rtpCapabilities, device }));
      device = undefined;
      const opening = watch?.();
      if (opening) this.#session!.prepare(opening);
    };
    // A server that said it is stopping will not resume this session: end it as the connection goes.
    let stopping = false;
    signaling.socket.on('session:resumable', ({ resumed }: SessionResumable) => {
      stopping = false;
      if (!resumed || !this.#session) fresh();
    });
    signaling.socket.on('server:closing', () => (stopping = true));
    signaling.socket.on('disconnect', () => {
      if (!stopping) return;
      stopping = false;
      this.#session?.close();
      this.#set(undefined);
    });
    // The worker holding this browser's transports died: start over on a new session.
    signaling.socket.on('media:lost', fresh);
  }

  /** The current media session, or undefined while there is none. */
  get session(): MediaSession | undefined {
    return this.#session;
  }

  /** Calls `listener` whenever the session is replaced; returns the unsubscribe. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  };

  #set(session: MediaSession | undefined): void {
    this.#session = session;
    for (const listener of this.#listeners) listener();
  }
}

/** Whether this page will be let in: not when it will show the event's registration form instead. */
function admitted(signaling: SignalingClient): boolean {
  return !!signaling.token || servedPage().viewers !== 'registered';
}

/** Whether the viewer chose HLS on the watch page (kept in the browser): that page then takes no WebRTC seat. */
function choseHls(pathname: string): boolean {
  try {
    return !!matchPath(WATCH_PAGES.channel, pathname) && localStorage.getItem('hybrid-stage.player.path') === 'hls';
  } catch {
    return false;
  }
}

/** The app's media, started with the page: a watch page's program is asked for while the page draws. */
export const pageMedia = new PageMedia(appSignaling, {
  rtpCapabilities: servedPage().rtpCapabilities,
  watch: () => (admitted(appSignaling) && !choseHls(location.pathname) ? watchOnOpening(location.pathname) : undefined),
});
