/**
 * The join baseline (issue 24): the least a viewer's browser can do to show a channel's program
 * from the same server, with nothing of ours in the way. A static page with no framework and no
 * mediasoup-client asks one request that makes the WebRTC transport and the program's two consumers
 * with the bare mediasoup API (on the worker that holds the program) and answers everything the
 * browser needs; the page writes that as one SDP offer into one RTCPeerConnection, answers, and
 * sends its DTLS fingerprint in a second request. The first frame follows the DTLS handshake (a
 * video consumer asks for a keyframe when its transport connects). The watch page's join is
 * measured beside it, alternating, in `bench/program.ts`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { types } from 'mediasoup';
import type { TestServer } from '../test/support/server';

/** The page: kept as source text, run as is in the browser. */
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Minimal viewer</title></head>
<body style="margin:0;background:#000">
<video data-testid="player" autoplay muted playsinline style="width:640px"></video>
<script>
const post = (path, body) => fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) }).then((r) => r.json());

/** One m-section per consumer, bundled on the transport's one ICE and DTLS session. */
function offer({ iceParameters, iceCandidates, dtlsParameters, consumers }) {
  const fingerprint = dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256');
  const lines = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=ice-lite',
    'a=group:BUNDLE ' + consumers.map((_, i) => i).join(' '), 'a=msid-semantic: WMS program',
    'a=fingerprint:' + fingerprint.algorithm + ' ' + fingerprint.value];
  consumers.forEach(({ kind, rtpParameters: { codecs, headerExtensions, encodings, rtcp } }, mid) => {
    lines.push('m=' + kind + ' 7 UDP/TLS/RTP/SAVPF ' + codecs.map((c) => c.payloadType).join(' '), 'c=IN IP4 127.0.0.1',
      'a=mid:' + mid, 'a=sendonly', 'a=msid:program ' + kind, 'a=rtcp-mux', 'a=rtcp-rsize', 'a=setup:actpass',
      'a=ice-ufrag:' + iceParameters.usernameFragment, 'a=ice-pwd:' + iceParameters.password);
    for (const c of iceCandidates) {
      lines.push('a=candidate:' + c.foundation + ' 1 ' + c.protocol + ' ' + c.priority + ' ' + c.ip + ' ' + c.port + ' typ host' + (c.tcpType ? ' tcptype ' + c.tcpType : ''));
    }
    lines.push('a=end-of-candidates');
    for (const c of codecs) {
      const [, name] = c.mimeType.split('/');
      lines.push('a=rtpmap:' + c.payloadType + ' ' + name + '/' + c.clockRate + (c.channels > 1 ? '/' + c.channels : ''));
      const fmtp = Object.entries(c.parameters ?? {}).map(([k, v]) => k + '=' + v).join(';');
      if (fmtp) lines.push('a=fmtp:' + c.payloadType + ' ' + fmtp);
      for (const fb of c.rtcpFeedback ?? []) lines.push('a=rtcp-fb:' + c.payloadType + ' ' + fb.type + (fb.parameter ? ' ' + fb.parameter : ''));
    }
    for (const e of headerExtensions) lines.push('a=extmap:' + e.id + ' ' + e.uri);
    const { ssrc, rtx } = encodings[0];
    if (rtx) lines.push('a=ssrc-group:FID ' + ssrc + ' ' + rtx.ssrc);
    for (const s of rtx ? [ssrc, rtx.ssrc] : [ssrc]) lines.push('a=ssrc:' + s + ' cname:' + rtcp.cname);
  });
  return lines.join('\\r\\n') + '\\r\\n';
}

(async () => {
  const joined = await post('/join');
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
  const video = document.querySelector('video');
  pc.ontrack = ({ streams: [stream] }) => { if (video.srcObject !== stream) video.srcObject = stream; };
  await pc.setRemoteDescription({ type: 'offer', sdp: offer(joined) });
  const answer = await pc.createAnswer();
  await pc.setLocalDescription(answer);
  const [, algorithm, value] = /a=fingerprint:(\\S+) (\\S+)/.exec(answer.sdp);
  await post('/connect', { transportId: joined.transportId, dtlsParameters: { role: 'client', fingerprints: [{ algorithm, value }] } });
})();
</script></body></html>`;

/** The minimal viewer's page and its two requests, on a port of its own beside `server`. */
export interface MinimalViewer {
  /** The page's address: open it to watch the main channel's program. */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the minimal viewer of `channelId`'s program on `server`'s media workers. */
export async function startMinimalViewer(server: TestServer, channelId = 'main'): Promise<MinimalViewer> {
  const transports = new Map<string, types.WebRtcTransport>();

  async function join(): Promise<object> {
    // One viewer at a time: a new join ends the ones before (their pages are closed by then).
    for (const t of transports.values()) t.close();
    transports.clear();
    const bus = server.channels.bus(channelId);
    const worker = server.pool.workers.find((w) => w.router === bus.router);
    if (!worker) throw new Error(`no worker holds channel ${channelId}'s program`);
    const transport = await bus.router.createWebRtcTransport({
      webRtcServer: worker.webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: 1_500_000,
    });
    transports.set(transport.id, transport);
    // The router's own capabilities stand for the browser's: it answers the codecs it takes.
    const consumers = await Promise.all(
      [bus.producers.video, bus.producers.audio].map((producer) => transport.consume({ producerId: producer.id, rtpCapabilities: bus.router.rtpCapabilities })),
    );
    return {
      transportId: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
      consumers: consumers.map((c) => ({ kind: c.kind, rtpParameters: c.rtpParameters })),
    };
  }

  async function connect(body: { transportId: string; dtlsParameters: types.DtlsParameters }): Promise<object> {
    const transport = transports.get(body.transportId);
    if (!transport) throw new Error(`no transport ${body.transportId}`);
    await transport.connect({ dtlsParameters: body.dtlsParameters });
    return {};
  }

  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const answer = (status: number, type: string, body: string) => res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    if (req.method === 'GET') return req.url === '/' ? answer(200, 'text/html; charset=utf-8', PAGE) : answer(404, 'text/plain', 'not found');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as never) : ({} as never);
      const work = req.url === '/join' ? join() : req.url === '/connect' ? connect(body) : Promise.reject(new Error(`no ${req.url}`));
      work.then(
        (result) => answer(200, 'application/json', JSON.stringify(result)),
        (error: unknown) => answer(500, 'application/json', JSON.stringify({ error: String(error) })),
      );
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      for (const t of transports.values()) t.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}
