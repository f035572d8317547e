import { applyDecorators } from '@nestjs/common';
import { ApiResponse, type SchemaObject } from '@nestjs/swagger';
import { ErrorCode } from '@minimeet/protocol';
import { errorBodySchema, errorInfoSchema } from '@minimeet/protocol/schemas';
import { z, type ZodType } from 'zod';
import { statusOf } from './app-error.js';

/**
 * An OpenAPI 3.0 schema of a zod schema. Input mode, so that documented answers do not forbid
 * fields a later server may add.
 */
export function jsonSchemaOf(schema: ZodType): SchemaObject {
  return z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'openapi-3.0',
  }) as SchemaObject;
}

// What each code means to a caller of the REST API, for the descriptions of error responses.
const MEANING: Record<ErrorCode, string> = {
  [ErrorCode.ValidationFailed]:
    'the body does not match its schema; `details.issues` lists each problem',
  [ErrorCode.InvalidJson]: 'the body is not valid JSON',
  [ErrorCode.PayloadTooLarge]: 'the body is larger than the server accepts',
  [ErrorCode.UnsupportedMediaType]: 'the body is not `application/json`',
  [ErrorCode.NotFound]: 'no such resource',
  [ErrorCode.Unauthorized]: 'no credentials, or unusable ones',
  [ErrorCode.InvalidCredentials]: 'unknown email or wrong password (the same answer for both)',
  [ErrorCode.TokenMissing]: 'no token',
  [ErrorCode.TokenInvalid]: 'the token is malformed, forged, of the wrong kind or revoked',
  [ErrorCode.TokenExpired]: 'the token has expired',
  [ErrorCode.TokenReused]: 'the refresh token was already used; its whole family is now revoked',
  [ErrorCode.SessionRevoked]:
    'the session of this access token has ended (logout, a password change, a reused refresh token); sign in again',
  [ErrorCode.AccountDisabled]: 'an operator disabled the account',
  [ErrorCode.Forbidden]: 'not allowed to do this',
  [ErrorCode.EmailTaken]: 'the email address already belongs to an account',
  [ErrorCode.RateLimited]:
    'too many requests; retry after `details.retryAfterSeconds` (also the `Retry-After` header)',
  [ErrorCode.ProtocolMismatch]: 'the client speaks another protocol version',
  [ErrorCode.ServerShutdown]: 'the server is shutting down',
  [ErrorCode.ServiceUnavailable]: 'a dependency is unavailable',
  [ErrorCode.InternalError]: 'an unexpected failure; `details.requestId` finds it in the logs',
  [ErrorCode.Conflict]: "the request conflicts with the resource's current state",
  [ErrorCode.RoomPasswordRequired]:
    'the room needs its password (or an invite) and none or a wrong one was given',
  [ErrorCode.InviteInvalid]: 'the invite code is unknown, expired, revoked or used up',
  [ErrorCode.RoomFull]: 'the room holds as many participants as its capacity allows',
  [ErrorCode.NotInRoom]: 'the caller is not in that room on this connection',
  [ErrorCode.ParticipantNotFound]: "the addressed participant is not in the caller's room",
  [ErrorCode.FeatureUnavailable]: 'this server does not offer the feature',
  [ErrorCode.RoomLocked]: 'a host locked the room: only its owners and moderators may join',
  [ErrorCode.LobbyRequired]: 'the room admits the caller only through its lobby',
  [ErrorCode.SfuUnavailable]:
    'the room needs the SFU and this server has no media worker running (see `/api/health`)',
};

/** What reading a JSON body can fail with, before or while the route validates it. */
export const BODY_ERRORS = [
  ErrorCode.ValidationFailed,
  ErrorCode.InvalidJson,
  ErrorCode.PayloadTooLarge,
  ErrorCode.UnsupportedMediaType,
] as const;

/** What a route behind the access-token guard fails with when the bearer token is not good. */
export const BEARER_ERRORS = [
  ErrorCode.Unauthorized,
  ErrorCode.TokenInvalid,
  ErrorCode.TokenExpired,
  ErrorCode.SessionRevoked,
  ErrorCode.AccountDisabled,
] as const;

/**
 * `@ApiResult(status, schema, description)`: documents a route's successful answer with the zod
 * schema of its body, or `null` for an answer without one (204).
 */
export function ApiResult(
  status: number,
  schema: ZodType | null,
  description: string,
): MethodDecorator {
  return ApiResponse(
    schema ? { status, description, schema: jsonSchemaOf(schema) } : { status, description },
  );
}

/**
 * `@ApiErrors(...codes)`: documents every failure a route can answer with, one response per HTTP
 * status. Each lists its codes in the description and narrows `error.code` in the schema to them.
 * Give all of a route's codes in one call: a second call would replace responses of the same status.
 */
export function ApiErrors(...codes: readonly ErrorCode[]): MethodDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = statusOf(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const decorators = [...byStatus].map(([status, group]) => {
    const schema = errorBodySchema.extend({
      error: errorInfoSchema.extend({
        code: z
          .enum(group as [ErrorCode, ...ErrorCode[]])
          .describe('A stable machine-readable code.'),
      }),
    });
    const description = group.map((code) => `\`${code}\`: ${MEANING[code]}.`).join(' ');
    return ApiResponse({
      status,
      description,
      schema: jsonSchemaOf(schema),
      ...(group.includes(ErrorCode.RateLimited)
        ? {
            headers: {
              'Retry-After': {
                description: 'Seconds to wait before trying again.',
                schema: { type: 'integer', minimum: 1 },
              },
            },
          }
        : {}),
    });
  });
  return applyDecorators(...decorators);
}
