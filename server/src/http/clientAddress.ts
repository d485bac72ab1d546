import type { IncomingMessage } from 'node:http';
import express, { type Request } from 'express';
import proxyaddr from 'proxy-addr';

/**
 * The client's address of a request as express's `req.ip` reads it under `trust proxy` set to
 * `trustProxy` (TRUST_PROXY): for requests express does not see, a socket.io handshake, so per-address
 * limits count the same viewer on both paths. The setting is compiled by express itself (its
 * compileTrust is not exported, an app's `trust proxy fn` setting is what it made), so the two
 * cannot read a setting differently.
 */
export function clientAddressResolver(trustProxy: boolean | number | string): (req: IncomingMessage) => string {
  const trust = express().set('trust proxy', trustProxy).get('trust proxy fn') as (address: string, hop: number) => boolean;
  return (req) => proxyaddr(req, trust);
}

/** The client's address of a request express serves (`req.ip`, behind TRUST_PROXY's proxies the viewer's), as per-address limits count it. */
export function requestAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? '';
}
