import { BarChart, FunnelChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import type { EChartsCoreOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

// Only the parts of ECharts the boards draw: a smaller bundle, a faster first board. Canvas (not
// SVG) so that any chart exports to PNG as it looks.
echarts.use([
  BarChart,
  LineChart,
  FunnelChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export type Chart = echarts.ECharts;

const live = new Set<echarts.ECharts>();

export const PALETTE = [
  '#2f6690',
  '#d1495b',
  '#edae49',
  '#3a7d44',
  '#7b5ea7',
  '#00798c',
  '#8d6a9f',
  '#c05746',
];

export function mountChart(
  el: HTMLElement,
  option: EChartsCoreOption,
  dark: boolean,
): echarts.ECharts {
  const chart = echarts.init(el, dark ? 'dark' : undefined, { renderer: 'canvas' });
  chart.setOption({ color: PALETTE, backgroundColor: 'transparent', animation: false, ...option });
  live.add(chart);
  return chart;
}

/** Charts of the previous render: disposed before a board is drawn again. */
export function disposeCharts(): void {
  for (const c of live) c.dispose();
  live.clear();
}

window.addEventListener('resize', () => {
  for (const c of live) c.resize();
});
