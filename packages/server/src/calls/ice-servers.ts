import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { IceServerInfo } from '@minimeet/protocol';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';

/**
 * Ephemeral TURN credentials in the "TURN REST API" form that coturn's `use-auth-secret` accepts:
 * username `<unixExpiry>:<user>`, password base64(HMAC-SHA1(secret, username)).
 */
export function turnCredentials(
  secret: string,
  user: string,
  ttlSeconds: number,
  nowMs = Date.now(),
): { username: string; credential: string } {
  const username = `${Math.floor(nowMs / 1000) + ttlSeconds}:${user}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

/** Builds the ICE server list a participant gives its peer connections: STUN, then TURN with fresh credentials. */
@Injectable()
export class IceServers {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /**
   * The ICE servers for one participant (or, before a join, one principal), with TURN credentials
   * minted now that last `ttlSeconds` (at most, and by default, `TURN_CREDENTIAL_TTL`).
   */
  forParticipant(participantId: string, ttlSeconds?: number): IceServerInfo[] {
    const { stunUrls, turnUrls, turnSecret } = this.config.ice;
    const servers: IceServerInfo[] = [];
    if (stunUrls.length > 0) servers.push({ urls: [...stunUrls] });
    if (turnUrls.length > 0 && turnSecret) {
      servers.push({
        urls: [...turnUrls],
        ...turnCredentials(turnSecret, participantId, this.ttl(ttlSeconds)),
      });
    }
    return servers;
  }

  /** Whether TURN is configured (a TURN URL and the secret shared with it). */
  get hasTurn(): boolean {
    return this.config.ice.turnUrls.length > 0 && Boolean(this.config.ice.turnSecret);
  }

  /** `ttlSeconds` capped at the configured credential lifetime. */
  ttl(ttlSeconds?: number): number {
    const max = this.config.ice.turnCredentialTtlSeconds;
    return ttlSeconds === undefined ? max : Math.min(max, ttlSeconds);
  }
}
