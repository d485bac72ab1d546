// Builds the mediasoup worker offline from the sources in its npm tarball, against Debian's
// libraries, and caches the binary per machine keyed by mediasoup version and CPU architecture.
//
// mediasoup's own postinstall downloads a prebuilt worker or builds with meson wraps that download
// their sources; neither works without internet. Here every wrap is replaced by a small subproject
// (./worker-subprojects) that wraps the system library instead. libsrtp is the exception: Debian's
// libsrtp2 does its crypto through NSS, which costs about 11 µs per 1200-byte packet, three times
// all the rest of forwarding it; so the build takes the very tarball mediasoup's wrap pins from
// Debian's source archive (checked against the wrap's SHA-256) and compiles it with OpenSSL, as
// mediasoup intends. Where that source cannot be had, it falls back to Debian's library.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync, chmodSync, readdirSync } from 'node:fs';
import { homedir, tmpdir, arch } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Debian packages the offline worker build needs. */
export const WORKER_BUILD_PACKAGES = [
  'g++', 'meson', 'ninja-build', 'pkg-config', 'python3',
  'libssl-dev', 'libuv1-dev', 'libsrtp2-dev', 'libusrsctp-dev', 'libabsl-dev', 'nlohmann-json3-dev',
];

/**
 * Debian packages with the shared libraries the built worker links (the run-time halves of the
 * -dev packages above), for a machine that runs a worker built elsewhere (the Docker image's
 * runtime stage checks the list with ldd). libsrtp is linked in statically when built from source;
 * where its source cannot be fetched the worker links Debian's libsrtp2 (NSS), so that is listed too.
 */
export const WORKER_RUN_PACKAGES = ['libssl3', 'libuv1', 'libusrsctp2', 'libabsl20220623', 'libsrtp2-1'];

/** Where built workers are cached: once per machine, shared by every clone. */
export function workerCacheDir() {
  const base = process.env.HYBRID_STAGE_CACHE_DIR
    ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'hybrid-stage');
  return join(base, 'mediasoup-worker');
}

/** Bumped when the way the worker is built changes, so machines build the new one once. */
const BUILD_REVISION = 2;

/** The cached worker binary for one mediasoup version. */
export function cachedWorkerPath(version) {
  return join(workerCacheDir(), `${version}-b${BUILD_REVISION}-linux-${arch()}`, 'mediasoup-worker');
}

/** How the cached worker was built (beside the binary as build.json): `{ srtp: "openssl" | "nss" }`. */
export function cachedWorkerBuild(version) {
  const info = join(dirname(cachedWorkerPath(version)), 'build.json');
  return existsSync(info) ? JSON.parse(readFileSync(info, 'utf8')) : undefined;
}

/** Where the mediasoup package looks for its worker when MEDIASOUP_WORKER_BIN is not set. */
export function installedWorkerPath(mediasoupDir) {
  return join(mediasoupDir, 'worker', 'out', 'Release', 'mediasoup-worker');
}

/**
 * Makes sure `mediasoupDir` (node_modules/mediasoup) has a worker binary: reuses the machine's
 * cached build when there is one, else builds it (about 5 minutes on 2 cores) and caches it.
 */
export async function ensureWorker(mediasoupDir, log) {
  const { version } = JSON.parse(readFileSync(join(mediasoupDir, 'package.json'), 'utf8'));
  const installed = installedWorkerPath(mediasoupDir);
  const cached = cachedWorkerPath(version);
  if (!existsSync(cached)) {
    log(`building mediasoup-worker ${version} from source (once per machine, about 5 minutes)`);
    await buildWorker(join(mediasoupDir, 'worker'), cached, log);
  }
  if (!existsSync(installed) || readFileSync(installed).length !== readFileSync(cached).length) {
    mkdirSync(dirname(installed), { recursive: true });
    copyFileSync(cached, installed);
    chmodSync(installed, 0o755);
  }
  return installed;
}

async function buildWorker(workerSrc, target, log) {
  const stage = join(tmpdir(), `hybrid-stage-worker-${process.pid}`);
  rmSync(stage, { recursive: true, force: true });
  cpSync(workerSrc, join(stage, 'worker'), { recursive: true });
  const worker = join(stage, 'worker');

  // Swap every downloading wrap for the local subproject that wraps the system library, except
  // libsrtp when its pinned source can be had from Debian.
  const subprojects = join(worker, 'subprojects');
  const srtpSource = await fetchLibsrtpSource(join(subprojects, 'libsrtp2.wrap'), stage, log);
  for (const f of readdirSync(subprojects)) if (f.endsWith('.wrap')) rmSync(join(subprojects, f));
  cpSync(join(here, 'worker-subprojects'), subprojects, { recursive: true });
  if (srtpSource) {
    rmSync(join(subprojects, 'libsrtp2'), { recursive: true, force: true });
    cpSync(srtpSource, join(subprojects, 'libsrtp2'), { recursive: true });
  }

  // Debian bookworm's meson is 1.0.1; the worker builds fine with it.
  const mesonBuild = join(worker, 'meson.build');
  writeFileSync(mesonBuild, readFileSync(mesonBuild, 'utf8').replace(/meson_version:\s*'>= 1\.1\.0'/, "meson_version: '>= 1.0.0'"));

  const build = join(stage, 'build');
  await run('meson', ['setup', '--buildtype=release', '--wrap-mode=nodownload', build, worker], log, false);
  await run('ninja', ['-C', build, 'mediasoup-worker'], log, true);

  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(join(dirname(target), 'build.json'), `${JSON.stringify({ srtp: srtpSource ? 'openssl' : 'nss' })}\n`);
  copyFileSync(join(build, 'mediasoup-worker'), `${target}.tmp`);
  chmodSync(`${target}.tmp`, 0o755);
  cpSync(`${target}.tmp`, target);
  rmSync(`${target}.tmp`);
  rmSync(stage, { recursive: true, force: true });
  log(`mediasoup-worker cached at ${target}`);
}

/**
 * Gets the libsrtp release that mediasoup's wrap pins from Debian's source archive with apt, using
 * a private apt state (the machine's own sources as deb-src; nothing on the system changes), and
 * checks it against the wrap's SHA-256. Returns the unpacked source directory, or undefined (with
 * the reason logged) when it cannot be had here.
 */
async function fetchLibsrtpSource(wrapFile, stage, log) {
  const wrap = {};
  for (const line of readFileSync(wrapFile, 'utf8').split('\n')) {
    const m = /^(\w+)\s*=\s*(.+)$/.exec(line.trim());
    if (m) wrap[m[1]] = m[2].trim();
  }
  const apt = join(stage, 'apt');
  const fallback = (why) => {
    log(`libsrtp source not available (${why}): using Debian's libsrtp2 (NSS), which makes SRTP about 3x costlier`);
    return undefined;
  };
  try {
    const sources = debSourceLines();
    if (sources.length === 0) return fallback('no Debian or Ubuntu apt sources found');
    mkdirSync(join(apt, 'lists', 'partial'), { recursive: true });
    mkdirSync(join(apt, 'cache', 'archives', 'partial'), { recursive: true });
    mkdirSync(join(apt, 'download'), { recursive: true });
    writeFileSync(join(apt, 'sources.list'), `${sources.join('\n')}\n`);
    const options = [
      '-o', `Dir::Etc::SourceList=${join(apt, 'sources.list')}`,
      '-o', 'Dir::Etc::SourceParts=/dev/null',
      '-o', `Dir::State::Lists=${join(apt, 'lists')}`,
      '-o', `Dir::Cache=${join(apt, 'cache')}`,
      '-o', 'Debug::NoLocking=1',
    ];
    log(`fetching ${wrap.directory} source from Debian's archive, to build SRTP with OpenSSL`);
    await run('apt-get', [...options, '-q', 'update'], log, false);
    await run('apt-get', [...options, '-q', 'source', '--download-only', 'libsrtp2'], log, false, join(apt, 'download'));
    const tarball = readdirSync(join(apt, 'download')).find((f) => /\.orig\.tar\.(gz|xz|bz2)$/.test(f));
    if (!tarball) return fallback('no orig tarball in the source package');
    const hash = createHash('sha256').update(readFileSync(join(apt, 'download', tarball))).digest('hex');
    if (hash !== wrap.source_hash) return fallback(`Debian's ${tarball} is not the release mediasoup pins (${wrap.source_filename})`);
    await run('tar', ['-xf', join(apt, 'download', tarball), '-C', apt], log, false);
    const dir = join(apt, wrap.directory);
    return existsSync(join(dir, 'meson.build')) ? dir : fallback(`${wrap.directory} has no meson.build`);
  } catch (error) {
    return fallback(error.message.split('\n')[0]);
  }
}

/** The machine's Debian/Ubuntu archive sources, as deb-src lines. */
function debSourceLines() {
  const lines = new Set();
  const listFiles = ['/etc/apt/sources.list'];
  const sourcesFiles = [];
  const dir = '/etc/apt/sources.list.d';
  if (existsSync(dir)) {
    for (const f of readdirSync(dir)) {
      if (f.endsWith('.list')) listFiles.push(join(dir, f));
      if (f.endsWith('.sources')) sourcesFiles.push(join(dir, f));
    }
  }
  for (const file of listFiles.filter(existsSync)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (/^deb\s/.test(line.trim())) lines.add(line.trim().replace(/^deb\s/, 'deb-src '));
    }
  }
  // deb822 stanzas: Types, URIs, Suites, Components, Signed-By.
  for (const file of sourcesFiles) {
    for (const stanza of readFileSync(file, 'utf8').split(/\n\s*\n/)) {
      const field = (name) => new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(stanza)?.[1]?.trim();
      if (!field('Types')?.split(/\s+/).includes('deb') || field('Enabled') === 'no') continue;
      const signedBy = field('Signed-By');
      const options = signedBy && !signedBy.includes('\n') ? ` [signed-by=${signedBy}]` : '';
      for (const uri of field('URIs')?.split(/\s+/) ?? []) {
        for (const suite of field('Suites')?.split(/\s+/) ?? []) lines.add(`deb-src${options} ${uri} ${suite} ${field('Components') ?? 'main'}`);
      }
    }
  }
  return [...lines];
}

/** Runs a build tool; with `progress`, prints ninja's [n/total] steps as a percentage. */
function run(cmd, args, log, progress, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
    let output = '';
    let lastPercent = -1;
    const onData = (chunk) => {
      const text = chunk.toString();
      output = (output + text).slice(-20000);
      if (!progress) return;
      for (const m of text.matchAll(/\[(\d+)\/(\d+)\]/g)) {
        const percent = Math.floor((100 * Number(m[1])) / Number(m[2]));
        if (percent >= lastPercent + 5 || Number(m[1]) === Number(m[2])) {
          lastPercent = percent;
          log(`mediasoup-worker build ${percent}% (${m[1]}/${m[2]})`);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} failed with exit code ${code}:\n${output}`));
    });
  });
}
