import { describe, expect, it } from 'vitest';
import type { AgendaSession } from '@hybrid-stage/shared';
import type { ReRunSlot } from '@hybrid-stage/shared';
import { dayKey, nowAndNext, reRunsOf, sessionsByDay, slotsOf } from './schedule';

const session = (id: string, channelId: string, startsAt: string, endsAt: string): AgendaSession => ({ id, channelId, title: id, startsAt, endsAt, speakers: [] });

const sessions = [
  session('opening', 'main', '2026-11-24T08:00:00Z', '2026-11-24T08:30:00Z'),
  session('keynote', 'main', '2026-11-24T08:30:00Z', '2026-11-24T09:15:00Z'),
  session('europe-update', 'europe', '2026-11-24T08:00:00Z', '2026-11-24T09:00:00Z'),
];
const reRuns: ReRunSlot[] = [
  { id: 'opening-americas', sessionId: 'opening', channelId: 'europe', startsAt: '2026-11-24T16:00:00Z', endsAt: '2026-11-24T16:30:00Z', region: 'Americas', status: 'scheduled' },
  { id: 'opening-gone', sessionId: 'no-such-session', channelId: 'europe', startsAt: '2026-11-24T17:00:00Z', endsAt: '2026-11-24T17:30:00Z', region: 'Asia' },
];

describe('schedule', () => {
  it('finds what is on a channel now and next, re-runs included', () => {
    // A re-run of a session the agenda does not have is left out.
    const slots = slotsOf(sessions, reRuns);
    expect(slots).toHaveLength(4);
    const main = nowAndNext(slots, 'main', Date.parse('2026-11-24T08:10:00Z'));
    expect(main.now?.session.id).toBe('opening');
    expect(main.next?.session.id).toBe('keynote');
    const europe = nowAndNext(slots, 'europe', Date.parse('2026-11-24T16:05:00Z'));
    expect(europe.now?.session.id).toBe('opening');
    expect(europe.now?.reRun?.region).toBe('Americas');
    expect(europe.next).toBeUndefined();
    // The end is exclusive: at 08:30 the keynote is on.
    expect(nowAndNext(slots, 'main', Date.parse('2026-11-24T08:30:00Z')).now?.session.id).toBe('keynote');
  });

  it('leaves failed re-runs out of the event', () => {
    expect(reRunsOf({ reruns: [...reRuns, { ...reRuns[0]!, id: 'x', status: 'failed' }] }).map((r) => r.id)).toEqual(['opening-americas', 'opening-gone']);
    expect(reRunsOf({})).toEqual([]);
  });

  it('groups sessions by the day they start on in the viewer’s time zone', () => {
    // 08:00 UTC is 17:00 in Tokyo and 00:00 the same day in Los Angeles (PST, UTC-8).
    expect(dayKey(Date.parse('2026-11-24T08:00:00Z'), 'America/Los_Angeles')).toBe('2026-11-24');
    expect(dayKey(Date.parse('2026-11-24T07:59:00Z'), 'America/Los_Angeles')).toBe('2026-11-23');
    expect(dayKey(Date.parse('2026-11-24T16:00:00Z'), 'Asia/Tokyo')).toBe('2026-11-25');
    const days = sessionsByDay(sessions, 'Asia/Tokyo');
    expect(days.map(([day, list]) => [day, list.map((s) => s.id)])).toEqual([['2026-11-24', ['opening', 'europe-update', 'keynote']]]);
  });
});
