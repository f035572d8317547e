import { Inject, Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';

/** Hashes and checks passwords with argon2id (memory-hard), with parameters from configuration. */
@Injectable()
export class PasswordHasher {
  private readonly options: { memoryCost: number; timeCost: number; parallelism: number };
  private dummy: Promise<string> | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const p = config.auth.passwordHash;
    this.options = { memoryCost: p.memoryKiB, timeCost: p.iterations, parallelism: p.parallelism };
  }

  /** An argon2id PHC string (`$argon2id$v=19$m=…`). */
  hash(password: string): Promise<string> {
    return hash(password, this.options);
  }

  /** True when `password` matches `phc`; false for a mismatch or a malformed hash. */
  async verify(phc: string, password: string): Promise<boolean> {
    try {
      return await verify(phc, password);
    } catch {
      return false;
    }
  }

  /**
   * Spends the same work as a real check. Login calls it for unknown emails so that response
   * time does not reveal which emails have accounts.
   */
  async verifyDummy(password: string): Promise<void> {
    this.dummy ??= this.hash('minimeet-dummy-password');
    await this.verify(await this.dummy, password);
  }
}
