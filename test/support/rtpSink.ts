import { createSocket, type Socket } from 'node:dgram';
import type { types } from 'mediasoup';
import { parseRtp, type RtpPacket } from '../../server/src/media/rtp';

/** Packets of one producer arriving at a UDP sink through a PlainTransport, as they come. */
export class Sink {
  readonly packets: RtpPacket[] = [];
  /** When each of {@link packets} arrived (Date.now()), index for index. */
  readonly arrivals: number[] = [];
  private constructor(
    private readonly socket: Socket,
    private readonly transport: types.PlainTransport,
    private readonly consumer: types.Consumer,
  ) {}

  /** Consumes `producer` on `router` into a new sink; asks for a keyframe unless told not to. */
  static async of(router: types.Router, producer: types.Producer, { requestKeyFrame = true } = {}): Promise<Sink> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const transport = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
    await transport.connect({ ip: '127.0.0.1', port: socket.address().port });
    const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
    const sink = new Sink(socket, transport, consumer);
    const payloadType = consumer.rtpParameters.codecs[0]!.payloadType;
    socket.on('message', (m) => {
      const packet = parseRtp(m);
      if (packet?.payloadType !== payloadType) return;
      sink.packets.push(packet);
      sink.arrivals.push(Date.now());
    });
    if (requestKeyFrame) await consumer.requestKeyFrame();
    return sink;
  }

  /** Asks the producer for a keyframe, as a viewer's browser does with a PLI. */
  requestKeyFrame(): Promise<void> {
    return this.consumer.requestKeyFrame();
  }

  close(): void {
    this.transport.close();
    this.socket.close();
  }
}
