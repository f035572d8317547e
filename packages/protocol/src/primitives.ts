/** Schema building blocks shared by every schema file of the contract. */
import { z } from 'zod';
import { ErrorCode, type ErrorInfo, type ValidationIssue } from './errors.js';

/**
 * Matches text without control characters, lone surrogates or bidi overrides: in a name, they would
 * let one user forge line breaks or reorder text in others' UIs, and a database would silently
 * replace lone surrogates.
 */
export const NO_CONTROL_CHARS = /^[^\p{Cc}\p{Cs}\u202a-\u202e\u2066-\u2069]*$/u;

/** A display name: 1 to 80 visible characters, no control characters. */
export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'Display name must not be empty.')
  .max(80, 'Display name must be at most 80 characters.')
  .regex(NO_CONTROL_CHARS, 'Display name must not contain control characters.');

/** An http(s) URL of at most 2048 characters. */
export const httpUrlSchema = z
  .string()
  .max(2048, 'URL must be at most 2048 characters.')
  .url({ protocol: /^https?$/, message: 'Must be an http or https URL.' });

/** A room id as host apps name rooms: letters, digits and `._:-`, 1 to 128 characters. */
export const roomIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
    'Room id must be 1 to 128 letters, digits or ._:- and start with a letter or digit.',
  );

/** Schema of a role in a room. */
export const roomRoleSchema = z.enum(['owner', 'moderator', 'member']);

/** An ISO 8601 UTC timestamp as the server writes it (`Date#toISOString()`). */
export const timestampSchema = z.iso.datetime();

/** Schema of an {@link ErrorCode}. */
export const errorCodeSchema = z.enum(ErrorCode).describe('A stable machine-readable code.');

/** Schema of {@link ValidationIssue}. */
export const validationIssueSchema = z.object({
  path: z.string().describe('Dotted path of the problem (`grants.room`), or `""` for the value.'),
  message: z.string().describe('What is wrong, in a sentence.'),
}) satisfies z.ZodType<ValidationIssue>;

/** Schema of {@link ErrorInfo}. */
export const errorInfoSchema = z.object({
  code: errorCodeSchema,
  message: z.string().describe('A human sentence; safe to show, never a stack trace.'),
  details: z
    .object({
      issues: z
        .array(validationIssueSchema)
        .optional()
        .describe('With `validation_failed`: every problem found.'),
      retryAfterSeconds: z
        .number()
        .int()
        .min(1)
        .optional()
        .describe('With `rate_limited`: seconds to wait, as in the Retry-After header.'),
      requestId: z
        .string()
        .optional()
        .describe("With `internal_error`: the request's id, which finds it in the server logs."),
      event: z
        .string()
        .optional()
        .describe(
          'With `error_notice`: the client event whose request failed (or the unknown event).',
        ),
    })
    .optional()
    .describe('Extra structured facts about the failure.'),
}) satisfies z.ZodType<ErrorInfo>;
