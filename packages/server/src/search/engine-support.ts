/** Small pieces every search engine adapter shares. */
import { ErrorCode } from '@minimeet/protocol';
import { z } from 'zod';
import { AppError } from '../common/app-error.js';

/**
 * How deep relevance-sorted results go (hits). Relevance pages by offset, and an engine ranks
 * every match to answer; past this depth there is no next page.
 */
export const RELEVANCE_DEPTH = 1000;

/** The answer to a cursor this server did not give out (or gave out for another engine). */
export function unknownCursor(): AppError {
  return new AppError(ErrorCode.ValidationFailed, 'Query is invalid: cursor: unknown cursor.', {
    issues: [{ path: 'cursor', message: 'Not a cursor this server gave out.' }],
  });
}

/** Parses an engine's own position out of a client's cursor, or refuses it. */
export function positionOf<T>(schema: z.ZodType<T>, after: unknown): T | undefined {
  if (after === undefined) return undefined;
  const parsed = schema.safeParse(after);
  if (!parsed.success) throw unknownCursor();
  return parsed.data;
}

/** A relevance position: how many hits came before. */
export const offsetSchema = z.number().int().min(0).max(RELEVANCE_DEPTH);

/** The offset of the next relevance page, or null when there is none (or it is too deep). */
export function nextOffset(offset: number, returned: number, more: boolean): number | null {
  const next = offset + returned;
  return more && next < RELEVANCE_DEPTH ? next : null;
}

/** A LIKE pattern that finds `text` anywhere, with `\` as the escape character. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
