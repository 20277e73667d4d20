import { z } from 'zod';
import { ERROR_CODES, ErrorCode } from '../errors/catalogue';
import { hintSchema } from './hint';

/**
 * What an import did (IpamApi.importRecords, POST /v1/spaces/{space}/import), described in zod
 * for the HTTP service. Apart from the rows (./import.ts), which the engine and the `ipam`
 * command use without loading zod.
 */
const importOutcomeSchema = z.object({
  line: z.number().int().optional(),
  record: z.enum(['pool', 'allocation']),
  name: z.string().describe("the pool's name, or the allocation's owner"),
  pool: z.string().optional(),
  cidr: z.string().optional(),
  action: z.enum(['created', 'unchanged', 'refused']),
  code: z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]).describe('for a refused row: the error code').optional(),
  field: z.string().optional(),
  message: z.string().optional(),
  hint: hintSchema.optional(),
});
export type ImportOutcome = z.infer<typeof importOutcomeSchema>;

/** POST /v1/spaces/{space}/import: what an import did, row by row. */
export const importResultSchema = z
  .object({
    created: z.number().int(),
    unchanged: z.number().int(),
    refused: z.number().int(),
    written: z.boolean().describe('whether the accepted rows were written (false on a dry run, or when a row was refused without skipInvalid)'),
    outcomes: z.array(importOutcomeSchema).describe('every created and every refused row, in the order decided; unchanged rows are only counted'),
  })
  .describe('what an import did');
export type ImportResult = z.infer<typeof importResultSchema>;
