import { Module } from '@nestjs/common';
import { TokensModule } from '../auth/tokens.module.js';
import { UserRepository } from './user.repository.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

/** User accounts and profiles. */
@Module({
  imports: [TokensModule],
  controllers: [UsersController],
  providers: [UserRepository, UsersService],
  exports: [UserRepository, UsersService],
})
export class UsersModule {}
