import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from './cli.js';
import { loadConfig } from './config/config.js';
import { openDataSource } from './database/data-source.js';
import { UserRepository } from './users/user.repository.js';

const KEY = {
  id: 'mk_cliTestKey000000',
  secret: `mks_${Buffer.alloc(32, 7).toString('base64url')}`,
};

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

describe('minimeet CLI', () => {
  it('join-token prints an EdDSA token with the grants, taking the secret from the environment', async () => {
    const io = capture();
    const code = await runCli(
      [
        'join-token',
        '--key-id',
        KEY.id,
        '--identity',
        'alice',
        '--name',
        'Alice',
        '--room',
        'standup',
        '--role',
        'moderator',
        '--no-chat',
        '--ttl',
        '120',
      ],
      { MINIMEET_API_SECRET: KEY.secret },
      io,
    );
    expect(code).toBe(0);
    const token = io.stdout[0];
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', kid: KEY.id });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      sub: 'alice',
      name: 'Alice',
      iss: KEY.id,
      grants: {
        room: 'standup',
        role: 'moderator',
        canPublish: true,
        canSubscribe: true,
        canChat: false,
      },
    });
    expect(claims.exp! - claims.iat!).toBe(120);
  });

  it('join-token names what is missing and exits with 2', async () => {
    const io = capture();
    expect(await runCli(['join-token', '--key-id', KEY.id], {}, io)).toBe(2);
    expect(io.stderr[0]).toContain('MINIMEET_API_SECRET');
    expect(io.stderr[0]).toContain('--room');
  });

  it('join-token refuses a malformed secret or room with a clear message', async () => {
    const io = capture();
    const args = [
      'join-token',
      '--key-id',
      KEY.id,
      '--identity',
      'a',
      '--name',
      'A',
      '--room',
      'bad room!',
    ];
    expect(await runCli(args, { MINIMEET_API_SECRET: KEY.secret }, io)).toBe(2);
    expect(io.stderr[0]).toContain('grants.room');
    expect(await runCli(args.slice(0, -1).concat('ok'), { MINIMEET_API_SECRET: 'nope' }, io)).toBe(
      2,
    );
    expect(io.stderr[1]).toContain('mks_');
  });

  it('migrate applies the schema to a new database and then finds nothing to do', async () => {
    const file = `/tmp/minimeet-cli-${process.pid}-${Date.now()}.sqlite`;
    const io = capture();
    expect(await runCli(['migrate'], { DATABASE_URL: `sqlite:${file}` }, io)).toBe(0);
    expect(io.stdout[0]).toContain('InitialSchema');
    expect(await runCli(['migrate'], { DATABASE_URL: `sqlite:${file}` }, io)).toBe(0);
    expect(io.stdout[1]).toBe('database is up to date');
  });

  it('operator grant and revoke flip the flag of an existing account, and name a missing one', async () => {
    const file = `/tmp/minimeet-cli-op-${process.pid}-${Date.now()}.sqlite`;
    const env = { DATABASE_URL: `sqlite:${file}` };
    const io = capture();
    expect(await runCli(['migrate'], env, io)).toBe(0);
    const dataSource = await openDataSource(loadConfig(env).database);
    const users = new UserRepository(dataSource);
    const user = await users.create({
      id: randomUUID(),
      email: 'ops@example.test',
      passwordHash: '$argon2id$test',
      displayName: 'Ops',
      avatarUrl: null,
    });
    expect(await runCli(['operator', 'grant', 'OPS@example.test'], env, io)).toBe(0);
    expect((await users.findById(user.id))?.operator).toBe(1);
    expect(await runCli(['operator', 'revoke', 'ops@example.test'], env, io)).toBe(0);
    expect((await users.findById(user.id))?.operator).toBe(0);
    expect(await runCli(['operator', 'grant', 'nobody@example.test'], env, io)).toBe(1);
    expect(io.stderr.at(-1)).toContain('nobody@example.test');
    expect(await runCli(['operator', 'promote', 'ops@example.test'], env, io)).toBe(2);
    await dataSource.destroy();
  });

  it('the built binary runs as a program', async () => {
    const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    expect(existsSync(bin), 'build the server first').toBe(true);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [bin, 'join-token', '--key-id', KEY.id, '--identity', 'bob', '--name', 'Bob', '--room', 'r1'],
      { env: { ...process.env, MINIMEET_API_SECRET: KEY.secret }, timeout: 20_000 },
    );
    expect(decodeJwt(stdout.trim()).sub).toBe('bob');
  });
});

describe('minimeet CLI started the way package managers start it', () => {
  it('runs when launched through a symlink, as an installed bin is', async () => {
    const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'minimeet-bin-'));
    const link = join(dir, 'minimeet');
    symlinkSync(bin, link);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        link,
        'join-token',
        '--key-id',
        KEY.id,
        '--identity',
        'carol',
        '--name',
        'Carol',
        '--room',
        'r1',
      ],
      { env: { ...process.env, MINIMEET_API_SECRET: KEY.secret }, timeout: 20_000 },
    );
    expect(decodeJwt(stdout.trim()).sub).toBe('carol');
  });
});
