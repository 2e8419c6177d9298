import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeXml, html, Html, jsonForScript } from './escape.ts';

const XSS = '<img src=x onerror=alert(1)>';

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`a & b < c > d " e ' f`)).toBe('a &amp; b &lt; c &gt; d &quot; e &#39; f');
    expect(escapeHtml(XSS)).toBe('&lt;img src=x onerror=alert(1)&gt;');
  });
  it('leaves other text, CJK included, as it is', () => {
    expect(escapeHtml('新年快乐 GRAND OPENING')).toBe('新年快乐 GRAND OPENING');
  });
});

describe('html template', () => {
  it('escapes interpolated strings, in text and in quoted attributes', () => {
    const out = html`<p title="${'x" onmouseover="alert(1)'}">${XSS}</p>`.value;
    expect(out).toBe('<p title="x&quot; onmouseover=&quot;alert(1)">&lt;img src=x onerror=alert(1)&gt;</p>');
  });
  it('inserts Html fragments as they are, flattens arrays and drops null, undefined and false', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`${inner}${['a', html`<br>`]}${null}${undefined}${false}${0}`.value).toBe('<b>&lt;i&gt;</b>a<br>0');
    expect(new Html('<x>').toString()).toBe('<x>');
  });
});

describe('jsonForScript', () => {
  it('cannot close the script element or open a comment, and parses back to the same value', () => {
    const value = { prompt: '</script><script>alert(1)</script>', c: '<!-- & -->', ls: '\u2028\u2029' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('escapeXml', () => {
  it('escapes markup characters including the apostrophe', () => {
    expect(escapeXml(`<a b="c">'&'</a>`)).toBe('&lt;a b=&quot;c&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });
  it('replaces characters XML 1.0 cannot carry, keeping tab, LF, CR and valid surrogate pairs', () => {
    expect(escapeXml('a\u0000b\u001bc\td\ne\rf\uFFFE')).toBe('a\uFFFDb\uFFFDc\td\ne\rf\uFFFD');
    expect(escapeXml('x\uD800y')).toBe('x\uFFFDy');
    expect(escapeXml('x\uDC00y')).toBe('x\uFFFDy');
    expect(escapeXml('emoji 😀')).toBe('emoji 😀');
  });
});
