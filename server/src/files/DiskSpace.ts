import { statfsSync } from 'node:fs';
import { AppError } from '../errors';

const MB = 1024 * 1024;

/**
 * Free space on the file system of a directory (DATA_DIR's), against a floor kept free
 * (DISK_FLOOR_MB): recordings and uploads must not fill the disk, where SQLite, the journals and
 * the recordings being finished need room to write.
 */
export class DiskSpace {
  constructor(
    readonly dir: string,
    readonly floorBytes: number,
  ) {}

  /** Bytes an unprivileged writer may still use (statfs's bavail). */
  freeBytes(): number {
    const stats = statfsSync(this.dir);
    return stats.bavail * stats.bsize;
  }

  /** Whether free space is under the floor. */
  get low(): boolean {
    return this.freeBytes() < this.floorBytes;
  }

  /** DISK_FULL unless `needBytes` more would still leave the floor free. */
  assertRoom(what: string, needBytes = 0): void {
    const free = this.freeBytes();
    if (free - needBytes >= this.floorBytes) return;
    throw new AppError(
      'DISK_FULL',
      `not enough free disk space to ${what}: ${Math.floor(free / MB)} MB free${needBytes ? `, ${Math.ceil(needBytes / MB)} MB needed` : ''}, ${Math.round(this.floorBytes / MB)} MB kept free (DISK_FLOOR_MB)`,
    );
  }
}
