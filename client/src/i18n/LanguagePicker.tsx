import { useTranslation } from 'react-i18next';
import { LANGUAGE_NAMES } from '@hybrid-stage/shared/vocabulary';
import type { Language } from '@hybrid-stage/shared';
import { changeUiLanguage, isUiLanguage, UI_LANGUAGES } from './index';

/** The header's picker of the UI language, each language named in itself. */
export function LanguagePicker() {
  const { t, i18n } = useTranslation('common');
  const current = isUiLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'en';
  return (
    <label className="language-picker">
      <span className="visually-hidden">{t('nav.language')}</span>
      <select value={current} onChange={(e) => void changeUiLanguage(e.target.value as Language)} data-testid="ui-language">
        {UI_LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
