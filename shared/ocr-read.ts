/**
 * What OCR read in one output image, as the run database stores it (table `ocr_reads`, migration 2) and as the
 * UI and the reports receive it. One record per (image, expected text, engine version): a resumed run, or a
 * second pair with the same pixels, never reads the same image twice for the same question.
 *
 * Scores are not stored: they are computed from `lines` and the expected text by shared/text-metrics.ts
 * wherever they are shown, so a change of normalisation or thresholds applies to old runs without reading again.
 *
 * Isomorphic: no node:*, no DOM.
 */
import { z } from 'zod';
import { ImageIdSchema } from './model.ts';

/** An axis-aligned box in the image's own pixels (what the pane draws over the image). */
export const OcrBoxSchema = z
  .object({ x: z.number(), y: z.number(), width: z.number().min(0), height: z.number().min(0) })
  .strict();
export type OcrBox = z.infer<typeof OcrBoxSchema>;

export const OcrLineSchema = z
  .object({
    text: z.string().max(10_000),
    /** 0..1 as the engine reports it. */
    confidence: z.number(),
    box: OcrBoxSchema,
    /**
     * Set when a re-read decided this line: the whole-image read failed the check, the line's region (with a
     * margin) was read again and that read passed. The text here is what the whole-image read said, kept so the
     * replacement is visible (docs/text-check.md "Re-reading a failed line").
     */
    firstRead: z.string().max(10_000).optional(),
  })
  .strict();
export type OcrLine = z.infer<typeof OcrLineSchema>;

export const OcrReadSchema = z
  .object({
    imageId: ImageIdSchema,
    /** The expected text the read was made for, spans joined by a space (the engine may read regions for it). */
    expected: z.string(),
    /** Engine name and version, e.g. "ppocr-v4 1.4.8": part of the key, so a new engine reads again. */
    engine: z.string().min(1),
    lines: z.array(OcrLineSchema).max(2000),
    /** Size of the image the boxes refer to. */
    width: z.number().int().min(1),
    height: z.number().int().min(1),
    /** Engine time for this image (recognition only, in the worker), ms. */
    ms: z.number().min(0),
  })
  .strict();
export type OcrRead = z.infer<typeof OcrReadSchema>;

/** The key an OCR read is stored and looked up under. */
export function ocrReadKey(imageId: string, expected: string, engine: string): string {
  return JSON.stringify([imageId, expected, engine]);
}

/** The expected text of a turn as one string for OCR and scoring: its spans joined by a space (shared/text-metrics.ts). */
export function expectedTextOf(spans: readonly string[]): string {
  return spans.map((s) => s.trim()).filter((s) => s !== '').join(' ');
}

/** The recognised text of a read, line by line in the engine's reading order. */
export function recognizedTextOf(read: Pick<OcrRead, 'lines'>): string {
  return read.lines.map((l) => l.text).join('\n');
}
