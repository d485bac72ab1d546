import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordingInfo, RecordingStatus } from '@hybrid-stage/shared';
import type { Agenda } from '../agenda/Agenda';
import { AppError, NotFoundError } from '../errors';
import type { DiskSpace } from '../files/DiskSpace';
import { privateDir, sweepLeftovers } from '../files/privateFiles';
import type { Logger } from '../logger';
import { probeMedia } from '../media/mediaProbe';
import type { ChannelRegistry } from '../program/ChannelRegistry';
import type { RecordingPackager } from '../hls/RecordingPackager';
import { Recorder } from './Recorder';
import type { RecordingStore, StoredRecording } from './RecordingStore';

/** While something records, producers get the growing sizes this often. */
const PROGRESS_INTERVAL_MS = 5000;
/** Automatic recording looks at the agenda this often. */
const AGENDA_CHECK_MS = 1000;
/** After a media worker died under a recording, a new part is tried this often, this many times, while the channel is rebuilt. */
const CONTINUE_RETRY_MS = 500;
/**
 * How long ffmpeg may take to finish a file when the server stops: the whole stop must fit in the
 * 10 s orchestrators give (main.ts cuts it at 8 s), and the file is live Matroska, flushed packet
 * by packet, so a kill after this loses only what ffmpeg still held.
 */
const CLOSE_GRACE_MS = 2000;
const CONTINUE_TRIES = 40;

/** Events of a {@link RecordingRegistry}. */
export interface RecordingRegistryEvents {
  /** A recording started, stopped or grew; read {@link RecordingRegistry.list}. */
  changed: [];
}

/** Options of a {@link RecordingRegistry}. */
export interface RecordingRegistryOptions {
  store: RecordingStore;
  /** Recordings packaged as HLS: a deleted recording's go with it. */
  packager?: RecordingPackager;
  channels: ChannelRegistry;
  agenda: Agenda;
  /** Where the files go (DATA_DIR/recordings). */
  dir: string;
  /** Whether each channel's sessions are recorded by themselves, split at every session's start and end. */
  recordSessions: boolean;
  /** Free space where the files go: no recording starts under its floor, and running ones stop when it is reached. */
  disk?: DiskSpace;
  /** Finished recordings older than this many days are deleted (not those a re-run is scheduled from); 0 keeps them. */
  retentionDays?: number;
  /** Deletes a recording as producers do (the ReRunScheduler's, which keeps those re-runs use). */
  deleteForRetention?: (recordingId: string) => Promise<void>;
  logger: Logger;
}

/** Free space is looked at this often while something records. */
const DISK_CHECK_MS = 2000;
/** Old recordings are looked for this often (and at start). */
const RETENTION_CHECK_MS = 3_600_000;

/** One channel's recording in progress. */
interface Active {
  readonly recording: StoredRecording;
  readonly recorder: Recorder;
}

/**
 * The recordings of the channels' programs: at most one in progress per channel, started and
 * stopped by producers or, with `recordSessions`, at each agenda session's start and end. A
 * recording ffmpeg or the server lost on the way is kept as "interrupted", playable up to there.
 */
export class RecordingRegistry extends EventEmitter<RecordingRegistryEvents> {
  readonly #options: RecordingRegistryOptions;
  readonly #active = new Map<string, Active>();
  /** Channels with a start or stop under way, so two cannot race. */
  readonly #busy = new Set<string>();
  /** Per channel, the session a producer stopped by hand: not started again automatically. */
  readonly #stoppedByHand = new Map<string, string | null>();
  readonly #progress: NodeJS.Timeout;
  readonly #agendaTimer: NodeJS.Timeout | undefined;
  readonly #diskTimer: NodeJS.Timeout | undefined;
  readonly #retentionTimer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Stops and interruptions under way, which a close waits for. */
  readonly #pending = new Set<Promise<unknown>>();

  constructor(options: RecordingRegistryOptions) {
    super();
    this.#options = options;
    // Private (recordings show people); a recorder's SDP file left by a crash goes.
    privateDir(options.dir);
    sweepLeftovers(options.dir, (name) => name.endsWith('.sdp'), options.logger);
    this.#progress = setInterval(() => {
      if (this.#active.size > 0) this.emit('changed');
    }, PROGRESS_INTERVAL_MS);
    if (options.recordSessions) this.#agendaTimer = setInterval(() => this.#followAgenda(), AGENDA_CHECK_MS);
    if (options.disk) this.#diskTimer = setInterval(() => this.#watchDisk(), DISK_CHECK_MS);
    if (options.retentionDays) this.#retentionTimer = setInterval(() => void this.pruneOld(), RETENTION_CHECK_MS);
  }

  /**
   * Deletes finished recordings that ended more than `retentionDays` ago, except those a re-run is
   * scheduled from or playing (kept until it has played); resolves with the ids deleted.
   */
  async pruneOld(now = Date.now()): Promise<string[]> {
    const { retentionDays, deleteForRetention, logger } = this.#options;
    if (!retentionDays || !deleteForRetention || this.#closed) return [];
    const before = now - retentionDays * 86_400_000;
    const deleted: string[] = [];
    for (const recording of await this.#options.store.all()) {
      if (recording.status === 'recording' || (recording.endedAtMs ?? recording.startedAtMs) >= before) continue;
      try {
        await deleteForRetention(recording.id);
        deleted.push(recording.id);
      } catch (err) {
        logger.info({ err, recordingId: recording.id }, 'recording past its retention kept for now');
      }
    }
    if (deleted.length) logger.info({ recordings: deleted.length, retentionDays }, 'deleted recordings past their retention');
    return deleted;
  }

  /** Under the disk's floor, every recording is stopped and finished, rather than fill the disk and take the database with it. */
  #watchDisk(): void {
    if (this.#active.size === 0 || this.#closed) return;
    let low: boolean;
    try {
      low = this.#options.disk!.low;
    } catch (err) {
      this.#options.logger.error({ err }, 'cannot read the free disk space');
      return;
    }
    if (!low) return;
    for (const channelId of this.#active.keys()) {
      if (this.#busy.has(channelId)) continue;
      this.#options.logger.error({ channelId, floorBytes: this.#options.disk!.floorBytes }, 'free disk space under the floor: stopping the recording');
      this.stop(channelId).catch((err: unknown) => this.#options.logger.error({ err, channelId }, 'cannot stop the recording'));
    }
  }

  /** Marks recordings a crash left unfinished as interrupted, with the length their files have. */
  async recover(): Promise<void> {
    for (const recording of await this.#options.store.unfinished()) {
      await this.#finish(recording, 'interrupted', null);
      this.#options.logger.warn({ recordingId: recording.id, channelId: recording.channelId }, 'recording was cut short by a crash; kept as interrupted');
    }
  }

  /** Every recording, newest first, with its file's size now. */
  async list(): Promise<RecordingInfo[]> {
    return (await this.#options.store.all()).map((r) => this.#info(r));
  }

  /** One recording; NOT_FOUND when there is none. */
  async get(recordingId: string): Promise<RecordingInfo> {
    return this.#info(await this.#stored(recordingId));
  }

  /** The path of a recording's file. */
  async file(recordingId: string): Promise<string> {
    return join(this.#options.dir, (await this.#stored(recordingId)).file);
  }

  /** The newest finished recording of a session, if there is one. */
  playable(sessionId: string): Promise<StoredRecording | undefined> {
    return this.#options.store.playable(sessionId);
  }

  /**
   * Deletes a finished recording: its file and its entry. INVALID_STATE while it is still being
   * recorded. (Re-runs from it are the ReRunScheduler's to check: see its `deleteRecording`.)
   */
  async deleteRecording(recordingId: string): Promise<void> {
    const recording = await this.#stored(recordingId);
    if (recording.status === 'recording') throw new AppError('INVALID_STATE', 'this recording is still running: stop it first');
    await this.#options.store.delete(recordingId);
    rmSync(join(this.#options.dir, recording.file), { force: true });
    this.#options.packager?.remove(recordingId);
    this.#options.logger.info({ recordingId, file: recording.file }, 'recording deleted');
    this.emit('changed');
  }

  /** The recording in progress on a channel, if any. */
  active(channelId: string): RecordingInfo | undefined {
    const active = this.#active.get(channelId);
    return active && this.#info(active.recording);
  }

  /** The ffmpeg writing a channel's recording (for operators and tests that must kill it). */
  recorderPid(channelId: string): number | undefined {
    return this.#active.get(channelId)?.recorder.pid;
  }

  /** Starts recording a channel's program; INVALID_STATE when it already records. */
  async start(channelId: string, trigger: 'manual' | 'session' = 'manual'): Promise<RecordingInfo> {
    this.#assertOpen();
    const bus = this.#options.channels.bus(channelId);
    this.#options.disk?.assertRoom('start a recording');
    if (this.#active.has(channelId) || this.#busy.has(channelId)) throw new AppError('INVALID_STATE', `${bus.config.name} is already recording`);
    this.#busy.add(channelId);
    try {
      const id = randomUUID();
      const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '');
      const file = `${channelId}-${stamp}-${id.slice(0, 8)}.webm`;
      const recorder = await Recorder.start({
        router: bus.router,
        producers: bus.producers,
        file: join(this.#options.dir, file),
        logger: this.#options.logger,
        what: `recorder ${channelId}`,
      });
      const recording: StoredRecording = {
        id,
        channelId,
        sessionId: this.#options.agenda.sessionAt(channelId, recorder.startedAtMs)?.id ?? null,
        file,
        startedAtMs: recorder.startedAtMs,
        endedAtMs: null,
        durationMs: null,
        status: 'recording',
        trigger,
      };
      try {
        await this.#options.store.insert(recording);
      } catch (error) {
        // Not stored, so not a recording: the file would be nobody's (nothing in it worth finishing).
        recorder.close();
        rmSync(join(this.#options.dir, file), { force: true });
        throw error;
      }
      if (this.#closed) {
        await recorder.stop(CLOSE_GRACE_MS);
        await this.#finish(recording, 'done', Date.now());
        throw new AppError('INVALID_STATE', 'the server is stopping');
      }
      this.#active.set(channelId, { recording, recorder });
      recorder.once('interrupted', (reason, programLost) => void this.#onInterrupted(channelId, recording, reason, programLost));
      this.#options.logger.info({ recordingId: id, channelId, sessionId: recording.sessionId, trigger }, 'recording started');
      this.emit('changed');
      return this.#info(recording);
    } finally {
      this.#busy.delete(channelId);
    }
  }

  /**
   * Stops a channel's recording, lets ffmpeg finish the file, and returns it with its length.
   * `byHand`: a producer stopped it, so the agenda does not start it again in the same session.
   * While the server stops, ffmpeg gets {@link CLOSE_GRACE_MS}.
   */
  stop(channelId: string, { byHand = true } = {}): Promise<RecordingInfo> {
    return this.#track(this.#stop(channelId, byHand));
  }

  async #stop(channelId: string, byHand: boolean): Promise<RecordingInfo> {
    const bus = this.#options.channels.bus(channelId);
    const active = this.#active.get(channelId);
    if (this.#busy.has(channelId)) throw new AppError('INVALID_STATE', `${bus.config.name} is starting or stopping a recording; try again`);
    if (!active) throw new AppError('INVALID_STATE', `${bus.config.name} is not recording`);
    if (byHand) this.#stoppedByHand.set(channelId, active.recording.sessionId);
    this.#busy.add(channelId);
    try {
      this.#active.delete(channelId);
      await active.recorder.stop(this.#closed ? CLOSE_GRACE_MS : undefined);
      const finished = await this.#finish(active.recording, 'done', Date.now());
      this.#options.logger.info({ recordingId: finished.id, channelId, durationMs: finished.durationMs }, 'recording stopped');
      this.emit('changed');
      return this.#info(finished);
    } finally {
      this.#busy.delete(channelId);
    }
  }

  /**
   * Stops every recording, each file finished within the time a server stop has, and waits for
   * stops already under way, so nothing writes to the store after it. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#progress);
    clearInterval(this.#agendaTimer);
    clearInterval(this.#diskTimer);
    clearInterval(this.#retentionTimer);
    for (const channelId of this.#active.keys()) this.stop(channelId, { byHand: false }).catch(() => undefined);
    await Promise.allSettled([...this.#pending]);
  }

  /** Keeps `work` among the stops and interruptions a close waits for. */
  #track<T>(work: Promise<T>): Promise<T> {
    this.#pending.add(work);
    const done = () => this.#pending.delete(work);
    work.then(done, done);
    return work;
  }

  /** With automatic recording: a new session on a channel starts a new file; the end of the last one stops it. */
  #followAgenda(): void {
    const { agenda, channels } = this.#options;
    const now = Date.now();
    for (const channel of channels.list()) {
      if (this.#busy.has(channel.id) || !agenda.sessions.some((s) => s.channelId === channel.id)) continue;
      const session = agenda.sessionAt(channel.id, now);
      const active = this.#active.get(channel.id);
      const sessionId = session?.id ?? null;
      if (active && active.recording.sessionId === sessionId) continue;
      if (!active && (!session || this.#stoppedByHand.get(channel.id) === sessionId)) continue;
      const next = async () => {
        if (active) await this.stop(channel.id, { byHand: false });
        // Under the disk's floor the next session waits (its start would be refused every second).
        if (session && !this.#closed && !this.#options.disk?.low) await this.start(channel.id, 'session');
      };
      next().catch((err) => this.#options.logger.error({ err, channelId: channel.id }, 'automatic recording failed'));
    }
  }

  async #onInterrupted(channelId: string, recording: StoredRecording, reason: string, programLost: boolean): Promise<void> {
    if (this.#active.get(channelId)?.recording.id === recording.id) this.#active.delete(channelId);
    this.#options.logger.error({ recordingId: recording.id, channelId, reason }, 'recording interrupted; the file is kept up to here');
    await this.#track(this.#finish(recording, 'interrupted', Date.now()));
    this.emit('changed');
    if (programLost) await this.#continue(channelId, recording);
  }

  /**
   * The program went away with its media worker: once the channel is rebuilt on the replacement,
   * recording goes on in a new file (a new part of the same session), unless someone stopped or
   * started one meanwhile.
   */
  async #continue(channelId: string, interrupted: StoredRecording): Promise<void> {
    for (let attempt = 1; attempt <= CONTINUE_TRIES; attempt++) {
      await new Promise((r) => setTimeout(r, CONTINUE_RETRY_MS));
      if (this.#closed || this.#active.has(channelId) || this.#busy.has(channelId)) return;
      // A session's recording goes on only while that session is still on (else the agenda follower
      // decides, and a part started here would belong to no session and never be stopped by it).
      if (interrupted.trigger === 'session' && this.#options.agenda.sessionAt(channelId, Date.now())?.id !== interrupted.sessionId) return;
      try {
        const part = await this.start(channelId, interrupted.trigger);
        this.#options.logger.info({ recordingId: part.id, after: interrupted.id, channelId }, 'recording goes on in a new file after the media worker restarted');
        return;
      } catch {
        // The channel's bus is not rebuilt yet: try again in a moment.
      }
    }
    this.#options.logger.error({ channelId, after: interrupted.id }, 'cannot go on recording after the media worker restarted');
  }

  /**
   * Stores how a recording ended, with the length ffprobe finds in its file (failed when it cannot
   * be read). While the server stops, ffprobe, which reads every packet of the file (seconds for an
   * hour of video), would not fit in the stop; the length of a recording that ended then is the
   * wall-clock time it ran instead (its packets are timed by arrival, `use_wallclock_as_timestamps`,
   * so the two differ by the moment ffmpeg took to start).
   */
  async #finish(recording: StoredRecording, status: RecordingStatus, endedAtMs: number | null): Promise<StoredRecording> {
    let durationMs: number | null = null;
    let finalStatus = status;
    if (this.#closed && endedAtMs !== null) durationMs = endedAtMs - recording.startedAtMs;
    else {
      try {
        durationMs = (await probeMedia(join(this.#options.dir, recording.file), 'webm')).durationMs;
      } catch {
        finalStatus = 'failed';
      }
    }
    const ended = endedAtMs ?? (durationMs === null ? recording.startedAtMs : recording.startedAtMs + durationMs);
    await this.#options.store.finish(recording.id, finalStatus, ended, durationMs);
    return { ...recording, status: finalStatus, endedAtMs: ended, durationMs };
  }

  async #stored(recordingId: string): Promise<StoredRecording> {
    const recording = await this.#options.store.get(recordingId);
    if (!recording) throw new NotFoundError('recording', recordingId);
    return recording;
  }

  #info(r: StoredRecording): RecordingInfo {
    let sizeBytes = 0;
    try {
      sizeBytes = statSync(join(this.#options.dir, r.file)).size;
    } catch {
      // No file (yet): size 0.
    }
    const { file: _file, ...info } = r;
    return { ...info, sizeBytes };
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError('INVALID_STATE', 'the server is stopping');
  }
}
