/**
 * The text check of the current pair, per side (issue 11): the expected text with each character marked as
 * read right, read wrong, missing or extra; what OCR read; the scores; and the suggested tags, each accepted or
 * rejected with one key (y / x) or a click and stored at once like any verdict (u undoes it). Sides are named
 * by position in blind mode.
 */
import type { ReactNode } from 'react';
import type { PairView } from '../../../../shared/contract.ts';
import type { Side } from '../../../../shared/model.ts';
import { openSuggestions, type SideTextCheck } from '../../../../shared/ocr-view.ts';
import { formatDuration, formatPercent } from '../../../../shared/units.ts';
import { placement } from '../../lib/blind.ts';
import { useApp } from '../../state/react.tsx';
import { draftFor } from '../../state/selectors.ts';

const LANG_NAMES = { en: 'English', zh: 'Chinese', mixed: 'Chinese and English' } as const;

/** The expected text as spans: correct characters plain, wrong / missing marked, extra ones inserted where they were read. */
export function highlightExpected(check: Pick<SideTextCheck, 'expected' | 'alignment'>): Array<{ kind: 'match' | 'wrong' | 'missing' | 'extra' | 'plain'; text: string; read?: string }> {
  const { expected, alignment } = check;
  const marks = new Array<'match' | 'wrong' | 'missing' | undefined>(expected.length);
  const reads = new Map<number, string>();
  const extras = new Map<number, string>();
  for (const step of alignment) {
    if (step.op === 'extra') {
      const at = step.expectedAt ?? expected.length;
      extras.set(at, (extras.get(at) ?? '') + (step.recognized ?? ''));
      continue;
    }
    if (step.expectedStart === undefined || step.expectedEnd === undefined) continue;
    for (let i = step.expectedStart; i < step.expectedEnd; i++) marks[i] = step.op;
    if (step.op === 'wrong' && step.recognized !== undefined) reads.set(step.expectedStart, step.recognized);
  }
  const out: Array<{ kind: 'match' | 'wrong' | 'missing' | 'extra' | 'plain'; text: string; read?: string }> = [];
  const push = (kind: (typeof out)[number]['kind'], text: string, read?: string) => {
    const last = out[out.length - 1];
    if (last && last.kind === kind && kind !== 'wrong' && kind !== 'extra') last.text += text;
    else out.push({ kind, text, ...(read === undefined ? {} : { read }) });
  };
  for (let i = 0; i <= expected.length; i++) {
    const extra = extras.get(i);
    if (extra) push('extra', extra);
    if (i === expected.length) break;
    const mark = marks[i];
    push(mark ?? 'plain', expected[i]!, mark === 'wrong' ? reads.get(i) : undefined);
  }
  return out;
}

export function TextCheckPanel({ pair }: { pair: PairView }) {
  const blind = useApp((s) => s.blind);
  const drafts = useApp((s) => s.drafts);
  const settings = useApp((s) => s.settings);
  const showText = useApp((s) => s.showText);
  const toggleText = useApp((s) => s.toggleText);
  const decide = useApp((s) => s.decideSuggestion);
  if (pair.expectedText.length === 0) return null;
  const place = placement(pair, blind);
  const draft = draftFor({ drafts, settings }, pair);
  const anyRead = pair.A.text || pair.B.text;

  return (
    <section className="inspector-section text-check" data-testid="text-check" aria-labelledby="text-check-heading">
      <header className="section-head">
        <h3 id="text-check-heading">Text check</h3>
        {anyRead && (
          <button type="button" className="small" data-testid="text-boxes-toggle" aria-pressed={showText} onClick={toggleText}>
            <kbd>r</kbd> {showText ? 'Hide boxes' : 'Show boxes'}
          </button>
        )}
      </header>
      {(['left', 'right'] as const).map((position) => {
        const side = place[position];
        const name = blind ? (position === 'left' ? 'Left' : 'Right') : side;
        const check = pair[side].text;
        return (
          <SideText
            key={position}
            position={position}
            name={name}
            check={check ?? null}
            status={pair[side].status}
            given={draft.sideTags[side]}
            dismissed={draft.dismissed[side]}
            onDecide={(accept, tag) => void decide(accept, { side, tag })}
          />
        );
      })}
      <p className="muted small-print">
        <kbd>y</kbd> accepts, <kbd>x</kbd> rejects the next suggestion (left first); stored at once, <kbd>u</kbd> undoes.
      </p>
    </section>
  );
}

export function SideText({
  position,
  name,
  check,
  status,
  given,
  dismissed,
  onDecide,
}: {
  position: 'left' | 'right';
  name: string;
  check: SideTextCheck | null;
  status: PairView[Side]['status'];
  given: readonly string[];
  dismissed: readonly string[];
  onDecide: (accept: boolean, tag: string) => void;
}) {
  if (!check) {
    return (
      <div className="text-side" data-testid={`text-side-${position}`} data-state="unread">
        <div className="text-side-head">
          <b>{name}</b> <span className="muted small-print">{status === 'ok' ? 'not read (OCR off, unavailable, or still to come)' : 'no output'}</span>
        </div>
      </div>
    );
  }
  const open = openSuggestions(check, given, dismissed);
  const suggestions = check.suggestedTags;
  const scores: Array<[string, ReactNode, string]> = [
    ['CER', formatPercent(check.cer), 'Character error rate: (substituted + missing + extra characters) / expected characters'],
    ['NED', check.ned.toFixed(2), 'Normalised edit-distance similarity, 1 = identical'],
    ...(check.wordAccuracy === null ? [] : [['Words', formatPercent(check.wordAccuracy), 'Word accuracy (English words found exactly)'] as [string, ReactNode, string]]),
    ...(check.charAccuracy === null ? [] : [['Chars', formatPercent(check.charAccuracy), 'Character accuracy (Chinese characters read right)'] as [string, ReactNode, string]]),
    ['BoW', formatPercent(check.bagOfWordsRecall), 'Bag-of-words recall (LongText-Bench): share of expected words / characters found, in any order'],
  ];
  return (
    <div className="text-side" data-testid={`text-side-${position}`} data-state={check.pass ? 'pass' : 'fail'}>
      <div className="text-side-head">
        <b>{name}</b>
        <span className={`text-verdict ${check.pass ? 'is-pass' : 'is-fail'}`} data-testid={`text-verdict-${position}`}>
          {check.pass ? 'pass' : 'fail'}
        </span>
        <span className="muted small-print">
          {LANG_NAMES[check.lang]} · OCR {formatDuration(check.ms)}
        </span>
      </div>
      <div className="text-row">
        <span className="text-label">Expected</span>
        <span className="text-expected" data-testid={`text-expected-${position}`} lang={check.lang === 'en' ? 'en' : 'zh'}>
          {highlightExpected(check).map((span, i) =>
            span.kind === 'plain' || span.kind === 'match' ? (
              <span key={i}>{span.text}</span>
            ) : (
              <mark
                key={i}
                className={`ch-${span.kind}`}
                data-testid={`char-${span.kind}`}
                title={span.kind === 'wrong' ? `read as “${span.read ?? '?'}”` : span.kind === 'missing' ? 'not read' : 'read, but not expected'}
              >
                {span.text}
              </mark>
            ),
          )}
        </span>
      </div>
      <div className="text-row">
        <span className="text-label">Read</span>
        <span className="text-read" data-testid={`text-read-${position}`}>
          {check.recognized === '' ? <i className="muted">nothing</i> : check.recognized}
        </span>
      </div>
      {check.source !== undefined && (
        <div className="text-row" title="The text the edit's input image showed: still reading it suggests text.source_kept">
          <span className="text-label">Source</span>
          <span className="text-source muted" data-testid={`text-source-${position}`}>
            {check.source}
          </span>
        </div>
      )}
      <dl className="text-scores">
        {scores.map(([label, value, title]) => (
          <div key={label} title={title}>
            <dt>{label}</dt>
            <dd className="mono">{value}</dd>
          </div>
        ))}
      </dl>
      {suggestions.length > 0 && (
        <ul className="text-suggestions" aria-label={`Suggested tags for ${name}`}>
          {suggestions.map((tag) => {
            const state = given.includes(tag) ? 'accepted' : dismissed.includes(tag) ? 'rejected' : 'open';
            return (
              <li key={tag} className={`suggestion is-${state}`} data-testid={`suggestion-${position}`} data-tag={tag} data-state={state}>
                <span className="mono">{tag}</span>
                {state === 'open' ? (
                  <>
                    <button type="button" className="small" data-testid={`suggestion-accept-${position}`} title={open[0] === tag ? 'Accept (y)' : 'Accept'} onClick={() => onDecide(true, tag)}>
                      ✓
                    </button>
                    <button type="button" className="small" data-testid={`suggestion-reject-${position}`} title={open[0] === tag ? 'Reject (x)' : 'Reject'} onClick={() => onDecide(false, tag)}>
                      ✗
                    </button>
                  </>
                ) : (
                  <span className="muted small-print">{state}</span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
