import { Module } from '@nestjs/common';
import { AccessTokenGuard } from './access-token.guard.js';
import { TokenService } from './token.service.js';

/** Signing and verifying the server's own tokens; imported by every module that guards routes. */
@Module({
  providers: [TokenService, AccessTokenGuard],
  exports: [TokenService, AccessTokenGuard],
})
export class TokensModule {}
