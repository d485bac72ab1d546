// The adapter's HTTP contract, against a loopback server that answers as LibreTranslate does.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LibreTranslateTranslator } from './LibreTranslateTranslator';

let server: Server;
let url: string;
const requests: unknown[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { q: string; api_key?: string };
      requests.push({ path: req.url, ...parsed });
      res.setHeader('content-type', 'application/json');
      if (parsed.api_key !== 'secret') {
        res.statusCode = 403;
        res.end(JSON.stringify({ error: 'Invalid API key' }));
        return;
      }
      res.end(JSON.stringify({ translatedText: `[de] ${parsed.q}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it('posts q, source, target, format and api_key to /translate and returns translatedText', async () => {
  const translator = new LibreTranslateTranslator(url, 'secret');
  expect(await translator.translate('Hello', 'de')).toBe('[de] Hello');
  expect(requests.at(-1)).toEqual({ path: '/translate', q: 'Hello', source: 'en', target: 'de', format: 'text', api_key: 'secret' });
});

it("reports the provider's error", async () => {
  await expect(new LibreTranslateTranslator(url, 'wrong').translate('Hello', 'de')).rejects.toThrow(/LibreTranslate 403: Invalid API key/);
});
