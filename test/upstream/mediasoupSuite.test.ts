/**
 * mediasoup's own Node test suite (shipped in its npm package as node/lib/tests, written for
 * jest) run against the worker this project builds (server/setup/mediasoupWorker.mjs), so a worker
 * build that breaks mediasoup's behaviour fails `npm test`. Each upstream file is loaded inside a
 * describe block of its own with jest's globals mapped to vitest's; its workers, routers and
 * sockets are upstream's, on loopback ports that pick-port finds free.
 *
 * Runs in the `mediasoup` vitest project, after the integration files (vitest.config.ts): its 17
 * files start and kill many workers quickly, which would compete with the media the integration
 * tests measure in real time, and its workers take ports from mediasoup's default range.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { KNOWN_UPSTREAM_FAILURES } from './knownFailures';

const require = createRequire(import.meta.url);
const testsDir = join(dirname(require.resolve('mediasoup/package.json')), 'node', 'lib', 'tests');

/**
 * Upstream's per-test timeouts (2 s for most) suit a dedicated machine; a shared 2-core one may
 * take longer to start a worker. Only the limit changes, never what a test checks.
 */
const MIN_TEST_TIMEOUT_MS = 30_000;

/**
 * test-Worker.js starts a worker with the DTLS certificate and key in tests/data, which the npm
 * package does not ship: a throwaway self-signed pair is made there once per install.
 */
function ensureDtlsCertificate(): void {
  const dataDir = join(testsDir, 'data');
  const cert = join(dataDir, 'dtls-cert.pem');
  const key = join(dataDir, 'dtls-key.pem');
  if (existsSync(cert) && existsSync(key)) return;
  mkdirSync(dataDir, { recursive: true });
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '3650', '-subj', '/CN=mediasoup-test',
  ], { stdio: 'ignore' });
}

type TestFn = (...args: never[]) => unknown;

/** jest's `test(name, fn, timeout)`, with known upstream failures expected to fail. */
function upstreamTest(file: string) {
  return (name: string, fn: TestFn, timeout?: number): void => {
    const known = KNOWN_UPSTREAM_FAILURES.find((f) => f.file === file && f.test === name);
    const limit = Math.max(timeout ?? 0, MIN_TEST_TIMEOUT_MS);
    if (known) test.fails(`${name} (known upstream failure: ${known.issue})`, fn as () => Promise<void>, limit);
    else test(name, fn as () => Promise<void>, limit);
  };
}

ensureDtlsCertificate();

const files = readdirSync(testsDir).filter((f) => /^test-.*\.js$/.test(f)).sort();

// jest's globals, as upstream's compiled tests use them (they call them as free variables).
const globals = globalThis as Record<string, unknown>;
Object.assign(globals, { expect, beforeAll, afterAll, beforeEach, afterEach, jest: { fn: vi.fn } });

test('mediasoup ships its test suite, and every known failure names one of its files', () => {
  expect(files.length).toBeGreaterThanOrEqual(17);
  for (const known of KNOWN_UPSTREAM_FAILURES) expect(files).toContain(known.file);
});

for (const file of files) {
  describe(file, () => {
    globals.test = upstreamTest(file);
    try {
      require(join(testsDir, file));
    } finally {
      delete globals.test;
    }
  });
}
