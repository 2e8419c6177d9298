import { afterEach, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../../../../core/testing/test-engine.ts';
import { placement } from '../../lib/blind.ts';
import { currentPair } from '../selectors.ts';
import { createReviewStore } from '../store.ts';

const engines: TestEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

async function open(pairs: number) {
  const engine = await startTestEngine({ runs: [{ id: 'r1', pairs, chainEvery: 3 }], settings: { reviewer: 'ana' } });
  engines.push(engine);
  const store = createReviewStore({ api: engine.api });
  await store.getState().boot();
  await store.getState().openRun('r1');
  return store;
}

describe('compare', () => {
  it('switches view modes and counts zoom commands so the same command twice still fires', async () => {
    const store = await open(3);
    const s = store.getState();
    expect(s.mode).toBe('split');
    s.setMode('swipe');
    s.zoom('in');
    s.zoom('in');
    expect(store.getState()).toMatchObject({ mode: 'swipe', zoomCommand: { kind: 'in', seq: 2 } });
  });

  it('keeps one blind side assignment through every turn of a chain, as the engine draws it', async () => {
    const store = await open(30);
    store.getState().toggleBlind();
    const s = store.getState();
    const starts = s.pairs.filter((p) => p.turns === 3 && p.turn === 1);
    expect(starts.length).toBeGreaterThan(3);
    // Both arrangements occur across chains, and within one chain the sides never trade places.
    expect(new Set(starts.map((p) => p.blindSwap)).size).toBe(2);
    for (const start of starts) {
      s.select(start.key);
      const left = placement(currentPair(store.getState())!, true).left;
      s.handleAction('turn-next');
      s.handleAction('turn-next');
      const last = currentPair(store.getState())!;
      expect(last).toMatchObject({ caseId: start.caseId, turn: 3 });
      expect(placement(last, true).left).toBe(left);
    }
    // Not blind: A is always on the left.
    s.toggleBlind();
    expect(placement(starts.find((p) => p.blindSwap)!, store.getState().blind).left).toBe('A');
  });
});
