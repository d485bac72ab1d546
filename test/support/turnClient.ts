// The smallest TURN client that shows whether a TURN server takes a credential: one Allocate
// (RFC 8656) over TCP or TLS, first unauthenticated to learn the realm and nonce, then signed
// with the long-term credential (MESSAGE-INTEGRITY, HMAC-SHA1 keyed with MD5(user:realm:pass)),
// as a browser's ICE agent does before it can offer a relay candidate.
import { createHash } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { ATTR, decodeStun, encodeStun, MAGIC_COOKIE, type StunMessage } from './stun';

const ALLOCATE_REQUEST = 0x0003;
const ALLOCATE_SUCCESS = 0x0103;
const ALLOCATE_ERROR = 0x0113;
/** REQUESTED-TRANSPORT: UDP (protocol 17), the relay WebRTC asks for. */
const UDP_TRANSPORT = Buffer.from([17, 0, 0, 0]);

/** What an Allocate ended with: a relayed address, or the server's error code and reason. */
export type AllocateResult = { ok: true; relayed: { address: string; port: number } } | { ok: false; code: number; reason: string };

/** Where to allocate and with what. */
export interface AllocateOptions {
  host: string;
  port: number;
  /** TLS with this CA (PEM) trusted; plain TCP without. */
  tlsCa?: string;
  username: string;
  credential: string;
  timeoutMs?: number;
}

/** Reads whole STUN messages off a stream (over TCP each is framed by its own length). */
function messages(socket: Socket): () => Promise<StunMessage> {
  let buffered = Buffer.alloc(0);
  const waiting: Array<{ resolve: (m: StunMessage) => void; reject: (e: Error) => void }> = [];
  const ready: StunMessage[] = [];
  let failure: Error | undefined;
  socket.on('data', (data: Buffer) => {
    buffered = Buffer.concat([buffered, data]);
    while (buffered.length >= 20 && buffered.length >= 20 + buffered.readUInt16BE(2)) {
      const size = 20 + buffered.readUInt16BE(2);
      const message = decodeStun(buffered.subarray(0, size));
      buffered = buffered.subarray(size);
      const next = waiting.shift();
      if (next) next.resolve(message);
      else ready.push(message);
    }
  });
  const fail = (error: Error) => {
    failure ??= error;
    for (const w of waiting.splice(0)) w.reject(failure);
  };
  socket.once('error', fail);
  socket.once('close', () => fail(new Error('the TURN server closed the connection')));
  return () => {
    const message = ready.shift();
    if (message) return Promise.resolve(message);
    if (failure) return Promise.reject(failure);
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
}

function errorOf(message: StunMessage): { code: number; reason: string } {
  const value = message.attributes.get(ATTR.ERROR_CODE);
  if (!value) return { code: 0, reason: 'error response without ERROR-CODE' };
  return { code: (value[2]! & 0x7) * 100 + value[3]!, reason: value.subarray(4).toString('utf8') };
}

function xorAddress(value: Buffer): { address: string; port: number } {
  const port = value.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16);
  const address = (value.readUInt32BE(4) ^ MAGIC_COOKIE) >>> 0;
  return { port, address: [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join('.') };
}

/** Asks for a UDP relay with a long-term credential; resolves with what the server answered. */
export async function turnAllocate({ host, port, tlsCa, username, credential, timeoutMs = 5000 }: AllocateOptions): Promise<AllocateResult> {
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = tlsCa ? tlsConnect({ host, port, ca: tlsCa }, () => resolve(s)) : tcpConnect(port, host, () => resolve(s));
    s.once('error', reject);
  });
  const timer = setTimeout(() => socket.destroy(new Error(`no answer from the TURN server within ${timeoutMs} ms`)), timeoutMs);
  try {
    const next = messages(socket);
    socket.write(encodeStun(ALLOCATE_REQUEST, [[ATTR.REQUESTED_TRANSPORT, UDP_TRANSPORT]]));
    const challenge = await next();
    if (challenge.type !== ALLOCATE_ERROR) throw new Error(`expected a 401 challenge, got message type 0x${challenge.type.toString(16)}`);
    const realm = challenge.attributes.get(ATTR.REALM);
    const nonce = challenge.attributes.get(ATTR.NONCE);
    if (!realm || !nonce) return { ok: false, ...errorOf(challenge) };
    const key = createHash('md5').update(`${username}:${realm.toString('utf8')}:${credential}`).digest();
    socket.write(
      encodeStun(
        ALLOCATE_REQUEST,
        [
          [ATTR.REQUESTED_TRANSPORT, UDP_TRANSPORT],
          [ATTR.USERNAME, Buffer.from(username, 'utf8')],
          [ATTR.REALM, realm],
          [ATTR.NONCE, nonce],
        ],
        { integrityKey: key },
      ),
    );
    const answer = await next();
    if (answer.type === ALLOCATE_SUCCESS) {
      const relayed = answer.attributes.get(ATTR.XOR_RELAYED_ADDRESS);
      if (!relayed) throw new Error('Allocate succeeded without XOR-RELAYED-ADDRESS');
      return { ok: true, relayed: xorAddress(relayed) };
    }
    if (answer.type === ALLOCATE_ERROR) return { ok: false, ...errorOf(answer) };
    throw new Error(`unexpected answer to Allocate: message type 0x${answer.type.toString(16)}`);
  } finally {
    clearTimeout(timer);
    // Closing the connection ends a TCP/TLS client's allocation on the server.
    socket.destroy();
  }
}
