// A refused exhibition call reads as a sentence in the UI language, chosen by its stable code, with
// the server's detail kept where it says what to fix; a request that got no answer says so.
import { createInstance } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import en from '../../i18n/locales/en/exhibition.json';
import ja from '../../i18n/locales/ja/exhibition.json';
import { errorText } from './errorText';
import { ApiError } from './exhibitionApi';

const i18n = createInstance();
beforeAll(() => i18n.init({ lng: 'en', fallbackLng: 'en', ns: ['exhibition'], defaultNS: 'exhibition', resources: { en: { exhibition: en }, ja: { exhibition: ja } } }));

describe('errorText', () => {
  it('keeps the detail of a refused request (which field, which limit)', () => {
    const t = i18n.getFixedT('en', 'exhibition');
    expect(errorText(t, new ApiError('INVALID_REQUEST', 'text: at most 1000 characters'))).toBe('Not accepted: \u2068text: at most 1000 characters\u2069');
  });

  it('writes each code in the UI language', () => {
    const t = i18n.getFixedT('ja', 'exhibition');
    expect(errorText(t, new ApiError('FORBIDDEN', 'exhibitors edit only their own stand'))).toBe('このリンクではこの操作はできません。');
    expect(errorText(t, new ApiError('INVALID_STATE', 'the gifts of stand x are all given away'))).toBe('現在は実行できません: \u2068the gifts of stand x are all given away\u2069');
  });

  it('says the server cannot be reached when there was no answer, and falls back for unknown trouble', () => {
    const t = i18n.getFixedT('en', 'exhibition');
    expect(errorText(t, new TypeError('Failed to fetch'))).toBe('Cannot reach the server: check your connection and try again.');
    expect(errorText(t, new ApiError('INTERNAL', 'HTTP 502'))).toBe('Something went wrong on the server: please try again.');
  });
});
