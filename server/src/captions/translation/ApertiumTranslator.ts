import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Language } from '@hybrid-stage/shared';
import { AppError } from '../../errors';
import { PRIVATE_FILE_MODE } from '../../files/privateFiles';
import type { Translator } from './Translator';

/** Apertium modes from English for the languages Debian packages a pair for. */
const MODES: Partial<Record<Language, string>> = { es: 'eng-spa' };
const TIMEOUT_MS = 5000;

/** Debian's Apertium, offline: `apertium -u -f txt eng-spa` per cue (about 0.1 s each). */
export class ApertiumTranslator implements Translator {
  readonly name = 'apertium';

  /** The languages Apertium can translate English into here. */
  static readonly languages = Object.keys(MODES) as Language[];

  readonly #tempDir: string;

  /** `tempDir`: where the cue text goes in as a file, a directory only the server reads (not the shared /tmp). */
  constructor(tempDir: string) {
    this.#tempDir = tempDir;
  }

  translate(text: string, to: Language): Promise<string> {
    const mode = MODES[to];
    if (!mode) return Promise.reject(new AppError('INVALID_STATE', `Apertium has no English to ${to} pair`));
    // The text goes in as a file: apertium reads /dev/stdin, which Node's stdio sockets are not.
    const input = join(this.#tempDir, `apertium-${randomUUID()}.txt`);
    writeFileSync(input, text, { mode: PRIVATE_FILE_MODE });
    return new Promise<string>((resolve, reject) => {
      // -u: no marks on unknown words; -f txt: plain text, so < and & pass through as they are.
      // TMPDIR: the apertium script makes temporary files of its own (mktemp), with the text in them.
      const child = spawn('apertium', ['-u', '-f', 'txt', mode, input], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: this.#tempDir } });
      const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0 && out.trim()) resolve(out.trim());
        else reject(new Error(`apertium ${mode} failed (${code ?? 'killed'}): ${err.slice(0, 200)}`));
      });
    }).finally(() => rmSync(input, { force: true }));
  }
}
