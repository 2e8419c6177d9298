/**
 * ECharts options for the Speed screen's charts, built from speed-model series. Pure objects (no DOM): the same
 * option draws on screen (SVG renderer), exports as SVG or PNG, and renders to an SVG string in Node for tests.
 * Axis labels and tooltips go through shared/units.ts like every other number on screen.
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { Side } from '../../../../shared/model.ts';
import { formatDuration, formatMemory, formatRate } from '../../../../shared/units.ts';
import {
  AXIS_LABELS,
  METRICS,
  UNACCOUNTED,
  sideSeries,
  stageStack,
  type AxisGroup,
  type Series,
  type SweepAxis,
} from './speed-model.ts';
import type { SweepResult } from '../../../../shared/sweep.ts';

/** The theme's side colours (theme.css --side-a / --side-b) and chart ink, fixed here so exports match the screen. */
export const CHART_COLORS = {
  A: '#7fb4ff',
  B: '#f0b86e',
  text: '#d9dee6',
  muted: '#8a94a5',
  grid: '#2a313d',
  background: '#171b22',
};

const STAGE_PALETTE = ['#5ab0a8', '#7f8cff', '#c792ea', '#e07a9a', '#9bd06b', '#e0a63a', '#6fa8dc', '#b58b6f', '#8a94a5'];

export type ValueKind = 'ms' | 'req/s' | 'img/s' | 'MiB';

export function formatValue(kind: ValueKind, v: number | null | undefined): string {
  if (kind === 'ms') return formatDuration(v);
  if (kind === 'MiB') return formatMemory(v);
  return formatRate(v, kind);
}

/** Memory is plotted in GiB (data ÷ 1024), so the axis steps fall on round GB; labels go through formatMemory. */
const MIB_PER_GIB = 1024;

/** Shorter axis ticks: "1.2 s", "350 ms", "3.5 req/s" → "3.5". */
function tickFormatter(kind: ValueKind): (v: number) => string {
  if (kind === 'ms') return (v) => formatDuration(v);
  if (kind === 'MiB') return (v) => formatMemory(v * MIB_PER_GIB);
  return (v) => formatRate(v, '').trim();
}

function plotted(kind: ValueKind, v: number | null): number | null {
  return v !== null && kind === 'MiB' ? v / MIB_PER_GIB : v;
}

export interface ChartSpec {
  id: string;
  title: string;
  option: EChartsCoreOption;
}

function base(title: string, subtitle: string) {
  return {
    animation: false,
    backgroundColor: CHART_COLORS.background,
    textStyle: { color: CHART_COLORS.text, fontFamily: 'system-ui, sans-serif' },
    title: {
      text: title,
      subtext: subtitle,
      left: 12,
      top: 8,
      textStyle: { color: CHART_COLORS.text, fontSize: 14, fontWeight: 600 },
      subtextStyle: { color: CHART_COLORS.muted, fontSize: 11 },
    },
    // The legend sits under the title (a long title and four series names do not share one line).
    grid: { left: 76, right: 24, top: 96, bottom: 52 },
    legend: { top: 50, left: 12, textStyle: { color: CHART_COLORS.text } },
    tooltip: { trigger: 'axis' },
  };
}

function valueAxis(kind: ValueKind, name: string) {
  return {
    type: 'value',
    name,
    nameTextStyle: { color: CHART_COLORS.muted },
    axisLabel: { color: CHART_COLORS.muted, formatter: tickFormatter(kind) },
    splitLine: { lineStyle: { color: CHART_COLORS.grid } },
    min: 0,
  };
}

function categoryAxis(name: string, ticks: string[]) {
  return {
    type: 'category',
    name,
    nameLocation: 'middle',
    nameGap: 30,
    nameTextStyle: { color: CHART_COLORS.muted },
    data: ticks,
    axisLabel: { color: CHART_COLORS.muted },
    axisLine: { lineStyle: { color: CHART_COLORS.grid } },
  };
}

function lineSeries(series: Series[], kind: ValueKind) {
  return series.map((s) => ({
    type: 'line',
    name: s.name,
    data: s.data.map(([, v]) => plotted(kind, v)),
    connectNulls: false,
    symbolSize: 7,
    lineStyle: { color: CHART_COLORS[s.side], width: 2, type: s.dashed ? 'dashed' : 'solid' },
    itemStyle: { color: CHART_COLORS[s.side] },
    tooltip: { valueFormatter: (v: number | null) => formatValue(kind, kind === 'MiB' && v !== null ? v * MIB_PER_GIB : v) },
  }));
}

function lineChart(id: string, title: string, subtitle: string, axis: SweepAxis, kind: ValueKind, yName: string, series: Series[]): ChartSpec {
  const ticks = series[0]?.data.map(([t]) => t) ?? [];
  return {
    id,
    title,
    option: { ...base(title, subtitle), xAxis: categoryAxis(AXIS_LABELS[axis], ticks), yAxis: valueAxis(kind, yName), series: lineSeries(series, kind) },
  };
}

const sideName = (side: Side) => side;

/** Request throughput (req/s) of A and B along an axis, the other axes fixed as the group says. */
export function throughputChart(group: AxisGroup, axis: SweepAxis): ChartSpec {
  return lineChart(`throughput-vs-${axis}`, `Throughput vs ${AXIS_LABELS[axis]}`, group.label, axis, 'req/s', 'req/s', sideSeries(group, axis, METRICS.requestThroughput, sideName));
}

/** End-to-end P50 (solid) and P99 (dashed) of A and B along an axis. */
export function latencyChart(group: AxisGroup, axis: SweepAxis): ChartSpec {
  const series = [
    ...sideSeries(group, axis, METRICS.p50, (s) => `${s} P50`),
    ...sideSeries(group, axis, METRICS.p99, (s) => `${s} P99`, true),
  ];
  return lineChart(`latency-vs-${axis}`, `Latency (P50, P99) vs ${AXIS_LABELS[axis]}`, group.label, axis, 'ms', 'end-to-end', series);
}

/** Images per second along the batch axis (a batch returns n images per request). */
export function imageThroughputChart(group: AxisGroup): ChartSpec {
  return lineChart('throughput-vs-batch', 'Throughput vs batch size', group.label, 'batch', 'img/s', 'images/s', sideSeries(group, 'batch', METRICS.imageThroughput, sideName));
}

/** The highest peak GPU memory any request of the point reported, along the batch axis. */
export function memoryChart(group: AxisGroup): ChartSpec {
  return lineChart('memory-vs-batch', 'Peak GPU memory vs batch size', group.label, 'batch', 'MiB', 'peak memory', sideSeries(group, 'batch', METRICS.peakMemory, sideName));
}

/** Mean ms per stage, each point's A bar beside its B bar, stacked up to the side's mean end-to-end time. */
export function stageStackChart(result: SweepResult): ChartSpec {
  const stack = stageStack(result);
  const title = 'Stage stack per point, A beside B';
  // Many points: labels stand upright under their bars instead of overlapping at an angle.
  const many = stack.categories.length > 12;
  const longest = Math.max(0, ...stack.categories.map((c) => c.length));
  return {
    id: 'stage-stack',
    title,
    option: {
      ...base(title, 'mean ms per stage; each bar adds up to the mean end-to-end time'),
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 50, left: 12, right: 12, textStyle: { color: CHART_COLORS.text }, type: 'scroll' },
      grid: { left: 76, right: 24, top: 96, bottom: many ? 24 + longest * 6.5 : stack.categories.length > 6 ? 90 : 52 },
      xAxis: {
        ...categoryAxis('', stack.categories),
        axisLabel: { color: CHART_COLORS.muted, rotate: many ? 90 : stack.categories.length > 6 ? 35 : 0, interval: 0, fontSize: many ? 10 : 12 },
      },
      yAxis: valueAxis('ms', 'ms'),
      series: stack.stages.map((st, i) => ({
        type: 'bar',
        name: st.stage === UNACCOUNTED ? UNACCOUNTED : st.stage.replace(/_/g, ' '),
        stack: 'e2e',
        data: st.values,
        barMaxWidth: 36,
        itemStyle: { color: st.stage === UNACCOUNTED ? '#3a4352' : STAGE_PALETTE[i % STAGE_PALETTE.length] },
        tooltip: { valueFormatter: (v: number | null) => formatDuration(v) },
      })),
    },
  };
}
