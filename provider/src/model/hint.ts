import { z } from 'zod';
import { Hint } from '../errors';

/**
 * The error catalogue's hints (errors/hints.ts) as data in a result, for what carries an error
 * without being one (an import's refused row): each face words it its own way, as it does an
 * error's. Written out kind by kind so a result's schema says exactly what a client may meet.
 */
export const hintSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('list-pools'), space: z.string() }),
    z.object({ kind: z.literal('list-slices'), namespace: z.string() }),
    z.object({ kind: z.literal('list-allocations'), space: z.string(), pool: z.string() }),
    z.object({ kind: z.literal('rename-or-update-pool'), space: z.string(), pool: z.string() }),
    z.object({ kind: z.literal('check-pool'), space: z.string(), pool: z.string() }),
    z.object({ kind: z.literal('label-pool'), space: z.string(), selector: z.string() }),
  ])
  .describe('what to ask next, as data for a client to word its own way');

// Both ways, so a hint kind added to the catalogue fails to compile until it is described here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const described: Same<z.infer<typeof hintSchema>, Hint> = true;
void described;
