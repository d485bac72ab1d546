import { z } from 'zod';
import { Requests, type Ack, type Grant, type RequestName, type ViewerAccess } from '@hybrid-stage/shared';
import { assertMay, assertRegisteredIfAsked } from '../access/permissions';
import { AppError, toWireError } from '../errors';
import type { Logger } from '../logger';
import type { Handlers } from './handlers';
import type { RateLimiter } from '../limits/RateLimiter';

/** What one connection's requests are answered with and checked against. */
export interface Caller {
  grant: Grant;
  /** Whether it connected with an access token (an invite link or a viewer registration). */
  hasToken: boolean;
  /** How viewers get in: a registered event refuses token-less callers almost everything. */
  viewers: ViewerAccess;
  handlers: Handlers;
  limiter: RateLimiter;
  logger: Logger;
}

/**
 * One request through the pipeline every request takes: rate limit, registration and permission
 * (the shared operation table), the payload parsed with its zod schema, the handler, and the
 * acknowledgement envelope. Never throws: every refusal or failure is an error acknowledgement.
 */
export async function dispatch(caller: Caller, name: RequestName, payload: unknown): Promise<Ack<unknown>> {
  if (!caller.limiter.take()) return { ok: false, error: { code: 'RATE_LIMITED', message: 'too many requests; slow down' } };
  try {
    assertRegisteredIfAsked(caller.viewers, caller.hasToken, name);
    assertMay(caller.grant, name);
  } catch (error) {
    return { ok: false, error: toWireError(error) };
  }
  let parsed;
  try {
    parsed = Requests[name].safeParse(payload);
  } catch {
    // A payload that makes a check itself fail is refused like any bad one, never thrown out of the listener.
    parsed = { success: false as const, error: new z.ZodError([{ code: 'custom', message: 'payload cannot be checked', path: [] }]) };
  }
  if (!parsed.success) return { ok: false, error: { code: 'INVALID_REQUEST', message: `${name}: ${z.prettifyError(parsed.error)}` } };
  const handler = caller.handlers[name] as (request: unknown) => Promise<unknown>;
  try {
    return { ok: true, data: await handler(parsed.data) };
  } catch (error) {
    if (!(error instanceof AppError)) caller.logger.error({ err: error, request: name }, 'request failed');
    return { ok: false, error: toWireError(error) };
  }
}
