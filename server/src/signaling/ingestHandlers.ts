import { assertMayPublishIn } from '../access/permissions';
import type { IngestRegistry } from '../ingest/IngestRegistry';
import type { ClientSession } from './ClientSession';
import type { Handlers } from './handlers';

/** RTP and SRT ingest endpoints of a studio. */
export function ingestHandlers(session: ClientSession, ingests: IngestRegistry): Handlers<'ingest:create' | 'ingest:list' | 'ingest:close'> {
  return {
    'ingest:create': async ({ studioId, ...request }) => {
      assertMayPublishIn(session.grant, studioId);
      return ingests.open(studioId, request);
    },
    'ingest:list': async ({ studioId }) => {
      assertMayPublishIn(session.grant, studioId);
      return ingests.list(studioId);
    },
    'ingest:close': async ({ ingestId }) => {
      const ingest = ingests.get(ingestId);
      assertMayPublishIn(session.grant, ingest.feed.studioId);
      ingest.close();
      return {};
    },
  };
}
