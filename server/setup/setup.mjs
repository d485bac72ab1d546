// Sets up whatever is missing before `npm start`, `npm test`, `npm run dev` or `npm run bench`
// (`--for start|test|dev|bench|deps`):
// Debian packages, npm dependencies, the mediasoup worker and the client build. Each step checks
// first and does nothing when its result is already there, so a second run takes about a second.
//
// Plain Node with no dependencies: it runs before `npm ci` has installed anything.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKER_BUILD_PACKAGES, cachedWorkerPath, ensureWorker } from './mediasoupWorker.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const purpose = process.argv.includes('--for') ? process.argv[process.argv.indexOf('--for') + 1] : 'start';
const started = Date.now();
const log = (message) => console.log(`[setup ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

/** Debian packages the product needs at run time. */
const RUN_PACKAGES = ['ffmpeg', 'fonts-dejavu-core', 'apertium', 'apertium-eng-spa', 'util-linux'];
/** Debian packages the browser tests and benchmarks need (CJK fonts so screenshots show Japanese, Chinese, Korean). */
const TEST_PACKAGES = ['chromium', 'fonts-noto-cjk'];

function fail(message) {
  console.error(`\nsetup: ${message}\n`);
  process.exit(1);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    fail(`Node ${process.versions.node} is too old; Hybrid Stage needs Node 20.19 or newer.`);
  }
}

function installedDebianPackages(names) {
  const out = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...names], { encoding: 'utf8' });
  return new Set(out.stdout.split('\n').filter((l) => l.endsWith(' installed')).map((l) => l.split(' ')[0]));
}

function ensureDebianPackages(mediasoupVersion) {
  const wanted = [...RUN_PACKAGES];
  if (purpose === 'test' || purpose === 'bench') wanted.push(...TEST_PACKAGES);
  if (!mediasoupVersion || !existsSync(cachedWorkerPath(mediasoupVersion))) wanted.push(...WORKER_BUILD_PACKAGES);
  if (spawnSync('dpkg-query', ['--version']).status !== 0) {
    log(`no dpkg here: make sure these (or their equivalents) are installed: ${wanted.join(' ')}`);
    return;
  }
  const installed = installedDebianPackages(wanted);
  const missing = wanted.filter((p) => !installed.has(p));
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    fail(`missing Debian packages: ${missing.join(' ')}\nInstall them with:\n  sudo sh -c '${command}'`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
}

function hashFiles(paths) {
  const hash = createHash('sha256');
  const walk = (p) => {
    if (!existsSync(p)) return;
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) if (name !== 'node_modules' && name !== 'dist') walk(join(p, name));
    } else {
      hash.update(relative(root, p)).update(readFileSync(p));
    }
  };
  for (const p of paths) walk(join(root, p));
  return hash.digest('hex');
}

function ensureNpmDependencies() {
  const stamp = join(root, 'node_modules', '.hybrid-stage-install');
  const wanted = hashFiles(['package-lock.json']);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return;
  log('installing npm dependencies (npm ci)');
  // mediasoup's postinstall would try to download a prebuilt worker; the worker is built below.
  const env = { ...process.env, MEDIASOUP_WORKER_BIN: 'built-by-hybrid-stage-setup' };
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env });
  writeFileSync(stamp, wanted);
}

function ensureClientBuild() {
  const stamp = join(root, 'client', 'dist', '.build-hash');
  const wanted = hashFiles(['client', 'shared/src', 'package-lock.json']);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return;
  log('building the client (vite build)');
  execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: join(root, 'client'),
    stdio: 'inherit',
  });
  writeFileSync(stamp, wanted);
}

function mediasoupVersion() {
  const lock = join(root, 'package-lock.json');
  if (!existsSync(lock)) return undefined;
  return JSON.parse(readFileSync(lock, 'utf8')).packages?.['node_modules/mediasoup']?.version;
}

checkNode();
ensureDebianPackages(mediasoupVersion());
ensureNpmDependencies();
await ensureWorker(join(root, 'node_modules', 'mediasoup'), log);
// `dev` serves the client from Vite; `deps` (a Docker layer) stops before the client sources exist.
if (purpose !== 'dev' && purpose !== 'deps') ensureClientBuild();
log('ready');
