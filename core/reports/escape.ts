/**
 * Escaping for every report format. Every string that came from a prompt, a backend or a reviewer passes
 * through one of these before it lands in HTML, inline JSON, XML or CSV.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Safe in element text and in quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

/** Trusted markup: only the `html` template below (and constant strings) should create one. */
export class Html {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

export type HtmlPart = Html | string | number | null | undefined | false | readonly HtmlPart[];

function renderPart(part: HtmlPart): string {
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(renderPart).join('');
  if (part === null || part === undefined || part === false) return '';
  return escapeHtml(String(part));
}

/**
 * Tagged template that escapes every interpolated value unless it is already Html: safe by default, so a
 * forgotten escape cannot happen. Attributes must be written quoted ("${value}") in the template.
 */
export function html(strings: TemplateStringsArray, ...parts: HtmlPart[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < parts.length; i++) out += renderPart(parts[i] as HtmlPart) + (strings[i + 1] ?? '');
  return new Html(out);
}

/**
 * JSON for `<script type="application/json">`: `<`, `>` and `&` become \u escapes so "</script>" or "<!--"
 * in a prompt cannot end the element, and U+2028/U+2029 are escaped for older JS parsers. JSON.parse reads it
 * back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Characters XML 1.0 cannot carry at all, not even escaped: C0 controls other than tab/LF/CR, lone
 * surrogates, U+FFFE/U+FFFF. A backend error body can contain any of them; JUnit parsers reject the whole
 * file over one, so they are replaced with U+FFFD.
 */
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(value: string): string {
  return value
    .replace(XML_INVALID, '\uFFFD')
    .replace(/[&<>"']/g, (c) => (c === "'" ? '&apos;' : (HTML_ESCAPES[c] as string)));
}
