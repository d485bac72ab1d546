// The worker's patch series (server/setup/worker-patches): every patch says where it comes from
// and why, the build refuses one that does not match its hash, the series applies exactly to the
// pinned mediasoup's sources, and the worker these tests run is the one built with it.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const setupDir = join(import.meta.dirname, '..', 'server', 'setup');
const patchesDir = join(setupDir, 'worker-patches');
const mediasoupDir = dirname(createRequire(import.meta.url).resolve('mediasoup/package.json'));
const version = (JSON.parse(readFileSync(join(mediasoupDir, 'package.json'), 'utf8')) as { version: string }).version;

interface Series {
  patches: { name: string; file: string; sha256: string }[];
  hash: string;
}
interface WorkerSetup {
  workerPatchSeries(dir?: string): Series;
  cachedWorkerPath(version: string): string;
  cachedWorkerBuild(version: string): { srtp: string; patches?: string[]; unitTests?: string } | undefined;
  installedWorkerPath(mediasoupDir: string): string;
}
// Plain JavaScript that setup runs before any dependency exists; typed here by hand.
const modulePath = join(setupDir, 'mediasoupWorker.mjs');
const setup = (await import(modulePath)) as WorkerSetup;

const scratch = mkdtempSync(join(tmpdir(), 'hybrid-stage-worker-patches-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('lists every patch with its upstream source, what it fixes and why it applies to the pinned version', () => {
  const { patches, hash } = setup.workerPatchSeries();
  expect(patches.map((p) => p.name.slice(0, 4))).toEqual(patches.map((_, i) => String(i + 1).padStart(4, '0')));
  expect(patches.map((p) => p.name)).toContain('0002-webrtcserver-close-transports-before-sockets.patch');
  for (const patch of patches) {
    const header = readFileSync(patch.file, 'utf8').split(/^diff /m)[0]!;
    expect(header, patch.name).toMatch(/^Upstream: https:\/\/github\.com\/versatica\/mediasoup\/pull\/\d+/m);
    expect(header, patch.name).toMatch(/^Fixes: /m);
    expect(header, patch.name).toMatch(new RegExp(`^Applies to ${version.replace(/\./g, '\\.')}: `, 'm'));
  }
  // The cache key names the series, so a machine builds again when it changes.
  expect(setup.cachedWorkerPath(version)).toContain(`-p${hash.slice(0, 12)}-`);
});

it('refuses a patch that does not match its hash, and one the series does not list', () => {
  const copy = join(scratch, 'tampered');
  cpSync(patchesDir, copy, { recursive: true });
  expect(setup.workerPatchSeries(copy).hash).toBe(setup.workerPatchSeries().hash);

  const first = setup.workerPatchSeries(copy).patches[0]!;
  writeFileSync(first.file, `${readFileSync(first.file, 'utf8')}\n`);
  expect(() => setup.workerPatchSeries(copy)).toThrow(/has SHA-256 [0-9a-f]{64}, the series expects/);

  cpSync(patchesDir, copy, { recursive: true });
  writeFileSync(join(copy, '0099-unlisted.patch'), '');
  expect(() => setup.workerPatchSeries(copy)).toThrow(/must list every patch/);
});

it('applies exactly, without fuzz, to the pinned mediasoup worker sources', () => {
  const worker = join(scratch, 'worker');
  for (const part of ['src', 'include']) cpSync(join(mediasoupDir, 'worker', part), join(worker, part), { recursive: true });
  for (const patch of setup.workerPatchSeries().patches) {
    execFileSync('patch', ['-p1', '--fuzz=0', '--forward', '--batch', '--no-backup-if-mismatch', '-d', worker, '-i', patch.file], { stdio: 'pipe' });
  }
  // What #1390 changes: the server closes its transports before its sockets.
  const server = readFileSync(join(worker, 'src', 'RTC', 'WebRtcServer.cpp'), 'utf8');
  const destructor = server.slice(server.indexOf('WebRtcServer::~WebRtcServer()'));
  expect(destructor.indexOf('ListenServerClosed()')).toBeLessThan(destructor.indexOf('delete item.udpSocket'));
});

it('runs the worker built with the series, whose C++ unit tests passed', () => {
  const build = setup.cachedWorkerBuild(version);
  expect(build?.patches).toEqual(setup.workerPatchSeries().patches.map((p) => p.name));
  // Setup builds them wherever Debian's catch2 is installed (it installs it with the build tools).
  expect(build?.unitTests).toBe(existsSync('/usr/include/catch2/catch.hpp') ? 'passed' : 'not built');
  const installed = setup.installedWorkerPath(mediasoupDir);
  expect(existsSync(installed)).toBe(true);
  expect(readFileSync(installed).equals(readFileSync(setup.cachedWorkerPath(version)))).toBe(true);
});
