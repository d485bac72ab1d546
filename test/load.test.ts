// Churn: 200 viewers at a time joining and leaving at 20 a second for a minute, each making a
// receive transport and consuming the main program. Nothing fails, and when they are gone the
// server holds no more transports or file descriptors than before.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, TestClient, transportCount, type TestServer } from './support/server';

const JOINS_PER_SECOND = 20;
const SECONDS = 60;
const STAY_MS = 10_000; // 20 a second staying 10 s: 200 connected at once

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});


const openFiles = () => readdirSync('/proc/self/fd').length;

it('keeps serving 200 viewers churning at 20 a second for a minute, and frees what they held', { timeout: (SECONDS + 60) * 1000 }, async () => {
  const failures: string[] = [];
  let joined = 0;
  let peak = 0;
  let connected = 0;

  const visit = async (stayMs = STAY_MS) => {
    let viewer: TestClient | undefined;
    try {
      viewer = await TestClient.connect(server.url);
      connected++;
      peak = Math.max(peak, connected);
      const { rtpCapabilities } = await viewer.ok('media:capabilities', {});
      const transport = await viewer.ok('transport:create', { direction: 'recv' });
      const { consumers } = await viewer.ok('program:consume', { channelId: 'main', transportId: transport.id, rtpCapabilities });
      if (consumers.length !== 2) failures.push(`got ${consumers.length} consumers`);
      joined++;
      await new Promise((r) => setTimeout(r, stayMs));
    } catch (error) {
      failures.push((error as Error).message);
    } finally {
      if (viewer) connected--;
      viewer?.close();
    }
  };

  // Two first viewers, one per worker, make the pipes that carry the program to the second worker;
  // those stay for the viewers after them. Count from there.
  await Promise.all([visit(0), visit(0)]);
  await new Promise((r) => setTimeout(r, 500));
  const startTransports = await transportCount(server);
  const startFiles = openFiles();
  joined = 0;

  const visits: Promise<void>[] = [];
  for (let i = 0; i < JOINS_PER_SECOND * SECONDS; i++) {
    visits.push(visit());
    await new Promise((r) => setTimeout(r, 1000 / JOINS_PER_SECOND));
  }
  await Promise.all(visits);

  expect(failures).toEqual([]);
  expect(joined).toBe(JOINS_PER_SECOND * SECONDS);
  expect(peak).toBeGreaterThanOrEqual(150);
  // The server closes a leaver's transports as its socket goes.
  await expect.poll(() => transportCount(server), { timeout: 10_000 }).toBe(startTransports);
  // Sockets of both ends live in this process; a leak of one per viewer would be over a thousand.
  await expect.poll(openFiles, { timeout: 10_000 }).toBeLessThanOrEqual(startFiles + 5);
  const health = await fetch(`${server.url}/health`);
  expect(health.status).toBe(200);
});
