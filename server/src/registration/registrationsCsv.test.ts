import { expect, it } from 'vitest';
import { registrationsCsv } from './registrationsCsv';

const base = { id: 'r1', registeredAt: '2026-11-24T10:00:00.000Z', email: 'a@example.com', organisation: 'Org', country: 'Chile' };

it('quotes every field, doubles quotes and keeps commas and line breaks inside a field', () => {
  const csv = registrationsCsv([{ ...base, name: 'Ana "Chris", Pérez\nJr' }]);
  expect(csv).toBe(
    'registeredAt,name,email,organisation,country\r\n' + '"2026-11-24T10:00:00.000Z","Ana ""Chris"", Pérez\nJr","a@example.com","Org","Chile"\r\n',
  );
});

it('makes a field that a spreadsheet would run as a formula inert', () => {
  const csv = registrationsCsv([{ ...base, name: '=HYPERLINK("http://x")', organisation: '+1', country: '@SUM(A1)' }]);
  expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
  expect(csv).toContain(`"'+1"`);
  expect(csv).toContain(`"'@SUM(A1)"`);
});

it('is only the header without registrations', () => {
  expect(registrationsCsv([])).toBe('registeredAt,name,email,organisation,country\r\n');
});
