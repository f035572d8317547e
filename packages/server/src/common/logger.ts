import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';

/** Per-request context carried through async calls, so every log line of a request has its id. */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

// Field names whose values must never reach a log line.
const REDACT = [
  'password',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'authorization',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** Creates the process's structured JSON logger. */
export function createRootLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'minimeet' },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const ctx = requestContext.getStore();
      return ctx ? { requestId: ctx.requestId } : {};
    },
  });
}

/** Adapts pino to Nest's LoggerService so framework messages are JSON lines too. */
export class JsonLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, context?: string): void {
    this.pino.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.pino.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.pino.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.pino.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.pino.trace({ context }, String(message));
  }
  fatal(message: unknown, context?: string): void {
    this.pino.fatal({ context }, String(message));
  }
}

/** DI token of the root pino logger. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
