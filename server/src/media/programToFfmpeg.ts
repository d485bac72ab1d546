import { writeFileSync } from 'node:fs';
import type { types } from 'mediasoup';
import type { MediaKind } from '@hybrid-stage/shared';
import { PRIVATE_FILE_MODE } from '../files/privateFiles';
import { freeRtpPort } from './loopbackPorts';

/** What {@link programToFfmpeg} opened, for its caller to resume the consumers and to close. */
export interface ProgramTap {
  readonly transports: types.PlainTransport[];
  readonly consumers: types.Consumer[];
}

/**
 * Sends a program's video and audio to an ffmpeg on loopback, the way the recorder and the HLS
 * packager both take it: one PlainTransport and one paused consumer per kind, each to a free RTP/RTCP
 * port pair, and the SDP that ffmpeg reads them with, written to `sdpFile` (private: no one else
 * may point an ffmpeg at it). What it opens is pushed onto `tap` as it goes, so a caller whose later
 * step fails closes it all. Answers the RTP ports ffmpeg is to listen on (see `waitUntilTaken`).
 */
export async function programToFfmpeg(
  router: types.Router,
  producers: Readonly<Record<MediaKind, types.Producer>>,
  sdpFile: string,
  tap: ProgramTap,
): Promise<number[]> {
  const media: string[] = [];
  const ports: number[] = [];
  // The worker's own sockets are bound before ffmpeg's ports are chosen, so they cannot take one
  // of them; the two kinds get different pairs.
  for (let i = 0; i < 2; i++) tap.transports.push(await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: false, comedia: false }));
  for (const [i, kind] of (['video', 'audio'] as const).entries()) {
    const port = await freeRtpPort(ports);
    const transport = tap.transports[i]!;
    await transport.connect({ ip: '127.0.0.1', port, rtcpPort: port + 1 });
    const consumer = await transport.consume({ producerId: producers[kind].id, rtpCapabilities: router.rtpCapabilities, paused: true });
    tap.consumers.push(consumer);
    const codec = consumer.rtpParameters.codecs[0]!;
    const name = codec.mimeType.split('/')[1]!;
    media.push(
      `m=${kind} ${port} RTP/AVP ${codec.payloadType}`,
      `a=rtpmap:${codec.payloadType} ${name}/${codec.clockRate}${codec.channels ? `/${codec.channels}` : ''}`,
      'a=recvonly',
    );
    ports.push(port);
  }
  writeFileSync(sdpFile, ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=Hybrid Stage program', 'c=IN IP4 127.0.0.1', 't=0 0', ...media, ''].join('\r\n'), { mode: PRIVATE_FILE_MODE });
  return ports;
}
