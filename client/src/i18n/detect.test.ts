import { describe, expect, it } from 'vitest';
import { detectLanguage, directionOf } from './index';
import { intlLocale } from './useFormat';

describe('UI language', () => {
  it('keeps a choice made before, else takes the browser’s first supported language, else English', () => {
    expect(detectLanguage('ja', ['de-DE'])).toBe('ja');
    expect(detectLanguage(null, ['nl-NL', 'pt-BR', 'en'])).toBe('pt');
    expect(detectLanguage('xx', ['AR-eg'])).toBe('ar');
    expect(detectLanguage(null, ['nl', 'sv'])).toBe('en');
  });

  it('writes Arabic right to left and the others left to right', () => {
    expect(directionOf('ar')).toBe('rtl');
    expect(directionOf('ja')).toBe('ltr');
  });

  it('formats with the browser’s region when it speaks the UI language', () => {
    expect(intlLocale('en', ['en-GB', 'de-DE'])).toBe('en-GB');
    expect(intlLocale('de', ['en-GB', 'de-AT'])).toBe('de-AT');
    expect(intlLocale('ja', ['en-GB'])).toBe('ja');
  });
});
