import { describe, expect, it } from 'vitest';
import { DisposalStack } from './DisposalStack';

describe('DisposalStack', () => {
  it('closes the last built first, waiting for each', async () => {
    const stack = new DisposalStack();
    const closed: string[] = [];
    stack.push('database', () => void closed.push('database'));
    stack.push('workers', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      closed.push('workers');
    });
    stack.push('recordings', () => void closed.push('recordings'));
    await stack.dispose();
    expect(closed).toEqual(['recordings', 'workers', 'database']);
  });

  it('closes everything though one closer fails, reports each failure, and throws the first', async () => {
    const stack = new DisposalStack();
    const closed: string[] = [];
    const reported: string[] = [];
    stack.push('database', () => void closed.push('database'));
    stack.push('workers', () => {
      throw new Error('workers would not stop');
    });
    stack.push('feeds', () => Promise.reject(new Error('feeds would not stop')));
    await expect(stack.dispose((_error, what) => reported.push(what))).rejects.toThrow('feeds would not stop');
    expect(closed).toEqual(['database']);
    expect(reported).toEqual(['feeds', 'workers']);
  });

  it('says how long each closer took, in the order they ran, a failing one included', async () => {
    const stack = new DisposalStack();
    const timed: [string, number][] = [];
    stack.push('database', () => undefined);
    stack.push('recordings', () => new Promise((resolve) => setTimeout(resolve, 30)));
    stack.push('feeds', () => Promise.reject(new Error('feeds would not stop')));
    await expect(stack.dispose(undefined, (what, ms) => timed.push([what, ms]))).rejects.toThrow('feeds would not stop');
    expect(timed.map(([what]) => what)).toEqual(['feeds', 'recordings', 'database']);
    expect(timed[1]![1]).toBeGreaterThanOrEqual(25);
  });

  it('closes once however often it is asked, and takes nothing more once closing', async () => {
    const stack = new DisposalStack();
    let closes = 0;
    stack.push('database', () => void closes++);
    await Promise.all([stack.dispose(), stack.dispose()]);
    await stack.dispose();
    expect(closes).toBe(1);
    expect(() => stack.push('late', () => undefined)).toThrow(/already closing/);
  });
});
