import type { PairView } from '../../../../shared/contract.ts';
import type { VerdictValue } from '../../../../shared/model.ts';
import { placement, positionOf, verdictFor, type PositionalVerdict } from '../../lib/blind.ts';
import { latestVerdict, pairLabel } from '../../lib/pair-utils.ts';
import { useApp } from '../../state/react.tsx';
import { draftFor, draftIsUnsaved, reviewerOf } from '../../state/selectors.ts';
import { NoteEditor } from './note-editor.tsx';
import { TagPalette } from './tag-palette.tsx';

interface ButtonSpec {
  choice: PositionalVerdict;
  key: string;
  /** data-testid value: the verdict this button stores when sides are not swapped. */
  testValue: VerdictValue;
  label: (blind: boolean) => string;
}

const BUTTONS: ButtonSpec[] = [
  { choice: 'left', key: '1', testValue: 'A_better', label: (blind) => (blind ? 'Left better' : 'A better') },
  { choice: 'right', key: '2', testValue: 'B_better', label: (blind) => (blind ? 'Right better' : 'B better') },
  { choice: 'tie', key: '3', testValue: 'tie', label: () => 'Tie' },
  { choice: 'both_bad', key: '4', testValue: 'both_bad', label: () => 'Both bad' },
  { choice: 'skip', key: 's', testValue: 'skip', label: () => 'Skip' },
];

/** Verdict buttons (the same actions as 1–4 / s), the save state, and the tags and note of this pair. */
export function VerdictPanel({ pair }: { pair: PairView }) {
  const blind = useApp((s) => s.blind);
  const judge = useApp((s) => s.judge);
  const amend = useApp((s) => s.amend);
  const save = useApp((s) => s.save);
  const overlay = useApp((s) => s.overlay);
  const setOverlay = useApp((s) => s.setOverlay);
  const reviewer = useApp(reviewerOf);
  const drafts = useApp((s) => s.drafts);
  const settings = useApp((s) => s.settings);
  const pairs = useApp((s) => s.pairs);
  const pairIndex = useApp((s) => s.pairIndex);

  const { swapped } = placement(pair, blind);
  const latest = latestVerdict(pair, reviewer);
  const activeChoice = latest ? positionOf(latest.verdict, swapped) : null;
  const draft = draftFor({ drafts, settings }, pair);
  const unsaved = draftIsUnsaved({ drafts, settings }, pair);
  const others = pair.verdicts.filter((v) => v.reviewer !== reviewer).length;
  const savedPair = save.pairKey ? pairs[pairIndex.get(save.pairKey) ?? -1] : undefined;
  const savedLabel = savedPair ? pairLabel(savedPair, savedPair.repeat > 1) : save.pairKey;

  return (
    <section className="inspector-section verdicts" aria-labelledby="verdict-heading">
      <header className="section-head">
        <h3 id="verdict-heading">Verdict</h3>
        <span className={`save-state save-${save.status}`} data-testid="save-state" data-status={save.status} role={save.status === 'error' ? 'alert' : 'status'}>
          {save.status === 'saving' && 'Saving…'}
          {save.status === 'saved' && `Saved · ${savedLabel}`}
          {save.status === 'error' && save.message}
        </span>
      </header>
      <div className="verdict-grid">
        {BUTTONS.map((b) => {
          const stored = verdictFor(b.choice, swapped);
          return (
            <button
              key={b.choice}
              type="button"
              className={`verdict-button vb-${b.choice}${activeChoice === b.choice ? ' active' : ''}`}
              data-testid={`verdict-${b.testValue}`}
              data-stores={stored}
              aria-pressed={activeChoice === b.choice}
              disabled={save.status === 'saving' && save.pairKey === pair.key}
              onClick={() => void judge(b.choice)}
            >
              <kbd>{b.key}</kbd>
              <span>{b.label(blind)}</span>
            </button>
          );
        })}
      </div>
      {others > 0 && (
        <p className="muted small-print">
          {others} verdict{others > 1 ? 's' : ''} from other reviewers (not shown, so they do not steer you).
        </p>
      )}

      <div className="subsection">
        <div className="section-head">
          <h4>Tags</h4>
          <button type="button" className="small" data-testid="tags-button" aria-expanded={overlay === 'tags'} onClick={() => setOverlay(overlay === 'tags' ? null : 'tags')}>
            <kbd>t</kbd> Edit
          </button>
        </div>
        {overlay === 'tags' ? (
          <TagPalette pair={pair} />
        ) : draft.tags.length + draft.sideTags.A.length + draft.sideTags.B.length > 0 ? (
          <ul className="tag-chips" data-testid="pair-tags">
            {(['left', 'right'] as const).flatMap((pos) => {
              const side = placement(pair, blind)[pos];
              const name = blind ? (pos === 'left' ? 'Left' : 'Right') : side;
              return draft.sideTags[side].map((t) => (
                <li key={`${pos}-${t}`} className="tag-chip" data-testid={`tag-chip-${pos}`} data-tag={t}>
                  <b>{name}</b> {t}
                </li>
              ));
            })}
            {draft.tags.map((t) => (
              <li key={t} className="tag-chip" data-testid="tag-chip" data-tag={t}>
                {t}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted small-print">No tags. Press t for the failure taxonomy.</p>
        )}
      </div>

      <div className="subsection">
        <div className="section-head">
          <h4>Note</h4>
          <button type="button" className="small" data-testid="note-button" aria-expanded={overlay === 'note'} onClick={() => setOverlay(overlay === 'note' ? null : 'note')}>
            <kbd>n</kbd> Edit
          </button>
        </div>
        {overlay === 'note' ? (
          <NoteEditor pair={pair} />
        ) : draft.note.trim() !== '' ? (
          <p className="note-text" data-testid="pair-note">
            {draft.note}
          </p>
        ) : (
          <p className="muted small-print">No note.</p>
        )}
      </div>

      {unsaved && (
        <div className="unsaved" data-testid="unsaved-draft">
          <span>Tags or note changed: press 1–4 or s to save them with a verdict{latest ? ', or' : '.'}</span>
          {latest && (
            <button type="button" className="small primary" data-testid="amend-button" onClick={() => void amend()}>
              Save with current verdict
            </button>
          )}
        </div>
      )}
    </section>
  );
}
