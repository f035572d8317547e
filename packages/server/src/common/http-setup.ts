import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { ErrorCode } from '@minimeet/protocol';
import type { AppConfig } from '../config/config.js';
import { toErrorResponse } from './error-response.js';
import { requestContext } from './logger.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Express-level plumbing that must run before Nest's routing: request ids and access logs, the
 * JSON body parser with its size limit, and the error shape for bodies that never reach a route.
 */
export function configureHttp(app: INestApplication, config: AppConfig, logger: Logger): void {
  const expressApp = app as NestExpressApplication;
  expressApp.disable('x-powered-by');
  if (config.http.trustProxy) expressApp.set('trust proxy', true);
  expressApp.enableCors({
    origin: config.http.corsOrigins === '*' ? '*' : config.http.corsOrigins,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
  });

  expressApp.use((req: Request, res: Response, next: NextFunction) => {
    const given = req.header('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      // The path only: query strings may carry things that do not belong in logs.
      logger.info(
        {
          requestId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          durationMs: Math.round(durationMs * 10) / 10,
        },
        'http request',
      );
    });
    requestContext.run({ requestId }, next);
  });

  expressApp.use((req: Request, res: Response, next: NextFunction) => {
    const hasBody =
      Number(req.header('content-length') ?? 0) > 0 ||
      req.header('transfer-encoding') !== undefined;
    if (
      BODY_METHODS.has(req.method) &&
      hasBody &&
      req.path.startsWith('/api') &&
      !req.is('application/json')
    ) {
      res.status(415).json({
        error: {
          code: ErrorCode.UnsupportedMediaType,
          message: 'Send the request body as application/json.',
        },
      });
      return;
    }
    next();
  });
  // Not strict: any JSON value parses, so that `null`, a number or a string reaches the route's
  // validation and is refused as `validation_failed` (valid JSON of the wrong shape); only text
  // that is not JSON at all is `invalid_json`.
  expressApp.use(
    express.json({ limit: config.http.bodyLimitBytes, strict: false, type: 'application/json' }),
  );
  expressApp.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const { status, body, unexpected } = toErrorResponse(err, requestContext.getStore()?.requestId);
    if (unexpected) logger.error({ err }, 'request failed before routing');
    res.status(status).json(body);
  });
}
