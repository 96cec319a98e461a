import type { ECharts, EChartsCoreOption } from 'echarts/core';
import type * as Setup from './echarts-setup.js';

/**
 * Charts, with ECharts loaded on its own, when the first chart is drawn: the dashboard's code
 * starts, asks for its data and paints the tiles' numbers first. Loading the library earlier
 * was measured to delay the first board: evaluating it holds the page's only thread while the
 * board's request waits to be sent.
 */

export type Chart = ECharts;

let library: Promise<typeof Setup> | null = null;
const load = () => (library ??= import('./echarts-setup.js'));

const live = new Set<ECharts>();

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

/** Waits for a frame to be painted: numbers set just before show before any chart is drawn. */
const afterPaint = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));

export async function mountChart(
  el: HTMLElement,
  option: EChartsCoreOption,
  dark: boolean,
): Promise<ECharts> {
  const [{ echarts }] = await Promise.all([load(), afterPaint()]);
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
