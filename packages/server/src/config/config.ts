import { randomBytes } from 'node:crypto';
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_DEV_JWT_SECRET, envSchema, type Env } from './config.schema.js';

/** A rate limit: at most `limit` requests in `windowMs`. */
export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

/** Which relational store, and how to reach it. */
export type DatabaseConfig =
  | { driver: 'sqlite'; file: string; url: string }
  | { driver: 'mysql' | 'postgres'; url: string; poolSize: number };

/** The server's validated configuration; only this module reads the environment. */
export interface AppConfig {
  env: Env['NODE_ENV'];
  production: boolean;
  host: string;
  port: number;
  publicUrl: string | undefined;
  database: DatabaseConfig & { runMigrations: boolean };
  auth: {
    jwtSecret: string;
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    joinTokenMaxTtlSeconds: number;
    sessionRefreshLeadSeconds: number;
    /**
     * The operator's secret for the admin API (`Authorization: Bearer` on `/api/admin/…`); null
     * turns the admin API off.
     */
    adminSecret: string | null;
    passwordHash: { memoryKiB: number; iterations: number; parallelism: number };
  };
  rateLimits: {
    login: RateLimitRule;
    loginPerIp: RateLimitRule;
    register: RateLimitRule;
    refresh: RateLimitRule;
    joinTokens: RateLimitRule;
    /** Room service requests (`/api/calls/:roomId/…`) per API key, or per person with a token. */
    hostApi: RateLimitRule;
    connect: RateLimitRule;
    socketRequests: RateLimitRule;
    /** Chat messages (sends and edits) per principal, across all its connections and nodes. */
    chat: RateLimitRule;
    /** Message searches per principal, across all its connections and nodes. */
    search: RateLimitRule;
    /** `quality_report`s per participant. */
    quality: RateLimitRule;
  };
  http: {
    bodyLimitBytes: number;
    corsOrigins: string[] | '*';
    trustProxy: boolean;
    serveDemo: boolean;
  };
  logLevel: Env['LOG_LEVEL'];
  shutdownTimeoutMs: number;
  rooms: {
    /** Most participants of a mesh call. */
    meshMaxParticipants: number;
    /** How long a participant whose connection dropped is kept before the others see it leave. */
    reconnectGraceMs: number;
  };
  ice: {
    stunUrls: string[];
    turnUrls: string[];
    /** Secret shared with the TURN server (`static-auth-secret`); set whenever `turnUrls` is. */
    turnSecret: string | undefined;
    turnCredentialTtlSeconds: number;
  };
  chat: {
    /** Most characters in a message. */
    maxLength: number;
  };
  search: {
    /**
     * Which engine indexes chat messages: `sqlite` (FTS5) and `mysql` (FULLTEXT) live in the
     * relational store itself; `elasticsearch` needs `ELASTICSEARCH_URL`. `auto` follows the store.
     */
    engine: 'sqlite' | 'mysql' | 'postgres' | 'elasticsearch';
    elasticsearch: { url: string; index: string } | null;
  };
  /** Shared state and cross-node fan-out; null runs everything in this process. */
  redis: { url: string; keyPrefix: string } | null;
  presence: {
    /** How long a connection that stopped answering counts as present. */
    timeoutMs: number;
  };
  /** This process's name among the nodes of a deployment (random unless `NODE_ID` is set). */
  nodeId: string;
  /** The SFU (mediasoup); see docs/sfu.md. */
  sfu: SfuConfig;
  webhooks: {
    /** How long one delivery attempt may take, in ms. */
    timeoutMs: number;
    /** Attempts per delivery before it is given up. */
    maxAttempts: number;
    /** Delay before the first retry; each further retry waits about four times longer (capped at 10 h). */
    retryBaseMs: number;
    /** Failed attempts in a row (over all its deliveries) after which an endpoint is disabled. */
    disableAfterFailures: number;
    /** How long the previous secret keeps signing after a rotation, in ms. */
    rotationGraceMs: number;
    /** How often due deliveries are looked for, in ms. */
    pollMs: number;
    /** Whether endpoints may resolve to loopback, private or link-local addresses. */
    allowPrivateUrls: boolean;
  };
  analytics: {
    /** Whether calls are recorded at all (metrics are kept either way). */
    enabled: boolean;
    /** Whether display names are kept with legs (personal data; off by default). */
    storeNames: boolean;
    /** How long ended sessions, their legs and failed joins are kept. */
    sessionRetentionMs: number;
    /** How long raw quality samples are kept. */
    sampleRetentionMs: number;
    /** Most events a node keeps waiting for the stream before it drops new ones. */
    maxBacklog: number;
    /** Approximate most entries of the Redis stream. */
    streamMaxLength: number;
    /** How long an entry may stay pending with a silent consumer before another node takes it. */
    claimIdleMs: number;
  };
}

/** How the SFU runs: where its worker binary is, how many workers, which addresses and ports. */
export interface SfuConfig {
  /** False turns the SFU off (`SFU_ENABLED=false`): `sfu` rooms are refused, `auto` stays mesh. */
  enabled: boolean;
  /** The worker binary named by `MEDIASOUP_WORKER_BIN`, or null to look in the cache. */
  workerBin: string | null;
  /** The folder under which `scripts/mediasoup-worker.mjs` caches built workers. */
  workerCacheDir: string;
  /** Worker processes; null means one per CPU core. */
  workers: number | null;
  /** The local address media sockets listen on. */
  listenIp: string;
  /** The address clients send media to (public IP or host name behind NAT), or null for `listenIp`. */
  announcedAddress: string | null;
  /** With a number: one WebRtcServer per worker on this port + worker index (UDP and TCP). */
  webRtcServerPort: number | null;
  /** Without a WebRtcServer: the UDP/TCP port range transports take their ports from. */
  rtcMinPort: number;
  rtcMaxPort: number;
  /** Most participants of an `sfu` call (and of an `auto` call on the SFU). */
  maxParticipants: number;
  /** Bitrate ceiling of what one client may send, in bps. */
  maxIncomingBitrate: number;
  /** An `auto` call moves to the SFU when it grows beyond this many participants. */
  autoThreshold: number;
  /** How long an `auto` call on the SFU stays at or below the threshold before it returns to mesh. */
  meshReturnMs: number;
}

/** Thrown when the environment is invalid; its message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function parseDatabase(url: string, poolSize: number): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file === '') throw new ConfigError('DATABASE_URL: sqlite: needs a file path or :memory:.');
    return { driver: 'sqlite', file: file === ':memory:' ? file : resolve(file), url };
  }
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) {
    return { driver: 'mysql', url: url.replace(/^mariadb:/, 'mysql:'), poolSize };
  }
  return { driver: 'postgres', url, poolSize };
}

/**
 * Parses and validates the environment once. A bad value throws {@link ConfigError} naming the
 * variable; production mode refuses a missing, default or short JWT secret.
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): AppConfig {
  // Empty strings mean "not set", as they do in most .env files.
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  let jwtSecret = env.JWT_SECRET;
  if (production) {
    if (!jwtSecret || jwtSecret === DEFAULT_DEV_JWT_SECRET) {
      throw new ConfigError('JWT_SECRET: must be set to your own secret when NODE_ENV=production.');
    }
    if (jwtSecret.length < 32) {
      throw new ConfigError('JWT_SECRET: must be at least 32 characters when NODE_ENV=production.');
    }
  }
  jwtSecret ??= DEFAULT_DEV_JWT_SECRET;
  if (env.TURN_URLS.length > 0 && !env.TURN_SECRET) {
    throw new ConfigError(
      'TURN_SECRET: must be set when TURN_URLS is (the TURN REST shared secret).',
    );
  }
  const database = parseDatabase(env.DATABASE_URL, env.DATABASE_POOL_SIZE);
  if (env.SEARCH_ENGINE === 'elasticsearch' && !env.ELASTICSEARCH_URL) {
    throw new ConfigError('ELASTICSEARCH_URL: must be set when SEARCH_ENGINE=elasticsearch.');
  }
  if (env.SEARCH_ENGINE === 'sqlite' && database.driver !== 'sqlite') {
    throw new ConfigError('SEARCH_ENGINE: sqlite needs a sqlite: DATABASE_URL.');
  }
  if (env.SEARCH_ENGINE === 'postgres' && database.driver !== 'postgres') {
    throw new ConfigError('SEARCH_ENGINE: postgres needs a postgres:// DATABASE_URL.');
  }
  if (env.SEARCH_ENGINE === 'mysql' && database.driver !== 'mysql') {
    throw new ConfigError('SEARCH_ENGINE: mysql needs a mysql:// or mariadb:// DATABASE_URL.');
  }
  if (env.SFU_RTC_MIN_PORT > env.SFU_RTC_MAX_PORT) {
    throw new ConfigError('SFU_RTC_MIN_PORT: must not be greater than SFU_RTC_MAX_PORT.');
  }
  const autoThreshold = env.AUTO_SFU_THRESHOLD ?? env.MESH_MAX_PARTICIPANTS;
  if (autoThreshold > env.MESH_MAX_PARTICIPANTS) {
    throw new ConfigError(
      `AUTO_SFU_THRESHOLD: must be at most MESH_MAX_PARTICIPANTS (${env.MESH_MAX_PARTICIPANTS}).`,
    );
  }
  const engine = env.SEARCH_ENGINE === 'auto' ? database.driver : env.SEARCH_ENGINE;
  const origins = env.CORS_ORIGINS.trim();
  return {
    env: env.NODE_ENV,
    production,
    host: env.HOST,
    port: env.PORT,
    publicUrl: env.PUBLIC_URL,
    database: {
      ...database,
      runMigrations: env.DATABASE_MIGRATIONS_RUN,
    },
    auth: {
      jwtSecret,
      accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL,
      refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL,
      joinTokenMaxTtlSeconds: env.JOIN_TOKEN_MAX_TTL,
      sessionRefreshLeadSeconds: env.SESSION_REFRESH_LEAD,
      adminSecret: env.ADMIN_SECRET ?? null,
      passwordHash: {
        memoryKiB: env.PASSWORD_HASH_MEMORY_KIB,
        iterations: env.PASSWORD_HASH_ITERATIONS,
        parallelism: env.PASSWORD_HASH_PARALLELISM,
      },
    },
    rateLimits: {
      login: env.RATE_LIMIT_LOGIN,
      loginPerIp: env.RATE_LIMIT_LOGIN_IP,
      register: env.RATE_LIMIT_REGISTER,
      refresh: env.RATE_LIMIT_REFRESH,
      joinTokens: env.RATE_LIMIT_JOIN_TOKENS,
      hostApi: env.RATE_LIMIT_HOST_API,
      connect: env.RATE_LIMIT_CONNECT,
      socketRequests: env.RATE_LIMIT_SOCKET_REQUESTS,
      chat: env.RATE_LIMIT_CHAT,
      search: env.RATE_LIMIT_SEARCH,
      quality: env.RATE_LIMIT_QUALITY,
    },
    http: {
      bodyLimitBytes: env.HTTP_BODY_LIMIT,
      corsOrigins:
        origins === '*'
          ? '*'
          : origins
              .split(',')
              .map((o) => o.trim())
              .filter(Boolean),
      trustProxy: env.TRUST_PROXY,
      serveDemo: env.SERVE_DEMO,
    },
    logLevel: env.LOG_LEVEL,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    rooms: {
      meshMaxParticipants: env.MESH_MAX_PARTICIPANTS,
      reconnectGraceMs: env.RECONNECT_GRACE_SECONDS * 1000,
    },
    ice: {
      stunUrls: env.ICE_STUN_URLS,
      turnUrls: env.TURN_URLS,
      turnSecret: env.TURN_SECRET,
      turnCredentialTtlSeconds: env.TURN_CREDENTIAL_TTL,
    },
    chat: { maxLength: env.CHAT_MAX_LENGTH },
    search: {
      engine,
      elasticsearch: env.ELASTICSEARCH_URL
        ? { url: env.ELASTICSEARCH_URL, index: env.ELASTICSEARCH_INDEX }
        : null,
    },
    redis: env.REDIS_URL ? { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX } : null,
    presence: { timeoutMs: env.PRESENCE_TIMEOUT_SECONDS * 1000 },
    nodeId:
      env.NODE_ID ?? `${hostname().slice(0, 40)}-${process.pid}-${randomBytes(3).toString('hex')}`,
    sfu: {
      enabled: env.SFU_ENABLED,
      workerBin: env.MEDIASOUP_WORKER_BIN ?? null,
      workerCacheDir:
        env.MINIMEET_MEDIASOUP_CACHE_DIR ??
        join(
          env.XDG_CACHE_HOME ?? join(env.HOME ?? homedir(), '.cache'),
          'minimeet',
          'mediasoup-worker',
        ),
      workers: env.SFU_WORKERS ?? null,
      listenIp: env.SFU_LISTEN_IP,
      announcedAddress: env.SFU_ANNOUNCED_ADDRESS ?? null,
      webRtcServerPort: env.SFU_WEBRTC_SERVER_PORT ?? null,
      rtcMinPort: env.SFU_RTC_MIN_PORT,
      rtcMaxPort: env.SFU_RTC_MAX_PORT,
      maxParticipants: env.SFU_MAX_PARTICIPANTS,
      maxIncomingBitrate: env.SFU_MAX_INCOMING_BITRATE,
      autoThreshold,
      meshReturnMs: env.AUTO_MESH_RETURN_SECONDS * 1000,
    },
    webhooks: {
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
      disableAfterFailures: env.WEBHOOK_DISABLE_AFTER_FAILURES,
      rotationGraceMs: env.WEBHOOK_ROTATION_GRACE_SECONDS * 1000,
      pollMs: env.WEBHOOK_POLL_MS,
      allowPrivateUrls: env.WEBHOOK_ALLOW_PRIVATE_URLS ?? !production,
    },
    analytics: {
      enabled: env.ANALYTICS_ENABLED,
      storeNames: env.ANALYTICS_STORE_NAMES,
      sessionRetentionMs: env.ANALYTICS_SESSION_RETENTION_DAYS * DAY_MS,
      sampleRetentionMs: env.ANALYTICS_SAMPLE_RETENTION_DAYS * DAY_MS,
      maxBacklog: env.ANALYTICS_MAX_BACKLOG,
      streamMaxLength: env.ANALYTICS_STREAM_MAXLEN,
      claimIdleMs: env.ANALYTICS_CLAIM_IDLE_MS,
    },
  };
}

const DAY_MS = 24 * 3600 * 1000;
