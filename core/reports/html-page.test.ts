import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { html } from './escape.ts';
import { pageCsp, renderPage } from './html-page.ts';

const hash = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

describe('pageCsp', () => {
  it('allows each style and the script by hash, and nothing from the network', () => {
    const csp = pageCsp({ styles: ['a{}', 'b{}'], script: 'run()', imgSrc: "data: 'self'", font: true });
    expect(csp).toBe(`default-src 'none'; style-src ${hash('a{}')} ${hash('b{}')}; script-src ${hash('run()')}; img-src data: 'self'; font-src data:; base-uri 'none'; form-action 'none'`);
    expect(csp).not.toContain('unsafe-inline');
  });

  it('leaves out script-src and font-src when the page has neither', () => {
    const csp = pageCsp({ styles: ['a{}'], imgSrc: 'data:', font: false });
    expect(csp).toBe(`default-src 'none'; style-src ${hash('a{}')}; img-src data:; base-uri 'none'; form-action 'none'`);
  });
});

describe('renderPage', () => {
  it('escapes the title and CSP, puts each style in its own element and the body as given', () => {
    const csp = pageCsp({ styles: ['a{}', 'b{}'], imgSrc: 'data:', font: false });
    const page = renderPage({ title: 'A <b> & 中文', csp, styles: ['a{}', 'b{}'], body: html`<p>${'<i>'}</p>` });
    expect(page.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(page).toContain('<title>A &lt;b&gt; &amp; 中文</title>');
    expect(page).toContain(`content="${csp.replace(/'/g, '&#39;')}"`);
    expect(page).toContain('<style>a{}</style><style>b{}</style>');
    expect(page).toContain('<body>\n<p>&lt;i&gt;</p>\n</body>');
    expect(page).toContain('<meta name="referrer" content="no-referrer">');
  });
});
