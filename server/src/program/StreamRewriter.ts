import { readVp8Numbering, rewriteRtpHeader, shiftVp8Numbering, type RtpPacket } from '../media/rtp';

/** The output stream's identity and where its numbering starts. */
export interface OutputStream {
  readonly ssrc: number;
  readonly payloadType: number;
  /** RTP clock rate (90000 for video, 48000 for Opus), to turn wall-clock time into timestamp ticks. */
  readonly clockRate: number;
  /** Whether the payload is VP8, whose descriptor's PictureID and TL0PICIDX are renumbered too. */
  readonly vp8: boolean;
  /** Numbers of the output's first packet (random: RFC 3550 wants unpredictable starts). */
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly pictureId: number;
  readonly tl0PicIdx: number;
}

/** How the current source's numbers map into the output (added, modulo each field's width). */
interface SourceOffsets {
  sequenceNumber: number;
  timestamp: number;
  pictureId: number;
  tl0PicIdx: number;
}

/**
 * One output stream (one kind of a program) made of the packets of successive sources, so a
 * receiver's decoder sees one stream: one SSRC and payload type, sequence numbers and timestamps
 * that go on across a switch of source, and (for VP8) picture numbering that goes on too. Pure: no
 * mediasoup, no sockets, no clock of its own (the caller passes the time), so it is unit-tested.
 *
 * Within a source every field keeps the source's own steps (gaps, reordering and duplicates pass
 * through as they came: the receiver's jitter buffer and NACKs deal with them). The first packet of
 * a new source continues the output: the next sequence number, a timestamp advanced by the
 * wall-clock time since the last packet sent, the next PictureID and TL0PICIDX.
 */
export class StreamRewriter {
  readonly #output: OutputStream;
  /** Highest sequence number sent (modulo 2^16), with its timestamp and when it was sent. */
  #sequenceNumber: number;
  #timestamp: number;
  #sentAt = 0;
  /** Last PictureID (kept modulo 2^15, which a 7-bit one also fits) and TL0PICIDX sent. */
  #pictureId: number;
  #tl0PicIdx: number;
  #started = false;
  /** Set from the current source's first packet; unset until then. */
  #offsets: SourceOffsets | undefined;

  constructor(output: OutputStream) {
    this.#output = output;
    this.#sequenceNumber = output.sequenceNumber;
    this.#timestamp = output.timestamp;
    this.#pictureId = output.pictureId;
    this.#tl0PicIdx = output.tl0PicIdx;
  }

  get ssrc(): number {
    return this.#output.ssrc;
  }

  /** The next packet given is the first of another source (or of the same one taken again). */
  newSource(): void {
    this.#offsets = undefined;
  }

  /**
   * The output's copy of one packet of the current source, `now` being a monotonic time in
   * milliseconds (performance.now()). `packet` is `raw` parsed; `raw` is not changed.
   */
  rewrite(raw: Buffer, packet: RtpPacket, now: number): Buffer {
    const output = this.#output;
    const vp8 = output.vp8 ? readVp8Numbering(packet.payload) : {};
    if (!this.#offsets) {
      const next = this.#started ? 1 : 0;
      // At least one tick: the new source's first frame must not share the last frame's timestamp.
      const elapsed = this.#started ? Math.max(1, Math.round(((now - this.#sentAt) * output.clockRate) / 1000)) : 0;
      this.#offsets = {
        sequenceNumber: this.#sequenceNumber + next - packet.sequenceNumber,
        timestamp: this.#timestamp + elapsed - packet.timestamp,
        // A source whose first packet carries no PictureID (or TL0PICIDX) keeps its own, if any.
        pictureId: vp8.pictureId === undefined ? 0 : this.#pictureId + next - vp8.pictureId,
        tl0PicIdx: vp8.tl0PicIdx === undefined ? 0 : this.#tl0PicIdx + next - vp8.tl0PicIdx,
      };
    }
    const offsets = this.#offsets;
    const out = Buffer.from(raw);
    const sequenceNumber = (packet.sequenceNumber + offsets.sequenceNumber) & 0xffff;
    const timestamp = (packet.timestamp + offsets.timestamp) >>> 0;
    rewriteRtpHeader(out, { payloadType: output.payloadType, sequenceNumber, timestamp, ssrc: output.ssrc });
    if (output.vp8) {
      const payloadStart = out.length - packet.payload.length - paddingLength(out);
      shiftVp8Numbering(out.subarray(payloadStart), offsets.pictureId, offsets.tl0PicIdx);
      if (vp8.pictureId !== undefined) this.#pictureId = (vp8.pictureId + offsets.pictureId) & 0x7fff;
      if (vp8.tl0PicIdx !== undefined) this.#tl0PicIdx = (vp8.tl0PicIdx + offsets.tl0PicIdx) & 0xff;
    }
    // Keep the highest sequence number and timestamp sent, so a late packet does not move them back.
    if (!this.#started || ((sequenceNumber - this.#sequenceNumber) & 0xffff) < 0x8000) {
      this.#sequenceNumber = sequenceNumber;
      this.#timestamp = timestamp;
      this.#sentAt = now;
    }
    this.#started = true;
    return out;
  }
}

function paddingLength(packet: Buffer): number {
  return packet[0]! & 0x20 ? packet[packet.length - 1]! : 0;
}
