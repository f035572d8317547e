/**
 * `@minimeet/sdk`: the framework-agnostic browser SDK of minimeet. Start with {@link createClient}
 * to connect and {@link createAuthClient} to sign in.
 *
 * @packageDocumentation
 */
export { MinimeetClient, createClient } from './client/MinimeetClient.js';
export { ConnectionState } from './client/ConnectionState.js';
export { AuthClient, createAuthClient } from './auth/AuthClient.js';
export { createWebAuthStorage } from './auth/AuthStorage.js';
export type { AuthStorage } from './auth/AuthStorage.js';
export { AuthEvent, ClientEvent } from './events.js';
export type { AuthClientCallbacks, ClientEventCallbacks } from './events.js';
export {
  ConnectionError,
  ConnectionErrorReason,
  InvalidStateError,
  MinimeetError,
  SdkErrorCode,
  UnsupportedError,
} from './errors.js';
export type { MinimeetErrorCode, MinimeetErrorOptions } from './errors.js';
export {
  DEFAULT_AUTH_CLIENT_OPTIONS,
  DEFAULT_CLIENT_OPTIONS,
  DEFAULT_RECONNECT_OPTIONS,
} from './defaults.js';
export type {
  AuthClientOptions,
  FetchLike,
  MinimeetClientOptions,
  ReconnectOptions,
  SignalTransport,
  TokenProvider,
  TokenRequest,
  TokenSource,
} from './options.js';
export { TypedEmitter } from './utils/TypedEmitter.js';
export type { EventMap } from './utils/TypedEmitter.js';
export { SDK_VERSION } from './version.js';

// The wire types an app meets through this SDK, so it needs no direct dependency on the protocol.
export { ErrorCode, PROTOCOL_VERSION } from '@minimeet/protocol';
export type {
  AuthSession,
  ChangePasswordRequest,
  ErrorInfo,
  JoinGrants,
  LoginRequest,
  Principal,
  RegisterRequest,
  RoomRole,
  SessionInfo,
  UpdateProfileRequest,
  UserProfile,
} from '@minimeet/protocol';
