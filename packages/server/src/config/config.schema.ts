import { z } from 'zod';

/** The development JWT secret; production mode refuses to start with it. */
export const DEFAULT_DEV_JWT_SECRET = 'minimeet-development-secret-do-not-use-in-production';

const positiveInt = (name: string) =>
  z.coerce
    .number({ message: `${name} must be a number.` })
    .int(`${name} must be a whole number.`)
    .positive(`${name} must be greater than zero.`);

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false.' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** `count/seconds`, e.g. `10/60` for ten per minute. */
const rateLimit = z
  .string()
  .regex(/^\d+\/\d+$/, 'must look like <count>/<seconds>, e.g. 10/60.')
  .transform((v) => {
    const [count, seconds] = v.split('/').map(Number) as [number, number];
    return { limit: count, windowMs: seconds * 1000 };
  })
  .refine(
    (v) => v.limit > 0 && v.windowMs > 0,
    'count and seconds must both be greater than zero.',
  );

const databaseUrl = z
  .string()
  .refine(
    (v) => /^(sqlite:|mysql:\/\/|mariadb:\/\/|postgres(ql)?:\/\/)/.test(v),
    'must start with sqlite:, mysql://, mariadb://, postgres:// or postgresql://.',
  );

const byteSize = z
  .string()
  .regex(/^\d+(b|kb|mb)?$/i, 'must be a size such as 64kb or 1mb.')
  .transform((v) => {
    const m = /^(\d+)(b|kb|mb)?$/i.exec(v)!;
    const unit = (m[2] ?? 'b').toLowerCase();
    return Number(m[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
  });

/** A comma-separated list of `stun:` (or `turn:`/`turns:`) URLs; empty means none. */
const urlList = (scheme: 'stun' | 'turn') =>
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean),
    )
    .refine(
      (urls) =>
        urls.every((u) =>
          scheme === 'stun' ? /^stuns?:[^\s]+$/.test(u) : /^turns?:[^\s]+$/.test(u),
        ),
      scheme === 'stun'
        ? 'must be a comma-separated list of stun: URLs.'
        : 'must be a comma-separated list of turn: or turns: URLs.',
    );

/**
 * Every environment variable the server reads, with its default. The docs in
 * `docs/server/configuration.md` list the same variables; keep them together.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number from 0 to 65535.')
    .transform(Number)
    .refine((n) => n <= 65535, 'must be a port number from 0 to 65535.')
    .prefault('3000'),
  PUBLIC_URL: z.string().url().optional(),
  DATABASE_URL: databaseUrl.default('sqlite:./data/minimeet.sqlite'),
  DATABASE_POOL_SIZE: positiveInt('DATABASE_POOL_SIZE').default(10),
  DATABASE_MIGRATIONS_RUN: bool.default(true),
  JWT_SECRET: z.string().optional(),
  ACCESS_TOKEN_TTL: positiveInt('ACCESS_TOKEN_TTL').default(900),
  REFRESH_TOKEN_TTL: positiveInt('REFRESH_TOKEN_TTL').default(30 * 24 * 3600),
  JOIN_TOKEN_MAX_TTL: positiveInt('JOIN_TOKEN_MAX_TTL').default(24 * 3600),
  SESSION_REFRESH_LEAD: positiveInt('SESSION_REFRESH_LEAD').default(60),
  ADMIN_SECRET: z.string().min(32, 'ADMIN_SECRET must be at least 32 characters.').optional(),
  PASSWORD_HASH_MEMORY_KIB: positiveInt('PASSWORD_HASH_MEMORY_KIB').default(19_456),
  PASSWORD_HASH_ITERATIONS: positiveInt('PASSWORD_HASH_ITERATIONS').default(2),
  PASSWORD_HASH_PARALLELISM: positiveInt('PASSWORD_HASH_PARALLELISM').default(1),
  RATE_LIMIT_LOGIN: rateLimit.prefault('10/60'),
  RATE_LIMIT_LOGIN_IP: rateLimit.prefault('60/60'),
  RATE_LIMIT_REGISTER: rateLimit.prefault('20/3600'),
  RATE_LIMIT_REFRESH: rateLimit.prefault('60/60'),
  RATE_LIMIT_JOIN_TOKENS: rateLimit.prefault('600/60'),
  RATE_LIMIT_HOST_API: rateLimit.prefault('600/60'),
  RATE_LIMIT_CONNECT: rateLimit.prefault('600/60'),
  RATE_LIMIT_SOCKET_REQUESTS: rateLimit.prefault('100/1'),
  HTTP_BODY_LIMIT: byteSize.prefault('64kb'),
  CORS_ORIGINS: z.string().default('*'),
  TRUST_PROXY: bool.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: positiveInt('SHUTDOWN_TIMEOUT_MS').default(10_000),
  SERVE_DEMO: bool.default(true),
  MESH_MAX_PARTICIPANTS: positiveInt('MESH_MAX_PARTICIPANTS')
    .min(2, 'MESH_MAX_PARTICIPANTS must be at least 2.')
    .max(16, 'MESH_MAX_PARTICIPANTS must be at most 16.')
    .default(4),
  RECONNECT_GRACE_SECONDS: positiveInt('RECONNECT_GRACE_SECONDS')
    .max(600, 'RECONNECT_GRACE_SECONDS must be at most 600.')
    .default(15),
  ICE_STUN_URLS: urlList('stun').prefault(''),
  TURN_URLS: urlList('turn').prefault(''),
  TURN_SECRET: z.string().min(16, 'TURN_SECRET must be at least 16 characters.').optional(),
  TURN_CREDENTIAL_TTL: positiveInt('TURN_CREDENTIAL_TTL').default(24 * 3600),
  CHAT_MAX_LENGTH: positiveInt('CHAT_MAX_LENGTH')
    .max(16_000, 'CHAT_MAX_LENGTH must be at most 16000.')
    .default(4000),
  RATE_LIMIT_CHAT: rateLimit.prefault('30/10'),
  RATE_LIMIT_SEARCH: rateLimit.prefault('30/10'),
  SEARCH_ENGINE: z.enum(['auto', 'sqlite', 'mysql', 'postgres', 'elasticsearch']).default('auto'),
  ELASTICSEARCH_URL: z.string().url().optional(),
  ELASTICSEARCH_INDEX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,99}$/, 'must be a lower-case index name.')
    .default('minimeet-messages'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'must be a redis:// or rediss:// URL.')
    .optional(),
  REDIS_KEY_PREFIX: z.string().max(64).default('minimeet:'),
  PRESENCE_TIMEOUT_SECONDS: positiveInt('PRESENCE_TIMEOUT_SECONDS')
    .min(2, 'PRESENCE_TIMEOUT_SECONDS must be at least 2.')
    .max(300, 'PRESENCE_TIMEOUT_SECONDS must be at most 300.')
    .default(15),
  ANALYTICS_ENABLED: bool.default(true),
  ANALYTICS_STORE_NAMES: bool.default(false),
  ANALYTICS_SESSION_RETENTION_DAYS: positiveInt('ANALYTICS_SESSION_RETENTION_DAYS').default(365),
  ANALYTICS_SAMPLE_RETENTION_DAYS: positiveInt('ANALYTICS_SAMPLE_RETENTION_DAYS').default(14),
  ANALYTICS_MAX_BACKLOG: positiveInt('ANALYTICS_MAX_BACKLOG').default(10_000),
  ANALYTICS_STREAM_MAXLEN: positiveInt('ANALYTICS_STREAM_MAXLEN').default(100_000),
  ANALYTICS_CLAIM_IDLE_MS: positiveInt('ANALYTICS_CLAIM_IDLE_MS')
    .min(100, 'ANALYTICS_CLAIM_IDLE_MS must be at least 100.')
    .default(30_000),
  RATE_LIMIT_QUALITY: rateLimit.prefault('12/60'),
  WEBHOOK_TIMEOUT_MS: positiveInt('WEBHOOK_TIMEOUT_MS')
    .max(60_000, 'WEBHOOK_TIMEOUT_MS must be at most 60000.')
    .default(10_000),
  WEBHOOK_MAX_ATTEMPTS: positiveInt('WEBHOOK_MAX_ATTEMPTS')
    .max(20, 'WEBHOOK_MAX_ATTEMPTS must be at most 20.')
    .default(8),
  WEBHOOK_RETRY_BASE_MS: positiveInt('WEBHOOK_RETRY_BASE_MS').default(5000),
  WEBHOOK_DISABLE_AFTER_FAILURES: positiveInt('WEBHOOK_DISABLE_AFTER_FAILURES').default(30),
  WEBHOOK_ROTATION_GRACE_SECONDS: positiveInt('WEBHOOK_ROTATION_GRACE_SECONDS').default(86_400),
  WEBHOOK_POLL_MS: positiveInt('WEBHOOK_POLL_MS')
    .min(10, 'WEBHOOK_POLL_MS must be at least 10.')
    .default(1000),
  WEBHOOK_ALLOW_PRIVATE_URLS: bool.optional(),
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1 to 64 letters, digits or ._-.')
    .optional(),
  SFU_ENABLED: bool.default(true),
  MEDIASOUP_WORKER_BIN: z.string().optional(),
  MINIMEET_MEDIASOUP_CACHE_DIR: z.string().optional(),
  XDG_CACHE_HOME: z.string().optional(),
  HOME: z.string().optional(),
  SFU_WORKERS: positiveInt('SFU_WORKERS').max(256, 'SFU_WORKERS must be at most 256.').optional(),
  SFU_LISTEN_IP: z.ipv4().or(z.ipv6()).default('127.0.0.1'),
  SFU_ANNOUNCED_ADDRESS: z
    .string()
    .regex(/^[A-Za-z0-9.:-]{1,253}$/, 'must be an IP address or a host name.')
    .optional(),
  SFU_WEBRTC_SERVER_PORT: positiveInt('SFU_WEBRTC_SERVER_PORT')
    .max(65_535, 'SFU_WEBRTC_SERVER_PORT must be a port number.')
    .optional(),
  SFU_RTC_MIN_PORT: positiveInt('SFU_RTC_MIN_PORT').max(65_535).default(40_000),
  SFU_RTC_MAX_PORT: positiveInt('SFU_RTC_MAX_PORT').max(65_535).default(49_999),
  SFU_MAX_PARTICIPANTS: positiveInt('SFU_MAX_PARTICIPANTS')
    .min(2, 'SFU_MAX_PARTICIPANTS must be at least 2.')
    .max(1000, 'SFU_MAX_PARTICIPANTS must be at most 1000.')
    .default(50),
  SFU_MAX_INCOMING_BITRATE: positiveInt('SFU_MAX_INCOMING_BITRATE').default(3_000_000),
  AUTO_SFU_THRESHOLD: positiveInt('AUTO_SFU_THRESHOLD')
    .min(1, 'AUTO_SFU_THRESHOLD must be at least 1.')
    .optional(),
  AUTO_MESH_RETURN_SECONDS: z.coerce
    .number({ message: 'AUTO_MESH_RETURN_SECONDS must be a number.' })
    .min(0, 'AUTO_MESH_RETURN_SECONDS must be at least 0.')
    .max(3600, 'AUTO_MESH_RETURN_SECONDS must be at most 3600.')
    .default(30),
});

/** The raw parsed environment. */
export type Env = z.infer<typeof envSchema>;
