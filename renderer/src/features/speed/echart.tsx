/**
 * One ECharts chart on screen (SVG renderer: crisp at any zoom, and its SVG is what "SVG" exports) with PNG and
 * SVG export buttons. ECharts is tree-shaken to the line and bar charts and the components used here.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';
import type { ChartSpec } from './chart-options.ts';
import { CHART_COLORS } from './chart-options.ts';
import { downloadUrl, fileSlug } from './export.ts';

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, SVGRenderer, CanvasRenderer]);

const EXPORT_WIDTH = 960;

/** The chart drawn again off screen with the canvas renderer, at twice the pixels, as a PNG data URL. */
function pngOf(spec: ChartSpec, height: number): string {
  const host = document.createElement('div');
  const chart = echarts.init(host, null, { renderer: 'canvas', width: EXPORT_WIDTH, height });
  try {
    chart.setOption(spec.option);
    return chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: CHART_COLORS.background });
  } finally {
    chart.dispose();
  }
}

/** The same off screen with the SVG renderer at a fixed width, so the file does not depend on the window size. */
function svgOf(spec: ChartSpec, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: EXPORT_WIDTH, height });
  try {
    chart.setOption(spec.option);
    return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(chart.renderToSVGString())}`;
  } finally {
    chart.dispose();
  }
}

export function EChart({ spec, height = 340, fileStem }: { spec: ChartSpec; height?: number; fileStem: string }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);

  useEffect(() => {
    if (!host.current) return;
    const c = echarts.init(host.current, null, { renderer: 'svg' });
    chart.current = c;
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(host.current);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(spec.option, { notMerge: true });
  }, [spec]);

  function save(kind: 'png' | 'svg') {
    try {
      setExportError(null);
      const url = kind === 'png' ? pngOf(spec, height) : svgOf(spec, height);
      downloadUrl(url, `${fileSlug(fileStem)}-${spec.id}.${kind}`);
    } catch (err) {
      setExportError(`${kind.toUpperCase()} export failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  return (
    <figure className="speed-chart" data-testid={`chart-${spec.id}`}>
      <div className="speed-chart-canvas" ref={host} style={{ height }} role="img" aria-label={spec.title} />
      <figcaption className="speed-chart-actions">
        <button type="button" className="small" data-testid={`chart-png-${spec.id}`} onClick={() => save('png')}>
          PNG
        </button>
        <button type="button" className="small" data-testid={`chart-svg-${spec.id}`} onClick={() => save('svg')}>
          SVG
        </button>
        {exportError && (
          <span className="field-error" role="alert">
            {exportError}
          </span>
        )}
      </figcaption>
    </figure>
  );
}
