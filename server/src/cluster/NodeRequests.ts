/**
 * Requests between the nodes of a cluster, over socket.io's own engine: `serverSideEmit` on the
 * Redis Streams adapter (Redis pub/sub underneath). No protocol of our own beside it: a request is
 * an event every other node receives, and each one acknowledges it; only the origin answers with
 * data, the others with `null`. The adapter counts the nodes it waits for from Redis's subscribers
 * (PUBSUB NUMSUB), so a node killed with SIGKILL, whose Redis connection closes with it, is not
 * waited for.
 */
import { z } from 'zod';
import { ERROR_CODES, NodeName, type EventInfo, type WireError } from '@hybrid-stage/shared';
import { AppError } from '../errors';
import type { RelayAnswer } from './ProgramRelay';

/** What a node acknowledges a request with: the origin's result, or `null` from a node that does not answer such requests. */
export type NodeAnswer<T> = { ok: true; data: T } | { ok: false; error: WireError } | null;

/** A channel's pipe to one edge (released by the edge, lost on the origin). */
export const RelayKey = z.strictObject({ edgeNodeId: NodeName, channelId: z.string().min(1).max(64) });
export type RelayKey = z.infer<typeof RelayKey>;

/** An origin's word that it has started serving the edges. */
export const OriginUp = z.strictObject({ nodeId: NodeName });

/** The events nodes send each other (socket.io's "server-side events"). */
export interface NodeEvents {
  /** An edge asks for a channel's program ({@link RelayRequest}); the origin answers with a {@link RelayAnswer}. */
  'relay:open': (request: unknown, ack: (answer: NodeAnswer<RelayAnswer>) => void) => void;
  /** An edge has no viewer of the channel any more: the origin closes its half. */
  'relay:release': (key: unknown) => void;
  /** The origin's half closed under it (the bus was rebuilt): the edge closes its half and asks again. */
  'relay:lost': (key: unknown) => void;
  /**
   * An origin has started its work (it took the lease): every pipe an edge holds is from an origin
   * that is gone, so the edge closes them and asks the new one.
   */
  'origin:up': (announcement: unknown) => void;
  /** An edge asks for the event as clients see it (its live parts are the origin's). */
  'event:get': (request: unknown, ack: (answer: NodeAnswer<EventInfo>) => void) => void;
}

/**
 * The part of socket.io's server that sends server-side events. With an acknowledgement callback
 * it collects every other node's answer; after the adapter's own timeout (5 s) it calls back with
 * an error and the answers it has, so one stuck node does not hide the origin's answer.
 */
export interface ServerSideEmitter {
  serverSideEmit(event: string, payload: unknown, ack: (error: Error | null, answers: unknown[]) => void): unknown;
}

const WireAnswer = z.union([
  z.null(),
  z.strictObject({ ok: z.literal(true), data: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: z.strictObject({ code: z.enum(ERROR_CODES), message: z.string().max(2000) }) }),
]);

/**
 * Sends `event` to every other node and returns the origin's data. No origin among the answers
 * (none is up, or it has not answered in time) is INVALID_STATE, which clients retry; the origin's
 * refusal is thrown with its own code.
 */
export async function askOrigin<T>(io: ServerSideEmitter, event: 'relay:open' | 'event:get', payload: unknown): Promise<T> {
  const answers = await new Promise<unknown[]>((resolve) => io.serverSideEmit(event, payload, (_error, answers) => resolve(answers ?? [])));
  for (const raw of answers) {
    const answer = WireAnswer.safeParse(raw);
    if (!answer.success || answer.data === null) continue;
    if (answer.data.ok) return answer.data.data as T;
    throw new AppError(answer.data.error.code, answer.data.error.message);
  }
  throw new AppError('INVALID_STATE', 'no origin is running in the cluster just now: try again in a moment');
}
