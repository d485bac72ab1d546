/**
 * Caption latency across a cluster (tracker issue 15): from a desk's commit on the origin to the
 * cue arriving at 3,000 viewer sockets spread over 3 edges (cluster.captionsP99Ms), the cue crossing
 * Redis through socket.io's adapter. The baseline, in the same run and from the same commits:
 * 1,000 viewer sockets on the origin itself, which the cue reaches without crossing Redis
 * (cluster.captionsOriginP99Ms).
 *
 * A cluster of node processes on their own loopback addresses (test/support/cluster.ts: real Redis
 * and PostgreSQL); the viewers and the desk are socket.io clients in this one process, every
 * arrival timed against the desk's send time on the same clock.
 */
import type { Socket } from 'socket.io-client';
import { TestCluster } from '../test/support/cluster';
import { connect, joinViewers, request } from './captions';
import { progress, quantile, type Figure, type FigureKey } from './report';

const VIEWERS_PER_NODE = 1000;
const EDGES = 3;
const CUES = 40;
const CUE_INTERVAL_MS = 500;

export async function measureClusterCaptions(): Promise<Map<FigureKey, Figure>> {
  progress(`cluster captions: an origin and ${EDGES} edges`);
  // Each node's 1,000 viewers connect from loopback: above the default per-address cap.
  const cluster = await TestCluster.start(
    [
      { id: 'origin', role: 'origin', region: 'eu-west', ip: '127.0.0.2', mediaPorts: '18000-18299' },
      ...Array.from({ length: EDGES }, (_, i) => ({ id: `edge-${i + 1}`, role: 'edge' as const, region: 'eu-west', ip: `127.0.0.${i + 3}`, mediaPorts: `${18300 + i * 300}-${18599 + i * 300}` })),
    ],
    { SOCKETS_PER_ADDRESS: '2000' },
  );
  const sockets: Socket[] = [];
  try {
    const origin = cluster.node('origin');
    const sentAt = new Map<string, number>();
    const onEdges: number[] = [];
    const onOrigin: number[] = [];
    for (let i = 1; i <= EDGES; i++) await joinViewers(cluster.node(`edge-${i}`).url, `edge-${i}`, sentAt, onEdges, sockets, VIEWERS_PER_NODE);
    await joinViewers(origin.url, 'origin', sentAt, onOrigin, sockets, VIEWERS_PER_NODE);
    const desk = await connect(origin.url, await cluster.tokens.mint({ role: 'captioner', channelId: 'main', languages: ['en'] }));
    sockets.push(desk);
    for (let i = 0; i < CUES; i++) {
      const text = `Cue number ${String(i).padStart(2, '0')} from the English desk.`;
      const now = Date.now();
      sentAt.set(text, performance.now());
      await request(desk, 'captions:commit', { channelId: 'main', language: 'en', text, startMs: now - 1000, endMs: now + 2000 });
      await new Promise((r) => setTimeout(r, CUE_INTERVAL_MS));
      if ((i + 1) % 10 === 0) progress(`cluster captions: ${i + 1}/${CUES} cues sent`);
    }
    await new Promise((r) => setTimeout(r, 1000));
    const [edgeExpected, originExpected] = [EDGES * VIEWERS_PER_NODE * CUES, VIEWERS_PER_NODE * CUES];
    const conditions = `${CUES} English cues from a desk socket on the origin (127.0.0.2), one every ${CUE_INTERVAL_MS} ms; origin and edges as processes on real Redis and PostgreSQL, the viewer sockets in one client process, loopback`;
    const figure = (arrivals: number[], expected: number, where: string): Figure =>
      arrivals.length < expected * 0.99
        ? { value: null, reason: `only ${arrivals.length} of ${expected} cue arrivals seen ${where}` }
        : { value: Math.round(quantile(arrivals, 0.99)), unit: 'ms, p99', conditions: `${conditions}; ${where}: ${arrivals.length}/${expected} arrivals` };
    return new Map<FigureKey, Figure>([
      ['cluster.captionsP99Ms', figure(onEdges, edgeExpected, `${EDGES * VIEWERS_PER_NODE} viewer sockets on ${EDGES} edges (127.0.0.3-.${EDGES + 2})`)],
      ['cluster.captionsOriginP99Ms', figure(onOrigin, originExpected, `the baseline, ${VIEWERS_PER_NODE} viewer sockets on the origin itself, the same cues at the same moments`)],
    ]);
  } finally {
    for (const s of sockets) s.close();
    await cluster.close();
  }
}
