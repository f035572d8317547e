import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { toErrorResponse } from './error-response.js';
import { requestContext, ROOT_LOGGER } from './logger.js';
import { AppError } from './app-error.js';

/** Turns every error of an HTTP request into `{ error: { code, message } }`; never a stack trace. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(@Inject(ROOT_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    const requestId = requestContext.getStore()?.requestId;
    const { status, body, unexpected } = toErrorResponse(exception, requestId);
    if (unexpected) {
      this.logger.error({ err: exception, method: req.method, path: req.path }, 'request failed');
    }
    if (exception instanceof AppError && exception.details?.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(exception.details.retryAfterSeconds));
    }
    if (res.headersSent) return;
    res.status(status).json(body);
  }
}
