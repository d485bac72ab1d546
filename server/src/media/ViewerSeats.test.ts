import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import { AppError } from '../errors';
import { ViewerSeats } from './ViewerSeats';

/** A consumer as far as a seat needs one: an id, whether it is closed, and its observer's close. */
function consumer(id: string) {
  const observer = new EventEmitter();
  const fake = { id, closed: false, observer, close: () => ((fake.closed = true), observer.emit('close')) };
  return fake as typeof fake & types.Consumer;
}

describe('ViewerSeats', () => {
  it('takes viewers up to the limit, refuses the next with SERVER_FULL, and frees a seat when a picture closes', async () => {
    const seats = new ViewerSeats(2);
    const first = consumer('a');
    await seats.seat(async () => ({ result: 1, video: first }));
    await seats.seat(async () => ({ result: 2, video: consumer('b') }));
    expect(seats.count).toBe(2);
    const refused = seats.seat(async () => ({ result: 3, video: consumer('c') }));
    await expect(refused).rejects.toBeInstanceOf(AppError);
    await expect(refused).rejects.toMatchObject({ code: 'SERVER_FULL' });
    first.close();
    expect(seats.count).toBe(1);
    await seats.seat(async () => ({ result: 4, video: consumer('d') }));
    expect(seats.count).toBe(2);
  });

  it('counts joins under way, so a storm cannot pass the limit, and gives a failed join its seat back', async () => {
    const seats = new ViewerSeats(1);
    let finish: () => void = () => undefined;
    const slow = seats.seat(() => new Promise<{ result: number; video: types.Consumer }>((resolve) => (finish = () => resolve({ result: 1, video: consumer('a') }))));
    await expect(seats.seat(async () => ({ result: 2, video: consumer('b') }))).rejects.toMatchObject({ code: 'SERVER_FULL' });
    finish();
    await slow;
    const failing = new ViewerSeats(1);
    await expect(failing.seat(() => Promise.reject(new Error('transport gone')))).rejects.toThrow('transport gone');
    await failing.seat(async () => ({ result: 1, video: consumer('c') }));
    expect(failing.count).toBe(1);
    // No limit: every viewer.
    const open = new ViewerSeats(undefined);
    for (let i = 0; i < 5; i++) await open.seat(async () => ({ result: i, video: consumer(String(i)) }));
    expect(open.count).toBe(5);
  });
});
