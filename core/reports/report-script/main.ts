/**
 * The browser script of report.html: the pair filter (free text, category, status; `/` focuses it) and the
 * enlarge view. Bundled into one IIFE by scripts/build-report-script.ts into report-script.generated.ts, which
 * html.ts inlines (with its CSP hash); type-checked by tsconfig.report-script.json (DOM, no Node).
 */
import { REPORT_DOM, type PairIndexEntry } from '../pair-index.ts';
import { applyFilter, countLabel } from './filter.ts';
import { installLightbox } from './lightbox.ts';

function element<T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`report.html: #${id} is missing`);
  return el;
}

function start(): void {
  const index = JSON.parse(element(REPORT_DOM.index, HTMLScriptElement).textContent || '[]') as PairIndexEntry[];
  const query = element(REPORT_DOM.query, HTMLInputElement);
  const category = element(REPORT_DOM.category, HTMLSelectElement);
  const status = element(REPORT_DOM.status, HTMLSelectElement);
  const count = element(REPORT_DOM.count, HTMLElement);

  const apply = (): void => {
    const shown = applyFilter(index, { text: query.value, category: category.value, status: status.value });
    for (const entry of index) {
      const article = document.getElementById(entry.id);
      if (article) article.hidden = !shown.pairs.has(entry.id);
    }
    document.querySelectorAll<HTMLElement>('.chain').forEach((el) => (el.hidden = !shown.chains.has(el.id)));
    document.querySelectorAll<HTMLElement>('section.case').forEach((el) => (el.hidden = !shown.groups.has(el.id)));
    count.textContent = countLabel(shown.pairs.size, index.length);
  };
  query.addEventListener('input', apply);
  category.addEventListener('change', apply);
  status.addEventListener('change', apply);

  const lightbox = installLightbox(element(REPORT_DOM.lightbox, HTMLElement));
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      lightbox.close();
      return;
    }
    if (ev.key === '/' && document.activeElement !== query) {
      ev.preventDefault();
      query.focus();
    }
  });
  apply();
}

start();
