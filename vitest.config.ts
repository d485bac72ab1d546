import { defineConfig } from 'vitest/config';

/**
 * How many integration and browser test files run at the same time (default 1). Each starts real
 * mediasoup workers, ffmpeg and chromium and checks media flowing in real time, which two cores
 * cannot do for two files at once without timing out. Files running at once share no port: HTTP is
 * on port 0, the WebRTC ports are probed free, SRT ranges and encoders' RTP ports are set per file,
 * and each vitest worker's servers take their MEDIA_PORT_RANGE from a block of their own
 * (test/support/server.ts); the recorder's ffmpeg takes ports the system gives. On a machine with cores to spare: `TEST_INTEGRATION_FILES=4 npm test`.
 */
const integrationFiles = Math.max(1, Number(process.env.TEST_INTEGRATION_FILES ?? 1) || 1);

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      {
        // Pure logic, no ports, no processes: every file at once, before the integration files
        // (groupOrder), so they never compete with a test that measures media in real time.
        extends: true,
        test: {
          name: 'unit',
          include: ['shared/src/**/*.test.ts', 'server/src/**/*.test.ts', 'client/src/**/*.test.ts'],
          fileParallelism: true,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // The real server with real workers, sockets, ffmpeg and chromium (test/support/fixtures.ts).
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/upstream/**'],
          fileParallelism: integrationFiles > 1,
          maxWorkers: integrationFiles,
          sequence: { groupOrder: 1 },
        },
      },
      {
        // mediasoup's own test suite against the worker setup builds (test/upstream): last, alone
        // (groupOrder), since it starts and kills workers by the dozen on mediasoup's default port
        // range, which must not overlap the integration files' media measured in real time.
        extends: true,
        test: {
          name: 'mediasoup',
          include: ['test/upstream/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
