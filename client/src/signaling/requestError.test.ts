// A refused request (socket or HTTP) reads as a sentence in the UI language, chosen by its stable code, with
// the server's detail kept where it says what to fix; a request the server never answered says so.
import { createInstance } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import en from '../i18n/locales/en/common.json';
import ar from '../i18n/locales/ar/common.json';
import ja from '../i18n/locales/ja/common.json';
import { requestErrorText } from './requestError';
import { NoAnswerError, RequestError } from './SignalingClient';

const i18n = createInstance();
beforeAll(() =>
  i18n.init({ lng: 'en', fallbackLng: 'en', ns: ['common'], defaultNS: 'common', resources: { en: { common: en }, ja: { common: ja }, ar: { common: ar } } }),
);

describe('requestErrorText', () => {
  it('keeps the detail of a refused request, isolated from the sentence around it', () => {
    const t = i18n.getFixedT('en', 'common');
    expect(requestErrorText(t, new RequestError('INVALID_STATE', 'channel main is already recording'))).toBe('Not possible now: \u2068channel main is already recording\u2069');
  });

  it('writes each code in the UI language', () => {
    const tJa = i18n.getFixedT('ja', 'common');
    expect(requestErrorText(tJa, new RequestError('FORBIDDEN', 'producers only'))).toBe(ja.errors.forbidden);
    const tAr = i18n.getFixedT('ar', 'common');
    expect(requestErrorText(tAr, new RequestError('INVALID_REQUEST', 'region: too long'))).toBe(ar.errors.invalid.replace('{{detail}}', '\u2068region: too long\u2069'));
    // An old tab is told to reload, in its language.
    expect(requestErrorText(tJa, new RequestError('PROTOCOL_MISMATCH', 'protocol 3 expected'))).toBe(ja.connection.reload);
  });

  it('says the server did not answer, and falls back for codes without a text of their own', () => {
    const t = i18n.getFixedT('en', 'common');
    expect(requestErrorText(t, new NoAnswerError('recording:start'))).toBe('The server did not answer: check your connection and try again.');
    expect(requestErrorText(t, new RequestError('INTERNAL', 'boom'))).toBe('Something went wrong on the server: please try again.');
    // An HTTP call that never reached the server (fetch rejects with a TypeError).
    expect(requestErrorText(t, new TypeError('Failed to fetch'))).toBe('The server did not answer: check your connection and try again.');
  });

  it('words refusals the same whichever namespace the page translates with', () => {
    const tExhibition = i18n.getFixedT('ja', 'exhibition');
    expect(requestErrorText(tExhibition, new RequestError('RATE_LIMITED', 'too many comments'))).toBe(ja.errors.rateLimited);
  });
});
