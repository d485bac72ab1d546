import { EventEmitter } from 'node:events';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from '../logger';

/** Every running ffmpeg, so none outlives this process: UDP output never fails, so ffmpeg would not notice. (A crash is covered by setpriv's parent-death signal.) */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Options of {@link FfmpegProcess}. */
export interface FfmpegProcessOptions {
  /** Arguments after `ffmpeg`. */
  args: string[];
  /** Extra environment (e.g. TZ for a clock overlay). */
  env?: Record<string, string>;
  /** Wait before starting again after ffmpeg exits. */
  restartAfterMs?: number;
  /**
   * With this, a run that ends within {@link QUICK_EXIT_MS} doubles the wait before the next start,
   * up to this many ms (a run that lasted resets it): a process that cannot start (a port taken, an
   * input that keeps failing) is not started again five times a second for ever.
   */
  maxRestartAfterMs?: number;
  /** Whether to start ffmpeg again after it exits (default true); false for a job that ends, like a recording. */
  restart?: boolean;
  /** Runs ffmpeg at this `nice` level (1-19: lower priority), for work that must not slow live media. */
  niceness?: number;
  logger: Logger;
  /** What the process is, for the log. */
  what: string;
  /**
   * Secrets in the arguments (an SRT passphrase): ffmpeg names its input URL in its errors, and
   * its last words go to the log, so each is replaced there by `***`.
   */
  secrets?: string[];
  /** Called with each line ffmpeg writes to its standard output (a filter's printout); without it the output is dropped. */
  onOutput?: (line: string) => void;
}

/** Events of an {@link FfmpegProcess}. */
export interface FfmpegProcessEvents {
  /** ffmpeg exited (by itself, killed, or closed); `stderr` is its last words. */
  exit: [code: number | null, signal: NodeJS.Signals | null, stderr: string];
  /** ffmpeg will be started again after `delayMs` (the restart backoff's choice). */
  restarting: [delayMs: number];
}

/** A run shorter than this counts as a failure to start, for the restart backoff. */
export const QUICK_EXIT_MS = 5000;

/**
 * How long to wait before the next start, after `quickExits` runs in a row ended within
 * {@link QUICK_EXIT_MS}: `baseMs` after a run that lasted, then doubling up to `maxMs`.
 */
export function restartDelay(baseMs: number, maxMs: number, quickExits: number): number {
  return Math.min(Math.max(baseMs, maxMs), baseMs * 2 ** Math.max(0, Math.min(quickExits, 30)));
}

/** Debian's ffmpeg as a child process, started again after it exits until it is closed (unless `restart: false`). */
export class FfmpegProcess extends EventEmitter<FfmpegProcessEvents> {
  readonly #options: FfmpegProcessOptions;
  #child: ChildProcess | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Runs in a row that ended within QUICK_EXIT_MS. */
  #quickExits = 0;

  constructor(options: FfmpegProcessOptions) {
    super();
    this.#options = options;
    this.#start();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The running ffmpeg's process id, if one runs. */
  get pid(): number | undefined {
    return this.#child && this.#child.exitCode === null && this.#child.signalCode === null ? this.#child.pid : undefined;
  }

  /**
   * Asks ffmpeg to finish its output (SIGINT: it writes what it holds and the file's trailer) and
   * resolves when it has exited; kills it after `graceMs`. Closes the process for good.
   */
  stop(graceMs = 5000): Promise<void> {
    const child = this.#child;
    const running = child && child.exitCode === null && child.signalCode === null;
    this.#closed = true;
    clearTimeout(this.#restartTimer);
    if (!running) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGINT');
    });
  }

  /** Stops ffmpeg for good. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#restartTimer);
    this.#child?.kill('SIGKILL');
  }

  #start(): void {
    const { args, env, restartAfterMs = 1000, maxRestartAfterMs = restartAfterMs, restart = true, logger, what } = this.#options;
    const startedAt = Date.now();
    // setpriv (util-linux) has the kernel kill ffmpeg when this process dies, even by SIGKILL:
    // a recorder or pattern never outlives a crashed server. In a session of its own (detached),
    // a Ctrl+C in the terminal reaches only the server, which then stops each ffmpeg in order
    // (a recorder finishes its file).
    const command = ['setpriv', '--pdeathsig', 'KILL', 'ffmpeg', '-hide_banner', '-loglevel', 'error', '-nostdin', ...args];
    // nice execs setpriv, which execs ffmpeg: the same process, still this one's child.
    if (this.#options.niceness) command.unshift('nice', '-n', String(this.#options.niceness));
    const { onOutput } = this.#options;
    const child = spawn(command[0]!, command.slice(1), {
      detached: true,
      stdio: ['ignore', onOutput ? 'pipe' : 'ignore', 'pipe'],
      env: { ...process.env, ...env },
    });
    this.#child = child;
    if (onOutput) createInterface({ input: child.stdout!, crlfDelay: Infinity }).on('line', onOutput);
    running.add(child);
    let stderr = '';
    const redact = (text: string) => (this.#options.secrets ?? []).reduce((t, secret) => (secret ? t.split(secret).join('***') : t), text);
    child.stderr!.on('data', (chunk: Buffer) => (stderr = redact(stderr + chunk.toString()).slice(-2000)));
    // Only the code and message: the error's spawnargs would print the command line, secrets and all.
    child.on('error', (error: NodeJS.ErrnoException) => logger.error({ err: { code: error.code, message: redact(error.message) }, what }, 'cannot run ffmpeg'));
    child.on('exit', (code, signal) => {
      running.delete(child);
      this.emit('exit', code, signal, stderr);
      if (this.#closed) return;
      if (!restart) {
        this.#closed = true;
        return;
      }
      this.#quickExits = Date.now() - startedAt < QUICK_EXIT_MS ? this.#quickExits + 1 : 0;
      // The first quick exit waits the base time (an SRT relay exits when its encoder hangs up and
      // must listen again at once); each further one in a row waits twice as long.
      const delay = restartDelay(restartAfterMs, maxRestartAfterMs, Math.max(0, this.#quickExits - 1));
      logger.warn({ what, code, signal, stderr, restartInMs: delay }, 'ffmpeg exited; starting it again');
      this.emit('restarting', delay);
      this.#restartTimer = setTimeout(() => {
        if (!this.#closed) this.#start();
      }, delay);
    });
  }
}
