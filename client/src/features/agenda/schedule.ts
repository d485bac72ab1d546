import type { AgendaSession, ReRunSlot } from '@hybrid-stage/shared';
import { dateTimeFormat } from '../../i18n/intlFormats';

/** The event's re-runs (`EventInfo.reruns`), failed ones left out. */
export function reRunsOf(event: { reruns?: readonly ReRunSlot[] } | undefined): ReRunSlot[] {
  return (event?.reruns ?? []).filter((r) => r.status !== 'failed');
}

/** One stretch of a channel's program: a session's first showing, or one of its re-runs. */
export interface Slot {
  session: AgendaSession;
  channelId: string;
  startMs: number;
  endMs: number;
  /** Set when this slot is a re-run. */
  reRun?: ReRunSlot;
}

/** Every slot of the agenda (sessions and their re-runs), in start order. */
export function slotsOf(sessions: readonly AgendaSession[], reRuns: readonly ReRunSlot[] = []): Slot[] {
  const byId = new Map(sessions.map((s) => [s.id, s]));
  const slots: Slot[] = sessions.map((session) => ({
    session,
    channelId: session.channelId,
    startMs: Date.parse(session.startsAt),
    endMs: Date.parse(session.endsAt),
  }));
  for (const reRun of reRuns) {
    const session = byId.get(reRun.sessionId);
    if (session) slots.push({ session, channelId: reRun.channelId, startMs: Date.parse(reRun.startsAt), endMs: Date.parse(reRun.endsAt), reRun });
  }
  // Channel ids are ASCII slugs: a plain comparison orders them, without building a collator.
  return slots.sort((a, b) => a.startMs - b.startMs || (a.channelId < b.channelId ? -1 : a.channelId > b.channelId ? 1 : 0));
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
  return dateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(atMs);
}

/** Sessions grouped by the day they start on in `timeZone`, days in order. */
export function sessionsByDay(sessions: readonly AgendaSession[], timeZone: string): Array<[day: string, sessions: AgendaSession[]]> {
  const days = new Map<string, AgendaSession[]>();
  const sorted = [...sessions].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
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
