// Stopping the server while browsers hold HTTP connections open: a keep-alive connection and a spare
// one a browser opened and never sent on (Chromium does this) do not hold the stop up. They held it
// for a minute, which is how a viewer test that restarts the server timed out.
import { connect } from 'node:net';
import { expect, it } from 'vitest';
import { startTestServer } from './support/server';

it('stops at once, whatever HTTP connections are open', async () => {
  const server = await startTestServer({ WORKERS: '1', TEST_PATTERNS: 'false' });
  const { port } = new URL(server.url);
  const spare = connect(Number(port), '127.0.0.1');
  await new Promise((resolve) => spare.once('connect', resolve));
  const keepAlive = connect(Number(port), '127.0.0.1');
  await new Promise((resolve) => keepAlive.once('connect', resolve));
  keepAlive.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
  await new Promise((resolve) => keepAlive.once('data', resolve));

  const cut = Promise.all([spare, keepAlive].map((socket) => new Promise((resolve) => socket.once('close', resolve))));
  // Hanging is the failure: a stop held by a connection would run into the 10 s limit.
  const stopped = await Promise.race([server.close().then(() => 'stopped'), new Promise((resolve) => setTimeout(() => resolve('still stopping after 10 s'), 10_000))]);
  expect(stopped).toBe('stopped');
  await cut;
});
