// Builds the mediasoup worker offline from the sources in its npm tarball, against Debian's
// libraries, and caches the binary per machine keyed by mediasoup version and CPU architecture.
//
// mediasoup's own postinstall downloads a prebuilt worker or builds with meson wraps that download
// their sources; neither works without internet. Here every wrap is replaced by a small subproject
// (./worker-subprojects) that wraps the system library instead.
import { spawn } from 'node:child_process';
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

/** Where built workers are cached: once per machine, shared by every clone. */
export function workerCacheDir() {
  const base = process.env.HYBRID_STAGE_CACHE_DIR
    ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'hybrid-stage');
  return join(base, 'mediasoup-worker');
}

/** The cached worker binary for one mediasoup version. */
export function cachedWorkerPath(version) {
  return join(workerCacheDir(), `${version}-linux-${arch()}`, 'mediasoup-worker');
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

  // Swap every downloading wrap for the local subproject that wraps the system library.
  const subprojects = join(worker, 'subprojects');
  for (const f of readdirSync(subprojects)) if (f.endsWith('.wrap')) rmSync(join(subprojects, f));
  cpSync(join(here, 'worker-subprojects'), subprojects, { recursive: true });

  // Debian bookworm's meson is 1.0.1; the worker builds fine with it.
  const mesonBuild = join(worker, 'meson.build');
  writeFileSync(mesonBuild, readFileSync(mesonBuild, 'utf8').replace(/meson_version:\s*'>= 1\.1\.0'/, "meson_version: '>= 1.0.0'"));

  const build = join(stage, 'build');
  await run('meson', ['setup', '--buildtype=release', '--wrap-mode=nodownload', build, worker], log, false);
  await run('ninja', ['-C', build, 'mediasoup-worker'], log, true);

  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join(build, 'mediasoup-worker'), `${target}.tmp`);
  chmodSync(`${target}.tmp`, 0o755);
  cpSync(`${target}.tmp`, target);
  rmSync(`${target}.tmp`);
  rmSync(stage, { recursive: true, force: true });
  log(`mediasoup-worker cached at ${target}`);
}

/** Runs a build tool; with `progress`, prints ninja's [n/total] steps as a percentage. */
function run(cmd, args, log, progress) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
