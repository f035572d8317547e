import type {
  ErrorCode,
  MuteSource,
  ParticipantPermissions,
  SfuRtpCapabilities,
} from '@minimeet/protocol';
import {
  errorCodeSchema,
  muteSourceSchema,
  participantInfoSchema,
} from '@minimeet/protocol/schemas';
import { z } from 'zod';
import { AppError } from '../common/app-error.js';

/** The client requests of the SFU signalling (each answered by the node whose router holds the room). */
export type SfuRequestName =
  | 'sfu_set_capabilities'
  | 'sfu_create_transport'
  | 'sfu_connect_transport'
  | 'sfu_produce'
  | 'sfu_close_producer'
  | 'sfu_pause_producer'
  | 'sfu_resume_producer'
  | 'sfu_resume_consumer'
  | 'sfu_pause_consumer'
  | 'sfu_request_key_frame'
  | 'sfu_set_preferred_layers'
  | 'sfu_restart_ice';

const SFU_REQUEST_NAMES = [
  'sfu_set_capabilities',
  'sfu_create_transport',
  'sfu_connect_transport',
  'sfu_produce',
  'sfu_close_producer',
  'sfu_pause_producer',
  'sfu_resume_producer',
  'sfu_resume_consumer',
  'sfu_pause_consumer',
  'sfu_request_key_frame',
  'sfu_set_preferred_layers',
  'sfu_restart_ice',
] as const satisfies readonly SfuRequestName[];

/**
 * Who asks, as the node holding its socket found it in the shared call state: the router's node
 * trusts this (it came over the deployment's own Redis), never the client's word.
 */
export interface SfuCaller {
  roomId: string;
  peerId: string;
  /** The socket it asked on; events reach it there through the Socket.IO adapter. */
  socketId: string;
  permissions: ParticipantPermissions;
}

/** What the router's node does once the answer has reached the client (so that events follow it). */
export type SfuFollowUp =
  { kind: 'consume_all'; peerId: string } | { kind: 'consume_producer'; producerId: string };

/** A message to the node whose router holds a room. */
export type SfuMessage =
  /** A client's SFU request; `payload` is validated again against its protocol schema there. */
  | { op: 'request'; name: SfuRequestName; caller: SfuCaller; payload: unknown }
  /** The room's router capabilities (opening the router). */
  | { op: 'router_capabilities'; roomId: string }
  /** Runs what a request left for after its answer. */
  | { op: 'follow_up'; roomId: string; followUp: SfuFollowUp }
  /** A host muted sources of a participant: pause its producers of them. */
  | { op: 'muted'; roomId: string; participantId: string; sources: MuteSource[] }
  /** A participant's permissions changed: close what it may no longer publish or receive. */
  | {
      op: 'permissions';
      roomId: string;
      participantId: string;
      permissions: ParticipantPermissions;
    }
  /** A participant resumed on another socket. */
  | { op: 'resumed'; roomId: string; participantId: string; socketId: string }
  /** A participant left the call for good. */
  | { op: 'left'; roomId: string; participantId: string }
  /** The room was deleted. */
  | { op: 'close_room'; roomId: string };

/** The answer of the router's node. */
export type SfuAnswer =
  | { ok: true; result: object; followUp?: SfuFollowUp }
  | { ok: false; error: { code: ErrorCode; message: string } };

/** What serves messages on the router's node (the SFU's room side). */
export type SfuMessageHandler = (message: SfuMessage) => Promise<SfuAnswer>;

const permissionsSchema = participantInfoSchema.shape.permissions;
const idSchema = z.string().min(1).max(200);
const followUpSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('consume_all'), peerId: idSchema }),
  z.object({ kind: z.literal('consume_producer'), producerId: idSchema }),
]) satisfies z.ZodType<SfuFollowUp>;

/** Schema of {@link SfuMessage}, checked on every message that arrives from another node. */
export const sfuMessageSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('request'),
    name: z.enum(SFU_REQUEST_NAMES),
    caller: z.object({
      roomId: idSchema,
      peerId: idSchema,
      socketId: idSchema,
      permissions: permissionsSchema,
    }),
    payload: z.unknown(),
  }),
  z.object({ op: z.literal('router_capabilities'), roomId: idSchema }),
  z.object({ op: z.literal('follow_up'), roomId: idSchema, followUp: followUpSchema }),
  z.object({
    op: z.literal('muted'),
    roomId: idSchema,
    participantId: idSchema,
    sources: z.array(muteSourceSchema),
  }),
  z.object({
    op: z.literal('permissions'),
    roomId: idSchema,
    participantId: idSchema,
    permissions: permissionsSchema,
  }),
  z.object({
    op: z.literal('resumed'),
    roomId: idSchema,
    participantId: idSchema,
    socketId: idSchema,
  }),
  z.object({ op: z.literal('left'), roomId: idSchema, participantId: idSchema }),
  z.object({ op: z.literal('close_room'), roomId: idSchema }),
]) satisfies z.ZodType<SfuMessage>;

/** Schema of {@link SfuAnswer}, checked on every answer that arrives from another node. */
export const sfuAnswerSchema = z.union([
  z.object({
    ok: z.literal(true),
    result: z.object({}).passthrough(),
    followUp: followUpSchema.optional(),
  }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: errorCodeSchema, message: z.string() }),
  }),
]) satisfies z.ZodType<SfuAnswer>;

/**
 * Carries SFU messages to the node whose router holds a room: on one node that is this one; with
 * several, the node of the room's first SFU request, recorded in Redis, which answers over Redis
 * (request and response, with a timeout). Events go back to the clients straight from the router's
 * node through the Socket.IO adapter. See docs/server/scaling.md.
 */
export interface SfuRelay {
  /** Registers this node's handler of the rooms whose router it holds (once, at start). */
  serve(handler: SfuMessageHandler): void;
  /**
   * Sends a message to the room's router node and resolves with its answer. With `claim`, a room
   * without a router node gets this one; without, a message for such a room answers `ok` unread.
   * A node that does not answer in time is `sfu_unavailable`.
   */
  send(roomId: string, message: SfuMessage, claim: boolean): Promise<SfuAnswer>;
  /** This node no longer holds the room's router (its call ended). */
  release(roomId: string): Promise<void>;
  /**
   * Takes over the rooms whose router was on a node that stopped, and returns them: their routers
   * are re-created here. Each room goes to one node only.
   */
  takeOver(nodeId: string): Promise<string[]>;
  /** Calls `listener` with a node that handed its rooms over as it shut down; returns an unsubscribe. */
  onHandover(listener: (nodeId: string) => void): () => void;
  /** Stops serving (and, with several nodes, hands this node's rooms over to the others). */
  close(): Promise<void>;
}

/** DI token of the {@link SfuRelay} port. */
export const SFU_RELAY = Symbol('SFU_RELAY');

/** The {@link SfuRelay} of a single node: every room's router is here. */
export class LocalSfuRelay implements SfuRelay {
  private handler: SfuMessageHandler | null = null;

  serve(handler: SfuMessageHandler): void {
    this.handler = handler;
  }

  send(_roomId: string, message: SfuMessage): Promise<SfuAnswer> {
    if (!this.handler) return Promise.resolve({ ok: true, result: {} });
    return this.handler(message);
  }

  release(): Promise<void> {
    return Promise.resolve();
  }

  takeOver(): Promise<string[]> {
    return Promise.resolve([]);
  }

  onHandover(): () => void {
    return () => undefined;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The router capabilities of a room, through the relay: what joins and topology switches need. */
export async function routerCapabilitiesVia(
  relay: SfuRelay,
  roomId: string,
): Promise<SfuRtpCapabilities> {
  const answer = await relay.send(roomId, { op: 'router_capabilities', roomId }, true);
  return (unwrap(answer) as { routerRtpCapabilities: SfuRtpCapabilities }).routerRtpCapabilities;
}

/** An answer's result, or the error it carries thrown as the `AppError` it was. */
export function unwrap(answer: SfuAnswer): object {
  if (answer.ok) return answer.result;
  throw new AppError(answer.error.code, answer.error.message);
}
