// An HTTP refusal decodes to the same RequestError a socket acknowledgement's does, so panels show both alike.
import { describe, expect, it } from 'vitest';
import { RequestError } from '../signaling/SignalingClient';
import { decodeHttpError } from './api';

describe('decodeHttpError', () => {
  it("keeps the protocol error's code and message", () => {
    const error = decodeHttpError(403, { error: { code: 'FORBIDDEN', message: 'this needs one of these roles: admin (you are producer)' } });
    expect(error).toBeInstanceOf(RequestError);
    expect(error).toMatchObject({ code: 'FORBIDDEN', message: 'this needs one of these roles: admin (you are producer)' });
  });

  it('makes a body without one (a proxy page, no JSON, an odd shape) INTERNAL with the status', () => {
    for (const body of [undefined, null, 'Bad Gateway', {}, { error: 'nope' }, { error: { code: 7, message: 'x' } }]) {
      expect(decodeHttpError(502, body)).toMatchObject({ code: 'INTERNAL', message: 'HTTP 502' });
    }
  });
});
