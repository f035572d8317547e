import type { MessageSearchPage } from '@minimeet/protocol';
import { z } from 'zod';
import { chatMessageSchema } from '../chat/chat.dto.js';

/** Schema of a {@link MessageSearchPage}, for the OpenAPI document. */
export const messageSearchPageSchema = z.object({
  items: z.array(
    z.object({
      message: chatMessageSchema,
      snippet: z
        .string()
        .describe(
          'Up to 20 words of the text around the first match, whitespace collapsed, `…` where it was cut. Plain text: render it as text.',
        ),
      highlights: z
        .array(z.tuple([z.number().int(), z.number().int()]))
        .describe('`[start, end)` offsets (UTF-16 code units) of the matches inside `snippet`.'),
    }),
  ),
  nextCursor: z
    .string()
    .nullable()
    .describe('Pass as `cursor` (with the same query) for the next page; null at the end.'),
}) satisfies z.ZodType<MessageSearchPage>;
