// STUN messages (RFC 8489) as the tests' TURN and ICE clients send them: encoded with optional
// MESSAGE-INTEGRITY and FINGERPRINT, decoded into their attributes; and an ICE check as a browser
// nominating a path sends it (RFC 8445). Written here rather than taken
// from npm: the one STUN package there (`stun`, last released 2020) brings `ip` and `parse-url`
// versions with known advisories, for the forty lines the tests need.
import { createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { crc32 } from 'node:zlib';

export const MAGIC_COOKIE = 0x2112a442;

export const ATTR = {
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_TRANSPORT: 0x0019,
  PRIORITY: 0x0024,
  USE_CANDIDATE: 0x0025,
  FINGERPRINT: 0x8028,
  ICE_CONTROLLING: 0x802a,
} as const;

export interface StunMessage {
  type: number;
  attributes: Map<number, Buffer>;
}

/** How a message is signed: MESSAGE-INTEGRITY keyed with `integrityKey`, and a FINGERPRINT after it. */
export interface StunSigning {
  integrityKey?: Buffer;
  fingerprint?: boolean;
}

function attribute(type: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
}

/** One STUN message with a random transaction id. */
export function encodeStun(type: number, attributes: Array<[number, Buffer]>, { integrityKey, fingerprint = false }: StunSigning = {}): Buffer {
  let message = Buffer.alloc(20);
  message.writeUInt16BE(type, 0);
  message.writeUInt32BE(MAGIC_COOKIE, 4);
  randomBytes(12).copy(message, 8);
  message = Buffer.concat([message, ...attributes.map(([t, v]) => attribute(t, v))]);
  // The HMAC and the CRC each cover the message before them, its length already counting them.
  if (integrityKey) {
    message.writeUInt16BE(message.length - 20 + 24, 2);
    message = Buffer.concat([message, attribute(ATTR.MESSAGE_INTEGRITY, createHmac('sha1', integrityKey).update(message).digest())]);
  }
  if (fingerprint) {
    message.writeUInt16BE(message.length - 20 + 8, 2);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE((crc32(message) ^ 0x5354554e) >>> 0);
    message = Buffer.concat([message, attribute(ATTR.FINGERPRINT, crc)]);
  }
  message.writeUInt16BE(message.length - 20, 2);
  return message;
}

/** A whole STUN message's type and attributes (the first of each type). */
export function decodeStun(message: Buffer): StunMessage {
  const attributes = new Map<number, Buffer>();
  let offset = 20;
  const end = 20 + message.readUInt16BE(2);
  while (offset + 4 <= end) {
    const type = message.readUInt16BE(offset);
    const length = message.readUInt16BE(offset + 2);
    if (!attributes.has(type)) attributes.set(type, message.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length + ((4 - (length % 4)) % 4);
  }
  return { type: message.readUInt16BE(0), attributes };
}

const BINDING_REQUEST = 0x0001;
export const BINDING_SUCCESS = 0x0101;

/** An ICE check: where from, to which of a transport's candidates, with its ICE credentials. */
export interface IceCheck {
  /** The local address to send from: a loopback address of the test's choosing. */
  from: string;
  /** The transport's UDP candidate. */
  to: { ip: string; port: number };
  /** The transport's ICE parameters, as the server handed them to its client. */
  usernameFragment: string;
  password: string;
  timeoutMs?: number;
}

/**
 * Sends one ICE connectivity check over UDP as a controlling browser nominating a path does (a
 * Binding request with USE-CANDIDATE, signed with the server's ICE password, with a fingerprint),
 * from a new socket on `from`, and resolves with the answer's message type ({@link BINDING_SUCCESS}).
 */
export async function nominatePath({ from, to, usernameFragment, password, timeoutMs = 3000 }: IceCheck): Promise<number> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, from, () => resolve());
    });
    const answer = new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to an ICE check from ${from} within ${timeoutMs} ms`)), timeoutMs);
      socket.once('message', (message) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
    const priority = Buffer.alloc(4);
    priority.writeUInt32BE(0x6e7f1eff); // a host candidate's, as a browser computes it
    const check = encodeStun(
      BINDING_REQUEST,
      [
        [ATTR.USERNAME, Buffer.from(`${usernameFragment}:test`)],
        [ATTR.PRIORITY, priority],
        [ATTR.ICE_CONTROLLING, randomBytes(8)],
        [ATTR.USE_CANDIDATE, Buffer.alloc(0)],
      ],
      { integrityKey: Buffer.from(password, 'utf8'), fingerprint: true },
    );
    socket.send(check, to.port, to.ip);
    return decodeStun(await answer).type;
  } finally {
    socket.close();
  }
}
