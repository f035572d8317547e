import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { ConnectionAuthenticator } from './connection-authenticator.js';
import { ApiKeyGuard, JoinTokensController } from './join-tokens.controller.js';
import { PasswordHasher } from './password-hasher.js';
import { RefreshTokenRepository } from './refresh-token.repository.js';
import { TokensModule } from './tokens.module.js';
import { RateLimitGuard } from '../common/rate-limit.guard.js';

/** Accounts and authentication: passwords, access and refresh tokens, API keys and join tokens. */
@Module({
  imports: [UsersModule, TokensModule],
  controllers: [AuthController, ApiKeysController, JoinTokensController],
  providers: [
    AuthService,
    PasswordHasher,
    RefreshTokenRepository,
    ApiKeyRepository,
    ApiKeysService,
    ApiKeyGuard,
    RateLimitGuard,
    ConnectionAuthenticator,
  ],
  exports: [ConnectionAuthenticator, ApiKeysService, TokensModule],
})
export class AuthModule {}
