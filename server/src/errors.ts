import type { ErrorCode, WireError } from '@hybrid-stage/shared';

/** An error whose code and message may be shown to clients. */
export class AppError extends Error {
  constructor(
    /** Stable code clients can rely on. */
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Thrown by calls on an object that has been closed. */
export class InvalidStateError extends AppError {
  constructor(message: string) {
    super('INVALID_STATE', message);
    this.name = 'InvalidStateError';
  }
}

/** Thrown when an id names nothing the caller may use. */
export class NotFoundError extends AppError {
  constructor(what: string, id: string) {
    super('NOT_FOUND', `${what} ${id} not found`);
    this.name = 'NotFoundError';
  }
}

/** What a client is told about any thrown value: AppErrors as they are, anything else as INTERNAL. */
export function toWireError(error: unknown): WireError {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: 'internal error' };
}

/** A reason the server cannot start that the operator can fix (a busy port, a wrong setting). */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
