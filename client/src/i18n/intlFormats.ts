/**
 * Intl formatters by locale and options, made on first use and kept: building one costs far more
 * than using it (the first of a kind loads locale data), and pages format on every render.
 */
const made = new Map<string, unknown>();

function kept<T>(kind: string, locale: string, options: object, make: () => T): T {
  const key = `${kind} ${locale} ${JSON.stringify(options)}`;
  if (!made.has(key)) made.set(key, make());
  return made.get(key) as T;
}

/** An Intl.DateTimeFormat for `locale` and `options`, made once. */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return kept('date', locale, options, () => new Intl.DateTimeFormat(locale, options));
}

/** An Intl.NumberFormat for `locale` and `options`, made once. */
export function numberFormat(locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  return kept('number', locale, options, () => new Intl.NumberFormat(locale, options));
}

/** An Intl.ListFormat for `locale` and `options`, made once. */
export function listFormat(locale: string, options: Intl.ListFormatOptions): Intl.ListFormat {
  return kept('list', locale, options, () => new Intl.ListFormat(locale, options));
}

/** Intl.DurationFormat (in browsers since 2024; not yet in TypeScript's ES2023 library). */
export type DurationFormat = { format(duration: { hours: number; minutes: number; seconds: number }): string };
const DurationFormatCtor = (Intl as unknown as { DurationFormat?: new (locale: string, options: object) => DurationFormat }).DurationFormat;

/** An Intl.DurationFormat for `locale` and `options`, made once; undefined in engines without it. */
export function durationFormat(locale: string, options: object): DurationFormat | undefined {
  return kept('duration', locale, options, () => DurationFormatCtor && new DurationFormatCtor(locale, options));
}
