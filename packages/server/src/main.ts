import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { serveDemo } from './common/demo-assets.js';
import { configureHttp } from './common/http-setup.js';
import { createRootLogger, JsonLogger } from './common/logger.js';
import { SERVER_VERSION } from './common/version.js';
import { ConfigError, loadConfig, type AppConfig } from './config/config.js';
import { MinimeetIoAdapter } from './websocket/io.adapter.js';
import { isEntryPoint } from './common/entry-point.js';

export { ConfigError, loadConfig } from './config/config.js';
export type { AppConfig } from './config/config.js';

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** Environment variables; defaults to `process.env`. */
  env?: Record<string, string | undefined>;
}

/** A started server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** The port actually bound (useful with PORT=0). */
  port: number;
  /** The validated configuration. */
  config: AppConfig;
  /** The Nest application, for tests that need a provider. */
  app: NestExpressApplication;
  /** Closes sockets, the HTTP server and the database, in that order. */
  close(): Promise<void>;
}

/** Builds and starts the server from an environment; rejects with {@link ConfigError} on bad config. */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const config = loadConfig(options.env);
  const logger = createRootLogger(config.logLevel);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), {
    bodyParser: false,
    logger: new JsonLogger(logger),
    forceCloseConnections: true,
  });
  configureHttp(app, config, logger);
  app.setGlobalPrefix('api');
  app.useWebSocketAdapter(new MinimeetIoAdapter(app, config));
  mountOpenApi(app);
  if (config.http.serveDemo) serveDemo(app, logger);

  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  logger.info(
    { url, database: config.database.driver, env: config.env, version: SERVER_VERSION },
    'minimeet server listening',
  );
  return { url, port: address.port, config, app, close: () => app.close() };
}

function mountOpenApi(app: NestExpressApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('minimeet')
      .setDescription(
        'REST API of the minimeet server. Errors are always `{ error: { code, message, details? } }`.',
      )
      .setVersion(SERVER_VERSION)
      .addBearerAuth()
      .addBasicAuth()
      .addGlobalResponse({
        status: 500,
        description:
          'internal_error: an unexpected failure; `error.details.requestId` finds it in the logs.',
      })
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
}

/**
 * Runs the server as the process's main program: exits 78 on bad configuration, and on SIGTERM or
 * SIGINT closes sockets, HTTP and the database within SHUTDOWN_TIMEOUT_MS.
 */
export async function runServerProcess(env?: Record<string, string | undefined>): Promise<void> {
  let server: RunningServer;
  try {
    server = await startServer(env ? { env } : {});
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    const listenError = err as NodeJS.ErrnoException & { address?: string; port?: number };
    if (listenError.code === 'EADDRINUSE' || listenError.code === 'EACCES') {
      const where = `${listenError.address ?? 'the address'}:${listenError.port ?? '?'}`;
      process.stderr.write(
        listenError.code === 'EADDRINUSE'
          ? `minimeet cannot listen on ${where}: another program already uses that port. ` +
              `Stop it, or choose another port: PORT=8080 npm start\n`
          : `minimeet may not listen on ${where} (a port below 1024 needs privileges). ` +
              `Choose another port: PORT=8080 npm start\n`,
      );
      process.exit(1);
    }
    throw err;
  }
  const logger: Logger = createRootLogger(server.config.logLevel);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, server.config.shutdownTimeoutMs);
    force.unref();
    server.close().then(
      () => {
        logger.info('shutdown complete');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A promise that one request forgot to handle must not take every other connection down.
  process.on('unhandledRejection', (reason) =>
    logger.error({ err: reason }, 'unhandled rejection'),
  );
}

if (isEntryPoint(import.meta.url)) {
  runServerProcess().catch((err: unknown) => {
    process.stderr.write(
      `minimeet failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  });
}
