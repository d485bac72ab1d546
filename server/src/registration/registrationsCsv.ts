import type { RegistrationInfo } from '@hybrid-stage/shared';

const COLUMNS = ['registeredAt', 'name', 'email', 'organisation', 'country'] as const;

/**
 * One CSV field: quoted, quotes doubled, and a leading `=`, `+`, `-`, `@`, tab or CR made inert with
 * an apostrophe, so a spreadsheet opening the export does not run a viewer's "name" as a formula.
 */
function field(value: string): string {
  const inert = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${inert.replaceAll('"', '""')}"`;
}

/** The registrations as CSV (RFC 4180, CRLF line ends, a header row). */
export function registrationsCsv(registrations: readonly RegistrationInfo[]): string {
  const lines = [COLUMNS.join(','), ...registrations.map((r) => COLUMNS.map((c) => field(r[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
