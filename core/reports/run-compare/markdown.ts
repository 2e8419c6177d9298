/**
 * compare.md: the comparison as the team pastes it into its notes. GitHub tables (every cell escaped: a `|` or a
 * newline from a case title cannot break a row, `<` cannot open a tag), image links relative to the comparison's
 * folder (its images/ sub-folder), figures through shared/units.ts and shared/speedup.ts.
 */
import type { Side } from '../../../shared/model.ts';
import {
  categoryLabel,
  changedPairs,
  describePixelChange,
  pairLabel,
  stageLabel,
  type ComparedPair,
  type RunComparison,
  type RunRef,
  type SpeedGroup,
} from '../../../shared/run-compare.ts';
import { formatCount, formatDuration } from '../../../shared/units.ts';
import { safeRelativeHref } from '../html-parts.ts';

const SIDES = ['A', 'B'] as const;

/** One table cell: no pipe, no newline, no raw HTML. */
export function mdCell(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ')
    .trim();
}

/** Text outside tables: no raw HTML, and Markdown's own markup characters in names shown literally. */
function mdText(value: string): string {
  return mdCell(value).replace(/([\\`*_[\]#])/g, '\\$1');
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Only the comparison's own thumbnails (images/<name>): never a link out of its folder, even from a tampered object. */
const THUMB_PATH = /^images\/[A-Za-z0-9._-]+$/;

function image(alt: string, rel: string | null | undefined): string {
  const href = rel && THUMB_PATH.test(rel) ? safeRelativeHref(rel) : null;
  return href ? `![${mdCell(alt)}](${href})` : '';
}

export function runLine(label: string, r: RunRef): string {
  const side = (s: Side) => {
    const b = r.backends[s];
    return `${s}: ${mdText(b.label)}${b.simulated && !/simulated/i.test(b.label) ? ' (simulated)' : ''}${b.faults ? `, faults \`${b.faults.replace(/`/g, '')}\`` : ''}`;
  };
  return `- **${label}**: run \`${r.id.replace(/`/g, '')}\` (${mdText(r.dir)}), suite ${mdText(r.suite)}, created ${mdText(r.createdAt)}, ${mdText(r.status)}; ${side('A')}; ${side('B')}`;
}

function speedTable(groups: readonly SpeedGroup[]): string {
  const stages: string[] = [];
  for (const g of groups) for (const r of g.rows) if (!stages.includes(r.stage)) stages.push(r.stage);
  const head = ['Stage'];
  for (const g of groups) head.push(`${g.side} p50 before`, `${g.side} p50 after`, `${g.side} change`);
  head.push('Pairs (A / B)');
  const rows = stages.map((stage) => {
    const cells = [stageLabel(stage)];
    for (const g of groups) {
      const r = g.rows.find((x) => x.stage === stage);
      cells.push(formatDuration(r?.p50.before), formatDuration(r?.p50.after), mdCell(r?.change ?? '—'));
    }
    cells.push(groups.map((g) => formatCount(g.rows.find((x) => x.stage === stage)?.n ?? 0)).join(' / '));
    return cells;
  });
  return table(head, rows);
}

function textCell(p: ComparedPair, side: Side): string {
  const t = p.text?.[side];
  if (!t) return '—';
  const word = (v: boolean | null) => (v === null ? 'not checked' : v ? 'pass' : 'fail');
  return t.changed ? `**${word(t.before)} → ${word(t.after)}**` : word(t.after);
}

function verdictCell(p: ComparedPair): string {
  const v = p.verdict;
  if (v.changed) return `**${mdCell(v.before ?? '')} → ${mdCell(v.after ?? '')}**`;
  if (v.before === null && v.after === null) return 'not judged';
  return mdCell(`${v.before ?? 'not judged'} → ${v.after ?? 'not judged'}`);
}

function statusCell(p: ComparedPair, side: Side): string {
  const s = p.status[side];
  return s.before === s.after ? '' : ` (status ${mdCell(s.before)} → ${mdCell(s.after)})`;
}

export function renderComparisonMarkdown(c: RunComparison): string {
  const hasText = c.totals.textChanged !== null;
  const out: string[] = [];
  out.push(`# Run comparison · ${mdText(c.after.suite)}`, '');
  out.push(`> ${mdText(c.headline)}`, '');
  out.push(runLine('First run (before)', c.before), runLine('Second run (after)', c.after), '');
  out.push(`Generated ${mdText(c.generatedAt)} by omni-review ${mdText(c.tool.version)}. Pairs are matched by case id, turn and repeat; each side is compared with itself in the other run. A ratio reads after against before ("A 1.31× slower": A's p50 in the second run is 1.31 times its p50 in the first).`, '');
  if (c.warnings.length) {
    out.push('## Warnings', '', ...c.warnings.map((w) => `- ${mdText(w)}`), '');
  }

  out.push('## Speed per category and stage', '', 'Only stages both runs report for that side, over the pairs where both jobs are ok (like for like).', '');
  const categories = [...new Set(c.speed.map((g) => g.category))];
  for (const category of categories) {
    out.push(`### ${mdText(categoryLabel(category))}`, '', speedTable(c.speed.filter((g) => g.category === category)), '');
  }

  const changed = changedPairs(c);
  out.push(`## Pairs that changed (${formatCount(changed.length)} of ${formatCount(c.matching.matched)})`, '');
  if (changed.length === 0) {
    out.push('No pair changed verdict, text result, status or pictures.', '');
  } else {
    const head = ['Pair', 'Category', 'Verdict', ...(hasText ? ['Text A', 'Text B'] : []), 'A pictures', 'B pictures', 'A e2e before → after', 'B e2e before → after'];
    const rows = changed.map((p) => [
      `${mdCell(pairLabel(p))}${p.title ? `<br>${mdCell(p.title)}` : ''}`,
      mdCell(categoryLabel(p.category)),
      verdictCell(p),
      ...(hasText ? [textCell(p, 'A'), textCell(p, 'B')] : []),
      ...SIDES.map((s) => mdCell(describePixelChange(p.pixels[s])) + statusCell(p, s)),
      ...SIDES.map((s) => `${formatDuration(p.e2eMs[s].before)} → ${formatDuration(p.e2eMs[s].after)}`),
    ]);
    out.push(table(head, rows), '');
    const pictured = changed.filter((p) => SIDES.some((s) => p.pixels[s].thumbs?.heatmap));
    if (pictured.length) {
      out.push('### Pictures that changed', '', 'Before, after and the pixel-difference heatmap (red: changed) of each side whose output changed.', '');
      const rows2: string[][] = [];
      for (const p of pictured) {
        for (const s of SIDES) {
          const t = p.pixels[s].thumbs;
          if (!t?.heatmap) continue;
          rows2.push([`${mdCell(pairLabel(p))} · ${s}`, mdCell(describePixelChange(p.pixels[s])), image(`${s} before`, t.before), image(`${s} after`, t.after), image(`${s} heatmap`, t.heatmap)]);
        }
      }
      out.push(table(['Pair · side', 'Changed', 'Before', 'After', 'Heatmap'], rows2), '');
    }
  }

  if (c.matching.onlyBefore.length || c.matching.onlyAfter.length) {
    out.push('## Not matched', '');
    const list = (label: string, refs: RunComparison['matching']['onlyBefore']) => {
      if (refs.length) out.push(`**${label}** (${formatCount(refs.length)}): ${refs.map((r) => mdText(pairLabel(r))).join(', ')}`, '');
    };
    list('Only in the first run', c.matching.onlyBefore);
    list('Only in the second run', c.matching.onlyAfter);
  }
  return `${out.join('\n').trimEnd()}\n`;
}
