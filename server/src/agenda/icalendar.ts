/**
 * iCalendar (RFC 5545) files of the agenda: UTC times, CRLF line ends, text escaped and lines folded
 * at 75 octets without splitting a UTF-8 character.
 */
import type { AgendaSession, ReRunSlot } from '@hybrid-stage/shared';

/** What the calendar needs to know beyond the sessions. */
export interface CalendarContext {
  /** The calendar's name (the event's). */
  name: string;
  /** Channel id to the name people know it by. */
  channelName: (channelId: string) => string;
  /** The site's address, for each event's link to its channel (e.g. http://127.0.0.1:3000). */
  baseUrl: string;
  /** When the file is made (DTSTAMP). */
  now?: Date;
}

/** Escapes a TEXT value: backslash, semicolon, comma and line breaks (RFC 5545 3.3.11). */
export function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/** Folds a content line into lines of at most 75 octets, continuation lines starting with a space. */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    const limit = parts.length === 0 ? 75 : 74; // a continuation line's leading space counts
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** An ISO time as a UTC DATE-TIME: 20261124T090000Z. */
export function utcDateTime(iso: string | Date): string {
  return new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function vevent(fields: Array<[string, string]>): string[] {
  return ['BEGIN:VEVENT', ...fields.map(([name, value]) => `${name}:${value}`), 'END:VEVENT'];
}

/** The VEVENTs of one session: its first showing and each of its re-runs. */
function sessionEvents(session: AgendaSession, reRuns: readonly ReRunSlot[], context: CalendarContext, stamp: string): string[] {
  const speakers = session.speakers.length ? `Speakers: ${session.speakers.join(', ')}\n` : '';
  const showing = (uid: string, channelId: string, startsAt: string, endsAt: string, summary: string) =>
    vevent([
      ['UID', `${uid}@hybrid-stage`],
      ['DTSTAMP', stamp],
      ['DTSTART', utcDateTime(startsAt)],
      ['DTEND', utcDateTime(endsAt)],
      ['SUMMARY', escapeText(summary)],
      ['DESCRIPTION', escapeText(`${speakers}Watch on ${context.channelName(channelId)}: ${context.baseUrl}/channel/${channelId}`)],
      ['LOCATION', escapeText(context.channelName(channelId))],
      ['URL', `${context.baseUrl}/channel/${encodeURIComponent(channelId)}`],
    ]);
  return [
    ...showing(session.id, session.channelId, session.startsAt, session.endsAt, session.title),
    ...reRuns.filter((r) => r.sessionId === session.id && r.status !== 'failed').flatMap((r) => showing(r.id, r.channelId, r.startsAt, r.endsAt, `${session.title} (re-run, ${r.region})`)),
  ];
}

/** An iCalendar file with every given session, and each of their re-runs, as an event. */
export function agendaCalendar(sessions: readonly AgendaSession[], reRuns: readonly ReRunSlot[], context: CalendarContext): string {
  const stamp = utcDateTime(context.now ?? new Date());
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Hybrid Stage//Agenda//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(context.name)}`,
    ...sessions.flatMap((s) => sessionEvents(s, reRuns, context, stamp)),
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
