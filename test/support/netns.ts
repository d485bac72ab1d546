// A viewer on a network of the test's making: a network namespace joined to this machine by a
// veth pair, with a /30 the test picks from 10.0.0.0/8 where none of the machine's interfaces or
// routes lie. The namespace has no default route: it reaches the host's end of the pair and
// nothing else, so whatever the test binds there (the web server, coturn's TCP and TLS ports) is
// the viewer's whole internet, and what listens on loopback (the WebRTC ports) is out of its
// reach. `tc tbf` on the pair limits its rate as a narrow link would (this kernel has no netem).
// Chromium runs inside it through `ip netns exec`, driven by playwright over its pipe as usual.
// Needs root and iproute2; without them `create` fails saying so, and the test with it.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser';

const run = promisify(execFile);

/** Runs a command, failing with its stderr in the message. */
async function sh(command: string, args: string[]): Promise<string> {
  try {
    return (await run(command, args, { timeout: 10_000 })).stdout;
  } catch (error) {
    const e = error as Error & { stderr?: string };
    throw new Error(`${command} ${args.join(' ')}: ${(e.stderr || e.message).trim()}`);
  }
}

/** An IPv4 address as a number. */
function toNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function fromNumber(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 0xff).join('.');
}

/** Whether two CIDR blocks overlap. */
function overlaps([a, aBits]: [number, number], [b, bBits]: [number, number]): boolean {
  const bits = Math.min(aBits, bBits);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

/** Every IPv4 block this machine has on an interface or in its main routing table. */
async function blocksInUse(): Promise<Array<[number, number]>> {
  const text = (await sh('ip', ['-4', '-o', 'addr', 'show'])) + (await sh('ip', ['-4', 'route', 'show', 'table', 'all']));
  return [...text.matchAll(/(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?/g)].map((m) => [toNumber(m[1]!), m[2] ? Number(m[2]) : 32]);
}

let made = 0;
const NAME_PREFIX = 'hs-viewer-';

/**
 * Deletes namespaces of this kind left by test runs that were killed before their teardown (their
 * pid is gone); deleting a namespace deletes its veth pair too.
 */
async function sweepAbandoned(): Promise<void> {
  const list = await sh('ip', ['netns', 'list']).catch(() => '');
  for (const [, name, pid] of list.matchAll(new RegExp(`^(${NAME_PREFIX}(\\d+)-\\d+)`, 'gm'))) {
    if (isAlive(Number(pid))) continue;
    await sh('ip', ['netns', 'delete', name!]).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How to start chromium in the namespace. */
export interface NamespacedBrowserOptions {
  /** Origins served over plain HTTP on the test network that the page needs to be secure contexts. */
  secureOrigins?: string[];
  /** A CA certificate (PEM file) chromium trusts, for TLS servers with a test certificate (TURN over TLS). */
  trustCa?: string;
}

/** What {@link ViewerNetwork.limit} sets on the viewer's link. */
export interface LinkLimit {
  /** Rate toward the viewer (what it downloads), in kbit/s. */
  downKbit: number;
}

export class ViewerNetwork {
  #closed = false;

  private constructor(
    /** The namespace's name (unique per process and network). */
    readonly name: string,
    /** The host's end of the pair: the only address the viewer reaches. Bind what it may use here. */
    readonly hostIp: string,
    /** The viewer's own address. */
    readonly viewerIp: string,
    /** The host's veth interface (its egress is what the viewer downloads). */
    readonly hostLink: string,
    readonly viewerLink: string,
    readonly dir: string,
  ) {}

  /** Makes the namespace and its link; fails, naming why, where namespaces cannot be made. */
  static async create(): Promise<ViewerNetwork> {
    const n = made++;
    // Unique among the processes on this machine: pid and a counter (interface names take 15 characters).
    const name = `${NAME_PREFIX}${process.pid}-${n}`;
    const hostLink = `hsh${process.pid}x${n}`.slice(0, 15);
    const viewerLink = `hsv${process.pid}x${n}`.slice(0, 15);
    const inUse = await blocksInUse().catch((error: Error) => {
      throw new Error(`network namespaces need iproute2 (\`ip\`): ${error.message}`);
    });
    await sweepAbandoned();
    // A /30 in 10.0.0.0/8 that nothing of the machine's overlaps, from a start spread by pid.
    let base: number | undefined;
    for (let i = 0; i < 4096 && base === undefined; i++) {
      const candidate = toNumber('10.0.0.0') + (((process.pid * 7 + n * 13 + i) % (1 << 22)) << 2);
      if (!inUse.some((block) => overlaps([candidate, 30], block))) base = candidate;
    }
    if (base === undefined) throw new Error('no free /30 in 10.0.0.0/8 for a test network');
    const network = new ViewerNetwork(name, fromNumber(base + 1), fromNumber(base + 2), hostLink, viewerLink, mkdtempSync(join(tmpdir(), 'hybrid-stage-netns-')));
    try {
      await sh('ip', ['netns', 'add', name]).catch((error: Error) => {
        throw new Error(`cannot make a network namespace here (the test needs root and iproute2): ${error.message}`);
      });
      await sh('ip', ['link', 'add', hostLink, 'type', 'veth', 'peer', 'name', viewerLink, 'netns', name]);
      await sh('ip', ['addr', 'add', `${network.hostIp}/30`, 'dev', hostLink]);
      await sh('ip', ['link', 'set', hostLink, 'up']);
      await sh('ip', ['-n', name, 'addr', 'add', `${network.viewerIp}/30`, 'dev', viewerLink]);
      await sh('ip', ['-n', name, 'link', 'set', viewerLink, 'up']);
      await sh('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    } catch (error) {
      await network.close();
      throw error;
    }
    return network;
  }

  /** The namespace's routing table, to show what the viewer can reach. */
  routes(): Promise<string> {
    return sh('ip', ['-n', this.name, '-4', 'route', 'show']);
  }

  /**
   * Limits the link with a token bucket (tc tbf) as a narrow last mile would: packets beyond the
   * rate wait in a short queue (100 ms) and are dropped when it is full. `undefined` lifts it.
   */
  async limit(limit: LinkLimit | undefined): Promise<void> {
    const tbf = (kbit: number) => ['root', 'tbf', 'rate', `${kbit}kbit`, 'burst', `${Math.max(4, Math.ceil(kbit / 50))}kb`, 'latency', '100ms'];
    if (!limit) {
      await sh('tc', ['qdisc', 'del', 'dev', this.hostLink, 'root']).catch(() => undefined);
      return;
    }
    await sh('tc', ['qdisc', 'replace', 'dev', this.hostLink, ...tbf(limit.downKbit)]);
  }

  /** Bytes the host has sent toward the viewer so far (the viewer's download), from the link's counters. */
  async bytesToViewer(): Promise<number> {
    const text = await sh('ip', ['-s', '-j', 'link', 'show', 'dev', this.hostLink]);
    const [link] = JSON.parse(text) as Array<{ stats64: { tx: { bytes: number } } }>;
    return link!.stats64.tx.bytes;
  }

  /**
   * Debian's chromium inside the namespace (as {@link launchBrowser}): playwright starts a wrapper
   * that enters the namespace and execs chromium, keeping its DevTools pipe.
   */
  async launchBrowser({ secureOrigins = [], trustCa }: NamespacedBrowserOptions = {}): Promise<Browser> {
    const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    const env: string[] = [];
    if (trustCa) {
      // Chromium on Linux trusts the CAs in the user's NSS database ($HOME/.pki/nssdb): a HOME of
      // the test's own with the test CA in it, rather than the machine's or the user's.
      const home = join(this.dir, 'home');
      const db = join(home, '.pki', 'nssdb');
      mkdirSync(db, { recursive: true });
      await sh('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']).catch((error: Error) => {
        throw new Error(`trusting a test CA in chromium needs certutil (Debian libnss3-tools): ${error.message}`);
      });
      await sh('certutil', ['-A', '-d', `sql:${db}`, '-n', 'hybrid-stage-test-ca', '-t', 'C,,', '-i', trustCa]);
      env.push(`HOME='${home}'`);
    }
    const wrapper = join(this.dir, 'chromium-in-netns.sh');
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec '${this.name}' env ${env.join(' ')} '${chromium}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    const secure = secureOrigins.length ? [`--unsafely-treat-insecure-origin-as-secure=${secureOrigins.join(',')}`] : [];
    return launchBrowser(secure, wrapper);
  }

  /** Removes the namespace (and with it both ends of the pair and any limit); idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Deleting the namespace destroys the veth inside it, and with it its peer on the host.
    await sh('ip', ['netns', 'delete', this.name]).catch(() => undefined);
    await sh('ip', ['link', 'delete', this.hostLink]).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
