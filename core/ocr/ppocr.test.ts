import { describe, expect, it } from 'vitest';
import { componentBoxes, ctcDecode, levelledBand, mergeRowBoxes, slantOf, sortReadingOrder } from './ppocr.ts';
import type { OcrLine } from './types.ts';

describe('componentBoxes', () => {
  it('finds one box per connected blob of high probability, grown by the unclip distance', () => {
    const w = 40;
    const h = 20;
    const prob = new Float32Array(w * h);
    // A 10×4 blob at (5,5) and a 6×4 blob at (25,10).
    for (let y = 5; y < 9; y++) for (let x = 5; x < 15; x++) prob[y * w + x] = 0.9;
    for (let y = 10; y < 14; y++) for (let x = 25; x < 31; x++) prob[y * w + x] = 0.8;
    const boxes = componentBoxes(prob, w, h);
    expect(boxes).toHaveLength(2);
    const [a, b] = boxes;
    // unclip distance = area × 1.5 / perimeter = 40 × 1.5 / 28
    const d = (40 * 1.5) / 28;
    expect(a!.x0).toBeCloseTo(5 - d);
    expect(a!.x1).toBeCloseTo(15 + d);
    expect(a!.y0).toBeCloseTo(5 - d);
    expect(a!.score).toBeCloseTo(0.9);
    expect(b!.x0).toBeLessThan(25);
  });

  it('drops blobs whose mean probability is low or that are too thin', () => {
    const w = 30;
    const h = 10;
    const prob = new Float32Array(w * h);
    for (let y = 2; y < 6; y++) for (let x = 2; x < 12; x++) prob[y * w + x] = 0.45; // above 0.3, mean below 0.6
    for (let x = 15; x < 28; x++) prob[3 * w + x] = 0.95; // one pixel tall
    expect(componentBoxes(prob, w, h)).toEqual([]);
  });
});

describe('ctcDecode', () => {
  it('collapses repeats, drops blanks and averages the kept probabilities', () => {
    const dict = ['a', 'b', 'c'];
    const classes = 4; // blank + 3
    // Steps: a a blank a b b → "aab"
    const best = [1, 1, 0, 1, 2, 2];
    const probs = new Float32Array(best.length * classes);
    best.forEach((c, t) => {
      for (let k = 0; k < classes; k++) probs[t * classes + k] = k === c ? 0.8 : 0.2 / 3;
    });
    const r = ctcDecode(probs, 0, best.length, classes, dict);
    expect(r.text).toBe('aab');
    expect(r.confidence).toBeCloseTo(0.8);
  });
});

describe('sortReadingOrder', () => {
  const line = (text: string, x: number, y: number, h = 40): OcrLine => ({
    text,
    confidence: 1,
    box: [
      [x, y],
      [x + 100, y],
      [x + 100, y + h],
      [x, y + h],
    ],
  });
  it('reads rows top to bottom and boxes of one row left to right', () => {
    const sorted = sortReadingOrder([line('C', 10, 200), line('B', 300, 104), line('A', 10, 100)]);
    expect(sorted.map((l) => l.text)).toEqual(['A', 'B', 'C']);
  });
});

describe('mergeRowBoxes', () => {
  const box = (x0: number, y0: number, x1: number, y1: number) => ({ x0, y0, x1, y1, score: 0.9 });
  it('merges the words of one row, overlapping or a word space apart, into one box', () => {
    const merged = mergeRowBoxes([box(200, 102, 300, 140), box(10, 100, 120, 140), box(110, 101, 190, 141)]);
    expect(merged).toEqual([{ x0: 10, y0: 100, x1: 300, y1: 141, score: 0.9 }]);
  });
  it('keeps other rows, far-apart signs and much smaller print apart', () => {
    const merged = mergeRowBoxes([box(10, 100, 120, 140), box(10, 200, 120, 240), box(400, 100, 500, 140), box(125, 120, 160, 135)]);
    expect(merged).toHaveLength(4);
  });
});

describe('slantOf and levelledBand', () => {
  it('measures the slant of a blob from its moments (y down: positive runs down to the right)', () => {
    const m: [number, number, number, number, number, number] = [0, 0, 0, 0, 0, 0];
    for (let x = 0; x < 200; x++) {
      for (let t = 0; t < 10; t++) {
        const y = x * Math.tan(0.1) + t;
        m[0] += 1;
        m[1] += x;
        m[2] += y;
        m[3] += x * x;
        m[4] += y * y;
        m[5] += x * y;
      }
    }
    expect(slantOf(m)).toBeCloseTo(0.1, 2);
  });
  it('levels a slanted line and recovers its band; leaves level or block-shaped boxes alone', () => {
    const theta = (6 * Math.PI) / 180;
    const L = 600;
    const t = 40;
    const w = L * Math.cos(theta) + t * Math.sin(theta);
    const h = L * Math.sin(theta) + t * Math.cos(theta);
    const band = levelledBand(w, h, theta)!;
    expect(band.degrees).toBeCloseTo(6);
    expect(band.length).toBeCloseTo(L);
    expect(band.thickness).toBeCloseTo(t);
    expect(levelledBand(600, 40, 0.01)).toBeNull();
    expect(levelledBand(100, 90, theta)).toBeNull();
  });
});
