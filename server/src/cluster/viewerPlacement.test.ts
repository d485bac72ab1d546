import { describe, expect, it } from 'vitest';
import type { ClusterNode } from '@hybrid-stage/shared';
import { chooseNode, DEFAULT_CPU_THRESHOLD } from './viewerPlacement';

const node = (id: string, role: 'origin' | 'edge', region: string, cpu: number, viewers: number): ClusterNode => ({
  id,
  role,
  region,
  announcedIp: '127.0.0.1',
  url: `http://${id}.example:3000`,
  startedAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  load: { cpu, workers: 1, viewers, consumers: viewers * 2, sockets: viewers },
});

const ask = (region: string, failed: string[] = []) => ({ region, failed, threshold: DEFAULT_CPU_THRESHOLD });
const chosen = (nodes: ClusterNode[], region: string, failed: string[] = []) => chooseNode(nodes, ask(region, failed))?.id;

describe('chooseNode', () => {
  const origin = node('origin', 'origin', 'eu-west', 0.3, 0);

  it('answers the node itself when it is alone', () => {
    expect(chosen([origin], 'singapore')).toBe('origin');
  });

  it('prefers an edge in the viewer region over a less busy one elsewhere', () => {
    const nodes = [origin, node('eu-1', 'edge', 'eu-west', 0.5, 300), node('ap-1', 'edge', 'singapore', 0.1, 10)];
    expect(chosen(nodes, 'eu-west')).toBe('eu-1');
    expect(chosen(nodes, 'singapore')).toBe('ap-1');
  });

  it('goes to another region when every edge of the viewer region is over the threshold', () => {
    const nodes = [origin, node('eu-1', 'edge', 'eu-west', 0.85, 600), node('ap-1', 'edge', 'singapore', 0.4, 200)];
    expect(chosen(nodes, 'eu-west')).toBe('ap-1');
  });

  it('picks the edge with the fewest viewers among those of a region under the threshold', () => {
    const nodes = [node('eu-1', 'edge', 'eu-west', 0.2, 120), node('eu-2', 'edge', 'eu-west', 0.6, 80), node('eu-3', 'edge', 'eu-west', 0.9, 5)];
    expect(chosen(nodes, 'eu-west')).toBe('eu-2');
  });

  it('never sends viewers to the origin while an edge lives, and none when every edge is full', () => {
    expect(chosen([origin, node('eu-1', 'edge', 'eu-west', 0.95, 700)], 'eu-west')).toBeUndefined();
    expect(chosen([origin, node('eu-1', 'edge', 'eu-west', 0.7, 700)], 'eu-west')).toBe('eu-1');
  });

  it('leaves out the nodes the viewer reports as failed, before their registry record expires', () => {
    const nodes = [origin, node('eu-1', 'edge', 'eu-west', 0.1, 1), node('eu-2', 'edge', 'eu-west', 0.5, 400)];
    expect(chosen(nodes, 'eu-west', ['eu-1'])).toBe('eu-2');
    // Every edge failed: the origin serves rather than nobody.
    expect(chosen(nodes, 'eu-west', ['eu-1', 'eu-2'])).toBe('origin');
  });

  it('honours a configured threshold', () => {
    const nodes = [node('eu-1', 'edge', 'eu-west', 0.75, 10), node('eu-2', 'edge', 'us-east', 0.2, 10)];
    expect(chooseNode(nodes, { region: 'eu-west', failed: [], threshold: 0.7 })?.id).toBe('eu-2');
    expect(chooseNode(nodes, { region: 'eu-west', failed: [], threshold: 0.8 })?.id).toBe('eu-1');
  });
});
