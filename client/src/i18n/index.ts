/**
 * The UI's languages (i18next + react-i18next).
 *
 * Convention for every page:
 * - No visible string in a component: `const { t } = useTranslation('<ns>')` and `t('area.key')`.
 * - Texts live in `locales/<lng>/<ns>.json`, one folder per UI language (the 12 of `UI_LANGUAGES`),
 *   one file per namespace: `common` (app shell, player, languages), `viewer` (watch page, agenda,
 *   venue screens), `production` (console, studio, desk), `exhibition` (hall, stands, HQ stroll), `access` (viewer
 *   registration, admin page). A
 *   new feature may add a namespace: add it to `NAMESPACES` and create the file in all 12 folders.
 * - English is the source. `locales.test.ts` fails when a language misses a key English has (with the
 *   plural forms that language needs), has a key English lacks, or drops a `{{placeholder}}`.
 * - Counts use i18next plurals (`key_one`, `key_other`, and `_few`/`_many`/… where the language has
 *   them); dates, times and numbers are formatted with Intl for the UI language (`useFormat`).
 * - Text from people (session titles, speaker names, captions) is shown as it is, never translated here.
 */
import i18next, { type BackendModule, type ReadCallback } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { LANGUAGES, RTL_LANGUAGES } from '@hybrid-stage/shared/vocabulary';
import type { Language } from '@hybrid-stage/shared';
import { intlLocale } from './useFormat';
import { numberFormat } from './intlFormats';
import commonEn from './locales/en/common.json';
import viewerEn from './locales/en/viewer.json';
import productionEn from './locales/en/production.json';
import exhibitionEn from './locales/en/exhibition.json';
import accessEn from './locales/en/access.json';

/** The UI languages: the same twelve as the caption languages. */
export const UI_LANGUAGES = LANGUAGES;

/** The translation namespaces, one JSON file each per language. */
export const NAMESPACES = ['common', 'viewer', 'production', 'exhibition', 'access'] as const;

/** Where the chosen UI language is kept between visits. */
const STORAGE_KEY = 'hybrid-stage.uiLanguage';

// Other languages load on demand, so a viewer downloads only the one it reads.
const lazyLocales = import.meta.glob<{ default: Record<string, unknown> }>(['./locales/*/*.json', '!./locales/en/*.json']);

const lazyBackend: BackendModule = {
  type: 'backend',
  init: () => undefined,
  read(language: string, namespace: string, callback: ReadCallback) {
    const load = lazyLocales[`./locales/${language}/${namespace}.json`];
    if (!load) return callback(new Error(`no locale ${language}/${namespace}`), false);
    load().then(
      (module) => callback(null, module.default as never),
      (error: Error) => callback(error, false),
    );
  },
};

/** Whether `value` is one of the UI languages. */
export function isUiLanguage(value: string | null | undefined): value is Language {
  return !!value && (UI_LANGUAGES as readonly string[]).includes(value);
}

/** The language to start in: the one chosen before, else the browser's first supported one, else English. */
export function detectLanguage(stored: string | null, browserLanguages: readonly string[]): Language {
  if (isUiLanguage(stored)) return stored;
  for (const tag of browserLanguages) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isUiLanguage(primary)) return primary;
  }
  return 'en';
}

/** Writing direction of a UI language. */
export function directionOf(language: string): 'rtl' | 'ltr' {
  return RTL_LANGUAGES.has(language as Language) ? 'rtl' : 'ltr';
}

function applyToDocument(language: string) {
  document.documentElement.lang = language;
  document.documentElement.dir = directionOf(language);
}

/** Starts i18next in the detected language and keeps `<html lang dir>` in step with it. */
export async function initI18n(): Promise<typeof i18next> {
  const initial = detectLanguage(localStorage.getItem(STORAGE_KEY), navigator.languages ?? [navigator.language]);
  i18next.on('languageChanged', applyToDocument);
  await i18next
    .use(lazyBackend)
    .use(initReactI18next)
    .init({
      lng: initial,
      fallbackLng: 'en',
      supportedLngs: [...UI_LANGUAGES],
      ns: [...NAMESPACES],
      defaultNS: 'common',
      partialBundledLanguages: true,
      resources: { en: { common: commonEn, viewer: viewerEn, production: productionEn, exhibition: exhibitionEn, access: accessEn } },
      interpolation: { escapeValue: false }, // React escapes.
      // changeLanguage loads a language before switching to it, so nothing needs to suspend.
      react: { useSuspense: false },
      // i18next 25 otherwise advertises a hosted service in every viewer's browser console.
      showSupportNotice: false,
    });
  // `{{count, number}}` in a text writes the number as useFormat does (with the browser's region).
  i18next.services.formatter?.add('number', (value: number, lng: string | undefined, options: Intl.NumberFormatOptions) =>
    numberFormat(intlLocale(lng ?? 'en'), options).format(value),
  );
  applyToDocument(initial);
  return i18next;
}

/** Switches the UI language and remembers it. */
export async function changeUiLanguage(language: Language): Promise<void> {
  localStorage.setItem(STORAGE_KEY, language);
  await i18next.changeLanguage(language);
}
