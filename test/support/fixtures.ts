// Shared vitest fixtures (test.extend) for integration and browser tests, instead of each file's
// own beforeAll/afterAll: one real server (and browser) per file, started before its first test and
// stopped when the file ends, whatever happened; and socket clients and pages per test, closed after
// it even when it failed half-way (a page left playing would load the next test).
//
//   const test = serverTest({ WORKERS: '1' });
//   test('…', async ({ server, clients }) => { const producer = await clients.as({ role: 'producer' }); … });
import { test as base } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { Grant } from '@hybrid-stage/shared';
import { launchBrowser } from './browser';
import { startTestServer, TestClient, type TestServer } from './server';

/** socket.io clients of one test, closed after it. */
export interface TestClients {
  /** Connects as the web app does, without a token (an anonymous viewer), or with `auth`. */
  connect(auth?: object): Promise<TestClient>;
  /** Connects with an access token for `grant`, as an invite link would. */
  as(grant: Grant): Promise<TestClient>;
}

/** Pages of one test in the file's browser, closed after it. */
export interface TestPages {
  /** A new page in a context of its own (`options`: viewport, locale, time zone…), as `browser.newPage`. */
  open(options?: BrowserContextOptions): Promise<Page>;
}

/**
 * A `test` whose tests share one real server per file, started with `env` on top of
 * {@link startTestServer}'s loopback defaults, with a `clients` fixture for socket.io clients and a
 * `producer` client shared by the file's tests.
 */
export function serverTest(env: Record<string, string> = {}) {
  const test = base
    .extend('server', { scope: 'file' }, async ({}, { onCleanup }): Promise<TestServer> => {
      const server = await startTestServer(env);
      onCleanup(() => server.close());
      return server;
    })
    .extend('clients', async ({ server }, { onCleanup }): Promise<TestClients> => {
      const open: TestClient[] = [];
      onCleanup(() => {
        for (const client of open) client.close();
      });
      const keep = (client: TestClient) => (open.push(client), client);
      return {
        connect: async (auth) => keep(await TestClient.connect(server.url, auth)),
        as: async (grant) => keep(await TestClient.connectAs(server, grant)),
      };
    })
    // One producer console for the whole file, for files whose tests take turns on one event.
    .extend('producer', { scope: 'file' }, async ({ server }, { onCleanup }): Promise<TestClient> => {
      const producer = await TestClient.connectAs(server, { role: 'producer' });
      onCleanup(() => producer.close());
      return producer;
    });
  // Started in a hook, as the beforeAll it replaces was: under hookTimeout, not in the time of the
  // file's first test (a slow start on a busy machine would time that test out).
  test.beforeAll(async ({ server }) => void server);
  return test;
}

/**
 * {@link serverTest} with Debian's headless chromium per file (launched with `launchArgs` on top of
 * {@link launchBrowser}'s) and a `pages` fixture. The browser starts after the server and is closed
 * before it.
 */
export function browserTest(env: Record<string, string> = {}, launchArgs: string[] = []) {
  const test = serverTest(env)
    .extend('browser', { scope: 'file' }, async ({ server }, { onCleanup }): Promise<Browser> => {
      void server; // asked for so that the server starts first and stops last
      const browser = await launchBrowser(launchArgs);
      onCleanup(() => browser.close());
      return browser;
    })
    .extend('pages', async ({ browser }, { onCleanup }): Promise<TestPages> => {
      const open: Page[] = [];
      onCleanup(async () => {
        // Closing a page the test closed already does nothing.
        await Promise.all(open.map((page) => page.close()));
      });
      return {
        open: async (options) => {
          const page = await browser.newPage(options);
          open.push(page);
          return page;
        },
      };
    });
  test.beforeAll(async ({ browser }) => void browser);
  return test;
}
