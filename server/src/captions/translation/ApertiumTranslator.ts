import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Language } from '@hybrid-stage/shared';
import { AppError } from '../../errors';
import type { Translator } from './Translator';

/**
 * How Apertium reaches each language from English: its modes in order. Debian packages one pair
 * from English among the broadcast's languages (Spanish); Portuguese, Italian and French are
 * reached through Spanish with the Spanish pairs Debian does package.
 */
const ROUTES: Partial<Record<Language, readonly string[]>> = {
  es: ['eng-spa'],
  pt: ['eng-spa', 'es-pt'],
  it: ['eng-spa', 'spa-ita'],
  fr: ['eng-spa', 'es-fr'],
};

/** The Debian package that brings each mode (setup installs them). */
export const MODE_PACKAGES: Readonly<Record<string, string>> = {
  'eng-spa': 'apertium-eng-spa',
  'es-pt': 'apertium-es-pt',
  'spa-ita': 'apertium-spa-ita',
  'es-fr': 'apertium-fr-es',
};

/** How many recent translations each pair remembers: one English cue goes to Spanish once, not once per language reached through it. */
const REMEMBERED = 64;
/** Longest one cue may take; past it the translator is restarted (its pipeline may be stuck). */
const TIMEOUT_MS = 5000;
/** What a new pipeline may take on top, to start and load its dictionaries (1.5 s here idle, several under load). */
const START_MS = 20_000;
/**
 * Cues waiting per language pair. Live captions age fast: when more wait, the oldest is dropped
 * (its English went out already; a translation seconds late is worth less than the next one).
 */
export const MAX_WAITING = 20;
/** How long a stop waits for a translator to finish and remove its temporary file before killing it. */
const CLOSE_GRACE_MS = 2000;

/** Characters with a meaning in Apertium's stream format, escaped with a backslash as its deformatters do. */
const SPECIAL = /[\\^$@*/<>{}[\]]/g;

/** One cue as the pipeline reads it: escaped, ended as apertium-destxt ends a text (".[]"), then NUL, which flushes it through. */
export function encodeCue(text: string): string {
  return `${text.replace(/\0/g, '').replace(SPECIAL, (c) => `\\${c}`)}.[]\0`;
}

/** One translated unit back as text: without the ".[]" the cue ended with, and unescaped. */
export function decodeCue(unit: string): string {
  return unit
    .replace(/\.\[\]\s*$/, '')
    .replace(/\[\]/g, '')
    .replace(/\\(.)/g, '$1')
    .trim();
}

interface Job {
  text: string;
  resolve(text: string): void;
  reject(error: Error): void;
}

/** Where Debian's Apertium keeps its modes (the pipelines of each pair). */
const MODES_DIR = '/usr/share/apertium/modes';

/**
 * One long-lived Apertium pipeline for one language pair, fed one cue at a time.
 *
 * The pair's mode (the chain of lt-proc, apertium-tagger, the transfer stages…) runs as
 * `apertium-wblank-mode -z` writes it: every program with `-z`, which makes it flush at a NUL, so a
 * cue goes in followed by NUL and its translation comes out followed by NUL, without starting the
 * dozen programs and loading the dictionaries per cue (about 0.1 s of CPU each, over a second to
 * start on a loaded machine). Not through the `apertium` script: its txt deformatter drops NULs,
 * its gawk stages hold output until the input ends, and it opens /dev/stdin, which cannot be opened
 * on the socket Node gives a child as its stdin; the cue is escaped here instead, as the deformatter
 * would. The pipeline makes no temporary file, and runs in its own process group (killed whole)
 * with TMPDIR a private directory of its own, removed when it exits, should a stage ever make one.
 */
class ApertiumPair {
  readonly #mode: string;
  readonly #tempDir: string;
  readonly #waiting: Job[] = [];
  #child: ChildProcessWithoutNullStreams | undefined;
  #current: (Job & { timer: NodeJS.Timeout }) | undefined;
  #out = '';
  #closed = false;
  /** The pipeline as a bash script, read once from the pair's mode. */
  #script: string | undefined;

  constructor(mode: string, tempDir: string) {
    this.#mode = mode;
    this.#tempDir = tempDir;
  }

  translate(text: string): Promise<string> {
    if (this.#closed) return Promise.reject(new AppError('INVALID_STATE', 'machine translation has stopped'));
    return new Promise((resolve, reject) => {
      this.#waiting.push({ text, resolve, reject });
      if (this.#waiting.length > MAX_WAITING) {
        this.#waiting.shift()!.reject(new AppError('RATE_LIMITED', `more than ${MAX_WAITING} cues waiting for ${this.#mode}: the oldest is skipped`));
      }
      this.#next();
    });
  }

  /** Ends the pipeline (its input closed, then killed after a grace), failing what waits. Safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#waiting.splice(0)) job.reject(new AppError('INVALID_STATE', 'machine translation has stopped'));
    const child = this.#child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      const timer = setTimeout(() => this.#kill(child), CLOSE_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
  }

  #next(): void {
    if (this.#current || this.#closed) return;
    const job = this.#waiting.shift();
    if (!job) return;
    const fresh = !this.#child;
    let child: ChildProcessWithoutNullStreams;
    try {
      child = this.#child ?? this.#spawn();
    } catch (error) {
      job.reject(error as Error);
      return;
    }
    const timer = setTimeout(() => {
      // A stuck pipeline is dropped at once (the next cue gets a new one); its exit fails nothing more.
      if (this.#child === child) this.#child = undefined;
      this.#kill(child);
      this.#fail(new Error(`apertium ${this.#mode} took over ${TIMEOUT_MS} ms`));
    }, fresh ? TIMEOUT_MS + START_MS : TIMEOUT_MS);
    this.#current = { ...job, timer };
    child.stdin.write(encodeCue(job.text));
  }

  #spawn(): ChildProcessWithoutNullStreams {
    const dir = mkdtempSync(join(this.#tempDir, `apertium-${this.#mode}-`));
    // $1 "-n": no marks on unknown words (apertium -u); $2 "": the tagger's default.
    this.#script ??= execFileSync('apertium-wblank-mode', ['-z', join(MODES_DIR, `${this.#mode}.mode`)], { encoding: 'utf8' });
    const child = spawn('bash', ['-c', this.#script, 'apertium', '-n', ''], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, TMPDIR: dir },
    });
    this.#child = child;
    this.#out = '';
    let err = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      if (this.#child !== child) return;
      this.#out += d;
      for (let end = this.#out.indexOf('\0'); end >= 0; end = this.#out.indexOf('\0')) {
        const unit = this.#out.slice(0, end);
        this.#out = this.#out.slice(end + 1);
        // A flush may repeat a NUL with nothing before it; a cue always has text.
        if (unit.trim()) this.#done(decodeCue(unit));
      }
    });
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-500)));
    // A write into a pipeline that has died: its exit handler fails the cue.
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => {
      if (this.#child !== child) return;
      this.#child = undefined;
      this.#fail(error);
    });
    child.on('exit', (code, signal) => {
      // The whole group: a program of the pipeline that outlived bash would keep its pipe.
      this.#kill(child);
      rmSync(dir, { recursive: true, force: true });
      // Only the pipeline in use fails its cue; one dropped after a timeout has failed its own already.
      if (this.#child !== child) return;
      this.#child = undefined;
      this.#fail(new Error(`apertium ${this.#mode} exited (${code ?? signal}): ${err.trim().slice(0, 200)}`));
    });
    return child;
  }

  #kill(child: ChildProcessWithoutNullStreams): void {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  #done(text: string): void {
    const job = this.#current;
    if (!job) return;
    clearTimeout(job.timer);
    this.#current = undefined;
    if (text) job.resolve(text);
    else job.reject(new Error(`apertium ${this.#mode} gave no translation`));
    this.#next();
  }

  #fail(error: Error): void {
    const job = this.#current;
    if (!job) return;
    clearTimeout(job.timer);
    this.#current = undefined;
    job.reject(error);
    // The next cue starts a new pipeline if this one is gone.
    this.#next();
  }
}

/**
 * Debian's Apertium, offline: one long-lived pipeline per language pair (see ApertiumPair), each
 * with a bounded queue, so a flood of English cues costs one process per pair and at most
 * MAX_WAITING cues of memory, not a process per cue. A language with no pair from English is
 * reached through Spanish (ROUTES); the Spanish of a cue is made once for all of them.
 */
export class ApertiumTranslator implements Translator {
  readonly name = 'apertium';

  /** The languages Apertium can translate English into here, directly or through Spanish. */
  static readonly languages = Object.keys(ROUTES) as Language[];

  /** The Debian packages `language` needs that are not installed; none when it can be translated. */
  static missingPackages(language: Language): string[] {
    return (ROUTES[language] ?? []).filter((mode) => !existsSync(join(MODES_DIR, `${mode}.mode`))).map((mode) => MODE_PACKAGES[mode] ?? mode);
  }

  readonly #tempDir: string;
  readonly #pairs = new Map<string, ApertiumPair>();
  /** Recent translations per mode and text, newest last (a Map keeps insertion order). */
  readonly #recent = new Map<string, Promise<string>>();

  /** `tempDir`: where apertium's temporary files go, a directory only the server reads (not the shared /tmp). */
  constructor(tempDir: string) {
    this.#tempDir = tempDir;
  }

  async translate(text: string, to: Language): Promise<string> {
    const route = ROUTES[to];
    if (!route) throw new AppError('INVALID_STATE', `Apertium reaches no ${to} from English here`);
    let result = text;
    for (const mode of route) result = await this.#through(mode, result);
    return result;
  }

  /** How a draft in `to` is made: "apertium en→es→pt" through a pivot, "apertium en→es" directly. */
  author(to: Language): string {
    const throughSpanish = (ROUTES[to]?.length ?? 0) > 1;
    return `apertium ${['en', ...(throughSpanish ? ['es'] : []), to].join('→')}`;
  }

  #through(mode: string, text: string): Promise<string> {
    const key = `${mode}\0${text}`;
    const known = this.#recent.get(key);
    if (known) return known;
    let pair = this.#pairs.get(mode);
    if (!pair) this.#pairs.set(mode, (pair = new ApertiumPair(mode, this.#tempDir)));
    const translated = pair.translate(text);
    this.#recent.set(key, translated);
    if (this.#recent.size > REMEMBERED) this.#recent.delete(this.#recent.keys().next().value!);
    translated.catch(() => this.#recent.get(key) === translated && this.#recent.delete(key));
    return translated;
  }

  /** Ends every pair's pipeline. Safe to call twice. */
  async close(): Promise<void> {
    await Promise.all([...this.#pairs.values()].map((p) => p.close()));
  }
}
