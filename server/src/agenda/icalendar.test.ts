import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import type { AgendaSession } from '@hybrid-stage/shared';
import type { ReRunSlot } from '@hybrid-stage/shared';
import { agendaCalendar, escapeText, foldLine } from './icalendar';

const sessions: AgendaSession[] = [
  {
    id: 'main-202611240900',
    channelId: 'main',
    title: 'Opening: one company, three studios; a "new" start\\again',
    startsAt: '2026-11-24T09:00:00.000Z',
    endsAt: '2026-11-24T09:30:00.000Z',
    speakers: ['Ayşe Demir', '王伟'],
  },
  {
    id: 'b2b-202611241000',
    channelId: 'b2b',
    title: 'Überblick über Partnerprogramme und Datenschutz für Unternehmenskunden in ganz Europa – Teil 1 ✓',
    startsAt: '2026-11-24T10:00:00.000Z',
    endsAt: '2026-11-24T11:00:00.000Z',
    speakers: [],
  },
];

const reRuns: ReRunSlot[] = [
  { id: 'main-202611240900-americas', sessionId: 'main-202611240900', channelId: 'europe', startsAt: '2026-11-24T17:00:00+01:00', endsAt: '2026-11-24T17:30:00+01:00', region: 'Americas' },
];

const context = { name: 'Partner Summit, 2026', channelName: (id: string) => ({ main: 'Main stage', europe: 'Europe', b2b: 'B2B' })[id] ?? id, baseUrl: 'http://127.0.0.1:3000', now: new Date('2026-11-20T12:00:00Z') };

describe('agendaCalendar', () => {
  const text = agendaCalendar(sessions, reRuns, context);

  it('ends every line with CRLF and keeps lines within 75 octets', () => {
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
  });

  it('parses back to the same titles and UTC times, re-runs as their own events', () => {
    const calendar = new ICAL.Component(ICAL.parse(text));
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => e.uid)).toEqual(['main-202611240900@hybrid-stage', 'main-202611240900-americas@hybrid-stage', 'b2b-202611241000@hybrid-stage']);
    expect(events[0]!.summary).toBe(sessions[0]!.title);
    expect(events[0]!.startDate.toJSDate().toISOString()).toBe('2026-11-24T09:00:00.000Z');
    expect(events[0]!.startDate.zone?.tzid).toBe('UTC');
    expect(events[0]!.description).toContain('Speakers: Ayşe Demir, 王伟\n');
    expect(events[1]!.summary).toBe(`${sessions[0]!.title} (re-run, Americas)`);
    expect(events[1]!.location).toBe('Europe');
    expect(events[1]!.startDate.toJSDate().toISOString()).toBe('2026-11-24T16:00:00.000Z');
    expect(events[2]!.summary).toBe(sessions[1]!.title);
    expect(events[2]!.endDate.toJSDate().toISOString()).toBe('2026-11-24T11:00:00.000Z');
    // ical.js has no value type for this non-standard name, so it is read raw: escaped like TEXT.
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Partner Summit\\, 2026');
  });

  it('writes times as UTC DATE-TIMEs', () => {
    expect(text).toContain('\r\nDTSTART:20261124T090000Z\r\n');
    expect(text).toContain('\r\nDTSTAMP:20261120T120000Z\r\n');
  });
});

describe('escapeText and foldLine', () => {
  it('escapes backslash, semicolon, comma and newlines', () => {
    expect(escapeText('a\\b;c,d\ne')).toBe('a\\\\b\\;c\\,d\\ne');
  });

  it('never splits a multi-byte character', () => {
    const folded = foldLine(`SUMMARY:${'日本語'.repeat(20)}`);
    const lines = folded.split('\r\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(lines.map((l, i) => (i ? l.slice(1) : l)).join('')).toBe(`SUMMARY:${'日本語'.repeat(20)}`);
  });
});
