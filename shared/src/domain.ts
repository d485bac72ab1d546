/** Domain types shared by server and client. */
import { z } from 'zod';
import type { RtpCapabilities } from 'mediasoup-client/types';
import type { ReRunInfo } from './recording';
import { ROLES } from './vocabulary';

/** A media track's kind. */
export const MediaKind = z.enum(['audio', 'video']);
export type MediaKind = z.infer<typeof MediaKind>;

/** A physical place that publishes feeds. */
export interface StudioInfo {
  id: string;
  name: string;
  /** IANA time zone of the studio, e.g. "Asia/Singapore". */
  timeZone: string;
}

/** Where a feed's media comes from. */
export type FeedSource = 'browser' | 'test-pattern' | 'rtp' | 'srt' | 'recording';

/** One audio+video source in the SFU. */
export interface FeedInfo {
  id: string;
  studioId: string;
  label: string;
  source: FeedSource;
  /** The kinds this feed currently produces. */
  kinds: MediaKind[];
}

/** The conference as a client first sees it. */
export interface EventInfo {
  name: string;
  /** IANA time zone the agenda is planned in. */
  timeZone: string;
  studios: StudioInfo[];
  feeds: FeedInfo[];
  channels: ChannelState[];
  /** The agenda, every channel, in start order. */
  sessions: AgendaSession[];
  /** Re-runs of recorded sessions for other time zones, in start order. */
  reruns: ReRunInfo[];
  /** Whether viewers watch anonymously or must register first (and hold a viewer token). */
  viewers: ViewerAccess;
}

/** How viewers get in: `anonymous` (anyone watches) or `registered` (a form first, then a viewer token). */
export const ViewerAccess = z.enum(['anonymous', 'registered']);
export type ViewerAccess = z.infer<typeof ViewerAccess>;

/**
 * What the server writes into the app's page (a JSON block, `<script type="application/json"
 * id="hybrid-stage-page">`), so a viewer's page starts without asking for it first: how viewers get
 * in, and the media routers' RTP capabilities (the same on every router of a server).
 */
export interface ServedPage {
  viewers: ViewerAccess;
  rtpCapabilities: RtpCapabilities | undefined;
  /**
   * On a watch page of a cluster: the node its socket and media go to (placement), and the other
   * live nodes' URLs, which it asks for placement again if that node fails.
   */
  placement?: Placement;
}

/** Where a viewer watches from (`GET /api/placement`). */
export interface Placement {
  /** The node's id, reported back as failed if the page loses it. */
  node: string;
  /** Its URL, for socket.io and so for media. */
  url: string;
  region: string;
  /** The live nodes' URLs, to ask for placement again when the page's own node is gone. */
  nodes: string[];
}

/** One session of the agenda on one channel. */
export interface AgendaSession {
  id: string;
  channelId: string;
  title: string;
  /** ISO times. */
  startsAt: string;
  endsAt: string;
  speakers: string[];
}

/** What a person may do, carried in their access token. */
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** A role and what it is limited to (e.g. the studio a studio operator works in). */
export interface Grant {
  role: Role;
  /** For studio and guest: the studio they publish from. */
  studioId?: string;
  /** For captioner: the channel they caption. */
  channelId?: string;
  /** For captioner: the languages they write (BCP 47 primary tags). */
  languages?: string[];
  /** For exhibitor: the stand they fill and moderate. */
  standId?: string;
}

/** A revoked invite link, as the admin page lists it. */
export interface RevokedLink {
  /** The link's token id (jti). */
  id: string;
  role: Role;
  /** What the link was for: a studio, a stand, a channel and its languages ('' for none). */
  scope: string;
  /** ISO time the link would have stopped working anyway; after it, the entry is dropped. */
  expiresAt: string;
  /** ISO time of the revocation. */
  revokedAt: string;
}

/** Every link of a role made before a time no longer works. */
export interface RoleRevocation {
  role: Role;
  /** ISO time: links of the role made before it are refused; those made after work. */
  issuedBefore: string;
}

/** The revocation list: links one by one, and whole roles up to a time. */
export interface Revocations {
  links: RevokedLink[];
  roles: RoleRevocation[];
}

/** What kind of stream a channel carries. */
export type ChannelKind = 'main' | 'regional' | 'breakout';

/** A configured channel: one program that viewers watch. */
export interface ChannelConfig {
  id: string;
  name: string;
  kind: ChannelKind;
}

/** Why the program changed. */
export type CutReason = 'take' | 'failover' | 'feed-ended' | 'recovery';

/** One change of what is on air, for the producers' log. */
export interface CutInfo {
  /** ISO time the new feed's first keyframe went out (or the program went dark). */
  at: string;
  /** The feed now on air, or null when the program went dark. */
  feedId: string | null;
  /** Its label at the time, so the log stays readable after the feed ends. */
  label: string | null;
  reason: CutReason;
  /** Who asked for it: a role, or "automatic". */
  by: string;
  version: number;
}

/** A channel's program bus as every client sees it. */
export interface ChannelState extends ChannelConfig {
  /** The feed on air, or null. */
  program: string | null;
  /** Where the feed on air comes from: "recording" while a re-run is on air. */
  programSource: FeedSource | null;
  /** A take waiting for the new feed's keyframe, or null. */
  pending: string | null;
  /** The feed in preview, or null. */
  preview: string | null;
  /** The feed the bus cuts to by itself when the program stalls, or null. */
  backup: string | null;
  /** Bumped on every change; a client ignores states older than the one it holds. */
  version: number;
  /** The newest cuts first, at most 20. */
  cuts: CutInfo[];
}

/** Something producers must know about at once (an automatic cut, a lost program). */
export interface ProgramAlert {
  channelId: string;
  at: string;
  /**
   * What happened, for the console to say in its language: the program feed ended or stalled and the
   * channel cut to its backup (`endedToBackup`, `stalledToBackup`); it ended with no backup, so the
   * channel is off air (`offAir`); it stalled with no healthy backup (`stalledNoBackup`); it did not
   * come back after a media worker restarted (`notRestored`).
   */
  kind: 'endedToBackup' | 'stalledToBackup' | 'offAir' | 'stalledNoBackup' | 'notRestored';
  /** The label of the feed it is about. */
  feed: string;
  /** The backup's label, when the channel cut to it. */
  backup?: string;
}

/** How a feed is doing, as the producer console shows it. */
export interface FeedHealth {
  feedId: string;
  /** Received bits per second over the last second, all tracks. */
  bitrate: number;
  /** Share of packets lost on the way in, 0-100, from the producer's RTCP. */
  lossPercent: number;
  /** Video frames per second over the last second (0 without video). */
  framesPerSecond: number;
  /** Milliseconds since the last video keyframe, or null when there has been none. */
  msSinceKeyFrame: number | null;
  /** No packets for a second. */
  stalled: boolean;
}

/** How an encoder delivers a feed to an ingest endpoint. */
export const IngestProtocol = z.enum(['rtp', 'srt']);
export type IngestProtocol = z.infer<typeof IngestProtocol>;

/** The ports an RTP encoder sends from unless it declares others (RFC 3551's 5004, RTCP on the next port). */
export const DEFAULT_RTP_SOURCE_PORTS = { video: 5004, audio: 5006 } as const;

const SourcePort = z.number().int().min(1024).max(65534);

/**
 * Where an RTP encoder sends from: its address as the server sees it (no NAT in between) and, per
 * kind, its RTP port (RTCP from the next one; {@link DEFAULT_RTP_SOURCE_PORTS} when not given). The
 * ingest drops packets from anywhere else.
 */
export const IngestSource = z
  .strictObject({ ip: z.ipv4().or(z.ipv6()), videoPort: SourcePort.optional(), audioPort: SourcePort.optional() })
  .refine(
    (s) => Math.abs((s.videoPort ?? DEFAULT_RTP_SOURCE_PORTS.video) - (s.audioPort ?? DEFAULT_RTP_SOURCE_PORTS.audio)) >= 2,
    'video and audio need two ports each (RTP and RTCP), apart',
  );
export type IngestSource = z.infer<typeof IngestSource>;

/** An RTP encoder's declared address with its ports. */
export type RtpSourceAddress = Required<IngestSource>;

type IngestFields = { protocol: IngestProtocol; source?: IngestSource };
/** An RTP ingest needs the encoder's address; an SRT one takes none (its passphrase keeps others out). */
const sourceMatchesProtocol = (r: IngestFields) => (r.protocol === 'rtp') === !!r.source;

/**
 * What a studio asks for when it opens an ingest, with `extra` fields (the studio, for the socket
 * request): a label, the protocol and, for RTP, the encoder's address.
 */
export function ingestRequest<Extra extends z.ZodRawShape>(extra: Extra) {
  return z
    .strictObject({ ...extra, label: z.string().trim().min(1).max(80), protocol: IngestProtocol, source: IngestSource.optional() })
    .refine((r) => sourceMatchesProtocol(r as IngestFields), {
      message: "an RTP ingest needs the encoder's address (source.ip); an SRT ingest takes none",
      path: ['source'],
    });
}
export const IngestRequest = ingestRequest({});
export type IngestRequest = z.infer<typeof IngestRequest>;

/** An endpoint that turns an encoder's stream (ffmpeg, OBS, a hardware encoder) into a feed. */
export interface IngestInfo {
  id: string;
  studioId: string;
  feedId: string;
  label: string;
  protocol: IngestProtocol;
  /** Where to send: for SRT one URL (with the passphrase and stream id); for RTP the video and audio ports with the SSRCs to use. */
  url?: string;
  /**
   * For SRT: the passphrase the encoder must send (AES-128; a caller without it is refused), the
   * stream id, and the largest picture the ingest takes. Shown only to the studio's crew.
   */
  srt?: { passphrase: string; streamId: string; maxWidth: number; maxHeight: number };
  rtp?: Record<MediaKind, { ip: string; port: number; rtcpPort: number; ssrc: number; payloadType: number }>;
  /** For RTP: the encoder's declared address and ports; packets from anywhere else are dropped. */
  source?: RtpSourceAddress;
  /** A complete ffmpeg command that sends a file or device to this endpoint (INPUT is a placeholder). */
  ffmpegCommand: string;
  /** Settings for OBS Studio, when it can send this protocol. */
  obs?: { server: string; streamKey: string; notes: string };
}
