import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { makeSyntheticRun } from '../../bridge/synthetic.ts';
import { ComparePlaceholder } from './compare-placeholder.tsx';

const { pairs } = makeSyntheticRun({ id: 'r1', pairs: 40, seed: 2, errorRate: 0 });
const pair = pairs.find((p) => p.turn === 1 && p.A.sourceId !== null)!;
const imageUrl = (runId: string, id: string) => `img:${runId}/${id}`;

function render(blind: boolean, swapped: boolean): string {
  return renderToStaticMarkup(
    <ComparePlaceholder
      runId="r1"
      pair={pair}
      chain={[pair]}
      imageUrl={imageUrl}
      mode="split"
      onModeChange={() => {}}
      blind={blind}
      swapped={swapped}
      zoomCommand={null}
      onSelectTurn={() => {}}
      backendLabels={{ A: 'vLLM-Omni', B: 'diffusers' }}
    />,
  );
}

function srcOf(html: string, testId: string): string | undefined {
  return new RegExp(`<img data-testid="${testId}" src="([^"]+)"`).exec(html)?.[1];
}

describe('ComparePlaceholder', () => {
  it('shows source | A | B with backend names when not blind', () => {
    const html = render(false, false);
    expect(srcOf(html, 'pane-source')).toBe(`img:r1/${pair.A.sourceId}`);
    expect(srcOf(html, 'pane-left')).toBe(`img:r1/${pair.A.imageId}`);
    expect(srcOf(html, 'pane-right')).toBe(`img:r1/${pair.B.imageId}`);
    expect(html).toMatch(/data-testid="label-left"[^>]*>A · vLLM-Omni</);
  });

  it('hides names and puts B on the left when blind and swapped', () => {
    const html = render(true, true);
    expect(srcOf(html, 'pane-left')).toBe(`img:r1/${pair.B.imageId}`);
    expect(srcOf(html, 'pane-right')).toBe(`img:r1/${pair.A.imageId}`);
    expect(html).toMatch(/data-testid="label-left"[^>]*>Left</);
    expect(html).toMatch(/data-testid="label-right"[^>]*>Right</);
    expect(html).not.toContain('vLLM-Omni');
    expect(html).not.toContain('diffusers');
  });

  it('never swaps outside blind mode', () => {
    expect(srcOf(render(false, true), 'pane-left')).toBe(`img:r1/${pair.A.imageId}`);
  });
});
