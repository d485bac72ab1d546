import { createHmac } from 'node:crypto';
import type { IceServer } from '@hybrid-stage/shared';

/** What the server needs to hand out TURN: coturn's URLs and its `static-auth-secret`. */
export interface TurnSettings {
  urls: string[];
  secret: string;
  /** How long a credential lets its holder allocate and refresh relays. */
  validHours: number;
}

/** One TURN REST API credential: what RTCIceServer's `username` and `credential` take. */
export interface TurnCredential {
  username: string;
  credential: string;
}

/**
 * The TURN REST API credential coturn's `use-auth-secret` accepts (draft-uberti-behave-turn-rest):
 * the username is `expiry:userId` (expiry in Unix seconds) and the password is
 * base64(HMAC-SHA1(secret, username)). coturn recomputes the password from the username and
 * refuses it once the expiry has passed, so nothing is stored and nothing needs revoking.
 */
export function mintTurnCredential(secret: string, userId: string, expiresAtSeconds: number): TurnCredential {
  const username = `${Math.floor(expiresAtSeconds)}:${userId}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/**
 * Mints the ICE servers each client gets with its WebRTC transports. A client gets a fresh
 * credential with every transport (and ICE restart), so one that stays for days still allocates
 * anew with a valid one; an allocation made with it is refreshed by coturn only while it is valid.
 */
export class TurnCredentials {
  readonly #settings: TurnSettings;

  constructor(settings: TurnSettings) {
    if (settings.urls.length === 0) throw new Error('TURN needs at least one URL');
    this.#settings = settings;
  }

  /** The settings from the configuration, or undefined when TURN is not configured. */
  static fromConfig(config: { TURN_URLS?: string[] | undefined; TURN_SECRET?: string | undefined; TURN_CREDENTIAL_HOURS: number }): TurnCredentials | undefined {
    if (!config.TURN_URLS || !config.TURN_SECRET) return undefined;
    return new TurnCredentials({ urls: config.TURN_URLS, secret: config.TURN_SECRET, validHours: config.TURN_CREDENTIAL_HOURS });
  }

  /** `iceServers` for one client, whose id coturn's log shows in the username. */
  iceServersFor(userId: string, now = Date.now()): IceServer[] {
    const { urls, secret, validHours } = this.#settings;
    const { username, credential } = mintTurnCredential(secret, userId, now / 1000 + validHours * 3600);
    return [{ urls: [...urls], username, credential }];
  }
}
