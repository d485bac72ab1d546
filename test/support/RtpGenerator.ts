import { createSocket } from 'node:dgram';
import { parseRtcpRequests } from '../../server/src/media/rtp';

const PACKET_BYTES = 1200;
const PACKETS_PER_FRAME = 6;
const FRAMES_PER_SECOND = 25;
/** 150 packets of 1200 bytes a second: about 1.44 Mbit/s, a 720p stream's rate. */
export const PACKETS_PER_SECOND = PACKETS_PER_FRAME * FRAMES_PER_SECOND;

/**
 * Sends a VP8-shaped RTP stream with a keyframe every second to a port, and counts what it sent.
 * It can pause, so counters are read while nothing is in flight, and counts the keyframe requests
 * that come back; told to, it answers each with a keyframe in its next frame, as an encoder does.
 */
export class RtpGenerator {
  readonly #socket = createSocket('udp4');
  readonly #timer: NodeJS.Timeout;
  // Not 0: mediasoup (RFC 3550's init) would count a first sequence number of 0 as a wrap and score
  // the stream as lossy, and consumers of a zero-score stream stay inactive.
  #seq = 1000 + Math.floor(Math.random() * 20000);
  #ts = 100_000;
  #frame = 0;
  /** Whether it is sending. */
  running = true;
  /** Packets sent so far. */
  sent = 0;
  /** Keyframe requests (PLI, FIR) received for the stream so far. */
  keyFrameRequests = 0;
  /** Whether the next frame is a keyframe, to answer a request. */
  #keyFrameAsked = false;

  /** Sends to 127.0.0.1:`port`, which answers with RTCP to this socket (comedia). */
  constructor(port: number, ssrc: number, payloadType: number, { answersKeyFrameRequests = false } = {}) {
    this.#socket.on('message', (packet) => {
      if (!parseRtcpRequests(packet).keyFrameSsrcs.includes(ssrc)) return;
      this.keyFrameRequests++;
      if (answersKeyFrameRequests) this.#keyFrameAsked = true;
    });
    this.#timer = setInterval(() => {
      if (!this.running) return;
      this.#frame++;
      this.#ts += 90000 / FRAMES_PER_SECOND;
      const keyFrame = this.#frame % FRAMES_PER_SECOND === 1 || this.#keyFrameAsked;
      this.#keyFrameAsked = false;
      for (let i = 0; i < PACKETS_PER_FRAME; i++) {
        const packet = Buffer.alloc(PACKET_BYTES);
        packet[0] = 0x80;
        packet[1] = (i === PACKETS_PER_FRAME - 1 ? 0x80 : 0) | payloadType;
        packet.writeUInt16BE(this.#seq++ & 0xffff, 2);
        packet.writeUInt32BE(this.#ts >>> 0, 4);
        packet.writeUInt32BE(ssrc, 8);
        // VP8 descriptor as browsers send it (mediasoup needs the X bit): X, S on a frame's first
        // packet, a 15-bit PictureID; then the VP8 header, a keyframe every 25 frames.
        packet[12] = 0x80 | (i === 0 ? 0x10 : 0x00);
        packet[13] = 0x80;
        packet.writeUInt16BE(0x8000 | (this.#frame & 0x7fff), 14);
        packet[16] = i === 0 && keyFrame ? 0x00 : 0x01;
        this.#socket.send(packet, port, '127.0.0.1');
        this.sent++;
      }
    }, 1000 / FRAMES_PER_SECOND);
  }

  close(): void {
    clearInterval(this.#timer);
    this.#socket.close();
  }
}
