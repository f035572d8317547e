import { z } from 'zod';

/** Query of `GET /api/webhooks/:id/deliveries`. */
export const deliveriesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** The validated {@link deliveriesQuerySchema}. */
export type DeliveriesQuery = z.output<typeof deliveriesQuerySchema>;
