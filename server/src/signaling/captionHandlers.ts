import type { Language } from '@hybrid-stage/shared';
import { assertMayCaption } from '../access/permissions';
import { toWire, type CaptionPipeline } from '../captions/CaptionPipeline';
import { AppError } from '../errors';
import type { ClientSession } from './ClientSession';
import type { Handlers } from './handlers';

/** The socket.io rooms of one connection, as the handlers need them. */
export interface SocketRooms {
  join(room: string): void;
  leave(room: string): void;
  has(room: string): boolean;
  readonly size: number;
}

/** Viewers of a channel's captions in one language. */
export const captionRoom = (channelId: string, language: Language) => `captions:${channelId}:${language}`;
/** Translator desks waiting for machine drafts of a channel in one language. */
export const draftRoom = (channelId: string, language: Language) => `drafts:${channelId}:${language}`;

/** Caption rooms one connection may be in: every language of a couple of channels. */
const MAX_CAPTION_ROOMS = 30;

/**
 * Receiving captions (viewers, desks) and writing them (desks, providers' sockets). `token`: the
 * connection's token as a tokenKey, whose allowance a provider's cues take (the same as over HTTP).
 */
export function captionHandlers(
  session: ClientSession,
  captions: CaptionPipeline,
  rooms: SocketRooms,
  token: string,
  desksAt: (channelId: string, language: Language) => Promise<number>,
): Handlers<'captions:join' | 'captions:leave' | 'captions:drafts' | 'captions:commit' | 'captions:correct' | 'captions:accept' | 'captions:ingest' | 'captions:coverage'> {
  const author = () => `${session.grant.role}${session.grant.channelId ? `:${session.grant.channelId}` : ''}`;
  const enter = (room: string) => {
    if (!rooms.has(room) && rooms.size >= MAX_CAPTION_ROOMS) throw new AppError('INVALID_STATE', 'too many caption rooms; leave some first');
    rooms.join(room);
  };
  return {
    'captions:join': async ({ channelId, language }) => {
      const cues = await captions.recent(channelId, language);
      enter(captionRoom(channelId, language));
      return { cues };
    },
    'captions:leave': async ({ channelId, language }) => {
      rooms.leave(captionRoom(channelId, language));
      return {};
    },
    'captions:coverage': async ({ channelId }) => ({ languages: await captions.coverage(channelId, (language) => desksAt(channelId, language)) }),
    'captions:drafts': async ({ channelId, language }) => {
      assertMayCaption(session.grant, channelId, language);
      enter(draftRoom(channelId, language));
      return { drafts: await captions.drafts(channelId, language) };
    },
    'captions:commit': async ({ channelId, language, text, startMs, endMs }) => {
      assertMayCaption(session.grant, channelId, language);
      if (endMs <= startMs) throw new AppError('INVALID_REQUEST', 'endMs must be after startMs');
      return toWire(await captions.commitFromDesk({ channelId, language, text, startMs, endMs, author: author() }));
    },
    'captions:correct': async ({ cueId, text }) => {
      const cue = await captions.get(cueId);
      assertMayCaption(session.grant, cue.channelId, cue.language);
      return toWire(await captions.correct(cueId, { text }, author()));
    },
    'captions:accept': async ({ cueId, text }) => {
      const cue = await captions.get(cueId);
      assertMayCaption(session.grant, cue.channelId, cue.language);
      return toWire(await captions.accept(cueId, author(), text));
    },
    'captions:ingest': async ({ channelId, cues }) => {
      for (const cue of cues) assertMayCaption(session.grant, channelId, cue.language);
      return { results: await captions.ingest(channelId, cues, author(), token) };
    },
  };
}
