/**
 * The page around each self-contained HTML report (report.html, the run-against-run compare.html): one strict
 * Content-Security-Policy that allows the page's own inline styles and script by their hashes and nothing from
 * the network, and the head every report has (charset, viewport, no referrer).
 */
import { createHash } from 'node:crypto';
import { html, Html } from './escape.ts';

function cspHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

export interface PagePolicy {
  /** The text of each <style> element, in page order. */
  styles: readonly string[];
  /** The text of the page's one inline <script>, if it has one. */
  script?: string;
  /** Where images may come from (`data:`, plus the report folder for report.html's full-size view). */
  imgSrc: string;
  /** Allow the embedded CJK font subset (data: URLs). */
  font: boolean;
}

export function pageCsp(p: PagePolicy): string {
  return [
    "default-src 'none'",
    `style-src ${p.styles.map(cspHash).join(' ')}`,
    ...(p.script !== undefined ? [`script-src ${cspHash(p.script)}`] : []),
    `img-src ${p.imgSrc}`,
    ...(p.font ? ['font-src data:'] : []),
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The whole document: `styles` each in its own <style> (their hashes must be in `csp`), then `body` as given. */
export function renderPage(o: { title: string; csp: string; styles: readonly string[]; body: Html }): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${o.csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${o.title}</title>
${o.styles.map((css) => html`<style>${new Html(css)}</style>`)}
</head>
<body>
${o.body}
</body>
</html>
`.value;
}
