// ICE restart: a viewer whose network path broke asks for new ICE credentials for its transport
// instead of joining again; the server hands them out only for its own transports, and checks input.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, TestClient, type TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ WORKERS: '1', TEST_PATTERNS: 'false' });
});
afterAll(async () => {
  await server?.close();
});

it('gives a viewer new ICE credentials for its receive transport, and refuses others', async () => {
  const viewer = await TestClient.connect(server.url);
  const other = await TestClient.connect(server.url);
  const transport = await viewer.ok('transport:create', { direction: 'recv' });
  const before = transport.iceParameters as { usernameFragment: string; password: string };

  const { iceParameters } = await viewer.ok('transport:restartIce', { transportId: transport.id });
  const after = iceParameters as { usernameFragment: string; password: string };
  expect(after.usernameFragment).toMatch(/\S{4,}/);
  expect(after.usernameFragment).not.toBe(before.usernameFragment);
  expect(after.password).not.toBe(before.password);

  // Another client's transport is not found for it; bad input is refused.
  const theirs = await other.request('transport:restartIce', { transportId: transport.id });
  expect(theirs.ok ? 'ok' : theirs.error.code).toBe('NOT_FOUND');
  const extra = await viewer.raw('transport:restartIce', { transportId: transport.id, force: true });
  expect(extra.ok ? 'ok' : extra.error.code).toBe('INVALID_REQUEST');
  const empty = await viewer.raw('transport:restartIce', { transportId: '' });
  expect(empty.ok ? 'ok' : empty.error.code).toBe('INVALID_REQUEST');
  viewer.close();
  other.close();
});
