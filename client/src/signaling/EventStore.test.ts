// The tab's one copy of the event: asked once per connection however many pages read it, kept
// current by the server's broadcasts. A stand-in socket delivers what the server would send.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ChannelState, EventInfo } from '@hybrid-stage/shared';
import type { SignalingClient } from './SignalingClient';
import { EventStore } from './EventStore';

const channel = (version: number, program: string | null): ChannelState => ({ id: 'main', version, program }) as unknown as ChannelState;

function connection() {
  const socket = Object.assign(new EventEmitter(), { connected: true });
  let asked = 0;
  const answers: ((event: EventInfo) => void)[] = [];
  const signaling = {
    socket,
    request: (name: string) => {
      expect(name).toBe('event:get');
      asked++;
      return new Promise<EventInfo>((resolve) => answers.push(resolve));
    },
  } as unknown as SignalingClient;
  const event = (name: string, program: string | null = 'a', version = 1) =>
    ({ name, feeds: [], reruns: [], channels: [channel(version, program)] }) as unknown as EventInfo;
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { socket, signaling, answers, event, settle, asked: () => asked };
}

describe('EventStore', () => {
  it('asks once for every reader, and again on each reconnect', async () => {
    const c = connection();
    const store = EventStore.of(c.signaling);
    expect(EventStore.of(c.signaling)).toBe(store);
    let changes = 0;
    store.subscribe(() => changes++);
    store.subscribe(() => undefined);
    store.subscribe(() => undefined);
    expect(c.asked()).toBe(1);
    c.answers[0]!(c.event('Summit'));
    await c.settle();
    expect(store.current()?.name).toBe('Summit');
    expect(changes).toBe(1);
    c.socket.emit('connect');
    expect(c.asked()).toBe(2);
    c.answers[1]!(c.event('Summit, renamed'));
    await c.settle();
    expect(store.current()?.name).toBe('Summit, renamed');
  });

  it('applies broadcasts, and not an older channel state that arrives late', async () => {
    const c = connection();
    const store = EventStore.of(c.signaling);
    store.subscribe(() => undefined);
    c.answers[0]!(c.event('Summit', 'a', 1));
    await c.settle();
    c.socket.emit('channel:changed', channel(3, 'b'));
    c.socket.emit('channel:changed', channel(2, 'c'));
    expect(store.current()?.channels[0]).toMatchObject({ version: 3, program: 'b' });
    c.socket.emit('feeds:changed', [{ id: 'f1' }]);
    c.socket.emit('reruns:changed', [{ id: 'r1' }]);
    expect(store.current()).toMatchObject({ feeds: [{ id: 'f1' }], reruns: [{ id: 'r1' }] });
  });

  it('keeps only the newest answer when a reconnect overtakes an earlier request', async () => {
    const c = connection();
    const store = EventStore.of(c.signaling);
    store.subscribe(() => undefined);
    c.socket.emit('connect');
    c.answers[1]!(c.event('new'));
    c.answers[0]!(c.event('old'));
    await c.settle();
    expect(store.current()?.name).toBe('new');
  });
});
