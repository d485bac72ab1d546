import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_EVENT } from '../../server/src/studios/demoEvent';
import { startTestServer, type TestServer } from './server';

/** Writes the demo event, with viewers asked to register, as `event.json` in `dir`; returns its path. */
export function writeRegisteredEvent(dir: string): string {
  const file = join(dir, 'event.json');
  writeFileSync(file, JSON.stringify({ ...DEMO_EVENT, viewers: 'registered' }));
  return file;
}

/**
 * A real server (one worker) on the demo event with viewers asked to register, in a data directory
 * of its own that holds the event file and is removed when the server closes.
 */
export async function startRegisteredEventServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hybrid-stage-registered-'));
  try {
    const server = await startTestServer({ DATA_DIR: dataDir, EVENT_FILE: writeRegisteredEvent(dataDir), WORKERS: '1', ...env });
    return {
      ...server,
      close: async (reason) => {
        await server.close(reason);
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
