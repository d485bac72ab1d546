import type { Language } from '@hybrid-stage/shared';
import type { Translator } from './Translator';

const TIMEOUT_MS = 5000;

/** Any LibreTranslate-compatible HTTP API: `POST {url}/translate {q, source, target, format, api_key}`. */
export class LibreTranslateTranslator implements Translator {
  readonly name = 'libretranslate';
  readonly #url: string;
  readonly #apiKey: string | undefined;

  constructor(url: string, apiKey?: string) {
    this.#url = url.replace(/\/+$/, '');
    this.#apiKey = apiKey;
  }

  author(to: Language): string {
    return `libretranslate en→${to}`;
  }

  async translate(text: string, to: Language): Promise<string> {
    const response = await fetch(`${this.#url}/translate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ q: text, source: 'en', target: to, format: 'text', ...(this.#apiKey ? { api_key: this.#apiKey } : {}) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = (await response.json().catch(() => ({}))) as { translatedText?: unknown; error?: unknown };
    if (!response.ok || typeof body.translatedText !== 'string') {
      throw new Error(`LibreTranslate ${response.status}: ${String(body.error ?? 'no translatedText').slice(0, 200)}`);
    }
    return body.translatedText;
  }
}
