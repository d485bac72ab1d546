import { createWriteStream, lstatSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { LANGUAGE_NAMES, LANGUAGES, FilmDetails, type FilmInfo, type Language } from '@hybrid-stage/shared';
import { parseWebVtt } from '../captions/webvtt';
import { AppError, NotFoundError } from '../errors';
import type { DiskSpace } from '../files/DiskSpace';
import { PRIVATE_FILE_MODE, privateDir, sweepLeftovers } from '../files/privateFiles';
import type { Logger } from '../logger';
import { probeMedia } from '../media/mediaProbe';

/** Video containers the cinema serves, by file extension. */
const VIDEO_TYPES = { webm: 'video/webm', mp4: 'video/mp4' } as const;
type VideoExtension = keyof typeof VIDEO_TYPES;

/**
 * The only names a film file may have: `<id>.webm`, `<id>.mp4`, `<id>.<language>.vtt`, `<id>.json`.
 * Anything else (slashes, backslashes, dots in the stem, "%", NUL) names no file of the library.
 */
const FILE_NAME = /^([a-z0-9][a-z0-9-]{0,62})(?:\.(webm|mp4|json)|\.([a-z]{2})\.vtt)$/;

/** Where the films' files are served (see filmRoutes). */
export const FILE_URL = '/api/films/files/';

/** A partial upload's name (see saveVideo): `.<film>.<ext>.upload-<pid>-<time>`. */
const PARTIAL_UPLOAD = /^\.[a-z0-9][a-z0-9-]{0,62}\.(webm|mp4)\.upload-\d+-\d+$/;

/** Options of a {@link FilmLibrary}. */
export interface FilmLibraryOptions {
  /** DATA_DIR/films: admins upload here or place files here by hand. */
  dir: string;
  /** Largest video upload, in bytes. */
  maxVideoBytes: number;
  /** Free space where uploads go: an upload that would take it under its floor is refused (DISK_FULL). */
  disk?: DiskSpace;
  logger: Logger;
}

/** While an upload streams in, free space is looked at again after each this many bytes. */
const DISK_RECHECK_BYTES = 8 * 1024 * 1024;

/**
 * The cinema's films: a directory of video files with WebVTT tracks per language beside them
 * (`intro.webm`, `intro.en.vtt`, `intro.ja.vtt`) and optional details (`intro.json`: title,
 * description). Files placed there by hand appear at the next listing. Only names of that shape are
 * ever opened, and only inside the directory.
 */
export class FilmLibrary {
  readonly #options: FilmLibraryOptions;
  /** Film lengths by file, size and modification time: ffprobe runs once per file version. */
  readonly #durations = new Map<string, number | null>();

  constructor(options: FilmLibraryOptions) {
    this.#options = options;
    privateDir(options.dir);
    // An upload cut short by a crash or a kill left its partial file.
    sweepLeftovers(options.dir, (name) => PARTIAL_UPLOAD.test(name), options.logger);
  }

  /** The films directory. */
  get dir(): string {
    return this.#options.dir;
  }

  /** Every film with a video file, by id. */
  async list(): Promise<FilmInfo[]> {
    const names = this.#names();
    const films: FilmInfo[] = [];
    for (const name of names) {
      const match = FILE_NAME.exec(name);
      if (match?.[2] === 'webm' || match?.[2] === 'mp4') films.push(await this.#film(match[1]!, match[2], names));
    }
    return films.sort((a, b) => a.title.localeCompare(b.title));
  }

  /** One film; NOT_FOUND when it has no video file. */
  async get(filmId: string): Promise<FilmInfo> {
    const names = this.#names();
    const ext = (Object.keys(VIDEO_TYPES) as VideoExtension[]).find((e) => names.includes(`${filmId}.${e}`));
    if (!ext) throw new NotFoundError('film', filmId);
    return this.#film(filmId, ext, names);
  }

  /**
   * The path of one of the library's files, from a name as requested: INVALID_REQUEST for anything
   * not shaped like a film file's name, NOT_FOUND for a name that is not a regular file in the
   * directory (links are not followed: nothing outside the directory is ever served).
   */
  resolve(name: string): string {
    if (!FILE_NAME.test(name)) throw new AppError('INVALID_REQUEST', 'not the name of a film file');
    const path = join(this.#options.dir, name);
    if (!isRegularFile(path)) throw new NotFoundError('film file', name);
    return path;
  }

  /**
   * Stores an uploaded video for a film from a stream (at most `maxVideoBytes`), replacing the one
   * it had once ffprobe has found a video stream in it; the film is unchanged when anything fails.
   */
  async saveVideo(filmId: string, type: string, body: Readable, declaredBytes = 0): Promise<FilmInfo> {
    const ext = (Object.entries(VIDEO_TYPES) as Array<[VideoExtension, string]>).find(([, t]) => t === type)?.[0];
    if (!ext) throw new AppError('INVALID_REQUEST', `send the video as ${Object.values(VIDEO_TYPES).join(' or ')}`);
    // Before a byte is written: the size the client declared must fit above the floor.
    const { disk } = this.#options;
    disk?.assertRoom('take this upload', declaredBytes);
    const target = join(this.#options.dir, `${filmId}.${ext}`);
    const partial = join(this.#options.dir, `.${filmId}.${ext}.upload-${process.pid}-${Date.now()}`);
    const max = this.#options.maxVideoBytes;
    let bytes = 0;
    let checkedAt = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        if (bytes > max) return done(new AppError('INVALID_REQUEST', `a film is at most ${Math.floor(max / 1_000_000)} MB`));
        // A body without a declared length (or one the disk filled meanwhile) is stopped at the floor.
        if (disk && bytes - checkedAt >= DISK_RECHECK_BYTES) {
          checkedAt = bytes;
          try {
            disk.assertRoom('take the rest of this upload');
          } catch (error) {
            return done(error as Error);
          }
        }
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, limit, createWriteStream(partial, { flags: 'wx', mode: PRIVATE_FILE_MODE }));
      const probe = await probeMedia(partial, ext).catch(() => undefined);
      if (!probe?.codecs.video) throw new AppError('INVALID_REQUEST', 'the file holds no video that can be read');
      for (const other of Object.keys(VIDEO_TYPES)) if (other !== ext) rmSync(join(this.#options.dir, `${filmId}.${other}`), { force: true });
      renameSync(partial, target);
    } catch (error) {
      rmSync(partial, { force: true });
      if (error instanceof AppError) throw error;
      throw new AppError('INVALID_REQUEST', 'the upload did not complete');
    }
    this.#options.logger.info({ filmId, bytes }, 'film video stored');
    return this.get(filmId);
  }

  /** Stores a film's captions in one language, once they parse as WebVTT. */
  async saveTrack(filmId: string, language: Language, text: string): Promise<FilmInfo> {
    await this.get(filmId);
    const cues = parseWebVtt(text);
    writeFileSync(join(this.#options.dir, `${filmId}.${language}.vtt`), text);
    this.#options.logger.info({ filmId, language, cues: cues.length }, 'film captions stored');
    return this.get(filmId);
  }

  /** Stores a film's title and description. */
  async saveDetails(filmId: string, details: FilmDetails): Promise<FilmInfo> {
    await this.get(filmId);
    writeFileSync(join(this.#options.dir, `${filmId}.json`), JSON.stringify(details, null, 2));
    return this.get(filmId);
  }

  /** Removes a film's video, tracks and details. */
  async delete(filmId: string): Promise<void> {
    await this.get(filmId);
    for (const name of this.#names()) if (FILE_NAME.exec(name)?.[1] === filmId) rmSync(join(this.#options.dir, name), { force: true });
  }

  /** The names of the regular files in the directory shaped like a film file's. */
  #names(): string[] {
    return readdirSync(this.#options.dir).filter((n) => FILE_NAME.test(n) && isRegularFile(join(this.#options.dir, n)));
  }

  async #film(id: string, ext: VideoExtension, names: string[]): Promise<FilmInfo> {
    let details: FilmDetails = { title: id.replace(/-/g, ' '), description: '' };
    if (names.includes(`${id}.json`)) {
      try {
        details = FilmDetails.parse(JSON.parse(readFileSync(join(this.#options.dir, `${id}.json`), 'utf8')));
      } catch {
        this.#options.logger.warn({ filmId: id }, 'film details are not valid; using the file name');
      }
    }
    const tracks = LANGUAGES.filter((l) => names.includes(`${id}.${l}.vtt`)).map((language) => ({
      language,
      label: LANGUAGE_NAMES[language],
      src: `${FILE_URL}${id}.${language}.vtt`,
    }));
    return {
      id,
      title: details.title,
      description: details.description,
      src: `${FILE_URL}${id}.${ext}`,
      type: VIDEO_TYPES[ext],
      durationMs: await this.#duration(`${id}.${ext}`),
      tracks,
    };
  }

  async #duration(name: string): Promise<number | null> {
    const path = join(this.#options.dir, name);
    const { size, mtimeMs } = statSync(path);
    const key = `${name}:${size}:${mtimeMs}`;
    if (!this.#durations.has(key)) {
      const ext = name.slice(name.lastIndexOf('.') + 1) as VideoExtension;
      this.#durations.set(key, await probeMedia(path, ext).then((p) => p.durationMs, () => null));
    }
    return this.#durations.get(key) ?? null;
  }
}

/** Whether `path` is a regular file itself (not a link, directory or device). */
function isRegularFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}
