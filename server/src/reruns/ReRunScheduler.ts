import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { fromZonedTime } from 'date-fns-tz';
import type { ReRunInfo } from '@hybrid-stage/shared';
import type { Agenda } from '../agenda/Agenda';
import type { CaptionPipeline } from '../captions/CaptionPipeline';
import { AppError, NotFoundError } from '../errors';
import type { Logger } from '../logger';
import type { WorkerPool } from '../media/WorkerPool';
import type { ChannelRegistry } from '../program/ChannelRegistry';
import type { RecordingRegistry } from '../recording/RecordingRegistry';
import type { FeedRegistry } from '../studios/FeedRegistry';
import { ReRunPlayer } from './ReRunPlayer';
import type { StoredRecording } from '../recording/RecordingStore';
import type { ReRunStore, StoredReRun } from './ReRunStore';

/** A timer further out than this is armed again later (setTimeout holds at most ~24.8 days). */
const MAX_TIMER_MS = 6 * 3_600_000;
/** A re-run starts at most this far ahead. */
const MAX_AHEAD_MS = 366 * 24 * 3_600_000;
/** At most this many re-runs are scheduled at once. */
const MAX_SCHEDULED = 500;

/** Events of a {@link ReRunScheduler}. */
export interface ReRunSchedulerEvents {
  /** The schedule changed; read {@link ReRunScheduler.list}. */
  changed: [];
}

/** Options of a {@link ReRunScheduler}. */
export interface ReRunSchedulerOptions {
  store: ReRunStore;
  recordings: RecordingRegistry;
  agenda: Agenda;
  channels: ChannelRegistry;
  feeds: FeedRegistry;
  captions: CaptionPipeline;
  /** Re-run feeds are made on its ingest worker (whichever it is at the time: it may have been replaced). */
  pool: WorkerPool;
  logger: Logger;
}

/** What a producer sets for a re-run. */
export interface ReRunRequest {
  sessionId: string;
  channelId: string;
  /** ISO time. */
  startsAt: string;
  region: string;
}

/** Re-runs of one session, one per place, at the same local time in each (`rerun:plan`). */
export interface ReRunPlan {
  sessionId: string;
  channelId: string;
  /** YYYY-MM-DD, in each place. */
  date: string;
  /** HH:MM, in each place. */
  localTime: string;
  places: ReadonlyArray<{ timeZone: string; region: string }>;
}

/**
 * The re-run schedule: replays of recorded sessions on a channel at a set time, for the audience
 * of a region. Stored in the database; at its time a re-run plays through a {@link ReRunPlayer}. Re-runs
 * on one channel never overlap; a re-run must start in the future and have a recording to play.
 * After a restart, a re-run whose time is under way picks up where it would be.
 */
export class ReRunScheduler extends EventEmitter<ReRunSchedulerEvents> {
  readonly #options: ReRunSchedulerOptions;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #players = new Map<string, ReRunPlayer>();
  /**
   * The schedule as stored, read once at start and updated after each committed write: the
   * scheduler (on the one origin) is the schedule's only writer, and pages read it with every event
   * summary, so reads need not wait for the database.
   */
  readonly #schedule = new Map<string, StoredReRun>();
  #closed = false;

  constructor(options: ReRunSchedulerOptions) {
    super();
    this.#options = options;
  }

  /**
   * Reads the schedule and, with `arm` (the node that plays re-runs), arms it: re-runs under way
   * start where they would be, missed ones are marked failed. Without it (an edge), the schedule is
   * only read, as it stood at start.
   */
  async start(arm: boolean): Promise<void> {
    const now = Date.now();
    for (const rerun of await this.#options.store.all()) {
      this.#schedule.set(rerun.id, rerun);
      if (!arm || (rerun.status !== 'scheduled' && rerun.status !== 'playing')) continue;
      if (rerun.endsAtMs <= now) {
        await this.#save({ ...rerun, status: rerun.status === 'playing' ? 'done' : 'failed' });
      } else {
        this.#arm(rerun);
      }
    }
  }

  /** Every re-run, in start order. */
  list(): ReRunInfo[] {
    return this.#all().map(toInfo);
  }

  /** The feed a re-run plays into, while it plays. */
  feedOf(rerunId: string): string | undefined {
    return this.#players.get(rerunId)?.feed.id;
  }

  /** Schedules a re-run of a session's newest recording. */
  async create(request: ReRunRequest): Promise<ReRunInfo> {
    this.#assertOpen();
    if (this.#all().filter((r) => r.status === 'scheduled').length >= MAX_SCHEDULED) {
      throw new AppError('INVALID_STATE', `at most ${MAX_SCHEDULED} re-runs can wait at once`);
    }
    const recording = await this.#recordingOf(request.sessionId);
    const rerun = await this.#options.store.transaction(async (store) => {
      const checked = await this.#check(store, recording, { id: randomUUID(), status: 'scheduled', playedFromMs: null, ...request });
      await store.save(checked);
      return checked;
    });
    this.#schedule.set(rerun.id, rerun);
    this.#options.logger.info({ rerunId: rerun.id, sessionId: rerun.sessionId, channelId: rerun.channelId, startsAt: request.startsAt }, 're-run scheduled');
    this.#arm(rerun);
    this.emit('changed');
    return toInfo(rerun);
  }

  /**
   * Schedules one re-run of a session per place, each at `localTime` on `date` in the place's time
   * zone ("09:00 in Tokyo, Dubai and São Paulo"): all of them, checked against each other and the
   * schedule, or none.
   */
  async plan({ sessionId, channelId, date, localTime, places }: ReRunPlan): Promise<ReRunInfo[]> {
    this.#assertOpen();
    if (this.#all().filter((r) => r.status === 'scheduled').length + places.length > MAX_SCHEDULED) {
      throw new AppError('INVALID_STATE', `at most ${MAX_SCHEDULED} re-runs can wait at once`);
    }
    const recording = await this.#recordingOf(sessionId);
    const planned = await this.#options.store.transaction(async (store) => {
      const saved: StoredReRun[] = [];
      for (const { timeZone, region } of places) {
        // date-fns-tz: the instant a wall-clock time names in a zone, daylight saving included.
        const startsAt = fromZonedTime(`${date}T${localTime}:00`, timeZone).toISOString();
        const checked = await this.#check(store, recording, { id: randomUUID(), status: 'scheduled', playedFromMs: null, sessionId, channelId, startsAt, region });
        await store.save(checked);
        saved.push(checked);
      }
      return saved;
    });
    for (const rerun of planned) {
      this.#schedule.set(rerun.id, rerun);
      this.#arm(rerun);
    }
    this.#options.logger.info({ sessionId, channelId, date, localTime, places: places.map((p) => p.timeZone) }, 're-runs planned per region');
    this.emit('changed');
    return planned.map(toInfo);
  }

  /** Moves a re-run that has not started yet to another channel, time or region. */
  async update(rerunId: string, changes: Partial<Omit<ReRunRequest, 'sessionId'>>): Promise<ReRunInfo> {
    this.#assertOpen();
    const recording = await this.#recordingOf(this.#stored(rerunId).sessionId);
    const rerun = await this.#options.store.transaction(async (store) => {
      const current = await store.get(rerunId);
      if (!current) throw new NotFoundError('re-run', rerunId);
      if (current.status !== 'scheduled') throw new AppError('INVALID_STATE', `re-run ${rerunId} is ${current.status}; only a scheduled one can change`);
      const checked = await this.#check(store, recording, {
        ...current,
        channelId: changes.channelId ?? current.channelId,
        region: changes.region ?? current.region,
        startsAt: changes.startsAt ?? new Date(current.startsAtMs).toISOString(),
      });
      await store.save(checked);
      return checked;
    });
    this.#schedule.set(rerun.id, rerun);
    this.#arm(rerun);
    this.emit('changed');
    return toInfo(rerun);
  }

  /** Removes a scheduled re-run, or stops one playing (it is kept as done). */
  /**
   * Deletes a recording (see RecordingRegistry.deleteRecording), unless a re-run is scheduled from it
   * or playing it: INVALID_STATE then, naming when, so the producer removes that re-run first.
   */
  async deleteRecording(recordingId: string): Promise<void> {
    this.#assertOpen();
    const user = this.#all().find((r) => r.recordingId === recordingId && (r.status === 'scheduled' || r.status === 'playing'));
    if (user) throw new AppError('INVALID_STATE', `a re-run on ${user.channelId} at ${new Date(user.startsAtMs).toISOString()} is ${user.status} from this recording: remove it first`);
    await this.#options.recordings.deleteRecording(recordingId);
  }

  async delete(rerunId: string): Promise<void> {
    this.#assertOpen();
    const rerun = this.#stored(rerunId);
    clearTimeout(this.#timers.get(rerunId));
    this.#timers.delete(rerunId);
    const player = this.#players.get(rerunId);
    if (player) {
      player.stop();
      await this.#save({ ...rerun, status: 'done' });
      return;
    }
    if (rerun.status === 'scheduled') {
      await this.#options.store.delete(rerunId);
      this.#schedule.delete(rerunId);
    } else throw new AppError('INVALID_STATE', `re-run ${rerunId} is ${rerun.status}`);
    this.emit('changed');
  }

  /** Stops every re-run playing (they pick up again after a restart) and every timer. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    for (const player of this.#players.values()) player.close();
    this.#players.clear();
  }

  /** Validates a re-run as it would be stored: session, channel, recording, time and no overlap. */
  /**
   * The recording a re-run of the session would play, read before the booking's transaction: inside
   * it only the transaction's own store may be used (on SQLite, another query would wait for the
   * connection the transaction holds).
   */
  async #recordingOf(sessionId: string): Promise<StoredRecording | undefined> {
    return this.#options.agenda.get(sessionId) ? this.#options.recordings.playable(sessionId) : undefined;
  }

  async #check(
    store: ReRunStore,
    recording: StoredRecording | undefined,
    r: Omit<StoredReRun, 'startsAtMs' | 'endsAtMs' | 'recordingId'> & { startsAt: string },
  ): Promise<StoredReRun> {
    const { agenda, channels } = this.#options;
    const session = agenda.get(r.sessionId);
    if (!session) throw new NotFoundError('session', r.sessionId);
    const channel = channels.bus(r.channelId).config;
    const startsAtMs = Date.parse(r.startsAt);
    if (!Number.isFinite(startsAtMs) || startsAtMs <= Date.now()) {
      throw new AppError('INVALID_REQUEST', `a re-run must start in the future (${r.startsAt} has passed)`);
    }
    if (startsAtMs > Date.now() + MAX_AHEAD_MS) throw new AppError('INVALID_REQUEST', 'a re-run starts at most a year ahead');
    if (!recording?.durationMs) throw new AppError('INVALID_STATE', `"${session.title}" has no recording to re-run`);
    const endsAtMs = startsAtMs + recording.durationMs;
    const clash = await store.overlapping(r.channelId, startsAtMs, endsAtMs, r.id);
    if (clash) {
      const title = agenda.get(clash.sessionId)?.title ?? clash.sessionId;
      throw new AppError(
        'INVALID_STATE',
        `${channel.name} already has a re-run of "${title}" from ${new Date(clash.startsAtMs).toISOString()} to ${new Date(clash.endsAtMs).toISOString()}`,
      );
    }
    const { startsAt: _startsAt, ...rest } = r;
    return { ...rest, recordingId: recording.id, startsAtMs, endsAtMs };
  }

  #arm(rerun: StoredReRun): void {
    clearTimeout(this.#timers.get(rerun.id));
    const delay = rerun.startsAtMs - Date.now();
    const timer = setTimeout(() => {
      this.#timers.delete(rerun.id);
      const current = this.#schedule.get(rerun.id);
      if (!current || (current.status !== 'scheduled' && current.status !== 'playing') || this.#closed) return;
      if (current.startsAtMs - Date.now() > 0) this.#arm(current);
      else void this.#play(current);
    }, Math.min(Math.max(0, delay), MAX_TIMER_MS));
    this.#timers.set(rerun.id, timer);
  }

  async #play(rerun: StoredReRun): Promise<void> {
    const { recordings, agenda, logger } = this.#options;
    const offsetMs = Math.max(0, Date.now() - rerun.startsAtMs);
    let player: ReRunPlayer;
    try {
      const recording = await recordings.playable(rerun.sessionId);
      if (!recording || recording.id !== rerun.recordingId) throw new AppError('INVALID_STATE', 'the recording is gone');
      player = await ReRunPlayer.start({
        channelId: rerun.channelId,
        // People's words only: the pages say "re-run" in the viewer's language (the feed's source is `recording`).
        label: `${agenda.get(rerun.sessionId)?.title ?? rerun.sessionId} · ${rerun.region}`,
        recording,
        file: await recordings.file(recording.id),
        offsetMs,
        feeds: this.#options.feeds,
        channels: this.#options.channels,
        captions: this.#options.captions,
        router: this.#options.pool.ingest.router,
        logger,
      });
    } catch (error) {
      logger.error({ err: error, rerunId: rerun.id }, 're-run cannot start');
      this.#saveLater({ ...rerun, status: 'failed' });
      return;
    }
    if (this.#closed) {
      player.close();
      return;
    }
    this.#players.set(rerun.id, player);
    logger.info({ rerunId: rerun.id, channelId: rerun.channelId, offsetMs }, 're-run playing');
    // The first packet can go out while the player is still starting: then it has started already.
    if (player.playedFromMs !== undefined) this.#saveLater({ ...rerun, status: 'playing', playedFromMs: player.playedFromMs });
    else player.once('started', (playedFromMs) => this.#saveLater({ ...rerun, status: 'playing', playedFromMs }));
    player.once('ended', (ok) => {
      this.#players.delete(rerun.id);
      const current = this.#schedule.get(rerun.id) ?? rerun;
      // A re-run stopped by hand is saved as done already: one save, one broadcast.
      if (current.status !== 'done') this.#saveLater({ ...current, status: ok ? 'done' : 'failed' });
      logger.info({ rerunId: rerun.id, ok }, 're-run ended');
    });
  }

  /** Stores a re-run's new state, then shows it; a write that fails (the database unreachable) rejects and is not shown. */
  async #save(rerun: StoredReRun): Promise<void> {
    await this.#options.store.save(rerun);
    this.#schedule.set(rerun.id, rerun);
    this.emit('changed');
  }

  /** {@link #save} where no caller waits (a player's events): a failure is logged, and the schedule keeps saying what is stored. */
  #saveLater(rerun: StoredReRun): void {
    this.#save(rerun).catch((error: unknown) => this.#options.logger.error({ err: error, rerunId: rerun.id, status: rerun.status }, 're-run state not stored'));
  }

  #stored(rerunId: string): StoredReRun {
    const rerun = this.#schedule.get(rerunId);
    if (!rerun) throw new NotFoundError('re-run', rerunId);
    return rerun;
  }

  /** The schedule in start order, as the store orders it. */
  #all(): StoredReRun[] {
    return [...this.#schedule.values()].sort((a, b) => a.startsAtMs - b.startsAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError('INVALID_STATE', 'the server is stopping');
  }
}

function toInfo(r: StoredReRun): ReRunInfo {
  return {
    id: r.id,
    sessionId: r.sessionId,
    channelId: r.channelId,
    startsAt: new Date(r.startsAtMs).toISOString(),
    endsAt: new Date(r.endsAtMs).toISOString(),
    region: r.region,
    status: r.status,
    recordingId: r.recordingId,
    playedFromMs: r.playedFromMs,
  };
}
