// A real PostgreSQL 15 for tests: Debian's binaries run as a child process on 127.0.0.1, with its
// data and unix socket in a fresh temporary directory that is removed afterwards.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort } from './ports';
import pg from 'pg';

const BIN = '/usr/lib/postgresql/15/bin';

/**
 * PostgreSQL refuses to run as root, and tests run as root: every command runs as the `postgres`
 * OS user (made by Debian's package) through setpriv, which also has the kernel kill the server
 * when the test process dies, even by SIGKILL (setpriv sets the parent-death signal after it
 * changes user, so the change does not clear it).
 */
function asPostgres(command: string, args: string[]): [string, string[]] {
  const needed = process.getuid?.() === 0;
  return needed ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--pdeathsig', 'KILL', '--', command, ...args]] : [command, args];
}

function ownerIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** A PostgreSQL server started for a test file. */
export class TestPostgres {
  readonly #dir: string;
  readonly port: number;
  #process: ChildProcess | undefined;
  #databases = 0;
  #closed = false;

  private constructor(dir: string, port: number) {
    this.#dir = dir;
    this.port = port;
  }

  /** initdb in a new temporary directory, then the server on a free loopback port. */
  static async start(): Promise<TestPostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'hybrid-stage-pg-'));
    if (process.getuid?.() === 0) {
      const { uid, gid } = ownerIds();
      chownSync(dir, uid, gid);
    }
    const server = new TestPostgres(dir, await freeTcpPort());
    try {
      const [command, args] = asPostgres(`${BIN}/initdb`, ['-D', server.#data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
      const init = spawnSync(command, args, { encoding: 'utf8' });
      if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
      await server.startServer();
      return server;
    } catch (error) {
      await server.close();
      throw error;
    }
  }

  get #data(): string {
    return join(this.#dir, 'data');
  }

  /** The URL of `database` on this server. */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** A new empty database (one per test file or per test), as its URL. */
  async createDatabase(): Promise<string> {
    const name = `hs_${process.pid}_${++this.#databases}`;
    const client = new pg.Client({ connectionString: this.url() });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  /** Starts the server on its directory and port; resolves once it accepts connections. */
  async startServer(): Promise<void> {
    if (this.#process) return;
    const [command, args] = asPostgres(`${BIN}/postgres`, [
      '-D', this.#data,
      '-k', this.#dir,
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `port=${this.port}`,
      '-c', 'max_connections=50',
    ]);
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => void (log = (log + chunk.toString()).slice(-4000)));
    this.#process = child;
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`postgres exited (${code}): ${log}`))));
    exited.catch(() => undefined);
    for (const deadline = Date.now() + 30_000; ; ) {
      const client = new pg.Client({ connectionString: this.url() });
      try {
        await Promise.race([client.connect(), exited]);
        await client.end();
        return;
      } catch (error) {
        await client.end().catch(() => undefined);
        if (child.exitCode !== null || Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** Stops the server (fast shutdown: open connections are cut, as in a restart); its data stays. */
  async stopServer(): Promise<void> {
    const child = this.#process;
    if (!child) return;
    this.#process = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  /** Stops and starts again on the same directory and port, as a PostgreSQL restart. */
  async restart(): Promise<void> {
    await this.stopServer();
    await this.startServer();
  }

  /** Stops the server and removes its directory. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.stopServer();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
