// A watch page's move between the nodes of a cluster (client/src/signaling/clusterPlacement.ts),
// against two bare socket.io servers standing for two nodes: when the page's node goes away, the
// page asks for placement (naming the node that failed it) and its socket reconnects to the node
// the answer names, every listener of the page kept. The browser suite's edge fail-over
// (clusterEdge.test.ts) covers the same with media; this one needs no cluster.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, expect, it, vi } from 'vitest';
import type { Placement } from '@hybrid-stage/shared';
import { ClusterPlacement, placedSocket } from '../client/src/signaling/clusterPlacement';

/** A "node": a socket.io server that greets each connection with its id. */
async function startNode(id: string) {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'] });
  io.on('connection', (socket) => socket.emit('hello', id));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { id, io, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  vi.unstubAllGlobals();
});

it('moves the socket to the node placement answers, listeners kept, naming the node that failed the page', async () => {
  const a = await startNode('edge-a');
  const b = await startNode('edge-b');
  closers.push(() => b.io.close());
  const placedOnA: Placement = { node: a.id, url: a.url, region: 'eu-west', nodes: [a.url, b.url] };
  // The page was served by node A; placement (asked of the page's own server first) answers B.
  const asked: string[] = [];
  vi.stubGlobal('location', new URL(`${a.url}/channel/main?region=eu-west`));
  vi.stubGlobal('fetch', async (url: string) => {
    asked.push(url);
    return Response.json({ node: b.id, url: b.url, region: 'eu-west', nodes: [b.url] } satisfies Placement);
  });

  const socket = placedSocket(placedOnA, { transports: ['websocket'] });
  closers.push(() => socket.disconnect());
  const greetings: string[] = [];
  socket.on('hello', (id: string) => greetings.push(id));
  const placement = new ClusterPlacement(socket, placedOnA);
  await expect.poll(() => greetings).toEqual(['edge-a']);

  // Node A goes away (its connections drop): the page moves by itself.
  await a.io.close();
  await expect.poll(() => greetings, { timeout: 10_000 }).toEqual(['edge-a', 'edge-b']);
  expect(placement.node).toBe('edge-b');
  expect(asked).toHaveLength(1);
  const query = new URL(asked[0]!).searchParams;
  expect(new URL(asked[0]!).origin).toBe(a.url);
  expect(query.get('failed')).toBe('edge-a');
  expect(query.get('region')).toBe('eu-west');
});
