import type { types } from 'mediasoup';

/** What lives on one router, counted in Node as it comes and goes. */
export interface RouterCounts {
  /** WebRTC, plain, pipe and direct transports. */
  readonly transports: number;
  /** Producers on its transports (pipe producers included). */
  readonly producers: number;
  /** Consumers on its transports (pipe consumers included). */
  readonly consumers: number;
}

/**
 * Counts a router's transports, producers and consumers from its observer events, so reading them
 * asks nothing of the worker: `router.dump()` per metrics scrape would queue a request on each media
 * thread, and a loop of scrapes would stall them. Call it right after the router is created.
 */
export function countRouter(router: types.Router): RouterCounts {
  const counts = { transports: 0, producers: 0, consumers: 0 };
  const track = (key: keyof typeof counts, observer: { once(event: 'close', listener: () => void): unknown }) => {
    counts[key]++;
    observer.once('close', () => counts[key]--);
  };
  router.observer.on('newtransport', (transport: types.Transport) => {
    track('transports', transport.observer);
    transport.observer.on('newproducer', (producer: types.Producer) => track('producers', producer.observer));
    transport.observer.on('newconsumer', (consumer: types.Consumer) => track('consumers', consumer.observer));
  });
  return counts;
}
