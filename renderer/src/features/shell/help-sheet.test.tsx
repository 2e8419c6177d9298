import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { KEYMAP } from '../../keymap.ts';
import { HelpSheet } from './help-sheet.tsx';

describe('HelpSheet', () => {
  it('lists every binding of the keymap, so the sheet and the handler cannot drift apart', () => {
    const html = renderToStaticMarkup(<HelpSheet onClose={() => {}} />);
    expect(html).toContain('data-testid="help-sheet"');
    for (const b of KEYMAP) {
      expect(html).toContain(`data-testid="help-${b.action}"`);
      expect(html).toContain(b.description.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    }
  });
});
