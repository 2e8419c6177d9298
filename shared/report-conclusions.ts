/**
 * report.json's conclusions (issue 13): the headline and the per-category / per-language table, as
 * shared/headline.ts and shared/run-summary.ts compute them. Both are optional in the report (added after v1):
 * older report.json files stay readable, and a renderer falls back to computing them from the pairs.
 */
import { z } from 'zod';
import { CategorySchema } from './model.ts';

const ShareSchema = z
  .object({ k: z.number().int(), n: z.number().int(), rate: z.number().nullable(), lo: z.number().nullable(), hi: z.number().nullable() })
  .strict();

export const HeadlineSchema = z
  .object({
    speed: z.string(),
    review: z.string(),
    text: z.string().nullable(),
    full: z.string(),
    tone: z.enum(['a-faster', 'a-slower', 'even']).nullable(),
  })
  .strict();

const LatencyCellSchema = z.object({ n: z.number().int(), p50: z.number().nullable(), p95: z.number().nullable() }).strict();

export const SummaryRowSchema = z
  .object({
    key: z.string(),
    label: z.string(),
    kind: z.enum(['all', 'category', 'language', 'turn']),
    category: CategorySchema.nullable(),
    language: z.enum(['en', 'zh']).nullable(),
    turn: z.number().int().nullable(),
    pairs: z.number().int(),
    bothOk: z.number().int(),
    e2eMs: z.object({ A: LatencyCellSchema, B: LatencyCellSchema }).strict(),
    speedup: z.number().nullable(),
    judged: z.number().int(),
    rates: z.object({ A_better: ShareSchema, B_better: ShareSchema, tie: ShareSchema, both_bad: ShareSchema }).strict(),
    text: z.object({ A: ShareSchema, B: ShareSchema }).strict().nullable(),
    diffMedian: z.number().nullable(),
    ssimMedian: z.number().nullable(),
    errors: z.object({ A: z.number().int(), B: z.number().int() }).strict(),
  })
  .strict();
