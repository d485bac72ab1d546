import { pino, type Logger } from 'pino';

export type { Logger };

/** The structured logger: JSON lines on stdout, one child per component. */
export function createLogger(level: string): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
}
