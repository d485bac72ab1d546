// A real TURN server for the tests: Debian's coturn (installed by `setup --for test`) as a child
// process with its own temporary directory, configuration and test certificate (made here with
// openssl), TURN REST API credentials (`use-auth-secret`), listening on the addresses the test
// gives (loopback by default, or a test namespace's veth), stopped and removed afterwards.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePortRun } from './ports';

/** How a test wants its coturn. */
export interface CoturnOptions {
  /** Addresses coturn takes clients on; the first is the one its URLs name. Default 127.0.0.1. */
  listenIps?: string[];
}

/** A certificate authority and a server certificate for `ips`, made by openssl in `dir`. */
export interface TestCertificate {
  /** The CA's certificate (PEM), for clients to trust. */
  caPath: string;
  certPath: string;
  keyPath: string;
}

/** Makes a throwaway CA and a TLS server certificate naming `ips`, valid two days. */
export function makeTestCertificate(dir: string, ips: string[]): TestCertificate {
  const caKey = join(dir, 'ca.key');
  const caPath = join(dir, 'ca.pem');
  const keyPath = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const certPath = join(dir, 'server.pem');
  const ext = join(dir, 'server.ext');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  openssl(['req', '-x509', ...ec, '-keyout', caKey, '-out', caPath, '-days', '2', '-subj', '/CN=Hybrid Stage test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(['req', ...ec, '-keyout', keyPath, '-out', csr, '-subj', '/CN=turn.hybrid-stage.test']);
  writeFileSync(ext, [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    `subjectAltName=DNS:turn.hybrid-stage.test,${ips.map((ip) => `IP:${ip}`).join(',')}`,
  ].join('\n'));
  openssl(['x509', '-req', '-in', csr, '-CA', caPath, '-CAkey', caKey, '-CAcreateserial', '-out', certPath, '-days', '2', '-extfile', ext]);
  return { caPath, certPath, keyPath };
}

/** Whether something accepts TCP connections on `host:port`. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host, () => {
      socket.destroy();
      resolve(true);
    });
    socket.setTimeout(1000, () => socket.destroy());
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

export class TestCoturn {
  #child: ChildProcess | undefined;
  #closed = false;
  #log = '';

  private constructor(
    readonly dir: string,
    readonly host: string,
    readonly tcpPort: number,
    readonly tlsPort: number,
    /** The `static-auth-secret` it checks credentials with, for the server's TURN_SECRET. */
    readonly secret: string,
    readonly certificate: TestCertificate,
  ) {}

  /** Starts turnserver and resolves once its TCP and TLS listeners accept connections. */
  static async start({ listenIps = ['127.0.0.1'] }: CoturnOptions = {}): Promise<TestCoturn> {
    const dir = mkdtempSync(join(tmpdir(), 'hybrid-stage-coturn-'));
    let coturn: TestCoturn | undefined;
    try {
      // TCP, TLS (each with the port after it, coturn's RFC 5780 alternative, kept free though
      // unused) and a small run of relay ports (UDP, on loopback, toward the media server).
      const first = await freePortRun(20);
      coturn = new TestCoturn(dir, listenIps[0]!, first, first + 2, randomBytes(18).toString('base64url'), makeTestCertificate(dir, listenIps));
      await coturn.#spawn(listenIps, [first + 4, first + 19]);
      return coturn;
    } catch (error) {
      if (coturn) await coturn.close();
      else rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The URL of its plain TCP listener, as TURN_URLS and RTCIceServer take it. */
  get tcpUrl(): string {
    return `turn:${this.host}:${this.tcpPort}?transport=tcp`;
  }

  /** The URL of its TLS listener. */
  get tlsUrl(): string {
    return `turns:${this.host}:${this.tlsPort}?transport=tcp`;
  }

  /** The CA certificate that signed its TLS certificate (PEM). */
  get ca(): string {
    return readFileSync(this.certificate.caPath, 'utf8');
  }

  async #spawn(listenIps: string[], [minPort, maxPort]: [number, number]): Promise<void> {
    const config = join(this.dir, 'turnserver.conf');
    writeFileSync(
      config,
      [
        ...listenIps.map((ip) => `listening-ip=${ip}`),
        `listening-port=${this.tcpPort}`,
        `tls-listening-port=${this.tlsPort}`,
        // Relays toward the media server, which the tests run on loopback.
        'relay-ip=127.0.0.1',
        'allow-loopback-peers',
        'no-multicast-peers',
        `min-port=${minPort}`,
        `max-port=${maxPort}`,
        // TCP and TLS only: the one way out of a network that lets nothing but TCP through.
        'no-udp',
        'no-dtls',
        // NAT behaviour discovery wants a second address and port; a relay for browsers needs neither.
        'no-rfc5780',
        'no-tcp-relay',
        'use-auth-secret',
        `static-auth-secret=${this.secret}`,
        'realm=hybrid-stage.test',
        'fingerprint',
        `cert=${this.certificate.certPath}`,
        `pkey=${this.certificate.keyPath}`,
        'no-cli',
        'no-software-attribute',
        `userdb=${join(this.dir, 'turndb')}`,
        `pidfile=${join(this.dir, 'turnserver.pid')}`,
        'log-file=stdout',
        'simple-log',
      ].join('\n') + '\n',
    );
    // setpriv's pdeathsig: a test runner that dies leaves no coturn behind.
    const child = spawn('setpriv', ['--pdeathsig', 'KILL', 'turnserver', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    const keep = (d: Buffer) => (this.#log = (this.#log + d.toString()).slice(-20_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('exit', () => {
      if (this.#child === child) this.#child = undefined;
    });
    const exited = new Promise<never>((_, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`turnserver exited with ${code}:\n${this.#log}`)));
    });
    exited.catch(() => undefined);
    const deadline = Date.now() + 10_000;
    const ready = async () => (await accepts(this.host, this.tcpPort)) && (await accepts(this.host, this.tlsPort));
    while (!(await Promise.race([ready(), exited]))) {
      if (Date.now() > deadline) throw new Error(`turnserver did not listen within 10 s:\n${this.#log}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** What coturn logged lately, for a failing test's message. */
  get log(): string {
    return this.#log;
  }

  /** Stops the server and removes its directory; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const child = this.#child;
    if (child) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
