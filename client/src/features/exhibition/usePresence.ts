import { useEffect, useState } from 'react';
import type { StandPresenceCounts } from '@hybrid-stage/shared';
import { useSignaling } from '../../signaling/SignalingContext';
import { asVisitor } from './exhibitionApi';

/**
 * How many visitors are at each stand (the server's counts, broadcast at most once a second), and
 * this visitor's presence at `standId` while it is open (null: at none). Joins again on reconnect.
 */
export function usePresence(standId: string | null): StandPresenceCounts {
  const signaling = useSignaling();
  const [counts, setCounts] = useState<StandPresenceCounts>({});
  useEffect(() => {
    const { socket } = signaling;
    const enter = () => {
      const request = standId ? asVisitor((visitorId) => signaling.request('stand:join', { standId, visitorId })) : signaling.request('exhibition:enter', {});
      request.then((r) => setCounts(r.counts), () => undefined);
    };
    socket.on('exhibition:presence', setCounts);
    socket.on('connect', enter);
    if (socket.connected) enter();
    return () => {
      socket.off('exhibition:presence', setCounts);
      socket.off('connect', enter);
      if (standId && socket.connected) void signaling.request('stand:leave', {}).catch(() => undefined);
    };
  }, [signaling, standId]);
  return counts;
}
