// Sets up whatever is missing before `npm start`, `npm test`, `npm run dev` or `npm run bench`
// (`--for start|test|dev|bench|deps`):
// Debian packages, npm dependencies, the mediasoup worker and the client build. Each step checks
// first and does nothing when its result is already there, so a second run takes about a second.
// Two narrower purposes: `--for docker` (`npm run docker:check`: Docker, debootstrap, chromium and the
// npm dependencies, no worker or client) and `--for runtime` (the Docker image's runtime stage: only
// the Debian packages a copy built elsewhere needs to run).
//
// Plain Node with no dependencies: it runs before `npm ci` has installed anything.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKER_BUILD_PACKAGES, WORKER_RUN_PACKAGES, cachedWorkerPath, ensureWorker } from './mediasoupWorker.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const purpose = process.argv.includes('--for') ? process.argv[process.argv.indexOf('--for') + 1] : 'start';
const started = Date.now();
const log = (message) => console.log(`[setup ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

/** Debian packages the product needs at run time (pocketsphinx-en-us: speech recognition, with ASR_CHANNELS). */
const RUN_PACKAGES = ['ffmpeg', 'fonts-dejavu-core', 'apertium', 'apertium-eng-spa', 'apertium-es-pt', 'apertium-spa-ita', 'apertium-fr-es', 'pocketsphinx-en-us', 'util-linux'];
/**
 * Debian packages the browser tests and benchmarks need (CJK fonts so screenshots show Japanese,
 * Chinese, Korean; iproute2 for the viewers' network namespaces and their rate limits; certutil
 * so a namespaced chromium trusts the test CA of the TURN server's certificate; pocketsphinx's test
 * clips of recorded speech, which the speech recognition test plays as a studio's sound).
 */
const TEST_PACKAGES = ['chromium', 'fonts-noto-cjk', 'iproute2', 'libnss3-tools', 'pocketsphinx-testdata'];
/**
 * Debian packages whose servers the cluster, storage and TURN tests start as child processes of their
 * own, in temporary directories: installing them starts no system service (withoutServiceStarts)
 * and creates no PostgreSQL cluster (preventPostgresCluster). nginx is the crew's one address in
 * front of an origin and its standby (test/clusterOrigin.test.ts).
 */
const TEST_SERVER_PACKAGES = ['redis-server', 'postgresql-15', 'coturn', 'nginx'];
/**
 * Debian packages `npm ci` needs to compile better-sqlite3's addon with node-gyp (its prebuilt
 * binaries come from GitHub, which is not always reachable). Developer machines tend to have them;
 * a minimal Debian (debian:bookworm-slim, a debootstrap minbase, many servers) does not.
 */
const NPM_BUILD_PACKAGES = ['make', 'g++', 'python3'];

const hasCommand = (name) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;

/**
 * Debian packages `npm run docker:check` needs on the host: a base image maker, chromium to play,
 * and Debian's engine and Compose unless some are installed already (Docker's own docker-ce
 * packages conflict with docker.io).
 */
function dockerCheckPackages() {
  const wanted = ['debootstrap', 'chromium'];
  if (!hasCommand('dockerd')) wanted.push('docker.io');
  if (!hasCommand('docker-compose') && spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status !== 0) wanted.push('docker-compose');
  return wanted;
}

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

function wantedDebianPackages(mediasoupVersion) {
  if (purpose === 'runtime') return [...RUN_PACKAGES, ...WORKER_RUN_PACKAGES];
  const wanted = purpose === 'docker' ? dockerCheckPackages() : [...RUN_PACKAGES];
  if (purpose === 'test' || purpose === 'bench') wanted.push(...TEST_PACKAGES);
  if (purpose === 'test') wanted.push(...TEST_SERVER_PACKAGES);
  if (purpose !== 'docker' && (!mediasoupVersion || !existsSync(cachedWorkerPath(mediasoupVersion)))) wanted.push(...WORKER_BUILD_PACKAGES);
  if (!npmDependenciesInstalled()) wanted.push(...NPM_BUILD_PACKAGES);
  return [...new Set(wanted)];
}

function ensureDebianPackages(mediasoupVersion) {
  const wanted = wantedDebianPackages(mediasoupVersion);
  if (spawnSync('dpkg-query', ['--version']).status !== 0) {
    log(`no dpkg here: make sure these (or their equivalents) are installed: ${wanted.join(' ')}`);
    return;
  }
  const installed = installedDebianPackages(wanted);
  const missing = wanted.filter((p) => !installed.has(p));
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    // As root, setup keeps Debian's server packages from starting services (the tests start their
    // own); by hand, that is the admin's choice, said here so the services are not a surprise.
    const servers = missing.filter((p) => TEST_SERVER_PACKAGES.includes(p));
    const note = servers.length
      ? `\n(${servers.join(' and ')} start system services when installed this way; the tests do not need them: they start their own servers. Run setup as root to install them without.)`
      : '';
    fail(`missing Debian packages: ${missing.join(' ')}\nInstall them with:\n  sudo sh -c '${command}'${note}`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  if (missing.includes('postgresql-15')) preventPostgresCluster(env);
  withoutServiceStarts(() => execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env }));
}

/**
 * Runs an install with no system service started: Debian's server packages (redis-server) start
 * theirs from their postinst through invoke-rc.d, which asks /usr/sbin/policy-rc.d first; exit code
 * 101 means "not allowed". Tests start their own servers as child processes, so none may be left
 * running. A policy-rc.d already there (a container's) is left as it is.
 */
function withoutServiceStarts(install) {
  const policy = '/usr/sbin/policy-rc.d';
  if (existsSync(policy)) return install();
  writeFileSync(policy, '#!/bin/sh\n# written by Hybrid Stage setup during apt-get install: start no service\nexit 101\n', { mode: 0o755 });
  try {
    return install();
  } finally {
    rmSync(policy, { force: true });
  }
}

/**
 * Debian's postgresql-15 creates a `main` cluster on its first install and starts it as a system
 * service; the tests want neither (they run their own server in a temporary directory). So
 * postgresql-common, which owns the setting, goes in first, and `create_main_cluster = false` in
 * its /etc/postgresql-common/createcluster.conf makes postgresql-15's install create no cluster:
 * with none, the service it starts runs no server.
 */
function preventPostgresCluster(env) {
  const conf = '/etc/postgresql-common/createcluster.conf';
  if (!installedDebianPackages(['postgresql-common']).has('postgresql-common')) {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql-common'], { stdio: 'inherit', env });
  }
  const text = existsSync(conf) ? readFileSync(conf, 'utf8') : '';
  if (/^\s*create_main_cluster\s*=\s*(false|off)\b/m.test(text)) return;
  const lines = text.split('\n').filter((line) => !/^\s*#?\s*create_main_cluster\s*=/.test(line));
  writeFileSync(conf, `${lines.join('\n').trimEnd()}\n# Hybrid Stage's setup: its tests run their own PostgreSQL; no system cluster.\ncreate_main_cluster = false\n`);
  log(`set create_main_cluster = false in ${conf}`);
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

const npmStamp = () => join(root, 'node_modules', '.hybrid-stage-install');

function npmDependenciesInstalled() {
  return existsSync(npmStamp()) && readFileSync(npmStamp(), 'utf8') === hashFiles(['package-lock.json']);
}

/**
 * The running Node's own C headers, when they are installed: beside the binary (an official
 * tarball's include/node) or in the npm `node` package's platform package (how the Docker image
 * gets Node 20). Only headers of this very version count.
 */
function localNodeHeaders() {
  const prefix = dirname(dirname(process.execPath));
  const candidates = [prefix, join(prefix, 'node_modules', `node-${process.platform}-${process.arch}`)];
  return candidates.find((dir) => {
    const header = join(dir, 'include', 'node', 'node_version.h');
    if (!existsSync(header)) return false;
    const text = readFileSync(header, 'utf8');
    const part = (name) => new RegExp(`#define NODE_${name}_VERSION (\\d+)`).exec(text)?.[1];
    return `${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}` === process.versions.node;
  });
}

function ensureNpmDependencies() {
  if (npmDependenciesInstalled()) return;
  const wanted = hashFiles(['package-lock.json']);
  log('installing npm dependencies (npm ci)');
  // mediasoup's postinstall would try to download a prebuilt worker; the worker is built below.
  const env = { ...process.env, MEDIASOUP_WORKER_BIN: 'built-by-hybrid-stage-setup' };
  // node-gyp (better-sqlite3) downloads Node's headers from nodejs.org unless told where they are;
  // where only the npm registry is reachable that fails, so point it at the local ones.
  const headers = process.env.npm_config_nodedir ? undefined : localNodeHeaders();
  if (headers) env.npm_config_nodedir = headers;
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env });
  writeFileSync(npmStamp(), wanted);
}

/**
 * better-sqlite3's addon loads in this very Node. It is compiled by whichever `npm` is on PATH, and an
 * npm that belongs to another Node (Debian's npm beside a Node 20 installed from elsewhere) links it
 * to that Node's library (libnode.so.108): the server then dies at its first query with a
 * segmentation fault and no message. Checked in a child process, so a crash is reported, not shared.
 */
function checkNativeAddon() {
  const probe = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"], {
    cwd: root,
    encoding: 'utf8',
  });
  if (probe.status === 0) return;
  const npm = spawnSync('sh', ['-c', 'command -v npm; npm --version'], { encoding: 'utf8' }).stdout.trim().replace('\n', ' ');
  const how = probe.signal ? `crashed (${probe.signal})` : `failed: ${(probe.stderr || '').trim().split('\n').slice(-1)[0]}`;
  fail(
    `better-sqlite3's native addon does not load in Node ${process.versions.node} (${process.execPath}): it ${how}.\n` +
      `It was compiled by npm ${npm}. Use the npm that belongs to this Node (\`npm install -g npm@11\` with it puts one first on PATH),\n` +
      `then remove node_modules and run this again.`,
  );
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
if (purpose !== 'runtime') {
  ensureNpmDependencies();
  checkNativeAddon();
  if (purpose !== 'docker') await ensureWorker(join(root, 'node_modules', 'mediasoup'), log);
  // `dev` serves the client from Vite; `deps` (a Docker layer) stops before the client sources exist.
  if (purpose !== 'dev' && purpose !== 'deps' && purpose !== 'docker') ensureClientBuild();
}
log('ready');
