#!/usr/bin/env node
/**
 * `minimeet` command line: start the server, run migrations, sign a join token offline, or
 * disable and enable accounts on a running server.
 *
 *   minimeet start
 *   minimeet migrate
 *   minimeet operator grant|revoke <email>
 *   minimeet join-token --key-id mk_… --identity alice --name Alice --room standup [--role member]
 *                       [--ttl 600] [--avatar-url URL] [--no-publish] [--no-subscribe] [--no-chat]
 *   minimeet user show|disable|enable <user id or email> [--url http://127.0.0.1:3000]
 *
 * The API secret comes from MINIMEET_API_SECRET (preferred: it stays out of shell history) or --secret.
 * The admin secret comes from MINIMEET_ADMIN_SECRET only.
 */
import { parseArgs } from 'node:util';
import type { AdminUserInfo, ErrorBody } from '@minimeet/protocol';
import { ConfigError, loadConfig } from './config/config.js';
import { createJoinToken, JoinTokenError } from '@minimeet/host';
import { openDataSource } from './database/data-source.js';
import { isEntryPoint } from './common/entry-point.js';
import { UserRepository } from './users/user.repository.js';

const USAGE = `usage:
  minimeet start                    start the server (configuration from the environment)
  minimeet migrate                  apply pending database migrations and exit
  minimeet operator grant|revoke <email>
                                    make an account an operator (sees every room's analytics), or not
  minimeet join-token --key-id <mk_…> --identity <id> --name <name> --room <room>
                      [--role owner|moderator|member] [--ttl <seconds>] [--avatar-url <url>]
                      [--no-publish] [--no-subscribe] [--no-chat] [--secret <mks_…>]
                    sign a join token offline (secret from MINIMEET_API_SECRET or --secret)
  minimeet user show|disable|enable <user id or email> [--url <server URL>]
                    look up, disable or enable an account on a running server through its admin
                    API (secret from MINIMEET_ADMIN_SECRET; URL from --url, MINIMEET_URL or
                    http://127.0.0.1:3000); disabling ends every session of the account at once`;

const DEFAULT_SERVER_URL = 'http://127.0.0.1:3000';
const USER_ACTIONS = ['show', 'disable', 'enable'] as const;

/** Where the CLI writes; injectable for tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const stdio: CliIo = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
};

async function joinToken(
  args: string[],
  env: Record<string, string | undefined>,
  io: CliIo,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'key-id': { type: 'string' },
      secret: { type: 'string' },
      identity: { type: 'string' },
      name: { type: 'string' },
      room: { type: 'string' },
      role: { type: 'string' },
      ttl: { type: 'string' },
      'avatar-url': { type: 'string' },
      'no-publish': { type: 'boolean' },
      'no-subscribe': { type: 'boolean' },
      'no-chat': { type: 'boolean' },
    },
    strict: true,
  });
  const keyId = values['key-id'] ?? env.MINIMEET_API_KEY_ID;
  const secret = values.secret ?? env.MINIMEET_API_SECRET;
  const missing = [
    ['--key-id', keyId],
    ['MINIMEET_API_SECRET or --secret', secret],
    ['--identity', values.identity],
    ['--name', values.name],
    ['--room', values.room],
  ].filter(([, v]) => !v);
  if (missing.length) {
    io.err(`missing: ${missing.map(([n]) => n).join(', ')}\n${USAGE}`);
    return 2;
  }
  const ttl = values.ttl === undefined ? undefined : Number(values.ttl);
  const token = await createJoinToken(
    { id: keyId!, secret: secret! },
    {
      identity: values.identity!,
      name: values.name!,
      ...(values['avatar-url'] ? { avatarUrl: values['avatar-url'] } : {}),
      grants: {
        room: values.room!,
        ...(values.role ? { role: values.role as 'member' } : {}),
        canPublish: !values['no-publish'],
        canSubscribe: !values['no-subscribe'],
        canChat: !values['no-chat'],
      },
      ...(ttl === undefined ? {} : { ttlSeconds: ttl }),
    },
  );
  io.out(token);
  return 0;
}

async function user(
  args: string[],
  env: Record<string, string | undefined>,
  io: CliIo,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { url: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const [action, reference, ...extra] = positionals;
  if (
    !USER_ACTIONS.includes(action as (typeof USER_ACTIONS)[number]) ||
    !reference ||
    extra.length
  ) {
    io.err(`usage: minimeet user show|disable|enable <user id or email> [--url <server URL>]`);
    return 2;
  }
  const secret = env.MINIMEET_ADMIN_SECRET;
  if (!secret) {
    io.err("missing: MINIMEET_ADMIN_SECRET (the server's ADMIN_SECRET)");
    return 2;
  }
  let base: URL;
  try {
    base = new URL(values.url ?? env.MINIMEET_URL ?? DEFAULT_SERVER_URL);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError();
  } catch {
    io.err('--url (or MINIMEET_URL) must be an http:// or https:// URL of the server.');
    return 2;
  }
  const path = `/api/admin/users/${encodeURIComponent(reference)}${action === 'show' ? '' : `/${action}`}`;
  let res: Response;
  try {
    // A server behind a path prefix (https://example.com/meet/) keeps it.
    res = await fetch(new URL(`${base.pathname.replace(/\/+$/, '')}${path}`, base), {
      method: action === 'show' ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${secret}` },
    });
  } catch (err) {
    io.err(`could not reach ${base.origin}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  const body = (await res.json().catch(() => undefined)) as AdminUserInfo | ErrorBody | undefined;
  if (!res.ok || !body || 'error' in body) {
    const error = body && 'error' in body ? body.error : undefined;
    io.err(
      error
        ? `${error.code}: ${error.message}`
        : `the server answered ${res.status} without an error body`,
    );
    return 1;
  }
  const state = body.disabledAt ? `disabled since ${body.disabledAt}` : 'enabled';
  io.out(`${body.email} (${body.id}): ${state}`);
  return 0;
}

/** Runs one CLI command; resolves to the process exit code. */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  io: CliIo = stdio,
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'join-token':
        return await joinToken(rest, env, io);
      case 'user':
        return await user(rest, env, io);
      case 'migrate': {
        const config = loadConfig(env);
        const dataSource = await openDataSource({ ...config.database, runMigrations: false });
        const applied = await dataSource.runMigrations({ transaction: 'each' });
        await dataSource.destroy();
        io.out(
          applied.length
            ? `applied: ${applied.map((m) => m.name).join(', ')}`
            : 'database is up to date',
        );
        return 0;
      }
      case 'operator': {
        const [action, email] = rest;
        if ((action !== 'grant' && action !== 'revoke') || !email) {
          io.err(USAGE);
          return 2;
        }
        const config = loadConfig(env);
        const dataSource = await openDataSource({ ...config.database, runMigrations: false });
        try {
          const found = await new UserRepository(dataSource).setOperator(email, action === 'grant');
          if (!found) {
            io.err(`no account with the email ${email}`);
            return 1;
          }
        } finally {
          await dataSource.destroy();
        }
        io.out(
          action === 'grant' ? `${email} is an operator` : `${email} is no longer an operator`,
        );
        return 0;
      }
      case 'start': {
        const { runServerProcess } = await import('./main.js');
        await runServerProcess(env);
        return -1;
      }
      default:
        io.err(USAGE);
        return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
    }
  } catch (err) {
    if (
      err instanceof ConfigError ||
      err instanceof JoinTokenError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      io.err((err as Error).message);
      return 2;
    }
    throw err;
  }
}

if (isEntryPoint(import.meta.url)) {
  runCli(process.argv.slice(2), process.env).then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (err: unknown) => {
      process.stderr.write(`minimeet: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
