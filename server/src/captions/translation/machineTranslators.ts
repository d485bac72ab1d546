import type { Language } from '@hybrid-stage/shared';
import type { Config } from '../../config';
import { StartupError } from '../../errors';
import { ApertiumTranslator } from './ApertiumTranslator';
import { LibreTranslateTranslator } from './LibreTranslateTranslator';
import type { Translator } from './Translator';

/**
 * The translator of each machine-translated language, from the configuration. LibreTranslate wins
 * where both are set. `tempDir`: a private directory for Apertium's input files.
 */
export function machineTranslators(config: Config, tempDir: string): Map<Language, Translator> {
  const translators = new Map<Language, Translator>();
  const apertium = new ApertiumTranslator(tempDir);
  for (const language of config.MT_APERTIUM_LANGUAGES) {
    if (!ApertiumTranslator.languages.includes(language)) {
      throw new StartupError(`MT_APERTIUM_LANGUAGES: Apertium here translates English only into ${ApertiumTranslator.languages.join(', ')}, not ${language}`);
    }
    const missing = ApertiumTranslator.missingPackages(language);
    if (missing.length > 0) throw new StartupError(`MT_APERTIUM_LANGUAGES: ${language} needs Debian's ${missing.join(' and ')} (npm start's setup installs them)`);
    translators.set(language, apertium);
  }
  if (config.LIBRETRANSLATE_URL) {
    const libre = new LibreTranslateTranslator(config.LIBRETRANSLATE_URL, config.LIBRETRANSLATE_API_KEY || undefined);
    for (const language of config.LIBRETRANSLATE_LANGUAGES) translators.set(language, libre);
  }
  return translators;
}
