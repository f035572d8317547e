import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A registered minimeet account. */
@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** Normalised (trimmed, lower-case) and unique. */
  @Index('uq_users_email', { unique: true })
  @Column({ type: 'varchar', length: 254 })
  email: string;

  /** argon2id PHC string; never leaves the server. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ name: 'display_name', type: 'varchar', length: 80 })
  displayName: string;

  @Column({ name: 'avatar_url', type: 'varchar', length: 2048, nullable: true })
  avatarUrl: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;

  /**
   * 1 for an operator of the deployment (set with `minimeet operator grant <email>`): sees the
   * analytics of every room. 0 for everyone else.
   */
  @Column({ type: 'int', default: 0 })
  operator: number;

  /** When the user's last connection closed (presence "last seen"); null when never seen. */
  @Column({ name: 'last_seen_at', type: Date, nullable: true })
  lastSeenAt: Date | null;

  /**
   * When an operator disabled the account, or null. A disabled account cannot sign in, refresh
   * or connect.
   */
  @Column({ name: 'disabled_at', type: Date, nullable: true })
  disabledAt: Date | null;
}
