import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../../../../core/testing/test-engine.ts';
import { SweepView } from './speed-page.tsx';
import { createSpeedStore } from './speed-store.ts';
import { sweepFixture } from '../../../../shared/sweep-fixture.ts';

const engines: TestEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

describe('SweepView', () => {
  it('renders the A-vs-B table, the results table, the stage table and a chart slot per axis, with testids', async () => {
    const engine = await startTestEngine();
    engines.push(engine);
    const store = createSpeedStore(engine.api);
    const result = sweepFixture({ name: '并发 sweep <b>', axes: { batch: [1, 2], concurrency: [1, 2, 4] } });
    store.setState({ result, selectedId: result.summary.id, selectedPointId: result.points[0]!.point.id });
    const html = renderToStaticMarkup(<SweepView store={store} result={result} />);
    expect(html).toContain('data-testid="team-table"');
    expect(html).toMatch(/data-testid="team-row-b1-p512-c1-rinf"[^>]*><th scope="row">1×512 c1 \(n=4\)<\/th><td class="num">0\.365<\/td><td class="num">0\.765<\/td><td class="num">0\.4<\/td><td class="num">52\.29<\/td><td class="num a-faster">A 2\.10× faster<\/td>/);
    expect(html).toContain('data-testid="result-row-b2-p512-c4-rinf-B"');
    expect(html).toContain('data-testid="stage-table"');
    // The sweep's name comes from a spec file: escaped, CJK kept.
    expect(html).toContain('并发 sweep &lt;b&gt;');
    expect(html).toContain('data-testid="sweep-simulated"');
    // Two concurrency values and two batch sizes: charts there; one request rate: a note saying why not.
    expect(html).toContain('data-testid="chart-throughput-vs-concurrency"');
    expect(html).toContain('data-testid="chart-latency-vs-concurrency"');
    expect(html).toContain('data-testid="chart-memory-vs-batch"');
    expect(html).toContain('data-testid="chart-stage-stack"');
    expect(html).toMatch(/data-testid="charts-requestRate-none"[^>]*>This sweep has one request rate \(inf\)/);
    for (const id of ['copy-team-md', 'copy-results-md', 'download-csv', 'download-json', 'chart-png-stage-stack', 'chart-svg-stage-stack']) expect(html).toContain(`data-testid="${id}"`);
  });
});
