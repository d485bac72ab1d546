import type { AgendaSession } from '@hybrid-stage/shared';

/** A re-run of a session: the same session played again on a channel for another region. */
export interface ReRunSlot {
  id: string;
  channelId: string;
  /** ISO times. */
  startsAt: string;
  endsAt: string;
  /** The region the re-run is scheduled for (e.g. "Americas"). */
  region: string;
}

/** An agenda session, with its re-runs when the server schedules any. */
export type ScheduledSession = AgendaSession & { reRuns?: ReRunSlot[] };

/** One stretch of a channel's program: a session's first showing, or one of its re-runs. */
export interface Slot {
  session: ScheduledSession;
  channelId: string;
  startMs: number;
  endMs: number;
  /** Set when this slot is a re-run. */
  reRun?: ReRunSlot;
}

/** Every slot of the agenda (sessions and their re-runs), in start order. */
export function slotsOf(sessions: readonly ScheduledSession[]): Slot[] {
  const slots: Slot[] = [];
  for (const session of sessions) {
    slots.push({ session, channelId: session.channelId, startMs: Date.parse(session.startsAt), endMs: Date.parse(session.endsAt) });
    for (const reRun of session.reRuns ?? []) {
      slots.push({ session, channelId: reRun.channelId, startMs: Date.parse(reRun.startsAt), endMs: Date.parse(reRun.endsAt), reRun });
    }
  }
  return slots.sort((a, b) => a.startMs - b.startMs || a.channelId.localeCompare(b.channelId));
}

/** What is on a channel at `nowMs`, and what comes after it. */
export function nowAndNext(slots: readonly Slot[], channelId: string, nowMs: number): { now?: Slot; next?: Slot } {
  const own = slots.filter((s) => s.channelId === channelId);
  return {
    now: own.find((s) => s.startMs <= nowMs && nowMs < s.endMs),
    next: own.find((s) => s.startMs > nowMs),
  };
}

/** The calendar day of `atMs` in `timeZone`, as YYYY-MM-DD (for grouping an agenda by day). */
export function dayKey(atMs: number, timeZone: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(atMs);
}

/** Sessions grouped by the day they start on in `timeZone`, days in order. */
export function sessionsByDay(sessions: readonly ScheduledSession[], timeZone: string): Array<[day: string, sessions: ScheduledSession[]]> {
  const days = new Map<string, ScheduledSession[]>();
  const sorted = [...sessions].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  for (const session of sorted) {
    const key = dayKey(Date.parse(session.startsAt), timeZone);
    days.set(key, [...(days.get(key) ?? []), session]);
  }
  return [...days.entries()];
}

/** Whether `timeZone` is an IANA zone this browser knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}
