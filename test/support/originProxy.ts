// The crew's one address in front of an origin and its standby, as docker/cluster.yaml runs it, and
// the HLS cache: Debian's nginx (installed by `setup --for test`) with docker/origin-proxy.conf, the
// compose service names replaced by the two origins' addresses and the cache put in a temporary
// directory, as a child process (one process, no workers, so setpriv's pdeathsig leaves nothing
// behind; nor a cache manager, which a test does not need), stopped and removed after.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CONF = join(import.meta.dirname, '..', '..', 'docker', 'origin-proxy.conf');

export class TestOriginProxy {
  readonly #child: ChildProcess;
  readonly #dir: string;
  readonly #output: () => string;
  #closed = false;

  private constructor(child: ChildProcess, dir: string, output: () => string, readonly url: string) {
    this.#child = child;
    this.#dir = dir;
    this.#output = output;
  }

  /** nginx on `ip`:`port` in front of the origins at `origin` and `standby` (their base URLs); resolves once it answers. */
  static async start({ ip, port, origin, standby }: { ip: string; port: number; origin: string; standby: string }): Promise<TestOriginProxy> {
    const dir = mkdtempSync(join(tmpdir(), 'hybrid-stage-nginx-'));
    const server = (name: string, url: string) => [`server ${name}:3000 `, `server ${new URL(url).host} `] as const;
    let site = readFileSync(CONF, 'utf8');
    const replaced = [
      server('origin', origin),
      server('standby', standby),
      ['listen 3000;', `listen ${ip}:${port};`],
      ['/var/lib/nginx/hls-cache', join(dir, 'hls-cache')],
    ] as const;
    for (const [from, to] of replaced) {
      if (!site.includes(from)) throw new Error(`docker/origin-proxy.conf has no "${from}" to replace`);
      site = site.replace(from, to);
    }
    writeFileSync(join(dir, 'origin-proxy.conf'), site);
    writeFileSync(
      join(dir, 'nginx.conf'),
      [
        'daemon off;',
        'master_process off;',
        `pid ${join(dir, 'nginx.pid')};`,
        `error_log ${join(dir, 'error.log')} warn;`,
        // Players and their upstream requests: a bench pulls with 200 at once.
        'events { worker_connections 2048; }',
        `http { access_log off; include ${join(dir, 'origin-proxy.conf')}; }`,
        '',
      ].join('\n'),
    );
    const child = spawn('setpriv', ['--pdeathsig', 'KILL', 'nginx', '-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const errorLog = join(dir, 'error.log');
    const proxy = new TestOriginProxy(child, dir, () => output + (existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : ''), `http://${ip}:${port}`);
    const deadline = Date.now() + 10_000;
    // Listening: any HTTP answer (a 502 while neither origin serves yet) says so.
    while (!(await fetch(proxy.url).then(() => true, () => false))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await proxy.close();
        throw new Error(`nginx did not start:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return proxy;
  }

  /** What nginx wrote to its error log (for a failing test). */
  log(): string {
    return this.#output();
  }

  /** Stops nginx and removes its directory; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      const exited = new Promise((resolve) => this.#child.once('exit', resolve));
      this.#child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
