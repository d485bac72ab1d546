import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../logger';

/** Every running ffmpeg, so none outlives this process: UDP output never fails, so ffmpeg would not notice. */
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
  logger: Logger;
  /** What the process is, for the log. */
  what: string;
}

/** Debian's ffmpeg as a child process, started again after it exits until it is closed. */
export class FfmpegProcess {
  readonly #options: FfmpegProcessOptions;
  #child: ChildProcess | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: FfmpegProcessOptions) {
    this.#options = options;
    this.#start();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Stops ffmpeg for good. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#restartTimer);
    this.#child?.kill('SIGKILL');
  }

  #start(): void {
    const { args, env, restartAfterMs = 1000, logger, what } = this.#options;
    const child = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env },
    });
    this.#child = child;
    running.add(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.on('error', (error) => logger.error({ err: error, what }, 'cannot run ffmpeg'));
    child.on('exit', (code, signal) => {
      running.delete(child);
      if (this.#closed) return;
      logger.warn({ what, code, signal, stderr }, 'ffmpeg exited; starting it again');
      this.#restartTimer = setTimeout(() => {
        if (!this.#closed) this.#start();
      }, restartAfterMs);
    });
  }
}
