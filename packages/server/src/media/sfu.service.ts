import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ErrorCode } from '@minimeet/protocol';
import type { Logger } from 'pino';
import { AppError } from '../common/app-error.js';
import { EventBus } from '../common/event-bus.js';
import { ROOT_LOGGER } from '../common/logger.js';
import type { ClientPayload, RealtimeClient, RealtimeTransport } from '../common/realtime.js';
import { CallService } from '../calls/call.service.js';
import { CallTopology } from '../calls/call-topology.js';
import { SfuRooms } from './sfu-rooms.js';
import {
  SFU_RELAY,
  unwrap,
  type SfuMessage,
  type SfuRelay,
  type SfuRequestName,
} from './sfu-relay.js';

/** SFU requests that need the call on the SFU now (the others name media that already exists). */
const NEEDS_SFU: ReadonlySet<SfuRequestName> = new Set([
  'sfu_set_capabilities',
  'sfu_create_transport',
  'sfu_produce',
]);

/**
 * The SFU side of calls, on the node that holds the caller's socket: who asks (its participant in
 * its own current call only, found in the shared call state), whether the call runs on the SFU
 * now, and whether its grants let it open a transport of that direction. The request then goes
 * through the {@link SfuRelay} to the node whose router holds the room ({@link SfuRooms}, on this
 * node or another), and what the server's internal events say about the call (leaves, resumes,
 * mutes, permission changes, deleted rooms) follows the same way. A node that stopped or shut down
 * hands its rooms to the others, which re-create them and tell their clients to set up again.
 */
@Injectable()
export class SfuService implements OnApplicationShutdown {
  private readonly unsubscribe: Array<() => void>;

  constructor(
    @Inject(SFU_RELAY) private readonly relay: SfuRelay,
    @Inject(SfuRooms) private readonly rooms: SfuRooms,
    @Inject(CallService) private readonly calls: CallService,
    @Inject(CallTopology) private readonly topology: CallTopology,
    @Inject(EventBus) events: EventBus,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.unsubscribe = [
      events.on('call.left', ({ roomId, participantId }) =>
        this.tell(roomId, { op: 'left', roomId, participantId }),
      ),
      events.on('call.resumed', ({ roomId, participantId, socketId }) =>
        this.tell(roomId, { op: 'resumed', roomId, participantId, socketId }),
      ),
      events.on('room.deleted', ({ roomId }) => this.tell(roomId, { op: 'close_room', roomId })),
      events.on('moderation.muted', ({ roomId, participantId, sources }) =>
        this.tell(roomId, { op: 'muted', roomId, participantId, sources }),
      ),
      events.on('call.permissions_changed', ({ roomId, participantId, permissions }) =>
        this.tell(roomId, { op: 'permissions', roomId, participantId, permissions }),
      ),
      events.on('node.down', ({ nodeId }) => this.takeOver(nodeId)),
      relay.onHandover((nodeId) => void this.takeOver(nodeId)),
    ];
  }

  /** Connects the service to the sockets. */
  attach(transport: RealtimeTransport): void {
    this.rooms.attach(transport);
  }

  /**
   * One SFU request of a client: checked here, answered by the room's router node; what it leaves
   * for after the answer (consumers for the others) runs once the client has the answer.
   */
  async request<E extends SfuRequestName>(
    client: RealtimeClient,
    name: E,
    payload: ClientPayload<E>,
  ): Promise<object> {
    const { roomId } = payload;
    const record = await this.calls.participantOf(client.socketId, roomId);
    if (
      NEEDS_SFU.has(name) &&
      (await this.topology.liveOf(roomId, record.room.topology)) !== 'sfu'
    ) {
      throw new AppError(
        ErrorCode.Conflict,
        `The call of room ${roomId} runs on mesh now; SFU requests wait for call_topology_changed.`,
      );
    }
    const { permissions } = record.info;
    if (name === 'sfu_create_transport') {
      const { direction } = payload as ClientPayload<'sfu_create_transport'>;
      if (direction === 'send' && !permissions.canPublish) {
        throw new AppError(ErrorCode.Forbidden, 'You may not publish media in this room.');
      }
      if (direction === 'recv' && !permissions.canSubscribe) {
        throw new AppError(ErrorCode.Forbidden, "You may not receive others' media in this room.");
      }
    }
    const caller = { roomId, peerId: record.info.id, socketId: client.socketId, permissions };
    const answer = await this.relay.send(roomId, { op: 'request', name, caller, payload }, true);
    const result = unwrap(answer);
    const followUp = answer.ok ? answer.followUp : undefined;
    if (followUp) {
      client.afterReply(() => void this.tell(roomId, { op: 'follow_up', roomId, followUp }));
    }
    return result;
  }

  onApplicationShutdown(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** Sends a notice to the room's router node, if it has one; a failure is logged. */
  private async tell(roomId: string, message: SfuMessage): Promise<void> {
    try {
      const answer = await this.relay.send(roomId, message, false);
      if (!answer.ok) {
        this.logger.warn({ roomId, op: message.op, error: answer.error }, 'an SFU notice failed');
      }
    } catch (err) {
      this.logger.warn({ err, roomId, op: message.op }, 'an SFU notice could not be sent');
    }
  }

  /** Rooms whose router was on a node that stopped come here, and their clients set up again. */
  private async takeOver(nodeId: string): Promise<void> {
    const moved = await this.relay.takeOver(nodeId);
    if (moved.length > 0) {
      this.logger.warn({ node: nodeId, rooms: moved.length }, 'taking over SFU rooms of a node');
      await this.rooms.rehome(moved);
    }
  }
}
