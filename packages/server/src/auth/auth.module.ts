import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { AccountAdminService } from './account-admin.service.js';
import { AdminController } from './admin.controller.js';
import { AdminGuard } from './admin.guard.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { ConnectionAuthenticator } from './connection-authenticator.js';
import { ApiKeyGuard, JoinTokensController } from './join-tokens.controller.js';
import { PasswordHasher } from './password-hasher.js';
import { TokensModule } from './tokens.module.js';
import { RateLimitGuard } from '../common/rate-limit.guard.js';

/**
 * Accounts and authentication: passwords, sessions (access and refresh tokens), API keys and join
 * tokens, and the operator's admin API.
 */
@Module({
  imports: [UsersModule, TokensModule],
  controllers: [AuthController, ApiKeysController, JoinTokensController, AdminController],
  providers: [
    AuthService,
    PasswordHasher,
    ApiKeyRepository,
    ApiKeysService,
    ApiKeyGuard,
    RateLimitGuard,
    ConnectionAuthenticator,
    AccountAdminService,
    AdminGuard,
  ],
  exports: [ConnectionAuthenticator, ApiKeysService, TokensModule],
})
export class AuthModule {}
