import { Inject, Injectable } from '@nestjs/common';
import {
  askUnmutePayloadSchema,
  endCallPayloadSchema,
  lobbyDecisionPayloadSchema,
  lobbyKnockPayloadSchema,
  lobbyLeavePayloadSchema,
  lobbyListPayloadSchema,
  lowerHandPayloadSchema,
  moderationStatePayloadSchema,
  muteAllPayloadSchema,
  muteParticipantPayloadSchema,
  raiseHandPayloadSchema,
  removeParticipantPayloadSchema,
  updateGrantsPayloadSchema,
  updateRoomModerationPayloadSchema,
} from '@minimeet/protocol/schemas';
import type {
  RealtimeClient,
  RealtimeFeature,
  RealtimeTransport,
  RequestHandlers,
} from '../common/realtime.js';
import { LobbyService } from './lobby.service.js';
import { ModerationService, type ModerationOrigin } from './moderation.service.js';

/** The client events moderation answers. */
export type ModerationEventName =
  | 'moderation_mute'
  | 'moderation_mute_all'
  | 'moderation_ask_unmute'
  | 'moderation_remove'
  | 'moderation_grants'
  | 'moderation_room'
  | 'moderation_end_call'
  | 'moderation_state'
  | 'lobby_knock'
  | 'lobby_leave'
  | 'lobby_list'
  | 'lobby_admit'
  | 'lobby_deny'
  | 'hand_raise'
  | 'hand_lower';

const origin = (client: RealtimeClient): ModerationOrigin => ({
  kind: 'socket',
  socketId: client.socketId,
  principal: client.principal,
});

/**
 * Moderation over the socket: the gateway validates each payload with its schema and hands it
 * here; {@link ModerationService} decides (a host is a participant of the call whose role is
 * owner or moderator, checked on the server's own state) and does the work, {@link LobbyService}
 * for the lobby.
 */
@Injectable()
export class ModerationRealtime implements RealtimeFeature<ModerationEventName> {
  readonly handlers: RequestHandlers<ModerationEventName> = {
    moderation_mute: {
      schema: muteParticipantPayloadSchema,
      run: (c, p) => this.moderation.mute(origin(c), p.roomId, p.participantId, p.sources),
    },
    moderation_mute_all: {
      schema: muteAllPayloadSchema,
      run: (c, p) => this.moderation.muteAll(origin(c), p.roomId, p.sources),
    },
    moderation_ask_unmute: {
      schema: askUnmutePayloadSchema,
      run: (c, p) => this.moderation.askUnmute(origin(c), p.roomId, p.participantId, p.sources),
    },
    moderation_remove: {
      schema: removeParticipantPayloadSchema,
      run: (c, p) =>
        this.moderation.remove(origin(c), p.roomId, p.participantId, {
          ...(p.banSeconds !== undefined ? { banSeconds: p.banSeconds } : {}),
          ...(p.reason !== undefined ? { reason: p.reason } : {}),
        }),
    },
    moderation_grants: {
      schema: updateGrantsPayloadSchema,
      run: (c, p) => this.moderation.changeGrants(origin(c), p.roomId, p.participantId, p.grants),
    },
    moderation_room: {
      schema: updateRoomModerationPayloadSchema,
      run: (c, { roomId, ...patch }) => this.moderation.updateRoom(origin(c), roomId, patch),
    },
    moderation_end_call: {
      schema: endCallPayloadSchema,
      run: (c, p) => this.moderation.endCall(origin(c), p.roomId),
    },
    moderation_state: {
      schema: moderationStatePayloadSchema,
      run: (c, p) => this.moderation.moderationState(c.socketId, p.roomId),
    },
    lobby_knock: {
      schema: lobbyKnockPayloadSchema,
      run: (c, p) => this.lobby.knock(c.socketId, c.principal, p),
    },
    lobby_leave: {
      schema: lobbyLeavePayloadSchema,
      run: (c, p) => this.lobby.leave(c.socketId, p.roomId),
    },
    lobby_list: {
      schema: lobbyListPayloadSchema,
      run: (c, p) => this.lobby.list(origin(c), p.roomId),
    },
    lobby_admit: {
      schema: lobbyDecisionPayloadSchema,
      run: (c, p) => this.lobby.decide(origin(c), p.roomId, p.entryId, true),
    },
    lobby_deny: {
      schema: lobbyDecisionPayloadSchema,
      run: (c, p) => this.lobby.decide(origin(c), p.roomId, p.entryId, false),
    },
    hand_raise: {
      schema: raiseHandPayloadSchema,
      run: (c, p) => this.moderation.raiseHand(c.socketId, p.roomId, p.raised),
    },
    hand_lower: {
      schema: lowerHandPayloadSchema,
      run: (c, p) => this.moderation.lowerHand(origin(c), p.roomId, p.participantId),
    },
  };

  constructor(
    @Inject(ModerationService) private readonly moderation: ModerationService,
    @Inject(LobbyService) private readonly lobby: LobbyService,
  ) {}

  attach(transport: RealtimeTransport): void {
    this.moderation.attach(transport);
    this.lobby.attach(transport);
  }
}
