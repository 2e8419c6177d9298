/**
 * Draws the synthetic images of the memory bridge as small SVG documents (data: URLs are allowed by the
 * renderer's CSP). Deterministic, cheap, and different enough between source, A, B and heatmaps that the
 * compare view has something real to show: sign text (with the generator's typos), style filters, edits.
 */
import { prng, type SyntheticImage } from './synthetic.ts';

const VIEW_W = 256;

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function hsl(h: number, s: number, l: number): string {
  return `hsl(${((h % 360) + 360) % 360.0} ${s}% ${l}%)`;
}

function fontSizeFor(text: string): number {
  let units = 0;
  for (const ch of text) units += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? 1 : 0.62;
  return Math.max(8, Math.min(26, 148 / Math.max(units, 1)));
}

const FILTERS: Record<Exclude<SyntheticImage['style'], 'none'>, string> = {
  watercolor:
    '<filter id="st"><feTurbulence type="fractalNoise" baseFrequency="0.035" numOctaves="2" seed="3"/><feDisplacementMap in="SourceGraphic" scale="5"/><feGaussianBlur stdDeviation="0.7"/><feColorMatrix type="saturate" values="0.75"/></filter>',
  ink: '<filter id="st"><feColorMatrix type="saturate" values="0"/><feComponentTransfer><feFuncR type="gamma" exponent="1.6"/><feFuncG type="gamma" exponent="1.6"/><feFuncB type="gamma" exponent="1.6"/></feComponentTransfer></filter>',
  neon: '<filter id="st"><feColorMatrix type="hueRotate" values="200"/><feColorMatrix type="saturate" values="2.2"/></filter>',
};

export function renderSvg(image: SyntheticImage): string {
  const vh = Math.round((VIEW_W * image.height) / image.width);
  const open = `<svg xmlns="http://www.w3.org/2000/svg" width="${image.width}" height="${image.height}" viewBox="0 0 ${VIEW_W} ${vh}">`;
  if (image.kind === 'heatmap') return open + heatmapBody(image, vh) + '</svg>';
  return open + sceneBody(image, vh) + '</svg>';
}

function sceneBody(image: SyntheticImage, vh: number): string {
  const h = image.hue + image.drift;
  const night = image.objects.includes('night');
  const sunset = image.objects.includes('sunset');
  const groundY = Math.round(vh * 0.72);
  const parts: string[] = [];
  parts.push('<defs>');
  parts.push(
    `<linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${sunset ? hsl(18, 85, 58) : hsl(h + 190, 55, 70)}"/><stop offset="1" stop-color="${sunset ? hsl(42, 90, 72) : hsl(h + 210, 45, 86)}"/></linearGradient>`,
  );
  if (image.style !== 'none') parts.push(FILTERS[image.style]);
  parts.push('</defs>');
  parts.push(image.style !== 'none' ? '<g filter="url(#st)">' : '<g>');
  parts.push(`<rect width="${VIEW_W}" height="${vh}" fill="url(#sky)"/>`);
  parts.push(`<circle cx="${200 - image.scene * 8}" cy="${28 + image.scene * 3}" r="14" fill="${sunset ? hsl(30, 95, 62) : hsl(48, 95, 70)}"/>`);
  parts.push(`<rect y="${groundY}" width="${VIEW_W}" height="${vh - groundY}" fill="${hsl(h + 100, 22, 34)}"/>`);
  // Building, windows, door.
  const bx = 36 + (image.scene % 3) * 4;
  const by = 92;
  const bw = 184;
  parts.push(`<rect x="${bx}" y="${by}" width="${bw}" height="${groundY - by}" fill="${hsl(h + 20, 18, 46)}"/>`);
  for (let r = 0; r < 2; r++) {
    for (let c = 0; c < 5; c++) {
      if ((c === 2 && r === 1) || (image.scene + c + r) % 7 === 0) continue;
      parts.push(`<rect x="${bx + 14 + c * 34}" y="${by + 14 + r * 36}" width="20" height="22" fill="${night ? hsl(48, 90, 65) : hsl(h + 200, 30, 78)}"/>`);
    }
  }
  parts.push(`<rect x="${bx + 80}" y="${groundY - 46}" width="24" height="46" fill="${hsl(h + 10, 30, 24)}"/>`);
  // The subject in front (a cat-ish silhouette), which edits decorate.
  const sx = 128 + (image.scene % 2) * 10;
  parts.push(`<ellipse cx="${sx}" cy="${groundY + 8}" rx="26" ry="16" fill="${hsl(h + 30, 12, 22)}"/>`);
  parts.push(`<circle cx="${sx + 20}" cy="${groundY - 8}" r="11" fill="${hsl(h + 30, 12, 22)}"/>`);
  parts.push(`<path d="M${sx + 12} ${groundY - 16} l3 -9 l4 7 z M${sx + 24} ${groundY - 17} l4 -9 l3 8 z" fill="${hsl(h + 30, 12, 22)}"/>`);
  if (image.objects.includes('scarf')) {
    parts.push(`<path d="M${sx + 8} ${groundY - 2} q12 8 26 -2 l-2 7 q-12 8 -24 2 z M${sx + 12} ${groundY + 3} l-4 14 l7 -1 l2 -12 z" fill="${hsl(356, 78, 48)}"/>`);
  }
  if (image.objects.includes('lamp')) {
    parts.push(`<rect x="20" y="${groundY - 84}" width="4" height="84" fill="#2a2a2a"/><circle cx="22" cy="${groundY - 88}" r="7" fill="${hsl(46, 100, 70)}"/>`);
  }
  // Sign board with the edited text.
  if (image.text !== null) {
    const dx = image.drift * 0.25;
    parts.push(`<rect x="48" y="40" width="160" height="44" rx="4" fill="${hsl(25, 35, 18)}" stroke="${hsl(35, 40, 40)}" stroke-width="2"/>`);
    if (image.text !== '') {
      const size = fontSizeFor(image.text);
      parts.push(
        `<text x="${128 + dx}" y="${62 + size * 0.36}" font-size="${size.toFixed(1)}" text-anchor="middle" font-weight="700" font-family="'Noto Sans CJK SC','Noto Sans','DejaVu Sans',sans-serif" fill="${hsl(40, 60, 92)}">${esc(image.text)}</text>`,
      );
    }
  }
  if (night) parts.push(`<rect width="${VIEW_W}" height="${vh}" fill="${hsl(230, 60, 12)}" opacity="0.45"/>`);
  parts.push('</g>');
  return parts.join('');
}

function heatmapBody(image: SyntheticImage, vh: number): string {
  const scale = VIEW_W / image.width;
  const rand = prng(Math.round(image.hue * 1000 + image.scene));
  const parts: string[] = [`<rect width="${VIEW_W}" height="${vh}" fill="#141518"/>`];
  // Faint structure of the scene, so the changes have a place to sit.
  parts.push(`<rect x="36" y="92" width="184" height="${Math.round(vh * 0.72) - 92}" fill="#1f2126"/>`);
  for (const r of image.regions) {
    const x = r.x * scale;
    const y = r.y * scale;
    const w = Math.max(2, r.width * scale);
    const h = Math.max(2, r.height * scale);
    for (let i = 0; i < 60; i++) {
      const px = x + rand() * w;
      const py = y + rand() * h;
      const hot = rand();
      parts.push(`<rect x="${px.toFixed(1)}" y="${py.toFixed(1)}" width="${(1 + rand() * 5).toFixed(1)}" height="${(1 + rand() * 2).toFixed(1)}" fill="${hot > 0.7 ? '#ffd34d' : '#ff3b3b'}" opacity="${(0.5 + hot * 0.5).toFixed(2)}"/>`);
    }
  }
  return parts.join('');
}

export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
