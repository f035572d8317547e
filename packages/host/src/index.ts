export {
  API_KEY_ID_PREFIX,
  API_KEY_SECRET_PREFIX,
  DEFAULT_JOIN_TOKEN_TTL_SECONDS,
  JoinTokenError,
  createJoinToken,
  privateKeyOf,
  publicKeyOf,
} from './join-token.js';
export type { ApiKeyCredentials } from './join-token.js';
export { MintJoinTokenError, mintJoinToken } from './rest.js';
export { RoomService, RoomServiceError } from './room-service.js';
export type {
  CreateJoinTokenRequest,
  CreatedJoinToken,
  JoinGrants,
  LiveParticipantsResponse,
  LobbyEntry,
  LobbySnapshot,
  ModerationGrants,
  ModerationStateResult,
  MuteSource,
  ParticipantInfo,
  RemoveRequest,
  RoomModeration,
  RoomRole,
  UpdateRoomModerationRequest,
} from '@minimeet/protocol';
