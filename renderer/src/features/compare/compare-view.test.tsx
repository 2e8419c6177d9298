/**
 * Markup-level checks of the compare view (server-rendered: no DOM needed). Interaction — zoom, pan, swipe
 * drags, strobe, the painted flag — is exercised in a browser by the e2e specs and the scratch harness; the
 * math behind it has its own unit tests.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CompareView, TimingWaterfall } from './index.ts';
import { fakeId, fakePair, fakeSide } from './pair-fixture.ts';
import type { CompareViewProps, ViewMode } from './types.ts';

const url = (runId: string, id: string): string => `/img/${runId}/${id}`;

function render(overrides: Partial<CompareViewProps> = {}): string {
  const pair = overrides.pair ?? fakePair();
  return renderToStaticMarkup(
    <CompareView
      runId="run-1"
      pair={pair}
      chain={[pair]}
      imageUrl={url}
      mode="split"
      onModeChange={() => {}}
      blind={false}
      swapped={false}
      zoomCommand={null}
      onSelectTurn={() => {}}
      backendLabels={{ A: 'vLLM-Omni (simulated)', B: 'diffusers (simulated)' }}
      {...overrides}
    />,
  );
}

/** The attribute value of the first element with data-testid=`testId`, or the element's markup. */
function element(html: string, testId: string): string {
  const at = html.indexOf(`data-testid="${testId}"`);
  if (at < 0) throw new Error(`no element with data-testid="${testId}"`);
  const start = html.lastIndexOf('<', at);
  return html.slice(start, html.indexOf('>', at) + 1);
}

function textOf(html: string, testId: string): string {
  const open = element(html, testId);
  const start = html.indexOf(open) + open.length;
  // Good enough for the leaf-ish elements checked here: text up to the element's closing tag at depth 0.
  let depth = 1;
  let i = start;
  const re = /<(\/?)([a-z0-9]+)[^>]*?(\/?)>/gi;
  re.lastIndex = start;
  let m: RegExpExecArray | null;
  while (depth > 0 && (m = re.exec(html))) {
    if (m[3] === '/' || ['img', 'input', 'br'].includes(m[2]!.toLowerCase())) continue;
    depth += m[1] === '/' ? -1 : 1;
    i = m.index;
  }
  return html.slice(start, i).replace(/<[^>]+>/g, '').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

describe('CompareView markup', () => {
  it('split shows source | A | B with image ids and names the backends', () => {
    const pair = fakePair();
    const html = render({ pair });
    expect(element(html, 'compare-view')).toContain('data-mode="split"');
    expect(html).toContain(`data-image-id="${fakeId('source')}"`);
    expect(element(html, 'pane-source')).toBeTruthy();
    const left = html.slice(html.indexOf('data-testid="pane-left"'));
    expect(left.slice(0, left.indexOf('data-testid="pane-right"'))).toContain(`data-image-id="${pair.A.imageId}"`);
    expect(textOf(html, 'label-left')).toContain('A · vLLM-Omni (simulated)');
    expect(textOf(html, 'label-right')).toContain('B · diffusers (simulated)');
  });

  it('blind mode never names a backend, anywhere in the view', () => {
    const pair = fakePair();
    const html = render({ pair, blind: true, swapped: true });
    expect(textOf(html, 'label-left')).toContain('Left');
    expect(textOf(html, 'label-right')).toContain('Right');
    // Not in the text, nor in any attribute (titles, alt texts, aria labels).
    expect(html).not.toMatch(/vLLM|diffusers|\bA ·|\bB ·|\bA\b[^-]|\bB\b[^-]/);
    // Swapped: B's image is the left pane's.
    const left = html.slice(html.indexOf('data-testid="pane-left"'));
    expect(left.slice(0, left.indexOf('data-testid="pane-right"'))).toContain(`data-image-id="${pair.B.imageId}"`);
  });

  it('renders every mode with its test ids and mode buttons with key hints', () => {
    const expectations: Record<ViewMode, string[]> = {
      split: ['pane-source', 'pane-left', 'pane-right'],
      swipe: ['pane-left', 'pane-right', 'swipe-divider', 'label-left', 'label-right'],
      onion: ['pane-left', 'pane-right', 'onion-slider'],
      toggle: ['pane-left', 'pane-right', 'strobe'],
      diff: ['stage-diff', 'diff-image'],
      source: ['pane-left', 'pane-right', 'label-left'],
    };
    for (const [mode, ids] of Object.entries(expectations) as Array<[ViewMode, string[]]>) {
      const html = render({ mode });
      for (const id of ['compare-view', 'pixel-inspector', 'waterfall', 'expected-text', `mode-${mode}`, ...ids]) element(html, id);
      expect(element(html, `mode-${mode}`)).toContain('aria-selected="true"');
    }
    const html = render();
    expect(textOf(html, 'mode-diff')).toBe('Diffd');
    expect(textOf(html, 'mode-source')).toBe('vs Sourcec');
  });

  it('swipe starts at 50 % and onion at 0.5', () => {
    expect(element(render({ mode: 'swipe' }), 'swipe-divider')).toContain('left:50%');
    expect(element(render({ mode: 'onion' }), 'onion-slider')).toContain('value="0.5"');
  });

  it('diff mode shows the heatmap and its changed bounds', () => {
    const html = render({ mode: 'diff' });
    expect(element(html, 'diff-image')).toContain(`data-image-id="${fakeId('diff')}"`);
    expect(html).toMatch(/class="cv-bounds" style="left:0\.9766%;top:1\.9531%;width:2\.9297%;height:3\.9063%"/);
  });

  it('source mode shows each side against its own source, positional when swapped', () => {
    const html = render({ mode: 'source', blind: true, swapped: true });
    const left = html.slice(html.indexOf('data-testid="pane-left"'));
    expect(left.slice(0, left.indexOf('data-testid="pane-right"'))).toContain(`data-image-id="${fakeId('B-vs-src')}"`);
  });

  it('says why there is no diff when sizes differ, and flags the mismatch', () => {
    const base = fakePair();
    const pair = fakePair({
      B: fakeSide('B', { width: 768, height: 768 }),
      diff: { ...base.diff!, heatmapId: null, pixels: null, ratio: null, bounds: null, sizeMismatch: { first: '1024x1024', second: '768x768' } },
    });
    const html = render({ pair, mode: 'diff' });
    expect(textOf(html, 'size-mismatch')).toContain('A · vLLM-Omni (simulated) 1024×1024, B · diffusers (simulated) 768×768');
    expect(html).toContain('No pixel diff: the sizes differ');
    expect(html).not.toContain('data-testid="diff-image"');
  });

  it('shows a failed side as an error, never as an image', () => {
    const pair = fakePair({
      B: fakeSide('B', {
        status: 'error',
        imageId: null,
        e2eMs: null,
        stages: {},
        error: { kind: 'http', httpStatus: 500, message: 'CUDA out of memory', retryable: false },
      }),
      diff: null,
    });
    const html = render({ pair });
    const right = html.slice(html.indexOf('data-testid="pane-right"'), html.indexOf('data-testid="pixel-inspector"'));
    expect(right).not.toContain('<img');
    expect(right).toContain('HTTP 500 error');
    expect(right).toContain('CUDA out of memory');
    expect(textOf(html, 'waterfall-right')).toContain('CUDA out of memory');
  });

  it('shows the prompt and the expected text', () => {
    const html = render({ pair: fakePair({ expectedText: ['新年快乐', 'SALE <50%>'] }) });
    const text = textOf(html, 'expected-text');
    expect(text).toContain('新年快乐');
    expect(text).toContain('SALE <50%>');
    expect(html).toContain('Change the sign to read &quot;GRAND OPENING&quot;');
  });

  it('draws a filmstrip for chains with the current turn marked', () => {
    const t1 = fakePair({ turn: 1, turns: 3 });
    const t2 = fakePair({ turn: 2, turns: 3, A: fakeSide('A2'), B: fakeSide('B2') });
    const t3 = fakePair({ turn: 3, turns: 3, A: fakeSide('A3', { status: 'running', imageId: null }), diff: null });
    const html = render({ pair: t2, chain: [t1, t2, t3] });
    element(html, 'filmstrip');
    expect(element(html, 'filmstrip-turn-2')).toContain('aria-current="step"');
    expect(element(html, 'filmstrip-turn-1')).not.toContain('aria-current');
    expect(textOf(html, 'filmstrip-turn-1')).toContain('Δ 1.2 %');
    expect(textOf(html, 'filmstrip-turn-3')).toContain('Δ —');
    // No filmstrip for single-turn pairs.
    expect(render()).not.toContain('data-testid="filmstrip"');
  });

  it('offers a choice of source when the two sides edited different images', () => {
    const pair = fakePair({ turn: 2, A: fakeSide('A', { sourceId: fakeId('a-t1') }), B: fakeSide('B', { sourceId: fakeId('b-t1') }) });
    const html = render({ pair, blind: true });
    expect(html).toContain(`data-image-id="${fakeId('a-t1')}"`);
    expect(html).toContain('Left’s input');
    expect(html).toContain('aria-label="Which side&#x27;s source to show"');
  });
});

describe('TimingWaterfall markup', () => {
  it('lays both sides on one axis, in time, positional when swapped', () => {
    const pair = fakePair();
    const html = renderToStaticMarkup(<TimingWaterfall pair={pair} blind={true} swapped={true} />);
    const left = textOf(html, 'waterfall-left');
    // Left is B when swapped: upload, its stages in documented order, other (server) (its forward − its stages),
    // not reported (its wait − its forward), download at the last byte.
    expect(left).toBe('uploadtext_encodedenoisevae_decodeother (server)not reporteddownload');
    // A has no server total: the rest of its wait is `not reported`, never hidden.
    expect(textOf(html, 'waterfall-right')).toBe('uploadtext_encodedenoisevae_decodenot reporteddownload');
    expect(html).toContain('data-placement="documented"');
    expect(html).not.toMatch(/vLLM|diffusers/);
    // Right (A, 900 ms) is faster than left (B, 1250 ms): 1250 / 900 = 1.39×, said of the position, uncoloured.
    expect(html.replace(/<[^>]+>/g, '')).toContain('Right 1.39× faster end to end (+350 ms)');
    expect(html).not.toContain('is-a-faster');
    // Blind: B's detail block would name the side.
    expect(html).not.toContain('metrics.timings, not compared');
    // The denoise sparkline only for the side that reported steps.
    expect(html.match(/<polyline/g)).toHaveLength(1);
  });

  it('puts the numbers in hover titles and a stage table', () => {
    const html = renderToStaticMarkup(<TimingWaterfall pair={fakePair()} blind={false} swapped={false} />);
    expect(html).toContain('title="denoise: 700 ms (from 64.0 ms to 764 ms; placed in the documented pipeline order)"');
    // One colour rule: A faster is green (is-a-faster) in the header and in the table; A − B is negative.
    expect(html).toContain('class="cv-speedup is-a-faster"');
    expect(html.replace(/<[^>]+>/g, '')).toContain('A 1.39× faster end to end (−350 ms)');
    expect(html).toContain('<td class="is-a-faster" title="A 1.29× faster (−200 ms)">1.29×</td>');
    expect(html).not.toContain('is-a-slower');
    // B detail, labelled, not in the compared rows.
    expect(html.replace(/<[^>]+>/g, '')).toContain('B detail (metrics.timings, not compared): queue_wait 5.00 ms · decode_request 2.00 ms');
  });
});
