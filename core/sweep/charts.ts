/**
 * Static SVG charts for the sweep report (no script, no library: the report must open offline and print): line
 * charts over a categorical axis (concurrency 1, 2, 4, 8 evenly spaced, request rate with `inf` last) and stacked
 * bars of the stages per point, A beside B. Every text passes through escapeHtml; numbers through shared/units.ts.
 */
import { escapeHtml } from '../reports/escape.ts';

export interface Series {
  name: string;
  color: string;
  /** SVG stroke-dasharray, '' for solid. */
  dash: string;
  values: ReadonlyArray<number | null>;
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  categories: readonly string[];
  series: readonly Series[];
  /** Tick and point labels. */
  format: (v: number) => string;
  /** Start the y axis near the smallest value instead of 0 (memory: tens of GB of weights under a small growth). */
  fitMin?: boolean;
}

/**
 * Each chart carries its own background and styles, so a chart saved alone (charts/*.svg) looks as in the report;
 * sweep.html's Content-Security-Policy allows this <style> text by its hash.
 */
export const CHART_STYLE = '.t{fill:#e6e6e6;font:600 14px system-ui,sans-serif}.k{fill:#b0b0b0;font:11px system-ui,sans-serif}.g{stroke:#333}';
const SVG_HEAD = `<style>${CHART_STYLE}</style><rect width="100%" height="100%" fill="#1e2126"/>`;

const W = 640;
const H = 300;
const M = { left: 72, right: 16, top: 36, bottom: 80 };

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function lineChart(spec: LineChartSpec): string {
  const values = spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const hi = Math.max(0, ...values);
  const lo = spec.fitMin && values.length ? Math.min(...values) : 0;
  // Fitted: a floor a fifth of the spread below the smallest value, rounded down to the axis step.
  const step = spec.fitMin ? niceMax((hi - lo) / 4 || hi / 20 || 1) : 0;
  const yMin = spec.fitMin ? Math.max(0, Math.floor((lo - (hi - lo) / 5) / step) * step) : 0;
  const yMax = spec.fitMin ? yMin + Math.max(step * 4, niceMax(hi - yMin)) : niceMax(hi);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const n = spec.categories.length;
  const x = (i: number): number => M.left + (n <= 1 ? pw / 2 : (pw * i) / (n - 1));
  const y = (v: number): number => M.top + ph - (ph * (v - yMin)) / (yMax - yMin);
  const parts: string[] = [SVG_HEAD];
  parts.push(`<text x="${W / 2}" y="20" text-anchor="middle" class="t">${escapeHtml(spec.title)}</text>`);
  for (let t = 0; t <= 4; t++) {
    const v = yMin + ((yMax - yMin) * t) / 4;
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="g"/>`);
    parts.push(`<text x="${M.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" class="k">${escapeHtml(spec.format(v))}</text>`);
  }
  spec.categories.forEach((c, i) => {
    parts.push(`<text x="${x(i).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle" class="k">${escapeHtml(c)}</text>`);
  });
  parts.push(`<text x="${M.left + pw / 2}" y="${H - M.bottom + 34}" text-anchor="middle" class="k">${escapeHtml(spec.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle" class="k">${escapeHtml(spec.yLabel)}</text>`);
  spec.series.forEach((s, si) => {
    let d = '';
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) return;
      d += `${d === '' ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      parts.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${s.color}"><title>${escapeHtml(`${s.name} @ ${spec.categories[i] ?? ''}: ${spec.format(v)}`)}</title></circle>`);
    });
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    // Legend: three per row under the axis label, at most two rows (six series).
    if (si < 6) {
      const lx = M.left + (si % 3) * 190;
      const ly = H - 22 + Math.floor(si / 3) * 14;
      parts.push(`<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
      parts.push(`<text x="${lx + 22}" y="${ly}" class="k">${escapeHtml(s.name)}</text>`);
    }
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(spec.title)}">${parts.join('')}</svg>`;
}

export interface StackBar {
  label: string;
  segments: ReadonlyArray<{ name: string; ms: number }>;
}

export function stackChart(title: string, bars: readonly StackBar[], colors: Readonly<Record<string, string>>, format: (v: number) => string): string {
  const rowH = 18;
  const gap = 6;
  const left = 170;
  const width = 640;
  const height = 60 + bars.length * (rowH + gap) + 24;
  const max = niceMax(Math.max(1, ...bars.map((b) => b.segments.reduce((s, x) => s + Math.max(0, x.ms), 0))));
  const pw = width - left - 20;
  const parts: string[] = [SVG_HEAD, `<text x="${width / 2}" y="20" text-anchor="middle" class="t">${escapeHtml(title)}</text>`];
  bars.forEach((b, i) => {
    const y = 36 + i * (rowH + gap);
    parts.push(`<text x="${left - 6}" y="${y + 13}" text-anchor="end" class="k">${escapeHtml(b.label)}</text>`);
    let x = left;
    for (const s of b.segments) {
      if (!(s.ms > 0)) continue;
      const w = (pw * s.ms) / max;
      parts.push(`<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowH}" fill="${colors[s.name] ?? '#888'}"><title>${escapeHtml(`${b.label} · ${s.name}: ${format(s.ms)}`)}</title></rect>`);
      x += w;
    }
    const total = b.segments.reduce((t, s) => t + Math.max(0, s.ms), 0);
    parts.push(`<text x="${(x + 4).toFixed(1)}" y="${y + 13}" class="k">${escapeHtml(format(total))}</text>`);
  });
  const legendY = height - 10;
  Object.entries(colors).forEach(([name, color], i) => {
    const lx = 10 + i * 105;
    parts.push(`<rect x="${lx}" y="${legendY - 10}" width="10" height="10" fill="${color}"/><text x="${lx + 14}" y="${legendY}" class="k">${escapeHtml(name)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}">${parts.join('')}</svg>`;
}
