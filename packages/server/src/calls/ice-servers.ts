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

  /** The ICE servers for one participant, with TURN credentials minted now. */
  forParticipant(participantId: string): IceServerInfo[] {
    const { stunUrls, turnUrls, turnSecret, turnCredentialTtlSeconds } = this.config.ice;
    const servers: IceServerInfo[] = [];
    if (stunUrls.length > 0) servers.push({ urls: [...stunUrls] });
    if (turnUrls.length > 0 && turnSecret) {
      servers.push({
        urls: [...turnUrls],
        ...turnCredentials(turnSecret, participantId, turnCredentialTtlSeconds),
      });
    }
    return servers;
  }
}
