// The server's files hold personal data (registrations in the database, caption text, recordings
// of people): nobody else on the machine reads them. Directories are 0700 and files 0600, made so
// when created and corrected at startup for an install made before.
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logger';

/** Only the server's user may list, read or enter. */
export const PRIVATE_DIR_MODE = 0o700;
/** Only the server's user may read or write. */
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and its parents) if missing, and makes it private whatever mode it had. */
export function privateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
  return dir;
}

/** Makes each existing file of `paths` private (those missing are skipped). */
export function makePrivate(...paths: string[]): void {
  for (const path of paths) if (existsSync(path)) chmodSync(path, PRIVATE_FILE_MODE);
}

/**
 * Removes the files of `dir` whose names `isLeftover` picks: what a crash or a kill left half done
 * (partial uploads, a recorder's SDP file). Returns their names.
 */
export function sweepLeftovers(dir: string, isLeftover: (name: string) => boolean, logger: Logger): string[] {
  const swept = readdirSync(dir).filter(isLeftover);
  for (const name of swept) rmSync(join(dir, name), { force: true, recursive: true });
  if (swept.length) logger.info({ dir, files: swept }, 'removed what an earlier run left half done');
  return swept;
}
