export { PROTOCOL_VERSION } from './version.js';
export { ErrorCode } from './errors.js';
export type {
  AckResult,
  ConnectErrorCode,
  ConnectErrorData,
  ErrorBody,
  ErrorInfo,
  SessionEndReason,
  ValidationIssue,
} from './errors.js';
export type {
  ApiKeyInfo,
  AuthSession,
  ChangePasswordRequest,
  CreateApiKeyRequest,
  CreateJoinTokenRequest,
  CreatedApiKey,
  CreatedJoinToken,
  HealthResponse,
  JoinGrants,
  LoginRequest,
  RefreshRequest,
  RegisterRequest,
  RoomRole,
  UpdateProfileRequest,
  UserProfile,
} from './http.js';
export { ClientEvent, ServerEvent } from './events.js';
export type {
  Ack,
  AuthRefreshPayload,
  ClientEventName,
  ClientToServerEvents,
  HandshakeAuth,
  PingPayload,
  Principal,
  ServerEventName,
  ServerToClientEvents,
  SessionEndedPayload,
  SessionExpiringPayload,
  SessionInfo,
} from './events.js';
