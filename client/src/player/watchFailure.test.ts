// A failed join is told to the viewer by what it means, not by the server's English message; every
// failure has its text in every UI language.
import { describe, expect, it } from 'vitest';
import { NoAnswerError, RequestError } from '../signaling/SignalingClient';
import { watchFailure } from './watchFailure';

const common = import.meta.glob<{ player: { failure: Record<string, string> } }>('../i18n/locales/*/common.json', { eager: true, import: 'default' });

describe('watchFailure', () => {
  it('names the failure by its code', () => {
    expect(watchFailure(new NoAnswerError('consume'))).toBe('noAnswer');
    expect(watchFailure(new RequestError('CANNOT_CONSUME', 'no common codec'))).toBe('codecs');
    expect(watchFailure(new RequestError('FORBIDDEN', 'producers only'))).toBe('forbidden');
    expect(watchFailure(new RequestError('INVALID_STATE', 'bus closed'))).toBe('restarting');
    expect(watchFailure(new RequestError('UNAVAILABLE', 'MAX_WEBRTC_VIEWERS reached'))).toBe('full');
    expect(watchFailure(new RequestError('INTERNAL', 'boom'))).toBe('other');
    expect(watchFailure(new TypeError('transport failed'))).toBe('other');
  });

  it('has a text for each failure in all 12 languages', () => {
    const failures = ['noAnswer', 'codecs', 'forbidden', 'restarting', 'full', 'other'];
    expect(Object.keys(common)).toHaveLength(12);
    for (const [file, texts] of Object.entries(common)) expect(Object.keys(texts.player.failure).sort(), file).toEqual([...failures].sort());
  });
});
