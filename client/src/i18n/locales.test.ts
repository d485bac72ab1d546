// Every UI language has every text English has, with the plural forms that language needs and the
// same placeholders; nothing extra; and it is a translation, not a copy of the English.
import { describe, expect, it } from 'vitest';
import { NAMESPACES, UI_LANGUAGES } from './index';

const files = import.meta.glob<Record<string, unknown>>('./locales/*/*.json', { eager: true, import: 'default' });

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** Flattens nested keys to dotted paths. */
function flatten(tree: Record<string, unknown>, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else if (value && typeof value === 'object') for (const [k, v] of flatten(value as Record<string, unknown>, path)) out.set(k, v);
    else throw new Error(`${path} is neither text nor a group`);
  }
  return out;
}

/** The keys a language must have for English's keys: plural keys expanded to its own plural categories. */
function expectedKeys(english: Map<string, string>, language: string): Set<string> {
  const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
  const keys = new Set<string>();
  for (const key of english.keys()) {
    if (PLURAL_SUFFIX.test(key)) for (const c of categories) keys.add(key.replace(PLURAL_SUFFIX, `_${c}`));
    else keys.add(key);
  }
  return keys;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)[^}]*\}\}/g)].map((m) => m[1]).sort();

function load(language: string, namespace: string): Map<string, string> {
  const tree = files[`./locales/${language}/${namespace}.json`];
  if (!tree) throw new Error(`locales/${language}/${namespace}.json is missing`);
  return flatten(tree);
}

describe.each(NAMESPACES)('namespace %s', (namespace) => {
  const english = load('en', namespace);

  it.each(UI_LANGUAGES.filter((l) => l !== 'en'))('%s has every key English has, and only those', (language) => {
    const texts = load(language, namespace);
    const expected = expectedKeys(english, language);
    const missing = [...expected].filter((k) => !texts.has(k));
    expect(missing, `${language}/${namespace}.json misses keys`).toEqual([]);
    // Extra plural forms are harmless (another ICU may know more categories); other extra keys are mistakes.
    const extra = [...texts.keys()].filter((k) => !expected.has(k) && !(PLURAL_SUFFIX.test(k) && english.has(k.replace(PLURAL_SUFFIX, '_other'))));
    expect(extra, `${language}/${namespace}.json has keys English lacks`).toEqual([]);
  });

  it.each(UI_LANGUAGES.filter((l) => l !== 'en'))('%s keeps every placeholder and translates the texts', (language) => {
    const texts = load(language, namespace);
    const copies: string[] = [];
    for (const [key, text] of texts) {
      expect(text.trim(), `${language} ${key} is empty`).not.toBe('');
      const source = english.get(key) ?? english.get(key.replace(PLURAL_SUFFIX, '_other'))!;
      // Plural forms without a number of their own (Arabic "two feeds" as one word) may drop {{count}}.
      const needed = PLURAL_SUFFIX.test(key) ? placeholders(source).filter((p) => p !== 'count') : placeholders(source);
      for (const name of needed) expect(placeholders(text), `${language} ${key} drops {{${name}}}`).toContain(name);
      if (text === source && /[a-z]{3,}/i.test(source.replace(/\{\{[^}]*\}\}/g, ''))) copies.push(key);
    }
    // Some words are the same in many languages (“Studio”, “Audio”, “STALLED” in a badge…), but not most.
    expect(copies.length, `${language}/${namespace}.json copies English: ${copies.join(', ')}`).toBeLessThanOrEqual(Math.ceil(texts.size * 0.08));
  });
});

it('English itself has no empty text', () => {
  for (const namespace of NAMESPACES) for (const [key, text] of load('en', namespace)) expect(text.trim(), key).not.toBe('');
});
