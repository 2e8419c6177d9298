/**
 * The text check of one side of a pair, as the UI and the reports show it (issue 11): what OCR read (lines and
 * boxes), the scores of shared/text-metrics.ts against the turn's expected text, pass/fail, the suggested tags and
 * the per-character alignment the pane highlights. Built from a stored OCR read (shared/ocr-read.ts) wherever it
 * is shown, so every screen and report scores the same read the same way.
 *
 * Isomorphic: no node:*, no DOM.
 */
import { z } from 'zod';
import { OcrLineSchema, type OcrRead } from './ocr-read.ts';
import { checkText, type TextThresholds } from './text-metrics.ts';

export const AlignStepSchema = z
  .object({
    op: z.enum(['match', 'wrong', 'missing', 'extra']),
    /** Offsets into `expected` (UTF-16) for match / wrong / missing. */
    expectedStart: z.number().int().optional(),
    expectedEnd: z.number().int().optional(),
    /** For `extra`: where in `expected` the extra character sits. */
    expectedAt: z.number().int().optional(),
    /** What was read in its place (wrong, extra). */
    recognized: z.string().optional(),
  })
  .strict();
export type AlignStep = z.infer<typeof AlignStepSchema>;

export const SideTextCheckSchema = z
  .object({
    engine: z.string(),
    /** OCR time of this image, ms. */
    ms: z.number(),
    /** Size of the image the boxes refer to. */
    width: z.number().int(),
    height: z.number().int(),
    lines: z.array(OcrLineSchema),
    /** Indexes into `lines` of the lines the scores use (the others are unrelated text in the picture). */
    usedLines: z.array(z.number().int()),
    expected: z.string(),
    /** The relevant lines' text, as scored. */
    recognized: z.string(),
    lang: z.enum(['zh', 'en', 'mixed']),
    cer: z.number(),
    ned: z.number(),
    wordAccuracy: z.number().nullable(),
    charAccuracy: z.number().nullable(),
    bagOfWordsRecall: z.number(),
    pass: z.boolean(),
    /** text.* tags the check suggests for this side; empty when it passes. */
    suggestedTags: z.array(z.string()),
    alignment: z.array(AlignStepSchema),
  })
  .strict();
export type SideTextCheck = z.infer<typeof SideTextCheckSchema>;

/** Score a stored read against its expected text. */
export function sideTextCheck(read: OcrRead, thresholds?: Partial<TextThresholds>): SideTextCheck {
  const r = checkText({ expected: read.expected, lines: read.lines, ...(thresholds ? { thresholds } : {}) });
  return {
    engine: read.engine,
    ms: read.ms,
    width: read.width,
    height: read.height,
    lines: read.lines,
    usedLines: r.usedLines,
    expected: read.expected,
    recognized: r.recognized,
    lang: r.lang,
    cer: r.cer,
    ned: r.ned,
    wordAccuracy: r.wordAccuracy,
    charAccuracy: r.charAccuracy,
    bagOfWordsRecall: r.bagOfWordsRecall,
    pass: r.pass,
    suggestedTags: [...r.tags],
    alignment: r.alignment.map((a) => ({
      op: a.op,
      ...(a.expectedStart === undefined ? {} : { expectedStart: a.expectedStart }),
      ...(a.expectedEnd === undefined ? {} : { expectedEnd: a.expectedEnd }),
      ...(a.expectedAt === undefined ? {} : { expectedAt: a.expectedAt }),
      // What was read, as OCR wrote it (the offsets point into the scored text), not its normalised form.
      ...(a.recognizedStart !== undefined && a.recognizedEnd !== undefined
        ? { recognized: r.recognized.slice(a.recognizedStart, a.recognizedEnd) }
        : a.recognized === undefined
          ? {}
          : { recognized: a.recognized }),
    })),
  };
}

/**
 * The suggestions still open on a side: suggested, not yet given as a tag on that side, not rejected.
 */
export function openSuggestions(check: SideTextCheck | null | undefined, given: readonly string[], dismissed: readonly string[]): string[] {
  if (!check) return [];
  return check.suggestedTags.filter((t) => !given.includes(t) && !dismissed.includes(t));
}
