/**
 * The socket.io protocol between server and client: one zod schema per request, the types
 * inferred from them, and the acknowledgement envelope every request is answered with.
 */
import { z } from 'zod';
// The SFU's own messages, typed as mediasoup-client declares them (types only: nothing of it at run time).
import type { DtlsParameters, IceCandidate, IceParameters, RtpCapabilities, RtpParameters } from 'mediasoup-client/types';
export type { DtlsParameters, IceCandidate, IceParameters, RtpCapabilities, RtpParameters };
import { ErrorCode } from './errors';
import { Cue, CueText, IngestCue, IngestResult, Language, MAX_INGEST_BATCH, type LanguageCoverage } from './captions';
import { StandId, VisitorId, type StandPresenceCounts } from './exhibition';
import { ChannelState, EventInfo, FeedHealth, FeedInfo, Grant, IngestInfo, ingestRequest, MediaKind, ProgramAlert, Role, type Revocations, type RevokedLink, type RoleRevocation } from './domain';
import { IsoTime, PlannedPlace, RegionLabel, type ReRunInfo, type RecordingInfo } from './recording';

/** What a client sends in socket.io's `auth` when it connects. */
export const HandshakeAuth = z.strictObject({
  protocolVersion: z.number().int(),
  /** An access token from an invite link; without one the client is an anonymous viewer. */
  token: z.string().min(1).max(4096).optional(),
  /**
   * The resume token of the session this client had before its connection dropped (from
   * `session:resumable`): within the grace period the server gives it back its media session.
   */
  resume: z.string().min(1).max(64).optional(),
});
export type HandshakeAuth = z.infer<typeof HandshakeAuth>;

const Id = z.string().min(1).max(64);

// mediasoup's parameter objects are validated field by field by the worker itself; here they are
// bounded in size and shape so nothing huge or non-object reaches it.
// The shape is walked without recursion first: a deeply nested payload must not overflow the stack.
const BoundedParameters = z.record(z.string().max(64), z.unknown()).refine(
  (value) => nestingAtMost(value, 12) && JSON.stringify(value).length <= 16_384,
  'parameters too large or too deeply nested',
);

/**
 * A bounded parameter object, typed as the mediasoup message `T` it carries. The one cast of the
 * SFU's messages: zod checks the bounds, the worker checks the fields (and refuses with INVALID_REQUEST).
 */
const MediaParameters = <T>() => BoundedParameters as unknown as z.ZodType<T>;

/** Whether `value` nests objects and arrays at most `depth` deep (walked with a stack, not recursion). */
function nestingAtMost(value: unknown, depth: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, level] = item;
    if (node === null || typeof node !== 'object') continue;
    if (level >= depth) return false;
    for (const child of Object.values(node)) stack.push([child, level + 1]);
  }
  return true;
}

/** How long an invite link works, in hours (at most a year); without it, the role's default. */
const InviteHours = z.number().int().min(1).max(366 * 24).optional();
/** Why the server is going away: restarting (SIGTERM, a deploy) or stopping (SIGINT, by hand). */
export const ClosingReason = z.enum(['restart', 'shutdown']);
export type ClosingReason = z.infer<typeof ClosingReason>;

/** What the server says to every client just before it stops. */
export const ServerClosing = z.strictObject({ reason: ClosingReason });
export type ServerClosing = z.infer<typeof ServerClosing>;

/** What the server says on every connect about the client's session. */
export const SessionResumable = z.strictObject({
  /** Give this back in `auth.resume` when reconnecting after a drop, to keep the media session. */
  token: z.string(),
  /** Whether this connection got back the session of the dropped one (its transports still hold). */
  resumed: z.boolean(),
});
export type SessionResumable = z.infer<typeof SessionResumable>;

/** Request payloads, one schema per client-to-server event. */
export const Requests = {
  'event:get': z.strictObject({}),
  'media:capabilities': z.strictObject({}),
  'transport:create': z.strictObject({ direction: z.enum(['send', 'recv']) }),
  'transport:connect': z.strictObject({ transportId: Id, dtlsParameters: MediaParameters<DtlsParameters>() }),
  'transport:restartIce': z.strictObject({ transportId: Id }),
  'feed:open': z.strictObject({ studioId: Id, label: z.string().trim().min(1).max(80) }),
  'feed:produce': z.strictObject({
    feedId: Id,
    transportId: Id,
    kind: MediaKind,
    rtpParameters: MediaParameters<RtpParameters>(),
  }),
  'feed:close': z.strictObject({ feedId: Id }),
  'feed:consume': z.strictObject({
    feedId: Id,
    transportId: Id,
    rtpCapabilities: MediaParameters<RtpCapabilities>(),
  }),
  'consumer:resume': z.strictObject({ consumerId: Id }),
  'consumer:close': z.strictObject({ consumerId: Id }),
  'ingest:create': ingestRequest({ studioId: Id }),
  'ingest:list': z.strictObject({ studioId: Id }),
  'ingest:close': z.strictObject({ ingestId: Id }),
  'invite:create': z.discriminatedUnion('role', [
    z.strictObject({ role: z.enum(['viewer', 'producer', 'admin']), hours: InviteHours }),
    z.strictObject({ role: z.enum(['guest', 'studio']), studioId: Id, hours: InviteHours }),
    z.strictObject({ role: z.literal('captioner'), channelId: Id, languages: z.array(Language).min(1).max(12), hours: InviteHours }),
    z.strictObject({ role: z.literal('exhibitor'), standId: StandId, hours: InviteHours }),
  ]),
  /** Revokes one link: its token, or the whole link (the token is read from its `token=` query). */
  'invite:revoke': z.strictObject({ link: z.string().min(1).max(8192) }),
  'invite:revokeRole': z.strictObject({ role: Role }),
  'invite:revocations': z.strictObject({}),
  'captions:join': z.strictObject({ channelId: Id, language: Language }),
  'captions:leave': z.strictObject({ channelId: Id, language: Language }),
  'captions:drafts': z.strictObject({ channelId: Id, language: Language }),
  'captions:commit': z.strictObject({
    channelId: Id,
    language: Language,
    text: CueText,
    startMs: z.number().int().nonnegative(),
    endMs: z.number().int().nonnegative(),
  }),
  'captions:correct': z.strictObject({ cueId: Id, text: CueText }),
  'captions:accept': z.strictObject({ cueId: Id, text: CueText.optional() }),
  'captions:ingest': z.strictObject({ channelId: Id, cues: z.array(IngestCue).min(1).max(MAX_INGEST_BATCH) }),
  'captions:coverage': z.strictObject({ channelId: Id }),
  'program:consume': z.strictObject({
    channelId: Id,
    /** Absent on a viewer's first join: the server makes its receive transport in the same request and answers it. */
    transportId: Id.optional(),
    rtpCapabilities: MediaParameters<RtpCapabilities>(),
  }),
  'program:preview': z.strictObject({ channelId: Id, feedId: Id.nullable() }),
  'program:take': z.strictObject({ channelId: Id, feedId: Id }),
  'program:backup': z.strictObject({ channelId: Id, feedId: Id.nullable() }),
  'exhibition:enter': z.strictObject({}),
  'stand:join': z.strictObject({ standId: StandId, visitorId: VisitorId }),
  'stand:leave': z.strictObject({}),
  'recording:start': z.strictObject({ channelId: Id }),
  'recording:stop': z.strictObject({ channelId: Id }),
  'recording:list': z.strictObject({}),
  'recording:delete': z.strictObject({ recordingId: Id }),
  'rerun:create': z.strictObject({ sessionId: Id, channelId: Id, startsAt: IsoTime, region: RegionLabel }),
  /** One re-run per place, each at `localTime` on `date` in that place's time zone. */
  'rerun:plan': z.strictObject({
    sessionId: Id,
    channelId: Id,
    date: z.iso.date(),
    localTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM'),
    places: z.array(PlannedPlace).min(1).max(12),
  }),
  'rerun:update': z.strictObject({ rerunId: Id, channelId: Id.optional(), startsAt: IsoTime.optional(), region: RegionLabel.optional() }),
  'rerun:delete': z.strictObject({ rerunId: Id }),
} as const;

/** The name of a client-to-server request. */
export type RequestName = keyof typeof Requests;

/**
 * A TURN server as RTCPeerConnection takes it, with a time-limited credential the server minted
 * for this client (TURN REST API: `username` is `expiry:clientId`, `credential` its HMAC).
 */
export const IceServer = z.object({
  urls: z.array(z.string()),
  username: z.string(),
  credential: z.string(),
});
export type IceServer = z.infer<typeof IceServer>;

/** A transport the client creates on its side with mediasoup-client. */
export const TransportOptions = z.object({
  id: z.string(),
  iceParameters: z.custom<IceParameters>(),
  iceCandidates: z.array(z.custom<IceCandidate>()),
  dtlsParameters: z.custom<DtlsParameters>(),
  /** TURN servers to reach the transport through when nothing direct gets there; empty without TURN. */
  iceServers: z.array(IceServer),
});
export type TransportOptions = z.infer<typeof TransportOptions>;

/** One consumer the server made for the client, created paused until `consumer:resume`. */
export const ConsumerOptions = z.object({
  id: z.string(),
  producerId: z.string(),
  kind: MediaKind,
  rtpParameters: z.custom<RtpParameters>(),
});
export type ConsumerOptions = z.infer<typeof ConsumerOptions>;

/** What each request's acknowledgement carries on success. */
export interface Responses {
  'event:get': EventInfo;
  'media:capabilities': { rtpCapabilities: RtpCapabilities };
  'transport:create': TransportOptions;
  'transport:connect': Record<string, never>;
  /** The transport's new ICE parameters, for mediasoup-client's `restartIce`. */
  'transport:restartIce': { iceParameters: IceParameters; iceServers: IceServer[] };
  'feed:open': FeedInfo;
  'feed:produce': { producerId: string };
  'feed:close': Record<string, never>;
  'feed:consume': { consumers: ConsumerOptions[] };
  'consumer:resume': Record<string, never>;
  'consumer:close': Record<string, never>;
  'ingest:create': IngestInfo;
  'ingest:list': IngestInfo[];
  'ingest:close': Record<string, never>;
  'invite:create': { path: string; expiresAt: string };
  'invite:revoke': RevokedLink;
  'invite:revokeRole': RoleRevocation;
  'invite:revocations': Revocations;
  'captions:join': { cues: Cue[] };
  'captions:leave': Record<string, never>;
  'captions:drafts': { drafts: Cue[] };
  'captions:commit': Cue;
  'captions:correct': Cue;
  'captions:accept': Cue;
  'captions:ingest': { results: IngestResult[] };
  /** One entry per caption language, in LANGUAGES' order. */
  'captions:coverage': { languages: LanguageCoverage[] };
  /** `transport`: the receive transport made for a request without `transportId`. */
  'program:consume': { consumers: ConsumerOptions[]; transport?: TransportOptions };
  'program:preview': ChannelState;
  'program:take': ChannelState;
  'program:backup': ChannelState;
  'exhibition:enter': { counts: StandPresenceCounts };
  'stand:join': { counts: StandPresenceCounts };
  'stand:leave': Record<string, never>;
  'recording:start': RecordingInfo;
  'recording:stop': RecordingInfo;
  'recording:list': RecordingInfo[];
  'recording:delete': Record<string, never>;
  'rerun:create': ReRunInfo;
  'rerun:plan': ReRunInfo[];
  'rerun:update': ReRunInfo;
  'rerun:delete': Record<string, never>;
}

/** A request's payload type. */
export type RequestOf<N extends RequestName> = z.infer<(typeof Requests)[N]>;

/** An error as clients see it: a stable code and a sentence, never a stack trace. */
export interface WireError {
  code: ErrorCode;
  message: string;
}

/** The acknowledgement envelope every request is answered with. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: WireError };

/** socket.io's typed client-to-server events: a payload and an acknowledgement callback. */
export type ClientToServerEvents = {
  [N in RequestName]: (payload: RequestOf<N>, ack: (response: Ack<Responses[N]>) => void) => void;
};

/** socket.io's typed server-to-client events. */
export interface ServerToClientEvents {
  /** The full list of live feeds, sent on connect and whenever it changes. */
  'feeds:changed': (feeds: FeedInfo[]) => void;
  /** A consumer the client holds was closed by the server (its feed ended). */
  'consumer:closed': (payload: { consumerId: string }) => void;
  /**
   * The media worker holding this client's transports died: every transport, producer and
   * consumer of the client is gone. The client makes new transports and watches and publishes again.
   */
  'media:lost': (payload: Record<string, never>) => void;
  /** The server is stopping: clients say so and reconnect by themselves when it is back. */
  'server:closing': (payload: ServerClosing) => void;
  /** Sent on connect: the token to resume this session after a drop, and whether this connect resumed one. */
  'session:resumable': (payload: SessionResumable) => void;
  /** Who the server takes this client to be, sent on connect. */
  'session:grant': (grant: Grant) => void;
  /** A channel's program bus changed (a take, a preview, a failover). */
  'channel:changed': (channel: ChannelState) => void;
  /** To producers: something happened on a program that needs attention. */
  'program:alert': (alert: ProgramAlert) => void;
  /** A live cue, new or corrected (same id, higher revision: replace it in place). */
  'captions:cue': (cue: Cue) => void;
  /** To translator desks: a machine draft waiting to be accepted or corrected. */
  'captions:draft': (cue: Cue) => void;
  /** To producers, every second: the health of every feed. */
  'feeds:health': (health: FeedHealth[]) => void;
  /** To visitors in the exhibition, at most once a second: how many people are at each stand. */
  'exhibition:presence': (counts: StandPresenceCounts) => void;
  /** To producers: every recording, whenever one starts, stops or grows (every few seconds). */
  'recordings:changed': (recordings: RecordingInfo[]) => void;
  /** The re-run schedule, whenever it changes. */
  'reruns:changed': (reruns: ReRunInfo[]) => void;
}
