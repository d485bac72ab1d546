import type { Exhibition } from '../exhibition/Exhibition';
import type { VisitorGate } from '../exhibition/VisitorGate';
import type { Handlers } from './handlers';
import type { SocketRooms } from './captionHandlers';

/** Visitors walking the exhibition, who get the presence counts. */
export const EXHIBITION_ROOM = 'exhibition';
/** Visitors at one stand. */
export const standRoom = (standId: string) => `stand:${standId}`;

/**
 * Presence in the exhibition: entering it (to hear the counts), being at a stand (its panel open)
 * and leaving it. `connectionId` identifies this socket in {@link StandPresence}; `address` is its
 * client's, whose visits (each one a row in the analytics) are limited with the visitor's.
 */
export function exhibitionHandlers(
  connectionId: string,
  address: string,
  exhibition: Exhibition,
  visitorGate: VisitorGate,
  rooms: SocketRooms,
): Handlers<'exhibition:enter' | 'stand:join' | 'stand:leave'> {
  let current: string | undefined;
  const leave = () => {
    if (current) rooms.leave(standRoom(current));
    current = undefined;
    exhibition.presence.leave(connectionId);
  };
  return {
    'exhibition:enter': async () => {
      rooms.join(EXHIBITION_ROOM);
      return { counts: exhibition.presence.counts() };
    },
    'stand:join': async ({ standId, visitorId }) => {
      await exhibition.stands.get(standId);
      // Staying at the stand one is at costs nothing; another stand is a visit.
      if (current !== standId) {
        visitorGate.admit('visit', address, visitorId);
        leave();
      }
      rooms.join(EXHIBITION_ROOM);
      rooms.join(standRoom(standId));
      current = standId;
      exhibition.presence.join(connectionId, visitorId, standId);
      return { counts: exhibition.presence.counts() };
    },
    'stand:leave': async () => {
      leave();
      return {};
    },
  };
}
