import { Controller, Get, HttpCode, Inject, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ErrorCode,
  type LiveParticipantsResponse,
  type LobbySnapshot,
  type ModerationGrants,
  type ModerationStateResult,
  type MuteRequest,
  type RemoveRequest,
  type SendDataRequest,
  type UpdateRoomModerationRequest,
} from '@minimeet/protocol';
import {
  liveParticipantsResponseSchema,
  lobbyResponseSchema,
  moderationStateResultSchema,
  moderationGrantsSchema,
  mutedResponseSchema,
  muteRequestSchema,
  removeRequestSchema,
  sendDataRequestSchema,
  updateRoomModerationRequestSchema,
} from '@minimeet/protocol/schemas';
import { ApiErrors, ApiResult, BEARER_ERRORS, BODY_ERRORS } from '../common/openapi.js';
import { ValidBody } from '../common/zod-validation.js';
import { RateLimit, RateLimitGuard } from '../common/rate-limit.guard.js';
import { HostAuthGuard, hostCallerOf, Origin } from './host-auth.guard.js';
import { LobbyService } from './lobby.service.js';
import { ModerationService, type ModerationOrigin } from './moderation.service.js';

const HOST_ERRORS = [
  ...BEARER_ERRORS,
  ErrorCode.NotFound,
  ErrorCode.Forbidden,
  ErrorCode.RateLimited,
] as const;

/**
 * The room service for host apps (and hosts' own apps): manage a room's live call over REST with
 * an API key (HTTP Basic) or a token (Bearer). The caller must be an owner or moderator of the room;
 * an API key acts as its owner.
 */
@ApiTags('calls')
@ApiBasicAuth()
@ApiBearerAuth()
// In this order: the rate limit counts per API key or person, which the first guard establishes.
@UseGuards(HostAuthGuard, RateLimitGuard)
@RateLimit({ name: 'host-api', rule: (c) => c.rateLimits.hostApi, key: hostCallerOf })
@Controller('calls/:roomId')
export class ModerationController {
  constructor(
    @Inject(ModerationService) private readonly moderation: ModerationService,
    @Inject(LobbyService) private readonly lobbies: LobbyService,
  ) {}

  @Get('participants')
  @ApiOperation({ summary: 'Everyone in the call now, the room settings and raised hands.' })
  @ApiResult(200, liveParticipantsResponseSchema, 'The live call.')
  @ApiErrors(...HOST_ERRORS)
  participants(
    @Origin() origin: ModerationOrigin,
    @Param('roomId') roomId: string,
  ): Promise<LiveParticipantsResponse> {
    return this.moderation.live(origin, roomId);
  }

  @Post('participants/:participantId/mute')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Mute sources of a participant (it is told; it may unmute unless its grants forbid).',
  })
  @ApiResult(200, mutedResponseSchema, 'How many tracks were marked muted.')
  @ApiErrors(...HOST_ERRORS, ...BODY_ERRORS, ErrorCode.ParticipantNotFound)
  mute(
    @Origin() origin: ModerationOrigin,
    @Param('roomId') roomId: string,
    @Param('participantId') participantId: string,
    @ValidBody(muteRequestSchema) body: MuteRequest,
  ): Promise<{ muted: number }> {
    return this.moderation.mute(origin, roomId, participantId, body.sources);
  }

  @Post('mute-all')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mute sources of everyone but the hosts.' })
  @ApiResult(200, mutedResponseSchema, 'How many participants were muted.')
  @ApiErrors(...HOST_ERRORS, ...BODY_ERRORS)
  muteAll(
    @Origin() origin: ModerationOrigin,
    @Param('roomId') roomId: string,
    @ValidBody(muteRequestSchema) body: MuteRequest,
  ): Promise<{ muted: number }> {
    return this.moderation.muteAll(origin, roomId, body.sources);
  }

  @Post('participants/:participantId/remove')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove a participant, optionally barred from joining again for a time.',
  })
  @ApiResult(204, null, 'Removed.')
  @ApiErrors(...HOST_ERRORS, ...BODY_ERRORS, ErrorCode.ParticipantNotFound, ErrorCode.Conflict)
  async remove(
    @Origin() origin: ModerationOrigin,
    @Param('roomId') roomId: string,
    @Param('participantId') participantId: string,
    @ValidBody(removeRequestSchema) body: RemoveRequest,
  ): Promise<void> {
    await this.moderation.remove(origin, roomId, participantId, body);
  }

  @Patch('participants/:participantId/grants')
  @HttpCode(204)
  @ApiOperation({ summary: "Change a participant's grants; enforced at once." })
  @ApiResult(204, null, 'Changed.')
  @ApiErrors(...HOST_ERRORS, ...BODY_ERRORS, ErrorCode.ParticipantNotFound, ErrorCode.Conflict)
  async grants(
    @Origin() origin: ModerationOrigin,
    @Param('roomId') roomId: string,
    @Param('participantId') participantId: string,
    @ValidBody(moderationGrantsSchema) body: ModerationGrants,
  ): Promise<void> {
    await this.moderation.changeGrants(origin, roomId, participantId, body);
  }

  @Patch('moderation')
  @ApiOperation({ summary: 'Lock or unlock the room; turn its lobby on or off.' })
  @ApiResult(200, moderationStateResultSchema, 'The settings now, and raised hands.')
  @ApiErrors(...HOST_ERRORS, ...BODY_ERRORS)
  room(
    @Origin() origin: ModerationOrigin,
    @Param('roomId') roomId: string,
    @ValidBody(updateRoomModerationRequestSchema) body: UpdateRoomModerationRequest,
  ): Promise<ModerationStateResult> {
    return this.moderation.updateRoom(origin, roomId, body);
  }

  @Get('lobby')
  @ApiOperation({ summary: "Who waits in the room's lobby, longest first." })
  @ApiResult(200, lobbyResponseSchema, 'The lobby.')
  @ApiErrors(...HOST_ERRORS)
  lobby(
    @Origin() origin: ModerationOrigin,
    @Param('roomId') roomId: string,
  ): Promise<LobbySnapshot> {
    return this.lobbies.list(origin, roomId);
  }

  @Post('lobby/:entryId/admit')
  @HttpCode(204)
  @ApiOperation({ summary: 'Let a waiter in.' })
  @ApiResult(204, null, 'Admitted.')
  @ApiErrors(...HOST_ERRORS)
  async admit(
    @Origin() origin: ModerationOrigin,
    @Param('roomId') roomId: string,
    @Param('entryId') entryId: string,
  ): Promise<void> {
    await this.lobbies.decide(origin, roomId, entryId, true);
  }

  @Post('lobby/:entryId/deny')
  @HttpCode(204)
  @ApiOperation({ summary: 'Turn a waiter away.' })
  @ApiResult(204, null, 'Denied.')
  @ApiErrors(...HOST_ERRORS)
  async deny(
    @Origin() origin: ModerationOrigin,
    @Param('roomId') roomId: string,
    @Param('entryId') entryId: string,
  ): Promise<void> {
    await this.lobbies.decide(origin, roomId, entryId, false);
  }

  @Post('end')
  @HttpCode(204)
  @ApiOperation({ summary: 'End the call for everyone.' })
  @ApiResult(204, null, 'Ended.')
  @ApiErrors(...HOST_ERRORS)
  async end(@Origin() origin: ModerationOrigin, @Param('roomId') roomId: string): Promise<void> {
    await this.moderation.endCall(origin, roomId);
  }

  @Post('data')
  @HttpCode(204)
  @ApiOperation({ summary: 'Send a data message (`room_data`) to everyone in the call.' })
  @ApiResult(204, null, 'Sent.')
  @ApiErrors(...HOST_ERRORS, ...BODY_ERRORS)
  async data(
    @Origin() origin: ModerationOrigin,
    @Param('roomId') roomId: string,
    @ValidBody(sendDataRequestSchema) body: SendDataRequest,
  ): Promise<void> {
    await this.moderation.sendData(origin, roomId, body);
  }
}
