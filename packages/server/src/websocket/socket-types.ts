import type { ClientToServerEvents, Principal, ServerToClientEvents } from '@minimeet/protocol';
import type { Server, Socket } from 'socket.io';
import type { RequestBudget } from './request-budget.js';

/** What the server keeps on each authenticated socket. */
export interface SocketData {
  principal: Principal;
  tokenExpiresAt: Date;
  connectedAt: number;
  /** The connection's request allowance. */
  budget: RequestBudget;
  /** Set when a join token admitted the connection. */
  apiKeyId?: string;
  /** The session of the access token that admitted (or last refreshed) the connection. */
  sessionId?: string;
}

/** A typed minimeet socket. */
export type MinimeetSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

/** The typed Socket.IO server. */
export type MinimeetServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
