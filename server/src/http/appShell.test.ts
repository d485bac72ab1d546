import { describe, expect, it } from 'vitest';
import { withServedPage } from './appShell';

const HTML = '<!doctype html>\n<html lang="en">\n  <head>\n    <title>Hybrid Stage</title>\n  </head>\n  <body></body>\n</html>';

describe('withServedPage', () => {
  it('writes the page facts into the head as a JSON block', () => {
    const html = withServedPage(HTML, { viewers: 'registered', rtpCapabilities: { codecs: [] } });
    const json = /<head>\s*<script type="application\/json" id="hybrid-stage-page">(.*)<\/script>/.exec(html)?.[1];
    expect(JSON.parse(json!)).toEqual({ viewers: 'registered', rtpCapabilities: { codecs: [] } });
  });

  it('cannot be closed early by what the data holds', () => {
    const mimeType = '</script><script>alert(1)</script>';
    const html = withServedPage(HTML, { viewers: 'anonymous', rtpCapabilities: { codecs: [{ kind: 'audio', mimeType, clockRate: 48000, preferredPayloadType: 100 }] } });
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    const json = /id="hybrid-stage-page">(.*)<\/script>/.exec(html)?.[1];
    expect(JSON.parse(json!).rtpCapabilities.codecs[0].mimeType).toBe(mimeType);
  });
});

describe('withConnectSources', () => {
  it("adds the cluster's nodes to connect-src, for HTTP and WebSocket alike, and nothing else", async () => {
    const { withConnectSources } = await import('./httpApp');
    const csp = "default-src 'self'; connect-src 'self'; object-src 'none'";
    expect(withConnectSources(csp, ['http://127.0.0.3:3000', 'https://edge1.example.com', 'http://127.0.0.3:3000'])).toBe(
      "default-src 'self'; connect-src 'self' http://127.0.0.3:3000 ws://127.0.0.3:3000 https://edge1.example.com wss://edge1.example.com; object-src 'none'",
    );
  });
});
