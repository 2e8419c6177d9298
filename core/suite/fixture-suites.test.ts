/**
 * The shipped suites: they load, and the demo keeps the mix of cases the review needs (DESIGN "Review model").
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SuiteCase } from '../../shared/model.ts';
import { loadSuiteFile } from './load.ts';

const SUITES = path.resolve(import.meta.dirname, '../../fixtures/suites');
const IMAGES = path.resolve(import.meta.dirname, '../../fixtures/images');

/** Words the simulators pick styles by; a case that is not about style must not contain any of them. */
const STYLE_WORDS = ['watercolor', 'oil painting', 'pencil sketch', 'cyberpunk', 'neon', 'sepia', 'vintage', 'black and white', 'pop art', 'pixel art', 'impressionist', 'van gogh', 'night'];
/** Other words that read as a style request (some simulators also react to them). */
const STYLE_LIKE = ['monochrome', 'grayscale', 'greyscale', 'pencil', 'sketch', 'charcoal', 'warhol', 'comic book', 'moonlight', '8-bit', 'retro game', 'old photo', '水彩', '油画', '素描', '黑白', '复古', '怀旧', '夜晚', '夜景', '晚上', '像素', '波普', '霓虹', '赛博朋克', '印象派', '梵高'];
const CJK = /[\u4e00-\u9fff]/u;
/** Characters that exist only in traditional script (their simplified forms differ). */
const TRADITIONAL_ONLY = /[歲壽滿門樂發財龍馬開業書寶興隆]/u;

const allText = (c: SuiteCase): string[] => c.turns.flatMap((t) => t.expectedText);
const prompts = (c: SuiteCase): string => c.turns.map((t) => t.prompt).join(' ').toLowerCase();
const isChinese = (c: SuiteCase): boolean => allText(c).some((t) => CJK.test(t));

describe('fixtures/suites/demo.yaml', async () => {
  const loaded = await loadSuiteFile(path.join(SUITES, 'demo.yaml'));
  const cases = loaded.suite.cases;
  const byCategory = (category: SuiteCase['category']): SuiteCase[] => cases.filter((c) => c.category === category);
  const textCases = byCategory('text-rendering');

  it('loads with seed 42 and 30 steps as defaults and at least 24 cases', () => {
    expect(loaded.suite.name).toBe('demo');
    expect(loaded.suite.defaults).toEqual({ seed: 42, steps: 30 });
    expect(cases.length).toBeGreaterThanOrEqual(24);
  });

  it('has at least 6 English and 6 Chinese text-rendering cases, some in traditional characters', () => {
    const chinese = textCases.filter(isChinese);
    const english = textCases.filter((c) => !isChinese(c));
    expect(english.length).toBeGreaterThanOrEqual(6);
    expect(chinese.length).toBeGreaterThanOrEqual(6);
    const traditional = chinese.filter((c) => allText(c).some((t) => TRADITIONAL_ONLY.test(t)));
    expect(traditional.length).toBeGreaterThanOrEqual(2);
    expect(traditional.length).toBeLessThan(chinese.length);
    for (const c of textCases) expect(allText(c).length, c.id).toBeGreaterThan(0);
  });

  it('has at least 6 style-transfer cases, each naming a style the simulators know', () => {
    const styles = byCategory('style-transfer');
    expect(styles.length).toBeGreaterThanOrEqual(6);
    for (const c of styles) expect(STYLE_WORDS.some((w) => prompts(c).includes(w)), c.id).toBe(true);
    // Between them they cover most of the simulators' styles.
    const covered = STYLE_WORDS.filter((w) => styles.some((c) => prompts(c).includes(w)));
    expect(covered.length).toBeGreaterThanOrEqual(7);
  });

  it('has at least 4 multi-turn chains of exactly 3 turns whose later turns keep earlier text in view', () => {
    const chains = byCategory('multi-turn');
    expect(chains.length).toBeGreaterThanOrEqual(4);
    for (const c of chains) {
      expect(c.turns, c.id).toHaveLength(3);
      // Some turn adds text, and the turn after it still expects text (kept through a restyle, or changed).
      const firstText = c.turns.findIndex((t) => t.expectedText.length > 0);
      expect(firstText, c.id).toBeGreaterThanOrEqual(0);
      expect(firstText, c.id).toBeLessThan(2);
      expect(c.turns[firstText + 1]?.expectedText.length, c.id).toBeGreaterThan(0);
    }
  });

  it('has chains whose last turn replaces the text of the turn before (the source text text.source_kept checks)', () => {
    const sourceOf = (id: string) => cases.find((c) => c.id === id)?.turns.map((t) => t.sourceText);
    expect(sourceOf('chain-cafe-menu')).toEqual([undefined, undefined, ['TODAY FLAT WHITE']]);
    expect(sourceOf('chain-launch-banner')).toEqual([undefined, undefined, ['发射成功']]);
  });

  it('has at least 2 text-to-image posters with quoted text and no input', () => {
    const generation = byCategory('generation');
    expect(generation.length).toBeGreaterThanOrEqual(2);
    for (const c of generation) {
      expect(c.inputs, c.id).toEqual([]);
      expect(allText(c).length, c.id).toBeGreaterThan(0);
    }
  });

  it('uses only the bundled photos, all at most 1024 px, and every edit case has one', () => {
    for (const c of cases) {
      if (c.category !== 'generation') expect(c.inputs.length, c.id).toBeGreaterThan(0);
      for (const input of c.inputs) {
        expect(path.dirname(input)).toBe(IMAGES);
        const info = loaded.inputs.get(input);
        expect(info, input).toBeDefined();
        expect(Math.max(info?.width ?? Infinity, info?.height ?? Infinity)).toBeLessThanOrEqual(1024);
      }
    }
  });

  it('keeps style words out of cases that are not about style, so the simulators do not restyle them', () => {
    for (const c of [...textCases, ...byCategory('edit'), ...byCategory('generation')]) {
      for (const word of [...STYLE_WORDS, ...STYLE_LIKE]) expect(prompts(c).includes(word), `${c.id} mentions "${word}"`).toBe(false);
    }
  });

  it('sets explicit sizes on a few cases only', () => {
    const sized = cases.filter((c) => c.params.size !== undefined);
    expect(sized.length).toBeGreaterThanOrEqual(2);
    expect(sized.length).toBeLessThan(cases.length / 4);
  });
});

describe('fixtures/suites/smoke.yaml', async () => {
  const loaded = await loadSuiteFile(path.join(SUITES, 'smoke.yaml'));
  const cases = loaded.suite.cases;

  it('is 4 small cases at 512x512: English text, Chinese text, a style and a 2-turn chain', () => {
    expect(loaded.suite.defaults.size).toBe('512x512');
    expect(cases).toHaveLength(4);
    const text = cases.filter((c) => c.category === 'text-rendering');
    expect(text.filter(isChinese)).toHaveLength(1);
    expect(text.filter((c) => !isChinese(c))).toHaveLength(1);
    expect(cases.filter((c) => c.category === 'style-transfer')).toHaveLength(1);
    const chain = cases.find((c) => c.category === 'multi-turn');
    expect(chain?.turns).toHaveLength(2);
    for (const c of cases) expect(c.params.size).toBeUndefined();
  });
});
