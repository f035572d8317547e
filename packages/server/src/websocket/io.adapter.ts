import type { Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { REDIS } from '../common/redis.js';
import type { AppConfig } from '../config/config.js';
import { coalesceWrites } from './coalesced-writes.js';

/**
 * Socket.IO server options from configuration rather than from static decorator arguments, and
 * WebSocket connections whose writes of one turn of the event loop leave together
 * ({@link coalesceWrites}). With
 * `REDIS_URL` set, the Socket.IO Redis Streams adapter carries every broadcast, every emit to a
 * socket id and every channel join or leave to the other nodes, so a socket on one node hears
 * what a request on another sends it.
 */
export class MinimeetIoAdapter extends IoAdapter {
  constructor(
    private readonly appContext: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(appContext);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const origins = this.config.http.corsOrigins;
    const server = super.createIOServer(port, {
      ...options,
      serveClient: false,
      // Payloads are small JSON; anything bigger is a mistake or an attack.
      maxHttpBufferSize: 64 * 1024,
      pingInterval: 10_000,
      pingTimeout: 5_000,
      cors: { origin: origins === '*' ? '*' : origins },
    }) as Server;
    // A WebSocket connection's writes of one turn of the event loop leave together.
    (this.httpServer as HttpServer | undefined)?.on('upgrade', (_req, socket: Duplex) =>
      coalesceWrites(socket),
    );
    const redis = this.config.redis
      ? this.appContext.get<typeof REDIS, Redis | null>(REDIS, { strict: false })
      : null;
    if (this.config.redis && redis) {
      const name = `${this.config.redis.keyPrefix}socket.io`;
      server.adapter(
        createAdapter(redis, {
          streamName: name,
          channelPrefix: name,
          // Every node reads the one stream; ~10,000 entries are seconds of a busy deployment's
          // signalling, far more than a node needs to catch up after a pause.
          maxLen: 10_000,
          readCount: 100,
          // A node that shuts down stops reading within this time.
          blockTimeInMs: 2_000,
          // Every payload is JSON; skip the search for binary data on each broadcast.
          onlyPlaintext: true,
        }),
      );
    }
    return server;
  }

  /**
   * The application closes the HTTP server and with it the sockets; the Redis adapter, which
   * reads the stream on connections of its own, is closed here (Nest skips `io.close()` when it
   * force-closes connections).
   */
  override async close(server: Parameters<IoAdapter['close']>[0]): Promise<void> {
    // Only the main namespace is used.
    if (this.config.redis) await server.of('/').adapter.close();
    return super.close(server);
  }
}
