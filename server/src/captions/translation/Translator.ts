import type { Language } from '@hybrid-stage/shared';

/** A machine-translation provider: English text in, text in `to` out. */
export interface Translator {
  /** What the provider is, for logs and cue authors (e.g. "apertium"). */
  readonly name: string;
  translate(text: string, to: Language): Promise<string>;
  /** How a draft in `to` is made, as its cue's author (e.g. "apertium en→es→pt"). */
  author(to: Language): string;
  /** Stops what the provider keeps running (Apertium's pipelines). Safe to call twice. */
  close?(): Promise<void>;
}
