import { describe, expect, it } from 'vitest';
import { isPrintRequestAllowed } from './print-guard.ts';

describe('the print window', () => {
  const page = 'file:///runs/demo/report.html';
  it('loads the report and its data: images only', () => {
    expect(isPrintRequestAllowed(page, page)).toBe(true);
    expect(isPrintRequestAllowed('data:image/webp;base64,AAAA', page)).toBe(true);
    expect(isPrintRequestAllowed('file:///etc/passwd', page)).toBe(false);
    expect(isPrintRequestAllowed('https://example.com/x.png', page)).toBe(false);
    expect(isPrintRequestAllowed('file:///runs/demo/images/ab/ab.png', page)).toBe(false);
  });
});
