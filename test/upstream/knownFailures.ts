/**
 * Tests of mediasoup's own suite that fail against the worker this project builds because of a
 * known upstream bug the build does not fix yet, each with the upstream issue. The suite expects
 * these to fail (`test.fails`): once a patch in server/setup/worker-patches fixes one, its entry
 * fails the suite until it is removed. The list is meant to be empty.
 *
 * Before patch 0002 (upstream pull request #1390) it held:
 *   { file: 'test-WebRtcServer.js',
 *     test: 'router.createWebRtcTransport() with webRtcServer succeeds and webRtcServer is closed',
 *     issue: 'https://github.com/versatica/mediasoup/issues/1388' }
 */
export interface KnownUpstreamFailure {
  /** File in mediasoup's node/lib/tests. */
  readonly file: string;
  /** The test's name, exactly as upstream writes it. */
  readonly test: string;
  /** The upstream issue that explains the failure. */
  readonly issue: string;
}

export const KNOWN_UPSTREAM_FAILURES: readonly KnownUpstreamFailure[] = [];
