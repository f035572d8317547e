import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { DEFAULT_DEV_JWT_SECRET } from './config.schema.js';

const PRODUCTION_SECRET = 'p'.repeat(32);

/** The ConfigError `loadConfig` throws for `env`, or a failure if it throws nothing. */
function configErrorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('refuses a claim idle time under 100 ms, naming the variable', () => {
    expect(() => loadConfig({ ANALYTICS_CLAIM_IDLE_MS: '10' })).toThrow(/ANALYTICS_CLAIM_IDLE_MS/);
  });

  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      env: 'development',
      production: false,
      host: '0.0.0.0',
      port: 3000,
      publicUrl: undefined,
      database: {
        driver: 'sqlite',
        file: resolve('./data/minimeet.sqlite'),
        url: 'sqlite:./data/minimeet.sqlite',
        runMigrations: true,
      },
      auth: {
        jwtSecret: DEFAULT_DEV_JWT_SECRET,
        accessTokenTtlSeconds: 900,
        refreshTokenTtlSeconds: 2_592_000,
        joinTokenMaxTtlSeconds: 86_400,
        sessionRefreshLeadSeconds: 60,
        adminSecret: null,
        passwordHash: { memoryKiB: 19_456, iterations: 2, parallelism: 1 },
      },
      rateLimits: {
        login: { limit: 10, windowMs: 60_000 },
        loginPerIp: { limit: 60, windowMs: 60_000 },
        register: { limit: 20, windowMs: 3_600_000 },
        refresh: { limit: 60, windowMs: 60_000 },
        joinTokens: { limit: 600, windowMs: 60_000 },
        hostApi: { limit: 600, windowMs: 60_000 },
        connect: { limit: 600, windowMs: 60_000 },
        socketRequests: { limit: 100, windowMs: 1000 },
        chat: { limit: 30, windowMs: 10_000 },
        search: { limit: 30, windowMs: 10_000 },
        quality: { limit: 12, windowMs: 60_000 },
      },
      http: { bodyLimitBytes: 65_536, corsOrigins: '*', trustProxy: false, serveDemo: true },
      logLevel: 'info',
      shutdownTimeoutMs: 10_000,
      rooms: { meshMaxParticipants: 4, reconnectGraceMs: 15_000 },
      ice: { stunUrls: [], turnUrls: [], turnSecret: undefined, turnCredentialTtlSeconds: 86_400 },
      chat: { maxLength: 4000 },
      search: { engine: 'sqlite', elasticsearch: null },
      redis: null,
      presence: { timeoutMs: 15_000 },
      nodeId: expect.stringMatching(/^[A-Za-z0-9._-]+$/) as unknown,
      sfu: {
        enabled: true,
        workerBin: null,
        workerCacheDir: expect.stringMatching(/minimeet\/mediasoup-worker$/) as unknown,
        workers: null,
        listenIp: '127.0.0.1',
        announcedAddress: null,
        webRtcServerPort: null,
        rtcMinPort: 40_000,
        rtcMaxPort: 49_999,
        maxParticipants: 50,
        maxIncomingBitrate: 3_000_000,
        autoThreshold: 4,
        meshReturnMs: 30_000,
      },
      webhooks: {
        timeoutMs: 10_000,
        maxAttempts: 8,
        retryBaseMs: 5000,
        disableAfterFailures: 30,
        rotationGraceMs: 86_400_000,
        pollMs: 1000,
        allowPrivateUrls: true,
      },
      analytics: {
        enabled: true,
        storeNames: false,
        sessionRetentionMs: 365 * 86_400_000,
        sampleRetentionMs: 14 * 86_400_000,
        maxBacklog: 10_000,
        streamMaxLength: 100_000,
        claimIdleMs: 30_000,
      },
    });
  });

  it('follows the store for search, and refuses an engine the store cannot serve', () => {
    expect(loadConfig({ DATABASE_URL: 'mysql://root@127.0.0.1/test' }).search.engine).toBe('mysql');
    expect(loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1/test' }).search.engine).toBe(
      'postgres',
    );
    expect(() => loadConfig({ SEARCH_ENGINE: 'mysql' })).toThrow(/SEARCH_ENGINE: mysql needs/);
    expect(() => loadConfig({ SEARCH_ENGINE: 'elasticsearch' })).toThrow(/ELASTICSEARCH_URL/);
    expect(
      loadConfig({ SEARCH_ENGINE: 'elasticsearch', ELASTICSEARCH_URL: 'http://127.0.0.1:9200' })
        .search,
    ).toEqual({
      engine: 'elasticsearch',
      elasticsearch: { url: 'http://127.0.0.1:9200', index: 'minimeet-messages' },
    });
  });

  it('reads the SFU settings and refuses inconsistent ones, naming the variable', () => {
    const sfu = loadConfig({
      SFU_WORKERS: '3',
      SFU_LISTEN_IP: '0.0.0.0',
      SFU_ANNOUNCED_ADDRESS: '203.0.113.10',
      SFU_WEBRTC_SERVER_PORT: '44444',
      AUTO_SFU_THRESHOLD: '3',
      MINIMEET_MEDIASOUP_CACHE_DIR: '/var/cache/ms',
    }).sfu;
    expect(sfu).toMatchObject({
      workers: 3,
      listenIp: '0.0.0.0',
      announcedAddress: '203.0.113.10',
      webRtcServerPort: 44444,
      autoThreshold: 3,
      workerCacheDir: '/var/cache/ms',
    });
    expect(() => loadConfig({ SFU_RTC_MIN_PORT: '5000', SFU_RTC_MAX_PORT: '4000' })).toThrow(
      /SFU_RTC_MIN_PORT/,
    );
    expect(() => loadConfig({ AUTO_SFU_THRESHOLD: '5' })).toThrow(/AUTO_SFU_THRESHOLD/);
    expect(() => loadConfig({ SFU_LISTEN_IP: 'everywhere' })).toThrow(/SFU_LISTEN_IP/);
  });

  it('reads Redis, presence and the node id', () => {
    const config = loadConfig({
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      PRESENCE_TIMEOUT_SECONDS: '5',
      NODE_ID: 'node-a',
    });
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379/0', keyPrefix: 'minimeet:' });
    expect(config.presence.timeoutMs).toBe(5000);
    expect(config.nodeId).toBe('node-a');
    expect(() => loadConfig({ REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
  });

  it('reads ICE servers as comma-separated lists', () => {
    const config = loadConfig({
      ICE_STUN_URLS: 'stun:stun.example.test:3478, stuns:stun.example.test:5349',
      TURN_URLS: 'turn:turn.example.test:3478?transport=udp,turns:turn.example.test:5349',
      TURN_SECRET: 'a-long-shared-turn-secret',
      TURN_CREDENTIAL_TTL: '3600',
      MESH_MAX_PARTICIPANTS: '3',
      RECONNECT_GRACE_SECONDS: '5',
    });
    expect(config.ice).toEqual({
      stunUrls: ['stun:stun.example.test:3478', 'stuns:stun.example.test:5349'],
      turnUrls: ['turn:turn.example.test:3478?transport=udp', 'turns:turn.example.test:5349'],
      turnSecret: 'a-long-shared-turn-secret',
      turnCredentialTtlSeconds: 3600,
    });
    expect(config.rooms).toEqual({ meshMaxParticipants: 3, reconnectGraceMs: 5000 });
  });

  it('reads the admin secret and the search limit, and refuses a short admin secret', () => {
    const config = loadConfig({ ADMIN_SECRET: 'a'.repeat(32), RATE_LIMIT_SEARCH: '5/60' });
    expect(config.auth.adminSecret).toBe('a'.repeat(32));
    expect(config.rateLimits.search).toEqual({ limit: 5, windowMs: 60_000 });
    expect(configErrorOf({ ADMIN_SECRET: 'too-short' }).message).toMatch(
      /ADMIN_SECRET: ADMIN_SECRET must be at least 32 characters/,
    );
    expect(configErrorOf({ RATE_LIMIT_SEARCH: '5' }).message).toContain('RATE_LIMIT_SEARCH');
  });

  it('refuses TURN_URLS without TURN_SECRET, naming TURN_SECRET', () => {
    expect(configErrorOf({ TURN_URLS: 'turn:127.0.0.1:3478' }).message).toContain('TURN_SECRET');
  });

  it('treats an empty value as unset', () => {
    const config = loadConfig({ PORT: '', JWT_SECRET: '', RATE_LIMIT_LOGIN: '' });
    expect(config.port).toBe(3000);
    expect(config.auth.jwtSecret).toBe(DEFAULT_DEV_JWT_SECRET);
    expect(config.rateLimits.login).toEqual({ limit: 10, windowMs: 60_000 });
  });

  it('reads every kind of value it documents', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      DATABASE_URL: 'mariadb://root@db.internal:3306/minimeet',
      DATABASE_POOL_SIZE: '4',
      DATABASE_MIGRATIONS_RUN: 'no',
      RATE_LIMIT_LOGIN: '5/10',
      HTTP_BODY_LIMIT: '1MB',
      CORS_ORIGINS: ' https://a.example.test , https://b.example.test ',
      TRUST_PROXY: '1',
      SERVE_DEMO: 'false',
      LOG_LEVEL: 'silent',
    });
    expect(config.port).toBe(0);
    expect(config.database).toEqual({
      driver: 'mysql',
      url: 'mysql://root@db.internal:3306/minimeet',
      poolSize: 4,
      runMigrations: false,
    });
    expect(config.rateLimits.login).toEqual({ limit: 5, windowMs: 10_000 });
    expect(config.http).toEqual({
      bodyLimitBytes: 1_048_576,
      corsOrigins: ['https://a.example.test', 'https://b.example.test'],
      trustProxy: true,
      serveDemo: false,
    });
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@h/db' }).database.driver).toBe('postgres');
    expect(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).database).toMatchObject({
      driver: 'sqlite',
      file: ':memory:',
    });
    expect(loadConfig({ HTTP_BODY_LIMIT: '200kb' }).http.bodyLimitBytes).toBe(204_800);
    expect(loadConfig({ HTTP_BODY_LIMIT: '512' }).http.bodyLimitBytes).toBe(512);
  });

  describe('in production', () => {
    it('refuses to start without JWT_SECRET', () => {
      expect(configErrorOf({ NODE_ENV: 'production' }).message).toContain('JWT_SECRET');
    });

    it('refuses the built-in development JWT_SECRET', () => {
      const error = configErrorOf({ NODE_ENV: 'production', JWT_SECRET: DEFAULT_DEV_JWT_SECRET });
      expect(error.message).toContain('JWT_SECRET');
    });

    it('refuses a JWT_SECRET shorter than 32 characters', () => {
      const error = configErrorOf({ NODE_ENV: 'production', JWT_SECRET: 's'.repeat(31) });
      expect(error.message).toContain('JWT_SECRET');
      expect(error.message).toContain('32');
    });

    it('accepts a JWT_SECRET of 32 characters', () => {
      const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: PRODUCTION_SECRET });
      expect(config.production).toBe(true);
      expect(config.auth.jwtSecret).toBe(PRODUCTION_SECRET);
    });
  });

  it('accepts any JWT_SECRET outside production', () => {
    expect(loadConfig({ NODE_ENV: 'development', JWT_SECRET: 'short' }).auth.jwtSecret).toBe(
      'short',
    );
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['DATABASE_URL', 'mongodb://localhost/minimeet'],
    ['DATABASE_URL', 'sqlite:'],
    ['DATABASE_URL', '/var/lib/minimeet.sqlite'],
    ['RATE_LIMIT_LOGIN', '10'],
    ['RATE_LIMIT_LOGIN', 'ten/60'],
    ['RATE_LIMIT_LOGIN', '0/60'],
    ['RATE_LIMIT_LOGIN', '10/0'],
    ['RATE_LIMIT_LOGIN', '10/60/5'],
    ['RATE_LIMIT_REGISTER', '-1/60'],
    ['ACCESS_TOKEN_TTL', '0'],
    ['ACCESS_TOKEN_TTL', '1.5'],
    ['HTTP_BODY_LIMIT', '1gb'],
    ['LOG_LEVEL', 'verbose'],
    ['NODE_ENV', 'staging'],
    ['SERVE_DEMO', 'TRUE'],
    ['PUBLIC_URL', 'not a url'],
    ['MESH_MAX_PARTICIPANTS', '1'],
    ['MESH_MAX_PARTICIPANTS', '17'],
    ['RECONNECT_GRACE_SECONDS', '0'],
    ['ICE_STUN_URLS', 'http://stun.example.test'],
    ['TURN_URLS', 'stun:turn.example.test'],
    ['TURN_SECRET', 'short'],
  ])('throws ConfigError naming %s for %j', (name, value) => {
    const error = configErrorOf({ [name]: value });
    expect(error.name).toBe('ConfigError');
    expect(error.message).toMatch(new RegExp(`\\b${name}\\b`));
  });

  it('names every bad variable at once', () => {
    const error = configErrorOf({ PORT: 'abc', RATE_LIMIT_LOGIN: '10', LOG_LEVEL: 'loud' });
    for (const name of ['PORT', 'RATE_LIMIT_LOGIN', 'LOG_LEVEL'])
      expect(error.message).toContain(name);
  });
});

describe('the built server', () => {
  const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

  /** Runs dist/main.js with exactly `env` (plus PATH); resolves when it exits or is killed. */
  function run(env: Record<string, string>) {
    return new Promise<{ code: number | null; killed: boolean; stderr: string }>((done) => {
      execFile(
        process.execPath,
        [main],
        { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 },
        (err, _stdout, stderr) => {
          const failure = err as (Error & { code?: number; killed?: boolean }) | null;
          done({
            code: failure ? (failure.code ?? null) : 0,
            killed: failure?.killed ?? false,
            stderr,
          });
        },
      );
    });
  }

  const base = {
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: 'sqlite::memory:',
    SERVE_DEMO: 'false',
  };

  it('exits non-zero before listening when NODE_ENV=production has no JWT_SECRET, naming JWT_SECRET', async () => {
    expect(existsSync(main), 'build the server first: pnpm --filter @minimeet/server build').toBe(
      true,
    );
    const result = await run({ ...base, NODE_ENV: 'production' });
    expect(result.killed, 'the server started instead of refusing').toBe(false);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('JWT_SECRET');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits non-zero naming the variable for a bad PORT', async () => {
    const result = await run({ ...base, PORT: 'abc' });
    expect(result.killed, 'the server started instead of refusing').toBe(false);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('PORT');
  });
});
