import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { sideTextCheck } from '../../../../shared/ocr-view.ts';
import { SideText, highlightExpected } from './text-check-panel.tsx';

function check(expected: string, read: string, sourceText?: string) {
  return sideTextCheck(
    { imageId: 'a'.repeat(64), expected, engine: 'e', lines: [{ text: read, confidence: 1, box: { x: 0, y: 0, width: 1, height: 1 } }], width: 8, height: 8, ms: 1 },
    sourceText === undefined ? {} : { sourceText },
  );
}

describe('SideText', () => {
  const html = (c: ReturnType<typeof check>) =>
    renderToStaticMarkup(createElement(SideText, { position: 'left', name: 'A', check: c, status: 'ok', given: [], dismissed: [], onDecide: () => {} }));

  it('shows the turn\'s source text and suggests text.source_kept when the output still reads it', () => {
    const out = html(check('TODAY MOCHA', 'TODAY FLAT WHITE', 'TODAY FLAT WHITE'));
    expect(out).toMatch(/data-testid="text-source-left"[^>]*>TODAY FLAT WHITE</);
    expect(out).toContain('data-tag="text.source_kept"');
  });

  it('has no source row without a source text', () => {
    const out = html(check('TODAY MOCHA', 'TODAY FLAT WHITE'));
    expect(out).not.toContain('text-source-left');
    expect(out).not.toContain('text.source_kept');
  });
});

describe('highlightExpected', () => {
  it('marks a wrong character with what was read in its place, and leaves the rest plain', () => {
    const spans = highlightExpected(check('欢迎光临', '欢主光临'));
    expect(spans.map((s) => [s.kind, s.text])).toEqual([
      ['match', '欢'],
      ['wrong', '迎'],
      ['match', '光临'],
    ]);
    expect(spans[1]?.read).toBe('主');
  });

  it('marks missing characters and inserts extra ones where they were read', () => {
    const missing = highlightExpected(check('FRESH COFFEE', 'FRESH COFEE'));
    expect(missing.filter((s) => s.kind === 'missing').map((s) => s.text).join('')).toBe('F');
    expect(missing.map((s) => s.text).join('')).toBe('FRESH COFFEE'); // the expected text, whole
    const extra = highlightExpected(check('OPEN', 'OPEEN'));
    expect(extra.filter((s) => s.kind === 'extra').map((s) => s.text)).toEqual(['E']);
  });

  it('keeps spaces and punctuation of the expected text as written', () => {
    const spans = highlightExpected(check('Don’t stop!', 'DONT STOP'));
    expect(spans.map((s) => s.text).join('')).toBe('Don’t stop!');
    expect(spans.every((s) => s.kind === 'match' || s.kind === 'plain')).toBe(true);
  });
});
