/** Stable error codes clients can rely on; the message beside them is for people. */
export const ERROR_CODES = [
  /** The payload does not match the request's schema. */
  'INVALID_REQUEST',
  /** The client speaks another protocol version and must reload. */
  'PROTOCOL_MISMATCH',
  /** The thing named by an id does not exist (or no longer does). */
  'NOT_FOUND',
  /** The request is valid but not possible in the current state (e.g. on a closed object). */
  'INVALID_STATE',
  /** The client's rtpCapabilities cannot receive this feed's codecs. */
  'CANNOT_CONSUME',
  /** The access token is missing, malformed, forged or expired. */
  'UNAUTHORIZED',
  /** The client's role or scope does not allow this request. */
  'FORBIDDEN',
  /** The event asks viewers to register, and this client has not (it has no access token). */
  'REGISTRATION_REQUIRED',
  /** Too many requests from one connection (or, for some actions, from one address or visitor). */
  'RATE_LIMITED',
  /** This node is an edge: it serves viewers; studios, the console, desks, ingests, recordings and re-runs run on the origin. */
  'ORIGIN_ONLY',
  /** This node carries all the viewers it may (its load is over its threshold): ask for placement again. */
  'NODE_FULL',
  /** The visitor id was not issued by this server (made by the client, or under another key): ask for a new one. */
  'INVALID_VISITOR',
  /** This server has as many viewers as its workers take (its ceiling): try again later, or another server. */
  'SERVER_FULL',
  /** Not enough free disk space to record or take an upload (the floor DISK_FLOOR_MB is kept free). */
  'DISK_FULL',
  /** Not possible right now, for a while: the service is starting or full (HTTP 503; try again later). */
  'UNAVAILABLE',
  /** Anything unexpected; details are in the server log, not on the wire. */
  'INTERNAL',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];
