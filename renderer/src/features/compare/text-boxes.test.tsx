import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { sideTextCheck } from '../../../../shared/ocr-view.ts';
import { TextBoxes } from './text-boxes.tsx';

const read = (firstRead?: string) =>
  sideTextCheck({
    imageId: 'ab'.repeat(32),
    expected: 'ARTEMIS II',
    engine: 'test-engine',
    width: 1024,
    height: 1024,
    ms: 10,
    lines: [{ text: 'ARTEMIS II', confidence: 0.9, box: { x: 150, y: 448, width: 750, height: 108 }, ...(firstRead ? { firstRead } : {}) }],
  });

describe('TextBoxes', () => {
  it('says when a region re-read decided a line, with what the whole-image read said', () => {
    const html = renderToStaticMarkup(<TextBoxes check={read('ARTEMISI')} position="left" />);
    expect(html).toContain('data-reread="true"');
    expect(html).toContain('re-read of this line; the whole-image read said “ARTEMISI”');
  });

  it('says nothing about a re-read for a line read once', () => {
    const html = renderToStaticMarkup(<TextBoxes check={read()} position="left" />);
    expect(html).toContain('data-reread="false"');
    expect(html).not.toContain('re-read');
  });
});
