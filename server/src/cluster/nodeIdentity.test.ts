import { expect, it } from 'vitest';
import { ClusterNode } from '@hybrid-stage/shared';
import { loadConfig } from '../config';
import { nodeIdentity } from './NodeDirectory';
import { redactedUrl } from '../config';

const startedAt = new Date('2026-12-07T08:00:00Z');

it("describes the node by its settings, reachable at its announced address and port unless PUBLIC_URL says", () => {
  const edge = nodeIdentity(loadConfig({ REDIS_URL: 'redis://10.0.0.5:6379', NODE_ID: 'edge-1', NODE_ROLE: 'edge', NODE_REGION: 'eu-west', ANNOUNCED_IP: '203.0.113.7' }), 3000, startedAt);
  expect(edge).toEqual({ id: 'edge-1', role: 'edge', region: 'eu-west', announcedIp: '203.0.113.7', url: 'http://203.0.113.7:3000', startedAt: '2026-12-07T08:00:00.000Z' });
  expect(nodeIdentity(loadConfig({ ANNOUNCED_IP: '2001:db8::7' }), 8080, startedAt).url).toBe('http://[2001:db8::7]:8080');
  expect(nodeIdentity(loadConfig({ PUBLIC_URL: 'https://edge1.example.com' }), 3000, startedAt).url).toBe('https://edge1.example.com');
  // What it writes is what the registry reads back.
  const record = { ...edge, updatedAt: startedAt.toISOString(), load: { cpu: 0.25, workers: 2, viewers: 10, consumers: 20, sockets: 12 } };
  expect(ClusterNode.parse(JSON.parse(JSON.stringify(record)))).toEqual(record);
  expect(ClusterNode.safeParse({ ...record, role: 'relay' }).success).toBe(false);
});

it('hides a Redis password in messages', () => {
  expect(redactedUrl('redis://user:s3cret@10.0.0.5:6379/0')).toBe('redis://user:***@10.0.0.5:6379/0');
  expect(redactedUrl('redis://10.0.0.5:6379')).toBe('redis://10.0.0.5:6379');
});
