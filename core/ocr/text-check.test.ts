import { describe, expect, it } from 'vitest';
import { REREAD_MARGIN, readForCheck } from './text-check.ts';
import type { OcrLine, OcrReadOptions, OcrResult } from './types.ts';

const box = (x: number, y: number, w: number, h: number): OcrLine['box'] => [
  [x, y],
  [x + w, y],
  [x + w, y + h],
  [x, y + h],
];

/** An engine double: the whole-image read says `first`; a region read answers `reread` per region. */
function engine(first: OcrLine[], reread: (region: { x: number; y: number; width: number; height: number }) => string | null) {
  const calls: OcrReadOptions[] = [];
  return {
    calls,
    async read(_image: string | Uint8Array, options: OcrReadOptions = {}): Promise<OcrResult> {
      calls.push(options);
      if (!options.regions) return { engine: 'ppocr', lines: first, width: 1024, height: 1024, ms: 10 };
      const lines = options.regions.flatMap((r) => {
        const text = reread(r);
        return text === null ? [] : [{ text, confidence: 0.9, box: box(r.x, r.y, r.width, r.height) }];
      });
      return { engine: 'ppocr', lines, width: 1024, height: 1024, ms: 5 };
    },
  };
}

describe('readForCheck', () => {
  it('reads once when the whole-image read passes', async () => {
    const e = engine([{ text: 'ARTEMIS II', confidence: 0.95, box: box(150, 448, 750, 108) }], () => 'x');
    const r = await readForCheck(e, 'img.png', 'ARTEMIS II');
    expect(e.calls).toHaveLength(1);
    expect(r.lines[0]!.firstRead).toBeUndefined();
  });

  it('re-reads a failed line from its region with a margin and keeps the first text when the re-read passes', async () => {
    const first = [
      { text: 'ARTEMISI', confidence: 0.95, box: box(150, 448, 750, 108) },
      { text: 'EST 1998', confidence: 0.9, box: box(10, 10, 100, 20) },
    ];
    const e = engine(first, () => 'ARTEMIS II');
    const r = await readForCheck(e, 'img.png', 'ARTEMIS II');
    expect(e.calls).toHaveLength(2);
    const m = REREAD_MARGIN * 108;
    // Only the line that carries the expected text is re-read, widened on every side.
    expect(e.calls[1]!.regions).toEqual([{ x: Math.floor(150 - m), y: Math.floor(448 - m), width: Math.ceil(900 + m) - Math.floor(150 - m), height: Math.ceil(556 + m) - Math.floor(448 - m) }]);
    expect(r.lines[0]).toMatchObject({ text: 'ARTEMIS II', firstRead: 'ARTEMISI' });
    expect(r.lines[0]!.box).toEqual(first[0]!.box);
    expect(r.lines[1]).toEqual(first[1]);
    expect(r.ms).toBe(15);
  });

  it('keeps the first read when the re-read fails too: a real error stays an error', async () => {
    const first = [{ text: 'ARTEMSI II', confidence: 0.95, box: box(150, 448, 750, 108) }];
    const e = engine(first, () => 'ARTEMSI II');
    const r = await readForCheck(e, 'img.png', 'ARTEMIS II');
    expect(e.calls).toHaveLength(2);
    expect(r.lines).toEqual(first);
  });

  it('does not re-read when nothing was read (text absent), nor when the caller asked for regions', async () => {
    const none = engine([], () => 'ARTEMIS II');
    expect((await readForCheck(none, 'img.png', 'ARTEMIS II')).lines).toEqual([]);
    expect(none.calls).toHaveLength(1);
    const regions = engine([{ text: 'ARTEMISI', confidence: 0.9, box: box(0, 0, 10, 10) }], () => 'ARTEMIS II');
    await readForCheck(regions, 'img.png', 'ARTEMIS II', { read: { regions: [{ x: 0, y: 0, width: 10, height: 10 }] } });
    expect(regions.calls).toHaveLength(1);
  });
});
