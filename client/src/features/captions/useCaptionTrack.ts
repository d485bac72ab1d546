import { useEffect, useState } from 'react';
import type { Cue, Language } from '@hybrid-stage/shared';
import { useSignaling } from '../../signaling/SignalingContext';

/** How many cues a track keeps in memory. */
const KEEP = 50;

/**
 * The cues of one channel in one language as they arrive (a correction replaces its cue in place),
 * starting with the last few of the session on air; joins again after a reconnect.
 */
export function useCaptionTrack(channelId: string | undefined, language: Language | undefined): Cue[] {
  const signaling = useSignaling();
  const [cues, setCues] = useState<Cue[]>([]);
  useEffect(() => {
    setCues([]);
    if (!channelId || !language) return;
    let alive = true;
    const merge = (incoming: Cue[]) =>
      setCues((current) => {
        const byId = new Map(current.map((c) => [c.id, c]));
        for (const cue of incoming) {
          const known = byId.get(cue.id);
          // The same revision again is a re-run sending the cue at its new time.
          if (!known || known.revision <= cue.revision) byId.set(cue.id, cue);
        }
        return [...byId.values()].sort((a, b) => a.startMs - b.startMs).slice(-KEEP);
      });
    const join = () =>
      signaling.request('captions:join', { channelId, language }).then(
        ({ cues: recent }) => alive && merge(recent),
        () => undefined,
      );
    const onCue = (cue: Cue) => {
      if (cue.channelId === channelId && cue.language === language) merge([cue]);
    };
    signaling.socket.on('captions:cue', onCue);
    signaling.socket.on('connect', join);
    if (signaling.socket.connected) void join();
    return () => {
      alive = false;
      signaling.socket.off('captions:cue', onCue);
      signaling.socket.off('connect', join);
      if (signaling.socket.connected) void signaling.request('captions:leave', { channelId, language }).catch(() => undefined);
    };
  }, [signaling, channelId, language]);
  return cues;
}
