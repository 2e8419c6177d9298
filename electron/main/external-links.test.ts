import { describe, expect, it } from 'vitest';
import { openExternalUrl, safeExternalUrl } from './external-links.ts';

describe('safeExternalUrl', () => {
  it.each([
    ['https://github.com/vllm-project/vllm-omni', 'https://github.com/vllm-project/vllm-omni'],
    ['http://127.0.0.1:8000/docs', 'http://127.0.0.1:8000/docs'],
    ['HTTPS://Example.ORG/a b', 'https://example.org/a%20b'],
  ])('lets %s through as %s', (input, expected) => {
    expect(safeExternalUrl(input)).toBe(expected);
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'smb://server/share',
    'ms-msdt:/id PCWDiagnostic',
    'omni://app/index.html',
    'vbscript:msgbox',
    'https://bank.example@evil.example/',
    'https://user:pass@example.org/',
    '//example.org/no-scheme',
    'example.org',
    '',
    ' ',
    `https://example.org/${'a'.repeat(5000)}`,
  ])('refuses %s', (input) => {
    expect(safeExternalUrl(input)).toBeNull();
  });

  it.each([undefined, null, 42, {}, ['https://example.org'], new URL('https://example.org')])('refuses non-strings (%s)', (input) => {
    expect(safeExternalUrl(input)).toBeNull();
  });
});

describe('openExternalUrl', () => {
  it('hands a safe URL to the opener, normalised', () => {
    const opened: string[] = [];
    const logs: string[] = [];
    expect(openExternalUrl('https://Example.org/x', (u) => opened.push(u), (m) => logs.push(m))).toBe(true);
    expect(opened).toEqual(['https://example.org/x']);
    expect(logs).toEqual([]);
  });

  it('never calls the opener for a refused URL, and says why', () => {
    const opened: string[] = [];
    const logs: string[] = [];
    expect(openExternalUrl('file:///etc/passwd', (u) => opened.push(u), (m) => logs.push(m))).toBe(false);
    expect(opened).toEqual([]);
    expect(logs[0]).toContain('refused');
  });

  it('logs an opener that throws or rejects instead of throwing', async () => {
    const logs: string[] = [];
    expect(
      openExternalUrl('https://example.org/', () => {
        throw new Error('no browser');
      }, (m) => logs.push(m)),
    ).toBe(false);
    expect(openExternalUrl('https://example.org/', () => Promise.reject(new Error('denied')), (m) => logs.push(m))).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(logs).toEqual(['could not open https://example.org/: no browser', 'could not open https://example.org/: denied']);
  });
});
