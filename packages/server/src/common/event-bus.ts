import { Injectable, Logger } from '@nestjs/common';
import type {
  ChatMessage,
  ChatMessageChange,
  ClientInfo,
  MuteSource,
  ParticipantPermissions,
} from '@minimeet/protocol';

/**
 * The server's internal events. Side effects such as analytics and (later) presence subscribe here
 * instead of being injected into the services that cause them.
 */
export interface ServerEvents {
  'user.registered': { userId: string };
  'user.logged_in': { userId: string };
  'user.logged_out': { userId: string };
  'user.password_changed': { userId: string };
  /** An operator disabled the account; its sessions have ended. */
  'user.disabled': { userId: string };
  /** An operator enabled a disabled account again. */
  'user.enabled': { userId: string };
  'auth.refresh_reused': { userId: string; familyId: string };
  'api_key.revoked': { keyId: string; userId: string };
  'socket.connected': {
    connectionId: string;
    principalId: string;
    principalKind: 'user' | 'guest';
  };
  /** The server is ending a connection because its token expired and was not refreshed. */
  'socket.token_expired': { connectionId: string };
  'socket.disconnected': {
    connectionId: string;
    principalId: string;
    reason: string;
    durationMs: number;
  };
  /** A room's settings changed over REST. */
  'room.updated': { roomId: string };
  /** A room was deleted; its call must end. */
  'room.deleted': { roomId: string };
  /** A member's role in a room changed over REST. */
  'room.member_updated': { roomId: string; userId: string; role: 'owner' | 'moderator' | 'member' };
  /** A user became a member of a room (joined it, redeemed an invite, or entered its call). */
  'room.member_added': { roomId: string; userId: string; role: 'owner' | 'moderator' | 'member' };
  /** A user stopped being a member of a room (removed by a moderator, or left it). */
  'room.member_removed': { roomId: string; userId: string };
  /** A participant entered a room's call (not emitted again when it resumes). */
  'call.joined': {
    roomId: string;
    participantId: string;
    principalId: string;
    principalKind: 'user' | 'guest';
    /** The call session it joined (see `ParticipantRecord.sessionId`). */
    sessionId: string;
    /** True when it was the first: its join started the session. */
    sessionStarted: boolean;
    /** The socket it joined on (a socket of this node). */
    socketId: string;
    /** The display name it joined with (analytics keeps it only when told to). */
    displayName: string;
    /** What the SDK said of itself in `join_room` (families only), or null. */
    client: ClientInfo | null;
    topology: 'mesh' | 'sfu';
    /** How long the join took on the server, from the request to the seat, in ms. */
    latencyMs: number;
  };
  /** A participant left a room's call for good. */
  'call.left': {
    roomId: string;
    participantId: string;
    principalId: string;
    sessionId: string;
    reason: 'left' | 'timeout' | 'room_closed' | 'removed';
    durationMs: number;
    /** The socket it was bound to last (a socket of the node that emits this), when known. */
    socketId?: string;
  };
  /** A `join_room` (not a resume) was refused; `reason` is the error code the caller got. */
  'call.join_failed': {
    roomId: string;
    principalId: string;
    principalKind: 'user' | 'guest';
    reason: string;
    latencyMs: number;
  };
  /**
   * A participant's permissions changed during its call (a host changed its grants, or a token
   * refresh brought new ones); `permissions` are in force. The SFU listens to close the producers
   * of sources it may no longer publish, and its consumers when it may no longer receive.
   */
  'call.permissions_changed': {
    roomId: string;
    participantId: string;
    permissions: ParticipantPermissions;
  };
  /**
   * A server node of several stopped without handing over (or this node restarted under its id):
   * its participants went into grace; what else it held (SFU routers) must be taken over. Emitted
   * on the one node that handled it.
   */
  'node.down': { nodeId: string };
  /** A participant's connection dropped: it is in its reconnect grace period. */
  'call.reconnecting': { roomId: string; participantId: string; sessionId: string };
  /** A participant in its grace period resumed on a new connection (`socketId`). */
  'call.resumed': { roomId: string; participantId: string; sessionId: string; socketId: string };
  /** The server relayed one signalling message between two participants of a call. */
  'call.signal_relayed': {
    roomId: string;
    kind: 'webrtc_offer' | 'webrtc_answer' | 'ice_candidate' | 'media_moved';
  };
  /** A chat message was stored (after it is durable, before or while it is broadcast). */
  'chat.message_created': { message: ChatMessage };
  /** A stored chat message was edited, deleted or reacted to; `message` is as it is now. */
  'chat.message_updated': { message: ChatMessage; change: ChatMessageChange };
  /**
   * A host muted sources of a participant (marked muted in the call state). The SFU listens to
   * pause the participant's producers of those sources, so a client that ignores it is cut off;
   * the participant may resume them while it may still publish them.
   */
  'moderation.muted': { roomId: string; participantId: string; sources: MuteSource[] };
  /**
   * A host changed a participant's grants; `permissions` are in force (the call service has also
   * announced `call.permissions_changed`, which is what the SFU enforces).
   */
  'moderation.grants_changed': {
    roomId: string;
    participantId: string;
    permissions: ParticipantPermissions;
  };
  /** A host acted (for analytics): who, on whom, what. */
  'moderation.action': ModerationActionEvent;
}

/** Host actions recorded for analytics. */
export type ModerationActionKind =
  | 'mute'
  | 'mute_all'
  | 'ask_unmute'
  | 'remove'
  | 'grants'
  | 'lock'
  | 'unlock'
  | 'lobby_on'
  | 'lobby_off'
  | 'admit'
  | 'deny'
  | 'end_call'
  | 'lower_hand'
  | 'data';

/** Payload of `moderation.action`. */
export interface ModerationActionEvent {
  roomId: string;
  action: ModerationActionKind;
  /** The host's principal id, or null when a host app's backend acted with its API key. */
  actorPrincipalId: string | null;
  /** The API key a host app's backend used, or null. */
  apiKeyId: string | null;
  /** The participant acted on, or null. */
  targetParticipantId: string | null;
  /** The principal acted on (a removed participant, a lobby waiter), or null. */
  targetPrincipalId: string | null;
}

/** Name of a {@link ServerEvents} event. */
export type ServerEventName = keyof ServerEvents;

/**
 * In-process typed event bus. A listener that throws is logged and never breaks the emitter or the
 * other listeners.
 */
@Injectable()
export class EventBus {
  private readonly listeners = new Map<
    ServerEventName,
    Set<(payload: never) => void | Promise<void>>
  >();
  private readonly logger = new Logger('EventBus');

  /** Publishes an event to every listener. */
  emit<K extends ServerEventName>(name: K, payload: ServerEvents[K]): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        const result: unknown = (listener as (p: ServerEvents[K]) => unknown)(payload);
        if (result instanceof Promise) result.catch((err: unknown) => this.report(name, err));
      } catch (err) {
        this.report(name, err);
      }
    }
  }

  /** Subscribes; returns a function that unsubscribes. */
  on<K extends ServerEventName>(
    name: K,
    listener: (payload: ServerEvents[K]) => void | Promise<void>,
  ): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  private report(name: string, err: unknown): void {
    this.logger.error(
      `listener of ${name} failed: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
