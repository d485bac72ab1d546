import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/**
 * The client's address of a request as express's `req.ip` reads it under `trust proxy` set to
 * `trustProxy` (TRUST_PROXY): for requests express does not see, a socket.io handshake, so per-address
 * limits count the same viewer on both paths. The setting is compiled as express compiles it
 * (express/lib/utils' compileTrust, not exported): true trusts every hop, a number that many, a
 * string a comma-separated list of addresses and subnets for proxy-addr.
 */
export function clientAddressResolver(trustProxy: boolean | number | string): (req: IncomingMessage) => string {
  const trust: (address: string, hop: number) => boolean =
    trustProxy === true
      ? () => true
      : typeof trustProxy === 'number'
        ? (_address, hop) => hop < trustProxy
        : proxyaddr.compile(typeof trustProxy === 'string' ? trustProxy.split(',').map((v) => v.trim()) : []);
  return (req) => proxyaddr(req, trust);
}
