import type { LeaveReason } from '@minimeet/protocol';
import type { Logger } from 'pino';
import type { EventBus } from '../common/event-bus.js';
import type { ParticipantRecord } from './call-state.js';
import type { CallTransport, EventPayload } from './call-transport.js';
import type { GraceStore, RelayedSignal } from './grace-store.js';

/**
 * What the others in a call hear of a participant, and what the event bus hears: updates, leaves
 * (which also drop the participant's reconnect queue) and relayed signals.
 */
export class CallAnnouncer {
  constructor(
    private readonly transport: () => CallTransport,
    private readonly events: EventBus,
    private readonly graces: GraceStore,
    private readonly logger: Logger,
  ) {}

  /** Tells the others a participant is gone and publishes `call.left`. */
  left(record: ParticipantRecord, reason: LeaveReason): void {
    this.forget(record);
    this.transport().toRoom(record.roomId, record.socketId, 'participant_left', {
      roomId: record.roomId,
      participantId: record.info.id,
      reason,
    });
    this.emitLeft(record, reason);
  }

  /** Publishes `call.left` only (the others learn of it otherwise, e.g. the room closed). */
  emitLeft(record: ParticipantRecord, reason: LeaveReason): void {
    this.events.emit('call.left', {
      roomId: record.roomId,
      participantId: record.info.id,
      principalId: record.info.principalId,
      sessionId: record.sessionId,
      reason,
      durationMs: Date.now() - record.joinedAtMs,
      socketId: record.socketId,
    });
  }

  /** Publishes `call.reconnecting`: the participant's connection dropped. */
  reconnecting(record: ParticipantRecord): void {
    this.events.emit('call.reconnecting', {
      roomId: record.roomId,
      participantId: record.info.id,
      sessionId: record.sessionId,
    });
  }

  /** Publishes `call.resumed`: the participant is back on a new connection. */
  resumed(record: ParticipantRecord): void {
    this.events.emit('call.resumed', {
      roomId: record.roomId,
      participantId: record.info.id,
      sessionId: record.sessionId,
      socketId: record.socketId,
    });
  }

  /** Tells the room (but `except`) how a participant is now. */
  updated(record: ParticipantRecord, except: string | null): void {
    const payload: EventPayload<'participant_updated'> = {
      roomId: record.roomId,
      participant: record.info,
    };
    this.transport().toRoom(record.roomId, except, 'participant_updated', payload);
  }

  /** Hands a relayed signal to the socket of its addressee. */
  deliver(socketId: string, signal: RelayedSignal): void {
    switch (signal.event) {
      case 'ice_candidate':
        this.transport().toSocket(socketId, 'ice_candidate', signal.payload);
        break;
      case 'media_moved':
        this.transport().toSocket(socketId, 'media_moved', signal.payload);
        break;
      case 'webrtc_offer':
      case 'webrtc_answer':
        this.transport().toSocket(socketId, signal.event, signal.payload);
    }
  }

  /** Drops a participant's reconnect queue (it left for good). */
  forget(record: ParticipantRecord): void {
    void this.graces
      .end(record.roomId, record.info.id)
      .catch((err: unknown) =>
        this.logger.warn(
          { err, roomId: record.roomId, participantId: record.info.id },
          'dropping a reconnect queue failed',
        ),
      );
  }
}
