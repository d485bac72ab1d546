import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { dateTimeFormat, durationFormat, listFormat, numberFormat } from './intlFormats';

/** Dates, times, numbers and language names in the UI language, through Intl. */
export interface Format {
  /** The UI language's BCP 47 tag. */
  locale: string;
  number(value: number, options?: Intl.NumberFormatOptions): string;
  /** Hours and minutes, in `timeZone` (the browser's own when omitted). */
  time(at: string | number, timeZone?: string): string;
  /** A start and end time as one range ("14:00–14:30"). */
  timeRange(from: string | number, to: string | number, timeZone?: string): string;
  /** Weekday, day and month. */
  day(at: string | number, timeZone?: string): string;
  /** Date and time with the zone's short name. */
  dateTime(at: string | number, timeZone?: string): string;
  /** A time zone's name as people read it ("Japan Standard Time"), at the moment `at`. */
  zoneName(timeZone: string, at?: number): string;
  /** A length as a clock reads it ("00:06", "12:34", "1:02:03"), with the locale's digits; "…" while unknown. */
  duration(ms: number | null): string;
  /** Items joined as the language lists them ("A, B and C", "A、B、C"). */
  list(items: readonly string[]): string;
}


/**
 * The Intl locale for a UI language: the browser's own regional variant when it has one for that
 * language (en-GB writes 17:00, en-US 5:00 PM), else the language itself.
 */
export function intlLocale(language: string, browserLanguages: readonly string[] = navigator.languages ?? []): string {
  return browserLanguages.find((tag) => tag.toLowerCase().split('-')[0] === language) ?? language;
}

/** Formatting for the current UI language. */
export function useFormat(): Format {
  const { i18n } = useTranslation();
  const locale = intlLocale(i18n.resolvedLanguage ?? i18n.language ?? 'en');
  return useMemo(() => {
    const ms = (at: string | number) => (typeof at === 'number' ? at : Date.parse(at));
    const hm = (timeZone?: string) => dateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone });
    return {
      locale,
      number: (value, options) => numberFormat(locale, options).format(value),
      time: (at, timeZone) => hm(timeZone).format(ms(at)),
      timeRange: (from, to, timeZone) => {
        // Across midnight Intl would repeat both dates; two times read better (the day is shown apart).
        const day = dateTimeFormat('en-CA', { timeZone, dateStyle: 'short' });
        if (day.format(ms(from)) !== day.format(ms(to))) return `${hm(timeZone).format(ms(from))} – ${hm(timeZone).format(ms(to))}`;
        return hm(timeZone).formatRange(ms(from), ms(to));
      },
      day: (at, timeZone) => dateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', timeZone }).format(ms(at)),
      dateTime: (at, timeZone) =>
        dateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(ms(at)),
      zoneName: (timeZone, at = Date.now()) =>
        dateTimeFormat(locale, { timeZone, timeZoneName: 'long' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ??
        timeZone,
      duration: (length) => {
        if (length === null) return '…';
        const total = Math.round(length / 1000);
        const [hours, minutes, seconds] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
        const digital = durationFormat(locale, { style: 'digital', hoursDisplay: 'auto' });
        if (digital) return digital.format({ hours, minutes, seconds });
        // Without DurationFormat (older engines): the same clock ("00:06", "1:02:03") with the locale's digits.
        const twoDigits = numberFormat(locale, { minimumIntegerDigits: 2 });
        const clockTail = `${twoDigits.format(minutes)}:${twoDigits.format(seconds)}`;
        return hours ? `${numberFormat(locale).format(hours)}:${clockTail}` : clockTail;
      },
      list: (items) => listFormat(locale, { type: 'conjunction', style: 'narrow' }).format(items),
    } satisfies Format;
  }, [locale]);
}
