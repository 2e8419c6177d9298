/**
 * tesseract.js (LSTM, eng + chi_sim "best_int" data from the npm packages @tesseract.js-data/*) as the second
 * engine: side by side in the bench, and for re-reading regions. Never the CDN: tesseract.js fetches its
 * language data from jsDelivr unless `langPath` names a folder, so the two packages' files are copied into one
 * folder (tesseract.js wants every language under one `langPath`) and `cacheMethod: 'none'` keeps it from
 * writing into the working directory. Whole-page Tesseract drops text over busy backgrounds while reporting
 * high confidence (review-anchors §5.1); it reads line crops well, hence `regions`.
 */
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
// Types only: tesseract.js itself is imported when an engine is created.
import type * as TesseractModule from 'tesseract.js';
import { SHARP_LIMITS } from '../store/image-limits.ts';
import { sortReadingOrder } from './ppocr.ts';
import { OcrUnavailableError, type OcrLine, type OcrReadOptions, type OcrResult } from './types.ts';

export interface TesseractOptions {
  /** Languages, default ['chi_sim', 'eng']. */
  langs?: string[];
  /** Folder to gather the language files in; default a folder under the OS temp directory. */
  dataDir?: string;
}

const LANG_PACKAGES: Record<string, string> = { eng: '@tesseract.js-data/eng', chi_sim: '@tesseract.js-data/chi_sim' };
/** Tesseract reads small text poorly; crops are scaled so a line is at least this tall. */
const MIN_LINE_HEIGHT = 48;

export interface TesseractOcr {
  read(image: string | Uint8Array, options?: OcrReadOptions): Promise<OcrResult>;
  close(): Promise<void>;
}

async function gatherLanguageData(langs: readonly string[], dataDir: string): Promise<void> {
  const require = createRequire(import.meta.url);
  await mkdir(dataDir, { recursive: true });
  for (const lang of langs) {
    const pkg = LANG_PACKAGES[lang];
    if (!pkg) throw new OcrUnavailableError(`no bundled Tesseract data for language "${lang}"`, `Use one of: ${Object.keys(LANG_PACKAGES).join(', ')}.`);
    const source = join(dirname(require.resolve(`${pkg}/package.json`)), '4.0.0_best_int', `${lang}.traineddata.gz`);
    const target = join(dataDir, `${lang}.traineddata.gz`);
    const [s, t] = await Promise.all([stat(source), stat(target).catch(() => null)]);
    if (!t || t.size !== s.size) await copyFile(source, target);
  }
}

export async function createTesseractOcr(options: TesseractOptions = {}): Promise<TesseractOcr> {
  const langs = options.langs ?? ['chi_sim', 'eng'];
  const dataDir = options.dataDir ?? join(tmpdir(), 'omni-review-tessdata');
  let worker: TesseractModule.Worker;
  let psm: typeof TesseractModule.PSM;
  try {
    await gatherLanguageData(langs, dataDir);
    const tesseract = await import('tesseract.js');
    psm = tesseract.PSM;
    worker = await tesseract.createWorker(langs, tesseract.OEM.LSTM_ONLY, { langPath: dataDir, cacheMethod: 'none', gzip: true });
    // Without a DPI, Tesseract guesses 25 dpi from PNG headers and warns; 300 is what it is trained around.
    await worker.setParameters({ user_defined_dpi: '300', preserve_interword_spaces: '1' });
  } catch (err) {
    if (err instanceof OcrUnavailableError) throw err;
    throw new OcrUnavailableError(
      `tesseract.js or its language data could not be loaded (${err instanceof Error ? err.message : String(err)})`,
      'Run `npm ci` in the project folder, or use the ppocr engine.',
    );
  }

  async function readRegion(png: Buffer, left: number, top: number, width: number, height: number): Promise<OcrLine | null> {
    // Upscale short lines: Tesseract's LSTM wants x-heights of 20 px or more.
    const scale = height < MIN_LINE_HEIGHT ? MIN_LINE_HEIGHT / height : 1;
    let crop = sharp(png).extract({ left, top, width, height });
    if (scale > 1) crop = crop.resize(Math.round(width * scale), Math.round(height * scale));
    const buf = await crop.png().toBuffer();
    await worker.setParameters({ tessedit_pageseg_mode: psm.SINGLE_BLOCK });
    const { data } = await worker.recognize(buf);
    const text = data.text.replace(/\s+/g, ' ').trim();
    if (!text) return null;
    return {
      text,
      confidence: data.confidence / 100,
      box: [
        [left, top],
        [left + width, top],
        [left + width, top + height],
        [left, top + height],
      ],
    };
  }

  return {
    async read(image: string | Uint8Array, readOptions: OcrReadOptions = {}): Promise<OcrResult> {
      const started = performance.now();
      const { data: png, info } = await sharp(image, SHARP_LIMITS).rotate().flatten({ background: '#ffffff' }).png({ compressionLevel: 1 }).toBuffer({ resolveWithObject: true });
      const lines: OcrLine[] = [];
      if (readOptions.regions && readOptions.regions.length > 0) {
        for (const r of readOptions.regions) {
          const left = Math.max(0, Math.floor(r.x));
          const top = Math.max(0, Math.floor(r.y));
          const width = Math.min(info.width - left, Math.ceil(r.width));
          const height = Math.min(info.height - top, Math.ceil(r.height));
          if (width < 2 || height < 2) continue;
          const line = await readRegion(png, left, top, width, height);
          if (line) lines.push(line);
        }
      } else {
        await worker.setParameters({ tessedit_pageseg_mode: psm.AUTO });
        const { data } = await worker.recognize(png, {}, { blocks: true });
        for (const block of data.blocks ?? []) {
          for (const para of block.paragraphs) {
            for (const line of para.lines) {
              const text = line.text.replace(/\s+/g, ' ').trim();
              if (!text) continue;
              const b = line.bbox;
              lines.push({
                text,
                confidence: line.confidence / 100,
                box: [
                  [b.x0, b.y0],
                  [b.x1, b.y0],
                  [b.x1, b.y1],
                  [b.x0, b.y1],
                ],
              });
            }
          }
        }
      }
      return { engine: 'tesseract', lines: sortReadingOrder(lines), width: info.width, height: info.height, ms: performance.now() - started };
    },
    async close(): Promise<void> {
      await worker.terminate();
    },
  };
}
