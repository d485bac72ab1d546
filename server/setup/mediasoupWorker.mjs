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
//
// Pinning an old worker means owning its bugs: before the build, the numbered patches in
// ./worker-patches (upstream fixes released after 3.12.16, crashes among them, and one written here
// from an upstream issue's description; each with a header saying where it comes from and why it
// applies) are applied in order, each checked against its SHA-256 in
// ./worker-patches/series, and the series' hash is part of the cache key. The worker's own C++
// unit tests (Catch2, Debian's catch2 package) are built and run once per build, before caching.
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
  // The patch series (./worker-patches) and the worker's C++ unit tests.
  'patch', 'catch2',
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

const patchesDir = join(here, 'worker-patches');
let series;

/**
 * The patches applied to the worker's sources, in order, from ./worker-patches/series (one
 * `<file> <sha256>` a line). Each patch must match its hash and every patch in the folder must be
 * listed, in numbered order, or this throws: a patch edited without a new hash in the series, or
 * one left out of it, stops the build instead of slipping into a binary cached under the old key.
 * `hash`, over the listed names and hashes, names the cached build. `dir` is for tests.
 */
export function workerPatchSeries(dir = patchesDir) {
  if (dir === patchesDir && series) return series;
  const sha256 = (data) => createHash('sha256').update(data).digest('hex');
  const text = readFileSync(join(dir, 'series'), 'utf8');
  const patches = [];
  for (const line of text.split('\n')) {
    const entry = line.replace(/#.*/, '').trim();
    if (!entry) continue;
    const m = /^(\d{4}-[\w.-]+\.patch)\s+([0-9a-f]{64})$/.exec(entry);
    if (!m) throw new Error(`worker-patches/series: not "<NNNN-name.patch> <sha256>": ${line}`);
    const file = join(dir, m[1]);
    const actual = sha256(readFileSync(file));
    if (actual !== m[2]) throw new Error(`worker patch ${m[1]} has SHA-256 ${actual}, the series expects ${m[2]}`);
    patches.push({ name: m[1], file, sha256: actual });
  }
  const names = patches.map((p) => p.name);
  const inFolder = readdirSync(dir).filter((f) => f.endsWith('.patch')).sort();
  if (names.join('\n') !== inFolder.join('\n')) {
    throw new Error(`worker-patches/series must list every patch in the folder in numbered order (series: ${names.join(', ')}; folder: ${inFolder.join(', ')})`);
  }
  // Named by the entries alone, so a comment edited in the series does not cost a rebuild.
  const result = { patches, hash: sha256(patches.map((p) => `${p.name} ${p.sha256}`).join('\n')) };
  if (dir === patchesDir) series = result;
  return result;
}

/** The cached worker binary for one mediasoup version, built with the current patch series. */
export function cachedWorkerPath(version) {
  const patches = workerPatchSeries().hash.slice(0, 12);
  return join(workerCacheDir(), `${version}-b${BUILD_REVISION}-p${patches}-linux-${arch()}`, 'mediasoup-worker');
}

/**
 * How the cached worker was built (beside the binary as build.json):
 * `{ srtp: "openssl" | "nss", patches: [file names], unitTests: "passed" | "not built" }`.
 */
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
 * cached build when there is one, else builds it (about 5 minutes on 2 cores, as long again for
 * its unit tests) and caches it.
 */
export async function ensureWorker(mediasoupDir, log) {
  const { version } = JSON.parse(readFileSync(join(mediasoupDir, 'package.json'), 'utf8'));
  const installed = installedWorkerPath(mediasoupDir);
  const cached = cachedWorkerPath(version);
  if (!existsSync(cached)) {
    log(`building mediasoup-worker ${version} from source (once per machine: about 5 minutes on 2 cores, and as long for its C++ unit tests)`);
    await buildWorker(join(mediasoupDir, 'worker'), cached, log);
  }
  // Compared byte for byte: a worker built with another patch series may well have the same size.
  if (!existsSync(installed) || !readFileSync(installed).equals(readFileSync(cached))) {
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

  // The upstream fixes, in order; --fuzz=0: a hunk applies exactly where it was made or not at all.
  const { patches } = workerPatchSeries();
  for (const patch of patches) {
    await run('patch', ['-p1', '--fuzz=0', '--forward', '--batch', '--no-backup-if-mismatch', '-d', worker, '-i', patch.file], log, false);
  }
  if (patches.length > 0) log(`applied ${patches.length} worker patches: ${patches.map((p) => p.name.slice(0, 4)).join(' ')}`);

  // The C++ unit tests compile the worker's sources a second time (with -DMS_TEST), so they double
  // the build; they need Debian's catch2 (header only), and without it the worker is built alone.
  const withTests = existsSync(CATCH2_HEADER);
  if (!withTests) log(`no ${CATCH2_HEADER} (Debian's catch2): building the worker without its C++ unit tests`);

  const build = join(stage, 'build');
  await run('meson', ['setup', '--buildtype=release', '--wrap-mode=nodownload', build, worker], log, false);
  await run('ninja', ['-C', build, 'mediasoup-worker'], log, true);
  if (withTests) {
    log('building the worker\'s C++ unit tests');
    await run('ninja', ['-C', build, 'mediasoup-worker-test'], log, true);
    await runWorkerUnitTests(join(build, 'mediasoup-worker-test'), worker, log);
  }

  mkdirSync(dirname(target), { recursive: true });
  const info = { srtp: srtpSource ? 'openssl' : 'nss', patches: patches.map((p) => p.name), unitTests: withTests ? 'passed' : 'not built' };
  writeFileSync(join(dirname(target), 'build.json'), `${JSON.stringify(info)}\n`);
  copyFileSync(join(build, 'mediasoup-worker'), `${target}.tmp`);
  chmodSync(`${target}.tmp`, 0o755);
  cpSync(`${target}.tmp`, target);
  rmSync(`${target}.tmp`);
  rmSync(stage, { recursive: true, force: true });
  log(`mediasoup-worker cached at ${target}`);
}

const CATCH2_HEADER = '/usr/include/catch2/catch.hpp';

/**
 * Test cases of the worker's C++ suite that read packet captures from worker/test/data, which the
 * npm tarball does not ship (its `files` take test/src and test/include only); they fail for that
 * reason alone, so they are left out, by name.
 */
const UNIT_TESTS_NEEDING_DATA = ['Scenario: parse RTP packets', 'Scenario: parse RTP packets with H264 SVC'];

/** Runs the worker's Catch2 suite; a failure stops the build, so a broken worker is never cached. */
async function runWorkerUnitTests(binary, workerSrc, log) {
  log(`running the worker's C++ unit tests (all but ${UNIT_TESTS_NEEDING_DATA.length} that need test data the tarball lacks)`);
  // One Catch2 2.x test spec: `~"name"` excludes a test case, filters separated by spaces must all
  // hold (a comma would mean "or"). It runs where meson's `test()` would, in the worker's folder.
  const spec = UNIT_TESTS_NEEDING_DATA.map((name) => `~"${name}"`).join(' ');
  await run(binary, [spec], log, false, workerSrc);
  log('worker C++ unit tests passed');
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
