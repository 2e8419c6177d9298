import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../../../../core/testing/test-engine.ts';
import { bucketGroups } from '../review/bucket-bar.tsx';
import { createReviewStore } from '../../state/store.ts';
import { SummaryView } from './summary-view.tsx';

const engines: TestEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

async function engine() {
  const e = await startTestEngine({ runs: [{ id: 'r1', pairs: 30, chainEvery: 3, errorEvery: 7, reviewedFraction: 0.8, priorReviewer: 'bo' }], settings: { reviewer: 'ana' } });
  engines.push(e);
  return e;
}

describe('the Summary screen', () => {
  it('shows the engine\'s headline and per-category table (runs:summary), verdict shares included', async () => {
    const e = await engine();
    const data = await e.api.call('runs:summary', { runId: 'r1' });
    const html = renderToStaticMarkup(<SummaryView data={data} blind={false} />);
    expect(html).toContain(data.headline.speed);
    expect(html).toContain(`data-testid="headline-review">${data.headline.review}`);
    // One row per summary row, all pairs first, with units and words (no enum names).
    expect(data.rows[0]?.key).toBe('all');
    for (const r of data.rows) expect(html).toContain(`data-testid="summary-row-${r.key}"`);
    expect(html).toContain('Multi-turn · turn 2');
    expect(html).toMatch(/<th scope="col" data-testid="verdict-share-head">A better<\/th>/);
    expect(html).toMatch(/\d+ % \[\d+–\d+\]/);
    expect(html).toMatch(/\d[\d,.]* ms/);
    expect(html).not.toMatch(/A_better|B_better|both_bad/);
    // Errors are counted (every 7th pair has a failed B).
    const all = data.rows[0];
    expect(all?.errors.B).toBeGreaterThan(0);
  });

  it('hides the verdict sentence and the verdict-share columns in blind mode', async () => {
    const e = await engine();
    const data = await e.api.call('runs:summary', { runId: 'r1' });
    const html = renderToStaticMarkup(<SummaryView data={data} blind />);
    expect(html).not.toContain(data.headline.review);
    expect(html).toContain('data-testid="headline-review-hidden"');
    expect(html).not.toContain('verdict-share-head');
    expect(html).not.toMatch(/\d+ % \[\d+–\d+\]/);
    expect(html).toContain(data.headline.speed);
  });

  it('hides the verdict bucket chips in blind mode, where the review screen computes them from the engine\'s pairs', async () => {
    const e = await engine();
    const store = createReviewStore({ api: e.api });
    await store.getState().boot();
    await store.getState().openRun('r1');
    const shown = (blind: boolean) => store.getState().buckets.filter((b) => bucketGroups(blind).includes(b.group)).map((b) => b.name);
    expect(shown(false)).toEqual(expect.arrayContaining(['v-A_better', 'v-B_better']));
    store.getState().toggleBlind();
    expect(store.getState().blind).toBe(true);
    expect(shown(true).filter((n) => n.startsWith('v-'))).toEqual([]);
    expect(shown(true)).toContain('all');
  });
});
