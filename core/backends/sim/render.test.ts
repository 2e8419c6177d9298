import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { fontFor, textPath } from './fonts.ts';
import { STYLE_IDS, STYLE_KEYWORDS, detectStyles, detectTextPosition } from './prompt-words.ts';
import { keepsSourceText } from './faults.ts';
import { type RenderJob, decodeToSize, renderImage, wrongSize } from './render.ts';
import { type Rgba, crop, decodeRgba, diffRatio, fixturePng, flatPng, ssimOf } from './test-support.ts';

const SIZE = 256;
let photo: Buffer;
let photoRgba: Rgba;
let grey: Buffer;

beforeAll(async () => {
  photo = await fixturePng('fixtures/images/astronaut.png', SIZE, SIZE);
  photoRgba = await decodeRgba(photo);
  grey = await flatPng(SIZE, SIZE, [128, 128, 128]);
});

function job(over: Partial<RenderJob> = {}): RenderJob {
  return { kind: 'vllm-omni', prompt: 'Add a sign that says "HELLO WORLD"', seed: 42, width: SIZE, height: SIZE, inputs: [photo], identity: 'job-1', ...over };
}

async function render(over: Partial<RenderJob> = {}) {
  const r = await renderImage(job(over));
  return { ...r, rgba: await decodeRgba(r.bytes) };
}

describe('determinism and variation', () => {
  it('renders the same request to the same bytes', async () => {
    for (const kind of ['vllm-omni', 'diffusers'] as const) {
      const a = await renderImage(job({ kind, prompt: 'watercolor with "HI"' }));
      const b = await renderImage(job({ kind, prompt: 'watercolor with "HI"' }));
      expect(Buffer.compare(a.bytes, b.bytes)).toBe(0);
    }
  });

  it('changes a little, visibly, with another seed', async () => {
    for (const prompt of ['Add a sign that says "HELLO WORLD"', 'make it an oil painting']) {
      const a = await render({ prompt });
      const b = await render({ prompt, seed: 43, identity: 'job-2' });
      const ratio = diffRatio(a.rgba, b.rgba);
      expect(ratio).toBeGreaterThan(0.005);
      expect(ratio).toBeLessThan(0.2);
      // A moved sign changes structure locally, so SSIM drops more than the pixel count suggests.
      expect(ssimOf(a.rgba, b.rgba)).toBeGreaterThan(0.75);
    }
  });

  it('differs slightly between A and B: a few percent of pixels, SSIM well above 0.9', async () => {
    for (const prompt of ['Add a sign that says "HELLO WORLD"', 'turn it into a watercolor', 'replace the helmet with a hat']) {
      const a = await render({ prompt, kind: 'vllm-omni' });
      const b = await render({ prompt, kind: 'diffusers' });
      expect(Buffer.compare(a.bytes, b.bytes)).not.toBe(0);
      const ratio = diffRatio(a.rgba, b.rgba);
      expect(ratio).toBeGreaterThan(0.002);
      expect(ratio).toBeLessThan(0.1);
      expect(ssimOf(a.rgba, b.rgba)).toBeGreaterThan(0.92);
    }
  });
});

describe('text', () => {
  it('draws the quoted text where the layout says, and leaves the far corners alone', async () => {
    const r = await render();
    expect(r.drawnText).toEqual(['HELLO WORLD']);
    const plate = r.layout!.plate;
    expect(diffRatio(crop(r.rgba, plate), crop(photoRgba, plate))).toBeGreaterThan(0.5);
    const corner = 40;
    for (const region of [
      { x: 0, y: 0, width: corner, height: corner },
      { x: SIZE - corner, y: SIZE - corner, width: corner, height: corner },
    ]) {
      expect(plate.y > region.y + region.height || plate.y + plate.height < region.y).toBe(true);
      expect(diffRatio(crop(r.rgba, region), crop(photoRgba, region))).toBeLessThan(0.005);
    }
  });

  it('places the sign from position words, outside the quotes', async () => {
    const top = await render({ prompt: 'Put "SALE" at the top' });
    const bottom = await render({ prompt: 'Put "SALE" at the bottom' });
    expect(top.layout!.plate.y + top.layout!.plate.height).toBeLessThan(SIZE / 2);
    expect(bottom.layout!.plate.y).toBeGreaterThan(SIZE / 2);
    expect(detectTextPosition('write "TOP SECRET" on the sign')).toEqual({ vertical: 'center', horizontal: 'center' });
    expect(detectTextPosition('在底部加上文字「你好」')).toEqual({ vertical: 'bottom', horizontal: 'center' });
  });

  it('fits long text inside the image, one span per line', async () => {
    const r = await render({ prompt: 'Add "A VERY LONG HEADLINE THAT MUST STILL FIT THE WIDTH" and "second line"' });
    const { plate } = r.layout!;
    expect(r.layout!.lines).toHaveLength(2);
    expect(plate.x).toBeGreaterThanOrEqual(0);
    expect(plate.x + plate.width).toBeLessThanOrEqual(SIZE);
    for (const line of r.layout!.lines) expect(line.width).toBeLessThanOrEqual(plate.width);
  });

  it('renders two different CJK strings differently, with real glyphs (no tofu, not blank)', async () => {
    expect(fontFor('你')).toBe('cjk');
    expect(fontFor('A')).toBe('latin');
    for (const text of ['你好世界', '欢迎光临', 'Café 咖啡']) expect(textPath(text, 40).missing).toEqual([]);
    const a = await render({ prompt: '写上「你好世界」', inputs: [grey] });
    const b = await render({ prompt: '写上「欢迎光临」', inputs: [grey] });
    const plate = a.layout!.plate;
    expect(b.layout!.plate).toEqual(plate);
    const cropA = crop(a.rgba, plate);
    const cropB = crop(b.rgba, plate);
    expect(diffRatio(cropA, cropB)).toBeGreaterThan(0.05);
    // Ink: pixels far from the plate colour are glyph strokes.
    for (const c of [cropA, cropB]) {
      const bg = Array.from(c.data.subarray(((c.height >> 1) * c.width + 2) * 4, ((c.height >> 1) * c.width + 2) * 4 + 3));
      let ink = 0;
      for (let i = 0; i < c.data.length; i += 4) {
        if (Math.abs(c.data[i]! - bg[0]!) + Math.abs(c.data[i + 1]! - bg[1]!) + Math.abs(c.data[i + 2]! - bg[2]!) > 150) ink++;
      }
      expect(ink / (c.width * c.height)).toBeGreaterThan(0.08);
    }
  });

  it('draws a typo when the typo fault fires, in the same place', async () => {
    const clean = await render();
    const typo = await render({ faults: { typo: true } });
    expect(typo.drawnText[0]).not.toBe('HELLO WORLD');
    expect(typo.textFault).toEqual({ span: 0, kind: expect.stringMatching(/^(misspelled|missing|garbled)$/) });
    expect(clean.textFault).toBeUndefined();
    expect(typo.layout!.plate).toEqual(clean.layout!.plate);
    expect(diffRatio(crop(typo.rgba, clean.layout!.plate), crop(clean.rgba, clean.layout!.plate))).toBeGreaterThan(0.01);
  });
});

describe('a typo on an edit of text the simulator drew (source_kept)', () => {
  const CHANGE = 'Change the text on the sign to "TODAY MOCHA"';
  const SOURCE = ['TODAY FLAT WHITE'];
  const ids = Array.from({ length: 12 }, (_, i) => `chain-${i}`);
  const kept = ids.filter((id) => keepsSourceText(SOURCE, ['TODAY MOCHA'], id));
  const drawn = ids.filter((id) => !keepsSourceText(SOURCE, ['TODAY MOCHA'], id));

  it('leaves the input\'s text in place for the identities it fires for: nothing new drawn, the old text shown', async () => {
    expect(kept.length).toBeGreaterThan(0);
    const identity = kept[0]!;
    const out = await render({ prompt: CHANGE, identity, sourceText: SOURCE, faults: { typo: true } });
    expect(out.textFault).toEqual({ span: -1, kind: 'source_kept' });
    expect(out.drawnText).toEqual([]);
    expect(out.layout).toBeNull();
    expect(out.shownText).toEqual(SOURCE);
    // The picture is the input with only the side's signature noise: no sign was drawn over it.
    expect(diffRatio(out.rgba, photoRgba)).toBeLessThan(0.01);
    const clean = await render({ prompt: CHANGE, identity, sourceText: SOURCE });
    expect(clean.shownText).toEqual(['TODAY MOCHA']);
    expect(diffRatio(crop(out.rgba, clean.layout!.plate), crop(clean.rgba, clean.layout!.plate))).toBeGreaterThan(0.05);
  });

  it('draws the same typo as without a source text for every other identity', async () => {
    expect(drawn.length).toBeGreaterThan(0);
    for (const identity of drawn.slice(0, 3)) {
      const withSource = await renderImage(job({ prompt: CHANGE, identity, sourceText: SOURCE, faults: { typo: true } }));
      const without = await renderImage(job({ prompt: CHANGE, identity, faults: { typo: true } }));
      expect(withSource.textFault).toEqual(without.textFault);
      expect(withSource.textFault?.kind).not.toBe('source_kept');
      expect(Buffer.compare(withSource.bytes, without.bytes)).toBe(0);
    }
  });

  it('a turn that draws no text passes its input\'s text on as what it shows', async () => {
    const restyled = await render({ prompt: 'make it a watercolor', sourceText: SOURCE, faults: { typo: true } });
    expect(restyled.textFault).toBeUndefined();
    expect(restyled.shownText).toEqual(SOURCE);
    expect((await render({ prompt: 'make it a watercolor' })).shownText).toEqual([]);
  });
});

describe('styles', () => {
  it('ignores keywords inside quotes and inside other words', () => {
    expect(detectStyles('a sign saying "NIGHT SALE"')).toEqual([]);
    expect(detectStyles('a knight in armour')).toEqual([]);
    expect(detectStyles('Van Gogh style, at night')).toEqual(['impressionist', 'night']);
    expect(detectStyles('改成水彩画')).toEqual(['watercolor']);
  });

  it('applies every style visibly, and each differently', async () => {
    const outputs: Rgba[] = [];
    for (const id of STYLE_IDS) {
      const r = await render({ prompt: `make it ${STYLE_KEYWORDS[id][0]}` });
      expect(r.styles).toEqual([id]);
      expect(diffRatio(r.rgba, photoRgba)).toBeGreaterThan(0.1);
      outputs.push(r.rgba);
    }
    for (let i = 0; i < outputs.length; i++) {
      for (let j = i + 1; j < outputs.length; j++) expect(diffRatio(outputs[i]!, outputs[j]!)).toBeGreaterThan(0.05);
    }
  });

  it('still edits visibly when the prompt has neither quotes nor a known style', async () => {
    const r = await render({ prompt: 'replace the helmet with a hat' });
    expect(r.defaultGrade).toBe(true);
    expect(diffRatio(r.rgba, photoRgba)).toBeGreaterThan(0.05);
  });
});

describe('inputs and outputs', () => {
  it('fits inputs by cover: scaled to fill, centre-cropped, no bars', async () => {
    // A 2:1 image: red | green green | blue. Cover to a square keeps only the green middle.
    const wide = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#00ff00' } })
      .composite([
        { input: { create: { width: 100, height: 200, channels: 3, background: '#ff0000' } }, left: 0, top: 0 },
        { input: { create: { width: 100, height: 200, channels: 3, background: '#0000ff' } }, left: 300, top: 0 },
      ])
      .png()
      .toBuffer();
    const out = await decodeToSize(wide, 64, 64);
    expect([out.width, out.height]).toEqual([64, 64]);
    for (const x of [1, 32, 62]) expect([...out.data.subarray((32 * 64 + x) * 3, (32 * 64 + x) * 3 + 3)]).toEqual([0, 255, 0]);
  });

  it('pastes further references as insets (multi-image models)', async () => {
    const blue = await flatPng(64, 64, [0, 0, 255]);
    const r = await render({ prompt: 'combine them', inputs: [grey, blue] });
    const inset = crop(r.rgba, { x: SIZE - 40, y: SIZE - 40, width: 20, height: 20 });
    expect(inset.data[2]!).toBeGreaterThan(inset.data[0]! + 100);
  });

  it('synthesises generation backgrounds from prompt and seed', async () => {
    const a = await render({ prompt: 'a red poster', inputs: [] });
    const again = await render({ prompt: 'a red poster', inputs: [] });
    const other = await render({ prompt: 'a red poster', inputs: [], seed: 7 });
    expect(Buffer.compare(a.bytes, again.bytes)).toBe(0);
    expect(diffRatio(a.rgba, other.rgba)).toBeGreaterThan(0.005);
    let r = 0;
    let b = 0;
    for (let i = 0; i < a.rgba.data.length; i += 4) {
      r += a.rgba.data[i]!;
      b += a.rgba.data[i + 2]!;
    }
    expect(r).toBeGreaterThan(b);
  });

  it('makes the blank and wrong-size faults', async () => {
    const blank = await render({ faults: { blank: true } });
    const stats = await sharp(blank.bytes).stats();
    for (const ch of stats.channels) expect(ch.min).toBe(ch.max);
    const wrong = await render({ faults: { wrongSize: true } });
    expect([wrong.rgba.width, wrong.rgba.height]).toEqual([192, 256]);
    expect(wrongSize(16, 16)).toEqual({ width: 32, height: 16 });
  });

  it('encodes jpeg and webp on request', async () => {
    const jpeg = await renderImage(job(), 'jpeg');
    const webp = await renderImage(job(), 'webp');
    expect(jpeg.mime).toBe('image/jpeg');
    expect([...jpeg.bytes.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect(webp.bytes.subarray(8, 12).toString('latin1')).toBe('WEBP');
  });
});
