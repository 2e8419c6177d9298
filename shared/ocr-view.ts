/**
 * The text check of one side of a pair, as the UI and the reports show it (issue 11): what OCR read (lines and
 * boxes), the scores of shared/text-metrics.ts against the turn's expected text, pass/fail, the suggested tags and
 * the per-character alignment the pane highlights. Built from a stored OCR read (shared/ocr-read.ts) wherever it
 * is shown, through one function (`turnTextCheck`), so every screen and report scores the same read the same way
 * and with the same source text (`text.source_kept`).
 *
 * Isomorphic: no node:*, no DOM.
 */
import { z } from 'zod';
import type { Turn } from './model.ts';
import { OcrLineSchema, expectedTextOf, type OcrRead } from './ocr-read.ts';
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
    /** For an edit: the text the input image showed (the turn's source text), checked for `text.source_kept`. */
    source: z.string().optional(),
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

/**
 * Score a stored read against its expected text; with `sourceText` (the text the edit's input showed) a side that
 * still shows it is suggested `text.source_kept`. The read does not depend on the source text, only the scoring.
 */
export function sideTextCheck(read: OcrRead, options: { sourceText?: string; thresholds?: Partial<TextThresholds> } = {}): SideTextCheck {
  const source = options.sourceText === undefined || options.sourceText === '' ? undefined : options.sourceText;
  const r = checkText({
    expected: read.expected,
    lines: read.lines,
    ...(source === undefined ? {} : { sourceText: source }),
    ...(options.thresholds ? { thresholds: options.thresholds } : {}),
  });
  return {
    engine: read.engine,
    ms: read.ms,
    width: read.width,
    height: read.height,
    lines: read.lines,
    usedLines: r.usedLines,
    expected: read.expected,
    ...(source === undefined ? {} : { source }),
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

/** A run's stored reads by (image, expected text); the newest of each, whatever engine made it. */
export type OcrReadIndex = ReadonlyMap<string, OcrRead>;

export function indexOcrReads(reads: readonly OcrRead[] | undefined): OcrReadIndex {
  const byImage = new Map<string, OcrRead>();
  for (const r of reads ?? []) byImage.set(`${r.imageId}\n${r.expected}`, r);
  return byImage;
}

/**
 * The text check of one side's output for one turn of a run: the read of that image for the turn's expected text,
 * scored with the turn's source text. The one place a run's text check is made (the UI's pair views, the
 * reports, their CSV / JSON and summaries); null when the turn expects no text or the output was not read.
 */
export function turnTextCheck(reads: OcrReadIndex, imageId: string | null | undefined, turn: Pick<Turn, 'expectedText' | 'sourceText'>): SideTextCheck | null {
  const expected = expectedTextOf(turn.expectedText);
  if (!imageId || expected === '') return null;
  const read = reads.get(`${imageId}\n${expected}`);
  if (!read) return null;
  return sideTextCheck(read, { sourceText: expectedTextOf(turn.sourceText ?? []) });
}

/**
 * The suggestions still open on a side: suggested, not yet given as a tag on that side, not rejected.
 */
export function openSuggestions(check: SideTextCheck | null | undefined, given: readonly string[], dismissed: readonly string[]): string[] {
  if (!check) return [];
  return check.suggestedTags.filter((t) => !given.includes(t) && !dismissed.includes(t));
}
