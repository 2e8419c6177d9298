import { describe, expect, it } from 'vitest';
import { fakeId, fakePair, fakeSide } from './pair-fixture.ts';
import { hasSource, pairFrame, placeSides, sideProblem, sizeMismatchNote, slotsFor, sourceFor } from './sides.ts';

const labels = { A: 'vLLM-Omni (simulated)', B: 'diffusers (simulated)' };

describe('placeSides', () => {
  it('puts A left and names backends when not blind', () => {
    const [l, r] = placeSides(fakePair(), false, false, labels);
    expect([l.side, r.side]).toEqual(['A', 'B']);
    expect(l.label).toBe('A · vLLM-Omni (simulated)');
    expect(r.short).toBe('B');
    expect(l.colorVar).toBe('--cv-side-a');
  });

  it('swaps everything positional when swapped', () => {
    const pair = fakePair();
    const [l, r] = placeSides(pair, true, true, labels);
    expect(l.side).toBe('B');
    expect(l.view).toBe(pair.B);
    expect(r.view).toBe(pair.A);
  });

  it('never names a backend or its colour in blind mode', () => {
    for (const swapped of [false, true]) {
      const [l, r] = placeSides(fakePair(), true, swapped, labels);
      expect([l.label, r.label]).toEqual(['Left', 'Right']);
      expect([l.short, r.short]).toEqual(['L', 'R']);
      // Colours follow position, so a colour cannot give the backend away.
      expect([l.colorVar, r.colorVar]).toEqual(['--cv-side-a', '--cv-side-b']);
    }
  });
});

describe('sideProblem', () => {
  it('explains errors with the HTTP status, attempts and URL', () => {
    const p = sideProblem(
      fakeSide('A', {
        status: 'error',
        imageId: null,
        attempts: 3,
        error: { kind: 'http', httpStatus: 503, message: 'server busy', url: 'http://127.0.0.1:8000/v1/images/edits', retryable: true },
      }),
    );
    expect(p).toEqual({ title: 'HTTP 503 error after 3 attempts', detail: 'server busy (http://127.0.0.1:8000/v1/images/edits)', tone: 'error' });
  });

  it('covers pending, running, skipped and a missing image', () => {
    expect(sideProblem(fakeSide('A', { status: 'pending' }))?.title).toBe('Pending');
    expect(sideProblem(fakeSide('A', { status: 'running' }))?.title).toBe('Running…');
    expect(sideProblem(fakeSide('A', { status: 'skipped' }))?.title).toBe('Skipped');
    expect(sideProblem(fakeSide('A', { imageId: null }))?.tone).toBe('error');
    expect(sideProblem(fakeSide('A'))).toBeNull();
  });
});

describe('sources and frames', () => {
  it('shows the shared source, or the chosen side\'s when turns diverge', () => {
    const pair = fakePair();
    expect(sourceFor(placeSides(pair, false, false), 'right')).toMatchObject({ imageId: fakeId('source'), differs: false });
    const t2 = fakePair({ A: fakeSide('A', { sourceId: fakeId('a-t1') }), B: fakeSide('B', { sourceId: fakeId('b-t1') }) });
    const places = placeSides(t2, true, true);
    expect(sourceFor(places, 'left')).toEqual({ imageId: fakeId('b-t1'), differs: true, from: 'left' });
    expect(sourceFor(places, 'right')).toEqual({ imageId: fakeId('a-t1'), differs: true, from: 'right' });
  });

  it('knows text-to-image pairs have no source', () => {
    expect(hasSource(fakePair({ A: fakeSide('A', { sourceId: null }), B: fakeSide('B', { sourceId: null }) }))).toBe(false);
  });

  it('frames on A, then B, then the source', () => {
    const pair = fakePair({ A: fakeSide('A', { width: 768, height: 512 }) });
    expect(pairFrame(pair)).toEqual({ width: 768, height: 512 });
    const failed = fakePair({ A: fakeSide('A', { width: null, height: null }), B: fakeSide('B', { width: null, height: null }) });
    expect(pairFrame(failed, { width: 640, height: 480 })).toEqual({ width: 640, height: 480 });
  });
});

describe('slotsFor', () => {
  const pair = fakePair();
  const places = placeSides(pair, true, true);

  it('split shows source, left, right, positional', () => {
    const slots = slotsFor('split', pair, places, 'left');
    expect(slots.map((s) => [s.role, s.imageId])).toEqual([
      ['source', fakeId('source')],
      ['left', pair.B.imageId],
      ['right', pair.A.imageId],
    ]);
  });

  it('drops the source pane for text-to-image and images of failed sides', () => {
    const t2i = fakePair({ A: fakeSide('A', { sourceId: null }), B: fakeSide('B', { sourceId: null, status: 'error', error: null }) });
    const slots = slotsFor('split', t2i, placeSides(t2i, false, false), 'left');
    expect(slots.map((s) => [s.role, s.imageId])).toEqual([
      ['left', t2i.A.imageId],
      ['right', null],
    ]);
  });

  it('diff and source modes show heatmaps', () => {
    expect(slotsFor('diff', pair, places, 'left')).toEqual([{ role: 'diff', imageId: fakeId('diff'), size: { width: 1024, height: 1024 } }]);
    expect(slotsFor('source', pair, places, 'left').map((s) => s.imageId)).toEqual([fakeId('B-vs-src'), fakeId('A-vs-src')]);
    expect(slotsFor('onion', pair, places, 'left').map((s) => s.role)).toEqual(['left', 'right']);
  });
});

describe('sizeMismatchNote', () => {
  it('says nothing when sizes agree', () => {
    const pair = fakePair();
    expect(sizeMismatchNote(pair, placeSides(pair, false, false), { width: 1024, height: 1024 })).toBeNull();
  });

  it('states both sizes positionally', () => {
    const pair = fakePair({
      B: fakeSide('B', { width: 768, height: 768 }),
      diff: { ...fakePair().diff!, heatmapId: null, pixels: null, ratio: null, sizeMismatch: { first: '1024x1024', second: '768x768' } },
    });
    const note = sizeMismatchNote(pair, placeSides(pair, true, true), { width: 1024, height: 1024 });
    expect(note).toBe('Size mismatch: Left 768×768, Right 1024×1024. Both are shown stretched to 1024×1024; no pixel diff.');
  });
});
