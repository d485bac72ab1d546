import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { askOrigin, type ServerSideEmitter } from './NodeRequests';

/** Every other node's acknowledgements, as the adapter hands them back (with an error after its timeout). */
const nodesAnswering = (answers: unknown[], error: Error | null = null): ServerSideEmitter & { sent: unknown[][] } => {
  const sent: unknown[][] = [];
  return {
    sent,
    serverSideEmit: (event, payload, ack) => {
      sent.push([event, payload]);
      queueMicrotask(() => ack(error, answers));
    },
  };
};

describe('askOrigin', () => {
  it("returns the origin's data among the edges' empty acknowledgements", async () => {
    const io = nodesAnswering([null, { ok: true, data: { channels: [] } }, null]);
    await expect(askOrigin(io, 'event:get', {})).resolves.toEqual({ channels: [] });
    expect(io.sent).toEqual([['event:get', {}]]);
  });

  it("throws the origin's refusal with its own code", async () => {
    const io = nodesAnswering([null, { ok: false, error: { code: 'NOT_FOUND', message: 'channel nope not found' } }]);
    await expect(askOrigin(io, 'relay:open', {})).rejects.toEqual(new AppError('NOT_FOUND', 'channel nope not found'));
  });

  it('uses what arrived before a stuck node made the adapter time out', async () => {
    const io = nodesAnswering([{ ok: true, data: 42 }], new Error('timeout reached: only 1 responses received out of 2'));
    await expect(askOrigin(io, 'event:get', {})).resolves.toBe(42);
  });

  it('is INVALID_STATE, which clients retry, when no origin answered; answers that do not parse count for nothing', async () => {
    for (const answers of [[], [null, null], [{ ok: 'yes' }, 'garbage', { ok: false, error: { code: 'MADE_UP', message: '' } }]]) {
      await expect(askOrigin(nodesAnswering(answers), 'event:get', {})).rejects.toMatchObject({ code: 'INVALID_STATE' });
    }
  });
});
