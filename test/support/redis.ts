// A real Redis for the cluster tests: Debian's redis-server (installed by `setup --for test`) as a
// child process on 127.0.0.1, a free port, its own temporary directory, no persistence, stopped and
// removed afterwards. It can be stopped and started again on the same port mid-test, as an
// operator's restart would look to the nodes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort } from './ports';

/** Whether a Redis answers PING on 127.0.0.1:`port`. */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.setTimeout(1000, () => socket.destroy());
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

export class TestRedis {
  #child: ChildProcess | undefined;
  #closed = false;

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  /** Starts redis-server and resolves once it accepts connections. */
  static async start(): Promise<TestRedis> {
    const redis = new TestRedis(await freeTcpPort(), mkdtempSync(join(tmpdir(), 'hybrid-stage-redis-')));
    try {
      await redis.#spawn();
    } catch (error) {
      await redis.close();
      throw error;
    }
    return redis;
  }

  /** The URL nodes are given as REDIS_URL. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async #spawn(): Promise<void> {
    // setpriv's pdeathsig: a test runner that dies leaves no Redis behind.
    const child = spawn(
      'setpriv',
      [
        '--pdeathsig', 'KILL', 'redis-server',
        '--port', String(this.port),
        '--bind', '127.0.0.1',
        '--dir', this.dir,
        // Short-lived state only: nothing written to disk, so a restart starts empty, as the
        // nodes must cope with (they write their registry again by themselves).
        '--save', '',
        '--appendonly', 'no',
        '--daemonize', 'no',
        '--protected-mode', 'yes',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.#child = child;
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', () => {
      if (this.#child === child) this.#child = undefined;
    });
    const exited = new Promise<never>((_, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${output}`)));
    });
    exited.catch(() => undefined); // raced below; an exit later is the test's own doing
    const deadline = Date.now() + 10_000;
    while (!(await Promise.race([pong(this.port), exited]))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not answer within 10 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stops the server (SIGKILL when `abruptly`, as a crash; SIGTERM otherwise) and waits for it to end. */
  async stop({ abruptly = false } = {}): Promise<void> {
    const child = this.#child;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(abruptly ? 'SIGKILL' : 'SIGTERM');
    await exited;
  }

  /** Starts the server again on the same port after {@link stop} (empty: nothing was saved). */
  async startAgain(): Promise<void> {
    if (this.#closed) throw new Error('this Redis is closed');
    if (!this.#child) await this.#spawn();
  }

  /** Stops the server and removes its directory; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
