import type { RequestName, RequestOf, Responses } from '@hybrid-stage/shared';

/** Handlers for some of the protocol's requests: payload already validated, result is the ack data. */
export type Handlers<N extends RequestName = RequestName> = {
  [K in N]: (request: RequestOf<K>) => Promise<Responses[K]>;
};
