import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { ErrorCode } from '@hybrid-stage/shared';
import { AppError, toWireError } from '../errors';
import type { Logger } from '../logger';

/** The HTTP status of each error code. */
const STATUS: Record<ErrorCode, number> = {
  INVALID_REQUEST: 400,
  PROTOCOL_MISMATCH: 400,
  UNAUTHORIZED: 401,
  REGISTRATION_REQUIRED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_STATE: 409,
  CANNOT_CONSUME: 409,
  RATE_LIMITED: 429,
  ORIGIN_ONLY: 421,
  NODE_FULL: 503,
  INVALID_VISITOR: 401,
  SERVER_FULL: 503,
  DISK_FULL: 507,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

/** Parses a request body with its schema, or throws INVALID_REQUEST saying what is wrong. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new AppError('INVALID_REQUEST', z.prettifyError(parsed.error));
  return parsed.data;
}

/** An async route whose rejections reach the error handler. */
export function route(handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => void handler(req, res).catch(next);
}

/**
 * Checks that must pass before a large body is read (the token, its scope): as a middleware ahead
 * of the body parser, so a caller without the right token cannot make the server take in a
 * megabyte first. A refusal closes the connection, whose unread body cannot carry another request.
 */
export function beforeBody(check: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) =>
    void check(req, res).then(
      () => next(),
      (error: unknown) => {
        res.setHeader('Connection', 'close');
        next(error);
      },
    );
}

/** Answers every error as `{ error: { code, message } }` with the matching status; never a stack trace. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const status = (error as { status?: number; type?: string }).status;
    if (!(error instanceof AppError) && status && status >= 400 && status < 500) {
      // express.json's refusals (malformed JSON, a body over the limit), express' own (a malformed URL).
      const message = status === 413 ? 'request body too large' : (error as { type?: string }).type ? 'malformed request body' : 'malformed request';
      res.status(status).json({ error: { code: status === 404 ? 'NOT_FOUND' : 'INVALID_REQUEST', message } });
      return;
    }
    if (!(error instanceof AppError)) logger.error({ err: error }, 'HTTP request failed');
    const wire = toWireError(error);
    res.status(STATUS[wire.code]).json({ error: wire });
  };
}
