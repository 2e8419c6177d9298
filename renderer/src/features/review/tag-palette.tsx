import { useMemo, useState } from 'react';
import type { PairView } from '../../../../shared/contract.ts';
import { TAGS } from '../../../../shared/model.ts';
import { placement } from '../../lib/blind.ts';
import { useApp } from '../../state/react.tsx';
import { draftFor } from '../../state/selectors.ts';

const CUSTOM_ARTIFACT = /^artifact\.[a-z_]+$/;

/** Options for a query: taxonomy tags containing it, plus a new artifact.* tag when typed in full. */
export function tagOptions(query: string, selected: readonly string[]): string[] {
  const q = query.trim().toLowerCase();
  const known = [...TAGS, ...selected.filter((t) => !(TAGS as readonly string[]).includes(t))];
  const words = q.split(/[\s.]+/).filter(Boolean);
  const hits = known.filter((t) => words.every((w) => t.includes(w)));
  if (CUSTOM_ARTIFACT.test(q) && !hits.includes(q)) hits.unshift(q);
  return hits;
}

const SCOPES = ['pair', 'left', 'right'] as const;
type Scope = (typeof SCOPES)[number];

/**
 * `t`: type to filter the failure taxonomy, ↑/↓ to move, Enter to toggle, Tab to pick what the tag is about (the
 * left side, the right side, or the pair as a whole: tags are per side since issue 11), Esc to close.
 */
export function TagPalette({ pair }: { pair: PairView }) {
  const drafts = useApp((s) => s.drafts);
  const settings = useApp((s) => s.settings);
  const blind = useApp((s) => s.blind);
  const toggleTagIn = useApp((s) => s.toggleTag);
  const setOverlay = useApp((s) => s.setOverlay);
  // The pair as a whole by default (what t did before tags were per side); Tab moves to the left or right side.
  const [scope, setScope] = useState<Scope>('pair');
  const place = placement(pair, blind);
  const side = scope === 'pair' ? undefined : place[scope];
  const draft = draftFor({ drafts, settings }, pair);
  const selected = side ? draft.sideTags[side] : draft.tags;
  const toggleTag = (tag: string) => toggleTagIn(tag, side);
  const scopeName = (s: Scope): string => (s === 'pair' ? 'Pair' : blind ? (s === 'left' ? 'Left' : 'Right') : `${place[s]} (${s})`);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const options = useMemo(() => tagOptions(query, selected), [query, selected]);
  const at = Math.min(active, Math.max(0, options.length - 1));

  return (
    <div className="tag-palette" data-testid="tag-palette" role="dialog" aria-label="Tags">
      <input
        autoFocus
        data-testid="tag-filter"
        aria-label="Filter tags"
        aria-controls="tag-options"
        aria-activedescendant={options[at] ? `tag-option-${at}` : undefined}
        placeholder="type to filter · Enter toggles · Esc closes"
        value={query}
        spellCheck={false}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive(Math.min(options.length - 1, at + 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive(Math.max(0, at - 1));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            const tag = options[at];
            if (tag) toggleTag(tag);
          } else if (e.key === 'Tab') {
            e.preventDefault();
            setScope(SCOPES[(SCOPES.indexOf(scope) + (e.shiftKey ? SCOPES.length - 1 : 1)) % SCOPES.length]!);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            setOverlay(null);
          }
        }}
      />
      <div className="cv-seg tag-scope" role="radiogroup" aria-label="What the tag is about">
        {SCOPES.map((s) => (
          <button
            key={s}
            type="button"
            role="radio"
            aria-checked={scope === s}
            className={scope === s ? 'is-on' : ''}
            data-testid={`tag-scope-${s}`}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => setScope(s)}
          >
            {scopeName(s)}
          </button>
        ))}
      </div>
      <ul id="tag-options" className="tag-options" role="listbox" aria-multiselectable="true">
        {options.length === 0 && <li className="muted small-print">No tag matches. New artifact tags: type artifact.name in full.</li>}
        {options.map((tag, i) => {
          const on = selected.includes(tag);
          const isNew = !(TAGS as readonly string[]).includes(tag) && !on;
          return (
            <li
              key={tag}
              id={`tag-option-${i}`}
              role="option"
              aria-selected={on}
              data-testid={`tag-option-${tag}`}
              data-selected={on}
              className={`tag-option${i === at ? ' active' : ''}${on ? ' on' : ''}`}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => {
                setActive(i);
                toggleTag(tag);
              }}
            >
              <span className="check" aria-hidden="true">
                {on ? '✓' : ''}
              </span>
              <span className="tag-family">{tag.split('.')[0]}.</span>
              <span>{tag.split('.').slice(1).join('.')}</span>
              {isNew && <span className="muted"> (new)</span>}
            </li>
          );
        })}
      </ul>
      <p className="muted small-print">Tags are saved with the next verdict.</p>
    </div>
  );
}
