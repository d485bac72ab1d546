import type { AgendaSession } from '@hybrid-stage/shared';

/** The event's sessions, and which one is on a channel at a moment. */
export class Agenda {
  readonly #sessions: AgendaSession[];

  constructor(sessions: AgendaSession[]) {
    this.#sessions = [...sessions].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  }

  /** Every session, in start order. */
  get sessions(): readonly AgendaSession[] {
    return this.#sessions;
  }

  /** The session with this id, if any. */
  get(sessionId: string): AgendaSession | undefined {
    return this.#sessions.find((s) => s.id === sessionId);
  }

  /** The session on `channelId` at `atMs` (Unix ms), if any. */
  sessionAt(channelId: string, atMs: number): AgendaSession | undefined {
    return this.#sessions.find((s) => s.channelId === channelId && Date.parse(s.startsAt) <= atMs && atMs < Date.parse(s.endsAt));
  }
}
