import type { Response } from 'express';
import { NotFoundError } from '../errors';

type SendFileOptions = Parameters<Response['sendFile']>[1];

/**
 * Sends a file with range requests (express' sendFile), answering as the failure is: a range outside
 * the file is 416 with `Content-Range: bytes *\/<size>` (RFC 9110; a player then asks again
 * without one), and a file that cannot be read is NOT_FOUND for `what` `id`.
 */
export function sendFileAnswering(res: Response, path: string, options: SendFileOptions, what: string, id: string): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    res.sendFile(path, options ?? {}, (error?: Error & { status?: number; headers?: Record<string, string> }) => {
      if (!error || res.headersSent) return resolve();
      if (error.status === 416) {
        for (const [name, value] of Object.entries(error.headers ?? {})) res.setHeader(name, value);
        res.status(416).json({ error: { code: 'INVALID_REQUEST', message: 'the requested range is outside the file' } });
        return resolve();
      }
      reject(new NotFoundError(what, id));
    }),
  );
}
