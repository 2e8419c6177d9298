/**
 * The simulators' `typo` fault as the text check sees it (issue 11): each kind of text failure the fault draws,
 * on either backend, is read by the OCR engine and flagged with its own tag; the clean output passes. An edit that
 * left the source text in place is flagged `text.source_kept`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkText } from '../../shared/text-metrics.ts';
import { keepsSourceText } from '../backends/sim/faults.ts';
import { renderImage, type RenderJob } from '../backends/sim/render.ts';
import { fixturePng } from '../backends/sim/test-support.ts';
import { createOcrEngine, type OcrEngine } from './engine.ts';

const SIZE = 768;

describe('sim typo faults through the OCR engine', () => {
  let engine: OcrEngine;
  let photo: Buffer;
  beforeAll(async () => {
    engine = createOcrEngine({ size: 1 });
    photo = await fixturePng('fixtures/images/coffee.png', SIZE, SIZE);
  });
  afterAll(async () => {
    await engine.close();
  });

  const job = (kind: RenderJob['kind'], prompt: string, identity: string, typo: boolean): RenderJob => ({
    kind,
    prompt,
    seed: 7,
    width: SIZE,
    height: SIZE,
    inputs: [photo],
    identity,
    faults: { typo },
  });

  it('passes the clean output and flags each drawn failure with its kind, on A and on B', async () => {
    const cases: Array<[RenderJob['kind'], string, string]> = [
      ['vllm-omni', 'Add a sign that says "FRESH COFFEE DAILY"', 'FRESH COFFEE DAILY'],
      ['diffusers', '在桌上放一块黑板，写着“欢迎光临本店”', '欢迎光临本店'],
    ];
    const seen = new Set<string>();
    for (const [kind, prompt, expected] of cases) {
      const clean = await renderImage(job(kind, prompt, 'clean', false));
      const cleanCheck = checkText({ expected, lines: (await engine.read(clean.bytes)).lines });
      expect(cleanCheck.pass, `${kind} clean read "${cleanCheck.recognized}"`).toBe(true);
      // Identities seed the fault; walk them until this side has drawn each of the four kinds once.
      for (let n = 0; n < 60 && [...seen].filter((k) => k.startsWith(`${kind}:`)).length < 4; n++) {
        const out = await renderImage(job(kind, prompt, `typo-${n}`, true));
        const key = `${kind}:${out.textFault!.kind}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const check = checkText({ expected, lines: (await engine.read(out.bytes)).lines });
        const why = `${key}: drew "${out.drawnText.join(' ')}", read "${check.recognized}"`;
        expect(check.pass, why).toBe(false);
        expect(check.tags, why).toContain(`text.${out.textFault!.kind}`);
      }
    }
    expect(seen.size).toBe(8);
  });

  it('an edit that kept the source text is flagged text.source_kept; the edit that drew the new text passes', async () => {
    const turn1 = await renderImage(job('vllm-omni', 'Add a chalkboard sign that reads "TODAY FLAT WHITE"', 'turn-1', false));
    const change = 'Change the text on the chalkboard sign to "TODAY MOCHA"';
    const identity = Array.from({ length: 40 }, (_, n) => `turn-2-${n}`).find((id) => keepsSourceText(turn1.shownText, ['TODAY MOCHA'], id))!;
    const turn2 = (typo: boolean) => renderImage({ ...job('vllm-omni', change, identity, typo), inputs: [turn1.bytes], sourceText: turn1.shownText });
    const kept = await turn2(true);
    expect(kept.textFault?.kind).toBe('source_kept');
    const keptCheck = checkText({ expected: 'TODAY MOCHA', sourceText: 'TODAY FLAT WHITE', lines: (await engine.read(kept.bytes)).lines });
    expect(keptCheck.pass, `read "${keptCheck.recognized}"`).toBe(false);
    expect(keptCheck.tags, `read "${keptCheck.recognized}"`).toContain('text.source_kept');
    const clean = await turn2(false);
    const cleanCheck = checkText({ expected: 'TODAY MOCHA', sourceText: 'TODAY FLAT WHITE', lines: (await engine.read(clean.bytes)).lines });
    expect(cleanCheck.pass, `read "${cleanCheck.recognized}"`).toBe(true);
    expect(cleanCheck.tags).not.toContain('text.source_kept');
  });
});
