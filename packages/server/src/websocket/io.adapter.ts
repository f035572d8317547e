import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '../config/config.js';

/** Socket.IO server options from configuration rather than from static decorator arguments. */
export class MinimeetIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const origins = this.config.http.corsOrigins;
    return super.createIOServer(port, {
      ...options,
      serveClient: false,
      // Payloads are small JSON; anything bigger is a mistake or an attack.
      maxHttpBufferSize: 64 * 1024,
      pingInterval: 10_000,
      pingTimeout: 5_000,
      cors: { origin: origins === '*' ? '*' : origins },
    }) as Server;
  }
}
