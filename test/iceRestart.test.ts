// ICE restart: a viewer whose network path broke asks for new ICE credentials for its transport
// instead of joining again; the server hands them out only for its own transports, and checks input.
import { expect } from 'vitest';
import { serverTest } from './support/fixtures';

const test = serverTest({ WORKERS: '1', TEST_PATTERNS: 'false' });

test('gives a viewer new ICE credentials for its receive transport, and refuses others', async ({ clients }) => {
  const viewer = await clients.connect();
  const other = await clients.connect();
  const transport = await viewer.ok('transport:create', { direction: 'recv' });
  const before = transport.iceParameters as { usernameFragment: string; password: string };
  // Without TURN_URLS and TURN_SECRET (the default) no TURN server is handed out.
  expect(transport.iceServers).toEqual([]);

  const { iceParameters, iceServers } = await viewer.ok('transport:restartIce', { transportId: transport.id });
  expect(iceServers).toEqual([]);
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
});
