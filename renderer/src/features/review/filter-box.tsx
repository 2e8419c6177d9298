import { useEffect, useRef } from 'react';
import { useApp } from '../../state/react.tsx';

/** The token filter; `/` focuses it, Esc leaves it. Bad tokens are explained right under the box. */
export function FilterBox() {
  const filterText = useApp((s) => s.filterText);
  const errors = useApp((s) => s.filter.errors);
  const setFilterText = useApp((s) => s.setFilterText);
  const focusSeq = useApp((s) => s.focusFilterSeq);
  const visible = useApp((s) => s.visibleKeys.length);
  const total = useApp((s) => s.pairs.length);
  const ref = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (focusSeq > 0) {
      ref.current?.focus();
      ref.current?.select();
    }
  }, [focusSeq]);

  return (
    <div className="filter-box">
      <div className="filter-input-row">
        <input
          ref={ref}
          type="search"
          data-testid="filter-input"
          aria-label="Filter pairs"
          aria-invalid={errors.length > 0}
          aria-describedby="filter-help"
          placeholder="/  filter: v:A_better tag:text.missing diff>0.5% stage:denoise>20s"
          value={filterText}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => setFilterText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' || e.key === 'Enter') {
              e.preventDefault();
              e.currentTarget.blur();
            }
          }}
        />
        <span className="filter-count mono" data-testid="filter-count">
          {visible === total ? total : `${visible}/${total}`}
        </span>
      </div>
      {errors.length > 0 ? (
        <ul className="filter-errors" id="filter-help" data-testid="filter-errors" role="alert">
          {errors.map((e) => (
            <li key={`${e.start}-${e.token}`}>{e.message}</li>
          ))}
        </ul>
      ) : (
        <p className="filter-help" id="filter-help">
          Tokens AND together; <code>a,b</code> ORs; <code>-</code> negates. Try <code>cat:text status:error ssim&lt;0.9 e2e&gt;20s</code>.
        </p>
      )}
    </div>
  );
}
