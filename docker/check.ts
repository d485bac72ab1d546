/**
 * `npm run docker:check [-- --setup-test]`: the container path, verified the way a new user would
 * take it, and checked from outside the container (it takes minutes, so it is not part of `npm test`).
 *
 *   1. a Docker engine: `setup --for docker` has installed docker.io; dockerd is started if none runs
 *   2. a base image: debian:bookworm-slim if it is there or can be pulled, else a Debian bookworm
 *      minbase made with debootstrap from Debian's mirror and `docker import`ed (kept for next time)
 *   3. the host's extra certificate authorities (those in /usr/local/share/ca-certificates, or
 *      EXTRA_CA_CERTS_FILE) given to the build with the EXTRA_CA_CERTS build argument
 *   4. the image built from docker/Dockerfile, its size and build time reported
 *   5. a container run as a deployer would (published ports on 127.0.0.1, ANNOUNCED_IP=127.0.0.1):
 *      /health answers, Docker's HEALTHCHECK says healthy, the server runs as a non-root user, a
 *      headless Chromium on the host plays the main channel (media through the published RTC ports)
 *   6. DATA_DIR survives a restart: a stand comment posted before `docker stop` (which must end in a
 *      drain, exit code 0, not a SIGKILL after 10 s) is read back after `docker start`
 *   7. docker/compose.yaml brings the single node up with the same image, and the channel plays there;
 *      with its HLS cache (--profile hls-cache, nginx built from Debian's packages) the node sends
 *      players to the cache, which fetches a segment from the node once (MISS, then HIT)
 *   8. docker/cluster.yaml brings up Redis, PostgreSQL and nginx (built from Debian's packages), an
 *      origin and its standby behind nginx (the crew address), and two edges: the registry lists
 *      the active origin and the edges, a viewer who opens the crew address is placed on an edge and
 *      plays there, and after `docker kill` of the active origin the standby takes over behind the
 *      same address and the same viewer plays again by itself
 *   9. with --setup-test: `setup --for test` and a unit and an integration test file run in a
 *      container of the build stage (a minimal Debian plus Node 20), not only on developer machines
 *
 * Everything it starts (containers, volumes, compose projects, a dockerd) is removed or stopped at
 * the end, also when a step fails. Images are kept, so a second run builds from Docker's cache.
 * BASE_IMAGE picks another base image; DEBIAN_MIRROR another mirror for debootstrap; `--image NAME`
 * checks an image built before (no build); `--only container|compose|cluster` runs one of 5–8.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { AccessTokens } from '../server/src/access/AccessTokens';
import { launchBrowser, screenshot, videoProgress } from '../test/support/browser';
import { mediaClientsAt } from '../test/support/cluster';
import { freePortRun, freeTcpPort } from '../test/support/ports';

const root = join(import.meta.dirname, '..');
const started = Date.now();
const elapsed = (since = started) => `${((Date.now() - since) / 1000).toFixed(1)}s`;
const log = (message: string) => console.log(`[docker:check ${elapsed()}] ${message}`);

const imageIndex = process.argv.indexOf('--image');
/** `--image NAME` checks an image built before instead of building one (steps 2 to 4 are skipped). */
const givenImage = imageIndex >= 0 ? process.argv[imageIndex + 1] : undefined;
const IMAGE = givenImage ?? 'hybrid-stage:latest';
const BUILD_STAGE_IMAGE = 'hybrid-stage:build';
const SLIM_IMAGE = 'debian:bookworm-slim';
const MINBASE_IMAGE = 'hybrid-stage/debian:bookworm-minbase';
const run_id = `${process.pid}-${randomBytes(3).toString('hex')}`;
const setupTest = process.argv.includes('--setup-test');
const onlyIndex = process.argv.indexOf('--only');
/** `--only container|compose|cluster` runs that one of steps 5–8 (6 belongs to container). */
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : undefined;
if (only && !['container', 'compose', 'cluster'].includes(only)) {
  console.error(`--only ${only}: expected container, compose or cluster`);
  process.exit(2);
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command and collects its output. `echo` prints its lines as they come (prefixed), `logFile`
 * keeps all of it; a non-zero exit is an error unless `allowFail`.
 */
function sh(
  cmd: string,
  args: string[],
  options: { input?: string | NodeJS.ReadableStream; timeoutMs?: number; allowFail?: boolean; echo?: (line: string) => boolean; logFile?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd ?? root, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const file = options.logFile ? createWriteStream(options.logFile) : undefined;
    let stdout = '';
    let stderr = '';
    let partial = '';
    const onChunk = (chunk: Buffer, isErr: boolean) => {
      const text = chunk.toString();
      if (isErr) stderr = (stderr + text).slice(-200_000);
      else stdout = (stdout + text).slice(-2_000_000);
      file?.write(text);
      if (!options.echo) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (options.echo(line)) console.log(`    ${line.length > 160 ? `${line.slice(0, 160)}…` : line}`);
    };
    child.stdout.on('data', (c: Buffer) => onChunk(c, false));
    child.stderr.on('data', (c: Buffer) => onChunk(c, true));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      file?.end();
      const result = { code, stdout, stderr };
      if (code === 0 || options.allowFail) resolve(result);
      else reject(new Error(`${cmd} ${args.slice(0, 3).join(' ')}… exited with ${code ?? 'a signal (timed out?)'}:\n${(stderr || stdout).trim().split('\n').slice(-25).join('\n')}`));
    });
    if (typeof options.input === 'string') child.stdin.end(options.input);
    else if (options.input) options.input.pipe(child.stdin);
    else child.stdin.end();
  });
}

const docker = (args: string[], options: Parameters<typeof sh>[2] = {}) =>
  // The classic builder: Debian's docker.io has no buildx plugin, and BuildKit would look up base
  // images in a registry that may not be reachable.
  sh('docker', args, { ...options, env: { ...process.env, DOCKER_BUILDKIT: '0', ...options.env } });

/** Cleanups, run last-registered first, once, at the end or on Ctrl-C. */
const cleanups: Array<{ what: string; run: () => Promise<unknown> }> = [];
async function cleanUp() {
  while (cleanups.length > 0) {
    const { what, run } = cleanups.pop()!;
    try {
      await run();
      log(`cleaned up: ${what}`);
    } catch (error) {
      log(`could not clean up ${what}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
}

async function step<T>(name: string, body: () => Promise<T>): Promise<T> {
  const since = Date.now();
  log(`▶ ${name}`);
  const value = await body();
  log(`✔ ${name} (${elapsed(since)})`);
  return value;
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

// ---------------------------------------------------------------------------------------------
// 1. The engine

async function ensureEngine() {
  if ((await docker(['info', '--format', '{{.ServerVersion}}'], { allowFail: true })).code === 0) {
    const { stdout } = await docker(['info', '--format', '{{.ServerVersion}} ({{.Driver}}, cgroups v{{.CgroupVersion}})']);
    log(`a Docker engine runs already: ${stdout.trim()}`);
    return;
  }
  if (process.getuid?.() !== 0) throw new Error('no Docker engine runs, and only root can start dockerd: start it (e.g. `sudo systemctl start docker`) and run the check again');
  const logFile = join(tmpdir(), `hybrid-stage-dockerd-${run_id}.log`);
  log(`no Docker engine runs: starting dockerd (its log: ${logFile})`);
  const out = createWriteStream(logFile);
  const dockerd = spawn('dockerd', [], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  dockerd.stdout.pipe(out);
  dockerd.stderr.pipe(out);
  const exited = new Promise<void>((resolve) => dockerd.once('exit', () => resolve()));
  cleanups.push({
    what: `the dockerd this check started (pid ${dockerd.pid})`,
    run: async () => {
      if (dockerd.exitCode !== null) return;
      dockerd.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
      if (dockerd.exitCode === null) dockerd.kill('SIGKILL');
    },
  });
  await waitFor('dockerd to answer', 60_000, async () => {
    if (dockerd.exitCode !== null) throw new Error(`dockerd exited with ${dockerd.exitCode}; see ${logFile}`);
    return (await docker(['info', '--format', '{{.ServerVersion}}'], { allowFail: true })).code === 0 ? true : undefined;
  });
  const { stdout } = await docker(['info', '--format', '{{.ServerVersion}} ({{.Driver}}, cgroups v{{.CgroupVersion}})']);
  log(`dockerd ${stdout.trim()} answers`);
}

// ---------------------------------------------------------------------------------------------
// 2. The base image

const imageExists = async (image: string) => (await docker(['image', 'inspect', image], { allowFail: true })).code === 0;

/** The Debian mirror this machine's apt uses (the first deb.debian.org-like URI), for debootstrap. */
function debianMirror(): string {
  if (process.env.DEBIAN_MIRROR) return process.env.DEBIAN_MIRROR;
  const files = ['/etc/apt/sources.list', ...(existsSync('/etc/apt/sources.list.d') ? readdirSync('/etc/apt/sources.list.d').map((f) => join('/etc/apt/sources.list.d', f)) : [])];
  for (const file of files.filter((f) => existsSync(f))) {
    const match = /(https?:\/\/\S+\/debian)\/?(\s|$)/.exec(readFileSync(file, 'utf8'));
    if (match) return match[1]!;
  }
  return 'http://deb.debian.org/debian';
}

async function ensureBaseImage(): Promise<string> {
  if (process.env.BASE_IMAGE) {
    if (!(await imageExists(process.env.BASE_IMAGE))) await docker(['pull', process.env.BASE_IMAGE], { timeoutMs: 300_000 });
    log(`base image (BASE_IMAGE): ${process.env.BASE_IMAGE}`);
    return process.env.BASE_IMAGE;
  }
  if (await imageExists(SLIM_IMAGE)) {
    log(`base image: ${SLIM_IMAGE}, already here`);
    return SLIM_IMAGE;
  }
  const pull = await docker(['pull', SLIM_IMAGE], { allowFail: true, timeoutMs: 120_000 });
  if (pull.code === 0) {
    log(`base image: ${SLIM_IMAGE}, pulled`);
    return SLIM_IMAGE;
  }
  log(`cannot pull ${SLIM_IMAGE} (${(pull.stderr.trim().split('\n').pop() ?? 'timed out').slice(0, 160)})`);
  if (await imageExists(MINBASE_IMAGE)) {
    const { stdout } = await docker(['image', 'inspect', '--format', '{{.Created}}', MINBASE_IMAGE]);
    log(`base image: ${MINBASE_IMAGE}, made by debootstrap in an earlier check (${stdout.trim()})`);
    return MINBASE_IMAGE;
  }
  const mirror = debianMirror();
  const dir = mkdtempSync(join(tmpdir(), 'hybrid-stage-minbase-'));
  cleanups.push({ what: `the debootstrap root file system in ${dir}`, run: async () => rmSync(dir, { recursive: true, force: true }) });
  const rootfs = join(dir, 'rootfs');
  log(`making ${MINBASE_IMAGE} instead: debootstrap --variant=minbase bookworm from ${mirror} (about a minute)`);
  await sh('debootstrap', ['--variant=minbase', 'bookworm', rootfs, mirror], { logFile: join(dir, 'debootstrap.log'), echo: (l) => /^I: (Retrieving Release|Base system installed)/.test(l), timeoutMs: 1_200_000 });
  // The same sources as debian:bookworm-slim (with updates and security), and no package lists left.
  rmSync(join(rootfs, 'etc', 'apt', 'sources.list'), { force: true });
  const security = mirror.replace(/\/debian$/, '/debian-security');
  writeFileSync(
    join(rootfs, 'etc', 'apt', 'sources.list.d', 'debian.sources'),
    `Types: deb\nURIs: ${mirror}\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n` +
      `Types: deb\nURIs: ${security}\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`,
  );
  for (const sub of ['var/lib/apt/lists', 'var/cache/apt/archives']) {
    for (const f of readdirSync(join(rootfs, sub))) if (f !== 'partial' && f !== 'lock') rmSync(join(rootfs, sub, f), { recursive: true, force: true });
  }
  const tar = spawn('tar', ['-C', rootfs, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await docker(['import', '--change', 'CMD ["bash"]', '-', MINBASE_IMAGE], { input: tar.stdout });
  const { stdout } = await docker(['image', 'inspect', '--format', '{{.Size}}', MINBASE_IMAGE]);
  log(`base image: ${MINBASE_IMAGE}, ${mb(Number(stdout))}, made with debootstrap`);
  return MINBASE_IMAGE;
}

// ---------------------------------------------------------------------------------------------
// 3. Extra certificate authorities

/** PEM files under a directory, recursively. */
function pemFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => {
    const p = join(path, name);
    return statSync(p).isDirectory() ? pemFiles(p) : /\.(crt|pem)$/.test(name) ? [p] : [];
  });
}

function extraCertificateAuthorities(): string {
  const source = process.env.EXTRA_CA_CERTS_FILE ?? '/usr/local/share/ca-certificates';
  const files = pemFiles(source);
  const pem = files.map((f) => readFileSync(f, 'utf8').trim()).filter((t) => t.includes('-----BEGIN CERTIFICATE-----')).join('\n');
  const count = pem.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
  if (count === 0) log(`no extra certificate authorities in ${source}: the build trusts Debian's list only`);
  else log(`giving the build ${count} extra certificate authorit${count === 1 ? 'y' : 'ies'} from ${files.join(', ')} (EXTRA_CA_CERTS build argument)`);
  return pem;
}

// ---------------------------------------------------------------------------------------------
// 4. The image

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

async function build(baseImage: string, extraCAs: string, target?: string): Promise<void> {
  const logFile = join(tmpdir(), `hybrid-stage-docker-build-${target ?? 'runtime'}-${run_id}.log`);
  const tag = target ? BUILD_STAGE_IMAGE : IMAGE;
  log(`docker build -f docker/Dockerfile -t ${tag}${target ? ` --target ${target}` : ''} --build-arg BASE_IMAGE=${baseImage} (full log: ${logFile})`);
  const args = ['build', '-f', 'docker/Dockerfile', '-t', tag, '--build-arg', `BASE_IMAGE=${baseImage}`, '--build-arg', `EXTRA_CA_CERTS=${extraCAs}`];
  if (target) args.push('--target', target);
  // Docker's steps and setup's own progress lines; the rest (apt, npm) is in the log file.
  const echo = (line: string) => /^Step \d+\/\d+ :|^\[setup |^Successfully (built|tagged)/.test(line);
  await docker([...args, '.'], { logFile, echo, timeoutMs: 3_600_000 });
}

// ---------------------------------------------------------------------------------------------
// 5–7. Running it

async function httpJson(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.json().catch(() => undefined) };
}

async function waitHealthy(url: string, container?: string) {
  const health = await waitFor(`${url}/health to answer 200`, 180_000, async () => {
    const { status, body } = await httpJson(`${url}/health`);
    return status === 200 ? body : undefined;
  });
  log(`GET ${url}/health → 200 ${JSON.stringify(health)}`);
  if (!container) return;
  await waitFor(`Docker's HEALTHCHECK to say healthy`, 300_000, async () => {
    const { stdout } = await docker(['inspect', '--format', '{{.State.Health.Status}}', container]);
    return stdout.trim() === 'healthy' ? true : undefined;
  });
  log(`docker inspect: ${container} is healthy (the image's HEALTHCHECK)`);
}

/** The page's player says playing and decodes 30 more frames; what it decoded last. */
async function playsFrames(page: Page): Promise<{ frames: number; width: number; height: number }> {
  const player = '[data-testid="player"]';
  await waitFor('the player to say playing', 90_000, async () => ((await page.getAttribute(player, 'data-state')) === 'playing' ? true : undefined));
  const first = await videoProgress(page, player);
  return waitFor('30 more decoded frames', 60_000, async () => {
    const now = await videoProgress(page, player);
    return now.frames >= first.frames + 30 ? now : undefined;
  });
}

/** A headless Chromium on the host opens the main channel and must decode frames of its program. */
async function checkPlayback(url: string, name: string) {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 }, locale: 'en-US' });
    // What is checked is that it plays, not how fast: on a busy machine (a load average of 35 in one
    // run) the first page load from a fresh container took longer than playwright's default 30 s.
    await page.goto(`${url}/channel/main`, { timeout: 120_000 });
    const played = await playsFrames(page);
    const shot = await screenshot(page, `docker-check-${name}`);
    log(`Chromium on the host played ${url}/channel/main: ${played.frames} frames decoded, ${played.width}x${played.height} (screenshot ${shot})`);
  } finally {
    await browser.close();
  }
}

interface Published {
  http: number;
  rtc: number;
}

async function publishedPorts(): Promise<Published> {
  // Two consecutive RTC ports: the WebRTC servers of the container's two workers.
  return { http: await freeTcpPort(), rtc: await freePortRun(2) };
}

async function checkContainer() {
  const name = `hybrid-stage-check-${run_id}`;
  const volume = `hybrid-stage-check-data-${run_id}`;
  const ports = await publishedPorts();
  const url = `http://127.0.0.1:${ports.http}`;
  const rtcRange = `${ports.rtc}-${ports.rtc + 1}`;
  cleanups.push({ what: `volume ${volume}`, run: () => docker(['volume', 'rm', '-f', volume]) });
  cleanups.push({ what: `container ${name}`, run: () => docker(['rm', '-f', '-v', name]) });
  const dumpLogs = async () => {
    const { stdout, stderr } = await docker(['logs', '--tail', '20', name], { allowFail: true });
    console.log(`--- last lines of ${name}'s log ---\n${(stdout + stderr).trim()}\n---`);
  };
  try {
    await step(`docker run ${IMAGE}: HTTP on 127.0.0.1:${ports.http}, RTC ${rtcRange} UDP+TCP, ANNOUNCED_IP=127.0.0.1, DATA_DIR on volume ${volume}`, async () => {
      await docker([
        'run', '-d', '--name', name,
        '-e', 'ANNOUNCED_IP=127.0.0.1', '-e', `RTC_PORT=${ports.rtc}`, '-e', 'WORKERS=2',
        '-p', `127.0.0.1:${ports.http}:3000/tcp`, '-p', `127.0.0.1:${rtcRange}:${rtcRange}/udp`, '-p', `127.0.0.1:${rtcRange}:${rtcRange}/tcp`,
        '-v', `${volume}:/data`,
        IMAGE,
      ]);
      await waitHealthy(url, name);
      const { stdout } = await docker(['exec', name, 'id']);
      if (/uid=0\b/.test(stdout)) throw new Error(`the server runs as root: ${stdout.trim()}`);
      log(`the server runs as ${stdout.trim()}`);
    });
    await step('a headless Chromium on the host plays the main channel from the container', () => checkPlayback(url, 'run'));
    await step('DATA_DIR survives a restart, and SIGTERM drains within docker stop\'s 10 s', async () => {
      const { body: stands } = await httpJson(`${url}/api/stands`);
      const stand = (stands as Array<{ id: string }>)[0];
      if (!stand) throw new Error('the demo event has no stand to comment on');
      const text = `posted by docker:check ${run_id} before a restart`;
      // A visitor id as the server issues them (a made-up one is refused).
      const { body: issued } = await httpJson(`${url}/api/visitors`, { method: 'POST' });
      const visitorId = (issued as { visitorId: string }).visitorId;
      const posted = await httpJson(`${url}/api/stands/${stand.id}/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-visitor-id': visitorId },
        body: JSON.stringify({ author: 'docker:check', text }),
      });
      if (posted.status !== 201) throw new Error(`posting a comment answered ${posted.status} ${JSON.stringify(posted.body)}`);
      log(`posted a comment on stand ${stand.id}`);
      const stopping = Date.now();
      await docker(['stop', '-t', '10', name]);
      const stopSeconds = (Date.now() - stopping) / 1000;
      const { stdout: exit } = await docker(['inspect', '--format', '{{.State.ExitCode}}', name]);
      // 137 would mean Docker's SIGKILL at 10 s; 1, main.ts's own 8 s deadline: the drain did not finish.
      // Reported at the end of the step, after the data check, which does not depend on it.
      const drainFailure = exit.trim() === '0' ? undefined : `after SIGTERM the server exited with ${exit.trim()} in ${stopSeconds.toFixed(1)} s (1: its own 8 s stop deadline; 137: Docker's SIGKILL at 10 s)`;
      log(drainFailure ?? `docker stop: the server drained and exited with 0 in ${stopSeconds.toFixed(1)} s`);
      await docker(['start', name]);
      await waitHealthy(url);
      const { body: comments } = await httpJson(`${url}/api/stands/${stand.id}/comments`);
      if (!(comments as Array<{ text: string }>).some((c) => c.text === text)) throw new Error(`the comment posted before the restart is gone: ${JSON.stringify(comments).slice(0, 300)}`);
      log('after docker start, the comment is read back from DATA_DIR');
      if (drainFailure) throw new Error(drainFailure);
    });
  } catch (error) {
    await dumpLogs();
    throw error;
  }
}

/** `docker compose` (the plugin) where there is one, else Debian bookworm's docker-compose (v1). */
async function composeCommand(): Promise<string[]> {
  if ((await sh('docker', ['compose', 'version'], { allowFail: true })).code === 0) return ['docker', 'compose'];
  if ((await sh('docker-compose', ['version'], { allowFail: true }).catch(() => ({ code: 1 }))).code === 0) return ['docker-compose'];
  throw new Error('neither `docker compose` nor `docker-compose` is installed (Debian: apt-get install docker-compose)');
}

async function checkCompose(baseImage: string) {
  const [cmd, ...pre] = await composeCommand();
  const project = `hybrid-stage-check-${run_id}`;
  const ports = await publishedPorts();
  const url = `http://127.0.0.1:${ports.http}`;
  const cache = `http://127.0.0.1:${await freeTcpPort()}`;
  const env = {
    ...process.env,
    HYBRID_STAGE_IMAGE: IMAGE,
    BASE_IMAGE: baseImage,
    HLS_CACHE_PORT: new URL(cache).port,
    HLS_PUBLIC_URL: cache,
    BIND_IP: '127.0.0.1',
    ANNOUNCED_IP: '127.0.0.1',
    HTTP_PORT: String(ports.http),
    RTC_PORT: String(ports.rtc),
    RTC_PORT_LAST: String(ports.rtc + 1),
    WORKERS: '2',
  };
  const compose = (args: string[], options: Parameters<typeof sh>[2] = {}) =>
    sh(cmd!, [...pre, '-f', 'docker/compose.yaml', '-p', project, '--profile', 'hls-cache', ...args], { ...options, env: { ...env, ...options.env } });
  cleanups.push({ what: `compose project ${project} (containers, network, volume)`, run: () => compose(['down', '-v', '--remove-orphans', '-t', '10']) });
  try {
    await step(`build the HLS cache (nginx) from Debian's packages on ${baseImage} (docker/cluster-services.Dockerfile)`, () =>
      compose(['build', 'hls-cache'], { echo: (l) => /^Step \d+\/\d+ :|^Successfully tagged/.test(l), timeoutMs: 1_200_000 }),
    );
    await step(`${[cmd, ...pre].join(' ')} -f docker/compose.yaml --profile hls-cache up -d: HTTP on 127.0.0.1:${ports.http}, RTC ${ports.rtc}-${ports.rtc + 1}, the HLS cache on ${cache}`, async () => {
      await compose(['up', '-d', '--no-build']);
      const { stdout } = await compose(['ps', '-q', 'hybrid-stage']);
      await waitHealthy(url, stdout.trim());
    });
    await step('a headless Chromium on the host plays the main channel from the compose service', () => checkPlayback(url, 'compose'));
    await step('HLS through the cache: the node sends players there, and the cache asks the node once per segment', () => checkHlsCache(url, cache));
  } catch (error) {
    const { stdout, stderr } = await compose(['logs', '--tail', '20'], { allowFail: true });
    console.log(`--- last lines of the compose project's log ---\n${(stdout + stderr).trim()}\n---`);
    throw error;
  }
}

/** The node's /api/hls names the cache; a segment from there is fetched from the node once (MISS, then HIT). */
async function checkHlsCache(node: string, cache: string) {
  const { status, body } = await httpJson(`${node}/api/hls/main`);
  const master = (body as { url?: string } | undefined)?.url;
  if (status !== 200 || master !== `${cache}/hls/main/master.m3u8`) throw new Error(`GET /api/hls/main answered ${status} ${JSON.stringify(body)}, not the cache's address`);
  log(`GET ${node}/api/hls/main → ${master}`);
  const urisOf = async (playlist: string) => (await (await fetch(playlist, { signal: AbortSignal.timeout(10_000) })).text()).split('\n').filter((l) => l && !l.startsWith('#'));
  const variant = new URL((await urisOf(master))[0]!, master).href;
  const segment = await waitFor(`a segment in ${variant}`, 60_000, async () => {
    const newest = (await urisOf(variant)).at(-1);
    return newest?.endsWith('.ts') ? new URL(newest, variant).href : undefined;
  });
  const answers: string[] = [];
  for (let i = 0; i < 2; i++) {
    const response = await fetch(segment, { signal: AbortSignal.timeout(10_000) });
    const bytes = (await response.arrayBuffer()).byteLength;
    if (response.status !== 200 || bytes < 1000) throw new Error(`${segment} answered ${response.status} with ${bytes} bytes`);
    answers.push(response.headers.get('x-cache-status') ?? 'none');
  }
  if (answers.join() !== 'MISS,HIT') throw new Error(`${segment} twice through the cache: X-Cache-Status ${answers.join(', ')}, expected MISS, HIT`);
  log(`${segment} twice: X-Cache-Status ${answers.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// 8. The cluster: docker/cluster.yaml

const CLUSTER_NODES = ['origin', 'standby', 'edge-1', 'edge-2'] as const;
type ClusterNode = (typeof CLUSTER_NODES)[number];
type Origin = 'origin' | 'standby';

async function checkCluster(baseImage: string) {
  const [cmd, ...pre] = await composeCommand();
  const project = `hybrid-stage-check-cluster-${run_id}`;
  const http = { crew: await freeTcpPort(), 'edge-1': await freeTcpPort(), 'edge-2': await freeTcpPort() };
  const url = (at: keyof typeof http) => `http://127.0.0.1:${http[at]}`;
  const rtc = await freePortRun(CLUSTER_NODES.length);
  const accessTokenKey = randomBytes(32).toString('base64');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HYBRID_STAGE_IMAGE: IMAGE,
    BASE_IMAGE: baseImage,
    BIND_IP: '127.0.0.1',
    ANNOUNCED_IP: '127.0.0.1',
    POSTGRES_PASSWORD: randomBytes(16).toString('hex'),
    ACCESS_TOKEN_KEY: accessTokenKey,
    CREW_HTTP_PORT: String(http.crew),
    EDGE1_HTTP_PORT: String(http['edge-1']),
    EDGE2_HTTP_PORT: String(http['edge-2']),
  };
  for (const [i, node] of CLUSTER_NODES.entries()) env[`${node.replace('-', '').toUpperCase()}_RTC_PORT`] = String(rtc + i);
  const compose = (args: string[], options: Parameters<typeof sh>[2] = {}) =>
    sh(cmd!, [...pre, '-f', 'docker/cluster.yaml', '-p', project, ...args], { ...options, env: { ...env, ...options.env } });
  const containerOf = async (service: string) => (await compose(['ps', '-q', service])).stdout.trim();
  // An admin link signed with the cluster's key, made here: every node takes it.
  const admin = await new AccessTokens(Buffer.from(accessTokenKey, 'base64')).mint({ role: 'admin' }, '1h');
  /** The live nodes, as `id role`, read through the crew address. */
  const registry = async () => {
    const { status, body } = await httpJson(`${url('crew')}/api/cluster`, { headers: { authorization: `Bearer ${admin}` } });
    if (status !== 200) throw new Error(`GET /api/cluster answered ${status}`);
    return (body as { nodes: Array<{ id: string; role: string }> }).nodes.map((n) => `${n.id} ${n.role}`).sort();
  };
  const activeOrigin = (nodes: string[]): Origin | undefined => (nodes.includes('origin origin') ? 'origin' : nodes.includes('standby origin') ? 'standby' : undefined);
  cleanups.push({ what: `compose project ${project} (containers, network, volumes)`, run: () => compose(['down', '-v', '--remove-orphans', '-t', '10']) });
  const browser = await launchBrowser();
  cleanups.push({ what: "the cluster check's Chromium", run: () => browser.close() });
  try {
    await step(`build Redis 7, PostgreSQL 15 and nginx from Debian's packages on ${baseImage} (docker/cluster-services.Dockerfile)`, () =>
      compose(['build', 'redis', 'postgres', 'origin-proxy'], { echo: (l) => /^Step \d+\/\d+ :|^Successfully tagged/.test(l), timeoutMs: 1_200_000 }),
    );
    let active: Origin = 'origin';
    await step(`${[cmd, ...pre].join(' ')} -f docker/cluster.yaml up -d: Redis, PostgreSQL, two origins behind the crew address :${http.crew}, edges :${http['edge-1']} and :${http['edge-2']}`, async () => {
      await compose(['up', '-d', '--no-build']);
      for (const edge of ['edge-1', 'edge-2'] as const) await waitHealthy(url(edge), await containerOf(edge));
      await waitHealthy(url('crew'));
      // Both origins race for the lease; the registry names the winner, and the other waits.
      const nodes = await waitFor('an origin and both edges in the registry', 60_000, async () => {
        const listed = await registry();
        return listed.length === 3 && activeOrigin(listed) && listed.includes('edge-1 edge') && listed.includes('edge-2 edge') ? listed : undefined;
      });
      active = activeOrigin(nodes)!;
      log(`GET /api/cluster through the crew address (an admin link signed with ACCESS_TOKEN_KEY): ${nodes.join(', ')}`);
      const standby = active === 'origin' ? 'standby' : 'origin';
      await waitFor(`${standby} to log that it waits as the standby`, 60_000, async () => {
        const { stdout, stderr } = await docker(['logs', await containerOf(standby)]);
        return /standby origin: waiting/.test(stdout + stderr) ? true : undefined;
      });
      log(`${standby} waits as the standby origin (its log says so)`);
    });
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 }, locale: 'en-US' });
    let edge: 'edge-1' | 'edge-2' = 'edge-1';
    await step(`Chromium opens ${url('crew')}/channel/main, is placed on an edge and plays the program from it`, async () => {
      await page.goto(`${url('crew')}/channel/main`, { timeout: 120_000 });
      const played = await playsFrames(page);
      const clients = { 'edge-1': await mediaClientsAt(url('edge-1')), 'edge-2': await mediaClientsAt(url('edge-2')) };
      const on = (Object.keys(clients) as Array<keyof typeof clients>).filter((e) => clients[e] > 0);
      if (on.length !== 1) throw new Error(`the viewer's media is not on exactly one edge: ${JSON.stringify(clients)}`);
      edge = on[0]!;
      log(`placed on ${edge}: ${played.frames} frames decoded, ${played.width}x${played.height} (screenshot ${await screenshot(page, 'docker-check-cluster')})`);
    });
    const next: Origin = active === 'origin' ? 'standby' : 'origin';
    await step(`docker kill ${active}, the active origin (SIGKILL): ${next} takes over behind the same crew address, and the viewer on ${edge} plays again by itself`, async () => {
      const killed = Date.now();
      await docker(['kill', await containerOf(active)]);
      // Frames advancing again (the page may have a new video track, counted from zero).
      const again = await waitFor("the viewer to decode the new origin's program", 90_000, async () => {
        const before = await videoProgress(page, '[data-testid="player"]');
        await new Promise((r) => setTimeout(r, 1000));
        const now = await videoProgress(page, '[data-testid="player"]');
        return now.frames >= before.frames + 10 ? now : undefined;
      });
      log(`the viewer decodes again (${again.frames} frames) within ${elapsed(killed)} of the kill`);
      await waitFor(`${next} to be the origin in the registry`, 60_000, async () => (activeOrigin(await registry()) === next ? true : undefined));
      log(`${next} is the origin, read through the crew address ${elapsed(killed)} after the kill`);
    });
  } catch (error) {
    const { stdout, stderr } = await compose(['logs', '--tail', '15'], { allowFail: true });
    console.log(`--- last lines of the cluster's logs ---\n${(stdout + stderr).trim()}\n---`);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// 9. `npm test`'s setup on a minimal Debian

/** Fast test files: pure logic, and the server started as `npm start` starts it (worker, SQLite, ffmpeg, SIGTERM). */
const SETUP_TEST_FILES = ['server/src/config.test.ts', 'test/startup.test.ts'];

async function checkSetupForTest(baseImage: string, extraCAs: string) {
  await build(baseImage, extraCAs, 'build');
  const name = `hybrid-stage-check-setup-${run_id}`;
  cleanups.push({ what: `container ${name}`, run: () => docker(['rm', '-f', '-v', name]) });
  const script = ['node server/setup/setup.mjs --for test', ...SETUP_TEST_FILES.map((f) => `npx vitest run ${f}`)].join(' && ');
  log(`in a container of the build stage (${baseImage} + Node 20 + setup --for start): ${script}`);
  const logFile = join(tmpdir(), `hybrid-stage-docker-setup-test-${run_id}.log`);
  await docker(['run', '--name', name, BUILD_STAGE_IMAGE, 'sh', '-c', script], {
    logFile,
    timeoutMs: 1_800_000,
    echo: (l) => /^\[setup |Test Files|Tests |✓|×|FAIL/.test(l.replace(/\x1b\[[0-9;]*m/g, '').trim()),
  });
}

// ---------------------------------------------------------------------------------------------

process.once('SIGINT', () => {
  log('interrupted: cleaning up');
  void cleanUp().then(() => process.exit(130));
});

let failed = false;
try {
  await step('a Docker engine', ensureEngine);
  const baseImage = await step('a Debian bookworm base image', ensureBaseImage);
  if (givenImage) {
    if (!(await imageExists(givenImage))) throw new Error(`--image ${givenImage}: no such image`);
    log(`checking ${givenImage}, built before: no build step`);
  } else {
    const extraCAs = extraCertificateAuthorities();
    const building = Date.now();
    await step('build the image', () => build(baseImage, extraCAs));
    log(`built in ${elapsed(building)} (a rebuild with Docker's cache is quicker)`);
    if (setupTest) await step('setup --for test and two test files in a minimal Debian container', () => checkSetupForTest(baseImage, extraCAs));
    else log('skipped: setup --for test in a minimal Debian container (add -- --setup-test)');
  }
  const { stdout: size } = await docker(['image', 'inspect', '--format', '{{.Size}}', IMAGE]);
  const { stdout: user } = await docker(['image', 'inspect', '--format', '{{.Config.User}}', IMAGE]);
  log(`image ${IMAGE}: ${mb(Number(size))}, runs as ${user.trim() || 'root'}`);
  // Each way of running it is checked even when another failed: they are independent.
  const failures: string[] = [];
  const checks = { container: checkContainer, compose: () => checkCompose(baseImage), cluster: () => checkCluster(baseImage) };
  for (const [name, check] of Object.entries(checks)) {
    if (only && only !== name) {
      log(`skipped: the ${name} check (--only ${only})`);
      continue;
    }
    await check().catch((error: Error) => {
      console.error(`\n[docker:check] FAILED: ${error.message}\n`);
      failures.push(error.message.split('\n')[0]!);
    });
  }
  if (failures.length > 0) throw new Error(failures.join('; '));
} catch (error) {
  failed = true;
  console.error(`\n[docker:check] FAILED: ${(error as Error).message}\n`);
} finally {
  await cleanUp();
}
log(failed ? 'docker:check failed' : 'docker:check passed');
process.exit(failed ? 1 : 0);
