import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkText } from '../../shared/text-metrics.ts';
import { createOcrEngine, defaultOcrPoolSize, type OcrEngine } from './engine.ts';
import { renderSign } from './test-sign.ts';
import { isOcrUnavailable } from './types.ts';

describe('createOcrEngine (PP-OCRv4 in worker threads)', () => {
  let engine: OcrEngine;
  let dir: string;
  beforeAll(async () => {
    engine = createOcrEngine({ size: 1 });
    dir = await mkdtemp(join(tmpdir(), 'omni-ocr-'));
  });
  afterAll(async () => {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads English and Chinese lines with boxes inside the image', async () => {
    const png = await renderSign(['GRAND OPENING', '欢迎光临']);
    const result = await engine.read(png);
    expect(result.engine).toBe('ppocr');
    expect(result.width).toBe(640);
    expect(result.height).toBe(320);
    const check = checkText({ expected: 'GRAND OPENING 欢迎光临', lines: result.lines });
    expect(check.pass, JSON.stringify(result.lines.map((l) => l.text))).toBe(true);
    for (const line of result.lines) {
      expect(line.confidence).toBeGreaterThan(0.5);
      for (const [x, y] of line.box) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(640);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThanOrEqual(320);
      }
    }
    // Reading order: the English line sits above the Chinese one.
    expect(result.lines[0]!.box[0][1]).toBeLessThan(result.lines.at(-1)!.box[0][1]);
  });

  it('with idleReleaseMs, stops its idle worker and reads the same lines with the fresh one', async () => {
    const releasing = createOcrEngine({ size: 1, idleReleaseMs: 20 });
    try {
      const png = await renderSign(['FRESH COFFEE', '新年快乐']);
      const before = await releasing.read(png);
      expect(releasing.workers).toBe(1);
      for (let i = 0; i < 500 && releasing.workers > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(releasing.workers).toBe(0);
      const after = await releasing.read(png);
      expect(releasing.workers).toBe(1);
      expect(after.lines).toEqual(before.lines);
      expect(checkText({ expected: 'FRESH COFFEE 新年快乐', lines: after.lines }).pass).toBe(true);
    } finally {
      await releasing.close();
    }
  });

  it('reads a file path and reports a misspelt sign as failing', async () => {
    const file = join(dir, 'typo.png');
    await writeFile(file, await renderSign(['FRESH COFEE']));
    const result = await engine.read(file);
    const check = checkText({ expected: 'FRESH COFFEE', lines: result.lines });
    expect(check.pass).toBe(false);
    expect(check.tags).toEqual(['text.misspelled']);
  });

  it('reads only the given regions when asked', async () => {
    const png = await renderSign(['OPEN', 'CLOSED']);
    // The second line's band (baselines at 84 and 168 px, font size 56).
    const result = await engine.read(png, { regions: [{ x: 20, y: 118, width: 400, height: 70 }] });
    expect(result.lines.map((l) => l.text.toUpperCase())).toEqual(['CLOSED']);
  });

  it('rejects an image that does not decode, and the worker lives on for the next read', async () => {
    await expect(engine.read(Buffer.from('not an image'))).rejects.toThrow(/unsupported image format|Input buffer/i);
    const ok = await engine.read(await renderSign(['SALE']));
    expect(ok.lines.map((l) => l.text.toUpperCase())).toContain('SALE');
  });

  it('keeps the main thread free while it reads', async () => {
    const png = await renderSign(['KEEP CALM', 'AND READ ON']);
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 5);
    await Promise.all([engine.read(png), engine.read(png)]);
    clearInterval(timer);
    // A read that blocked the main thread would let no timer fire at all.
    expect(ticks).toBeGreaterThan(2);
  });
});

describe('createOcrEngine when the engine cannot load', () => {
  it('fails ready() and every read with one OcrUnavailableError when the models are missing', async () => {
    const missing = join(tmpdir(), 'omni-ocr-no-such-model.onnx');
    const engine = createOcrEngine({ size: 1, models: { detection: missing, recognition: missing, dictionary: missing } });
    const error = await engine.ready().then(
      () => null,
      (err: unknown) => err,
    );
    expect(isOcrUnavailable(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/PP-OCRv4 models could not be loaded.*--ocr off/);
    const again = await engine.read(await renderSign(['X'])).catch((err: unknown) => err);
    expect(again).toBe(error);
    await engine.close();
  });

  it('fails with OcrUnavailableError when the worker module does not start', async () => {
    const engine = createOcrEngine({ size: 1, workerUrl: new URL('./no-such-worker.ts', import.meta.url) });
    const error = await engine.read(await renderSign(['X'])).catch((err: unknown) => err);
    expect(isOcrUnavailable(error)).toBe(true);
    await engine.close();
  });

  it('refuses bad options with a clear message', () => {
    expect(() => createOcrEngine({ size: 0 })).toThrow(/pool size/);
    expect(() => createOcrEngine({ engine: 'nope' as never })).toThrow(/ppocr, tesseract/);
    expect(defaultOcrPoolSize(2)).toBe(1);
    expect(defaultOcrPoolSize(16)).toBe(2);
  });
});
