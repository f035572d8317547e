import {
  ErrorCode,
  type AuthSession,
  type ChangePasswordRequest,
  type ErrorBody,
  type LoginRequest,
  type RegisterRequest,
  type UpdateProfileRequest,
  type UserProfile,
} from '@minimeet/protocol';
import { resolveAuthClientOptions } from '../defaults.js';
import { MinimeetError, SdkErrorCode } from '../errors.js';
import { AuthEvent, type AuthClientCallbacks } from '../events.js';
import type {
  AuthClientOptions,
  ResolvedAuthClientOptions,
  TokenProvider,
  TokenRequest,
} from '../options.js';
import { TypedEmitter } from '../utils/TypedEmitter.js';
import { basePath, parseServerUrl } from '../utils/url.js';

// Answers to /refresh that mean the refresh token is spent: the user has to sign in again.
const SIGNED_OUT_CODES: ReadonlySet<string> = new Set([
  ErrorCode.TokenInvalid,
  ErrorCode.TokenExpired,
  ErrorCode.TokenReused,
  ErrorCode.AccountDisabled,
]);

type HttpMethod = 'GET' | 'POST' | 'PATCH';

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const { error } = value as { error?: unknown };
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

function isAuthSession(value: unknown): value is AuthSession {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return (
    typeof s.accessToken === 'string' &&
    typeof s.accessTokenExpiresAt === 'string' &&
    typeof s.refreshToken === 'string' &&
    typeof s.refreshTokenExpiresAt === 'string' &&
    typeof s.user === 'object' &&
    s.user !== null
  );
}

interface NavigatorWithLocks {
  locks?: { request<T>(name: string, callback: () => Promise<T>): Promise<T> };
}

/**
 * A small client of the server's account API: register, log in, refresh, log out, and the
 * signed-in user's profile. It keeps the session in memory (and in `storage` when given) and
 * hands out valid access tokens through {@link AuthClient.tokenProvider}, refreshing them shortly
 * before they expire; concurrent callers share one refresh.
 *
 * @example
 * ```ts
 * const auth = createAuthClient('https://meet.example.com');
 * await auth.login({ email, password });
 * await createClient().connect('https://meet.example.com', auth.tokenProvider);
 * ```
 */
export class AuthClient extends TypedEmitter<AuthClientCallbacks> {
  /**
   * Resolves with a valid access token, refreshing it first when it expires within
   * `refreshMarginMs`; pass it to `MinimeetClient.connect()`. Rejects with a
   * {@link MinimeetError} coded `unauthorized` when nobody is signed in.
   */
  readonly tokenProvider: TokenProvider = (request) => this.getAccessToken(request);

  private readonly options: ResolvedAuthClientOptions;
  private readonly apiBase: string;
  private current: AuthSession | undefined;
  private restored: Promise<void> | undefined;
  private refreshing: Promise<AuthSession> | undefined;

  /** Creates a client of the server at `serverUrl`; throws TypeError on a bad argument. */
  constructor(serverUrl: string, options: AuthClientOptions = {}) {
    super();
    const url = parseServerUrl(serverUrl, 'serverUrl', ['http:', 'https:']);
    this.apiBase = `${url.origin}${basePath(url)}/api`;
    this.options = resolveAuthClientOptions(options);
  }

  /** The signed-in session, or undefined; call `restore()` first when using storage. */
  get session(): AuthSession | undefined {
    return this.current;
  }

  /** The signed-in user's profile as of the last sign-in or refresh, or undefined. */
  get user(): UserProfile | undefined {
    return this.current?.user;
  }

  /** Loads the session saved in `storage`, once; resolves with it, or undefined when there is none. */
  async restore(): Promise<AuthSession | undefined> {
    this.restored ??= this.load();
    await this.restored;
    return this.current;
  }

  /** Creates an account and signs in with it; rejects with `email_taken` or `validation_failed`. */
  async register(input: RegisterRequest): Promise<AuthSession> {
    checkObject(input, 'input');
    await this.restore();
    return this.adopt(await this.send<AuthSession>('POST', '/auth/register', input));
  }

  /** Signs in with email and password; rejects with `invalid_credentials` when they do not match. */
  async login(input: LoginRequest): Promise<AuthSession> {
    checkObject(input, 'input');
    await this.restore();
    return this.adopt(await this.send<AuthSession>('POST', '/auth/login', input));
  }

  /**
   * Exchanges the refresh token for a new session; concurrent calls share one request. When the
   * server says the refresh token is spent, the client signs out and rethrows.
   */
  refresh(): Promise<AuthSession> {
    this.refreshing ??= this.refreshOnce().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /**
   * Signs out: forgets the session here at once, then revokes its refresh token on the server;
   * rejects if the server could not be told, though the local session is gone either way.
   */
  async logout(): Promise<void> {
    await this.restore();
    const session = this.current;
    if (!session) return;
    await this.setSession(undefined);
    await this.send<undefined>('POST', '/auth/logout', { refreshToken: session.refreshToken });
  }

  /**
   * Resolves with a valid access token; see {@link AuthClient.tokenProvider}. For a connection's
   * `refresh` it exchanges the refresh token unless it already holds a token that outlives the
   * connection's current one.
   */
  async getAccessToken(request?: TokenRequest): Promise<string> {
    await this.restore();
    const session = this.current;
    if (!session) throw new MinimeetError(ErrorCode.Unauthorized, 'Nobody is signed in.');
    const expiresAt = Date.parse(session.accessTokenExpiresAt);
    const stale =
      request?.reason === 'refresh' &&
      request.currentExpiresAt !== undefined &&
      expiresAt <= Date.parse(request.currentExpiresAt);
    if (!stale && expiresAt - Date.now() > this.options.refreshMarginMs) return session.accessToken;
    return (await this.refresh()).accessToken;
  }

  /** Fetches the signed-in user's profile. */
  async getProfile(): Promise<UserProfile> {
    return this.authorized<UserProfile>('GET', '/users/me');
  }

  /** Changes the signed-in user's display name or avatar and resolves with the new profile. */
  async updateProfile(input: UpdateProfileRequest): Promise<UserProfile> {
    checkObject(input, 'input');
    const profile = await this.authorized<UserProfile>('PATCH', '/users/me', input);
    if (this.current) await this.setSession({ ...this.current, user: profile });
    return profile;
  }

  /**
   * Changes the password. The server signs the user out everywhere else; this client adopts the
   * new session it returns. Rejects with `invalid_credentials` for a wrong current password.
   */
  async changePassword(input: ChangePasswordRequest): Promise<AuthSession> {
    checkObject(input, 'input');
    return this.adopt(await this.authorized<AuthSession>('POST', '/auth/password', input));
  }

  private async refreshOnce(): Promise<AuthSession> {
    await this.restore();
    const session = this.current;
    if (!session) throw new MinimeetError(ErrorCode.Unauthorized, 'Nobody is signed in.');
    // Another tab sharing the storage may refresh at the same moment; a refresh token works only
    // once, so tabs take turns and adopt what the other one stored.
    const locks = (globalThis.navigator as NavigatorWithLocks | undefined)?.locks;
    if (this.options.storage && locks) {
      return locks.request(`minimeet-auth:${this.options.storageKey}`, () =>
        this.refreshShared(session),
      );
    }
    return this.exchange(session);
  }

  private async refreshShared(session: AuthSession): Promise<AuthSession> {
    const stored = await this.readStorage();
    if (
      stored &&
      stored.refreshToken !== session.refreshToken &&
      Date.parse(stored.accessTokenExpiresAt) - Date.now() > this.options.refreshMarginMs
    ) {
      await this.setSession(stored, false);
      return stored;
    }
    return this.exchange(session);
  }

  private async exchange(session: AuthSession): Promise<AuthSession> {
    let next: AuthSession;
    try {
      next = await this.send<AuthSession>('POST', '/auth/refresh', {
        refreshToken: session.refreshToken,
      });
    } catch (error) {
      if (
        error instanceof MinimeetError &&
        SIGNED_OUT_CODES.has(error.code) &&
        this.current === session
      ) {
        await this.setSession(undefined);
      }
      throw error;
    }
    // A login or logout that finished meanwhile wins over this refresh of the older session.
    if (this.current !== session) {
      if (this.current) return this.current;
      throw new MinimeetError(ErrorCode.Unauthorized, 'Signed out while refreshing.');
    }
    return this.adopt(next);
  }

  private async authorized<T>(method: HttpMethod, path: string, body?: object): Promise<T> {
    const token = await this.getAccessToken();
    try {
      return await this.send<T>(method, path, body, token);
    } catch (error) {
      // The server's clock may run ahead of ours: refresh once and retry.
      if (!(error instanceof MinimeetError) || error.code !== ErrorCode.TokenExpired) throw error;
      const fresh = await this.refresh();
      return this.send<T>(method, path, body, fresh.accessToken);
    }
  }

  private async adopt(value: AuthSession): Promise<AuthSession> {
    if (!isAuthSession(value)) {
      throw new MinimeetError(SdkErrorCode.InvalidResponse, 'The server sent a malformed session.');
    }
    await this.setSession(value);
    return value;
  }

  private async setSession(session: AuthSession | undefined, persist = true): Promise<void> {
    this.current = session;
    const { storage, storageKey } = this.options;
    if (storage && persist) {
      if (session) await storage.set(storageKey, JSON.stringify(session));
      else await storage.remove(storageKey);
    }
    this.emit(AuthEvent.SessionChanged, session ?? null);
  }

  private async load(): Promise<void> {
    const stored = await this.readStorage();
    if (stored && !this.current && Date.parse(stored.refreshTokenExpiresAt) > Date.now()) {
      await this.setSession(stored, false);
    }
  }

  private async readStorage(): Promise<AuthSession | undefined> {
    const { storage, storageKey } = this.options;
    if (!storage) return undefined;
    const raw = await storage.get(storageKey);
    if (!raw) return undefined;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (isAuthSession(parsed)) return parsed;
    } catch {
      // Not ours, or damaged: treated as no session, and overwritten at the next sign-in.
    }
    return undefined;
  }

  private async send<T>(
    method: HttpMethod,
    path: string,
    body?: object,
    accessToken?: string,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (accessToken !== undefined) headers.authorization = `Bearer ${accessToken}`;
    const controller = new AbortController();
    const { requestTimeoutMs } = this.options;
    const timer = setTimeout(() => controller.abort(), requestTimeoutMs);
    try {
      let response: Response;
      let text: string;
      try {
        response = await this.options.fetch(`${this.apiBase}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: controller.signal,
        });
        text = await response.text();
      } catch (error) {
        if (controller.signal.aborted) {
          throw new MinimeetError(
            SdkErrorCode.Timeout,
            `The server did not answer ${method} ${path} within ${requestTimeoutMs} ms.`,
            { cause: error },
          );
        }
        throw new MinimeetError(
          SdkErrorCode.NetworkError,
          `Could not reach the server for ${method} ${path}.`,
          { cause: error },
        );
      }
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      if (response.ok) return parsed as T;
      if (isErrorBody(parsed)) throw MinimeetError.fromInfo(parsed.error, response.status);
      throw new MinimeetError(
        SdkErrorCode.InvalidResponse,
        `The server answered ${method} ${path} with HTTP ${response.status}.`,
        { status: response.status },
      );
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Creates an {@link AuthClient} for the server at `serverUrl`; throws TypeError on misuse. */
export function createAuthClient(serverUrl: string, options?: AuthClientOptions): AuthClient {
  return new AuthClient(serverUrl, options);
}

function checkObject(value: unknown, name: string): void {
  if (typeof value !== 'object' || value === null)
    throw new TypeError(`${name} must be an object.`);
}
