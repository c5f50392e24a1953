/**
 * The SVG chart: each case's ratio (ours ÷ ip) against its target, and each limit case's value
 * against its limit — a Vega-Lite specification rendered to SVG in this process by Vega (no
 * canvas, no browser, no network: the data is inline).
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatBytes, formatMs, formatTarget } from './format.js';
import type { MachineInfo } from './machine.js';
import type { Row } from './results.js';

/** One bar of the chart. */
interface Datum {
  case: string;
  /** The bar's end: the ratio, or value ÷ limit. */
  x: number;
  /** Where the bar starts: 1 (parity, or exactly at the limit). */
  x0: number;
  /** The target's position: the target ratio, or 1 (the limit); null when informational. */
  target: number | null;
  result: 'pass' | 'FAIL' | 'info';
  label: string;
  /** Where the label starts: right of the bar, the target and parity, whichever is furthest. */
  labelX: number;
}

const COLORS = { domain: ['pass', 'FAIL', 'info'], range: ['#2e7d32', '#c62828', '#9e9e9e'] };

/** The Vega-Lite specification of the chart of `rows` (in table order). */
export function chartSpec(rows: readonly Row[], machine: MachineInfo, quick: boolean): TopLevelSpec {
  const ratio: Datum[] = [];
  const limit: Datum[] = [];
  for (const r of rows) {
    const result = r.pass === null ? 'info' : r.pass ? 'pass' : 'FAIL';
    const name = `${r.name} [${r.mode}]`;
    if (r.kind === 'ratio') {
      ratio.push({
        case: name, x: r.ratio, x0: 1, target: r.target, result, labelX: Math.max(r.ratio, r.target ?? 1, 1),
        label: `${r.ratio.toFixed(2)}×${r.target === null ? '' : ` (${formatTarget({ ratio: r.target })})`}`,
      });
    } else {
      const fmt = r.unit === 'bytes' ? formatBytes : formatMs;
      const x = Math.max(r.value, 1e-3 * r.limit) / r.limit;
      limit.push({ case: name, x, x0: 1, target: 1, result, labelX: Math.max(x, 1), label: `${fmt(r.value)} (limit ${fmt(r.limit)})` });
    }
  }
  const panel = (title: string, axis: string, data: Datum[]) => {
    const xs = data.flatMap((d) => [d.x, d.labelX]);
    const domain = [Math.min(...xs) / 1.3, Math.max(...xs) * 3];
    const x = { field: 'x', type: 'quantitative' as const, title: axis, scale: { type: 'log' as const, domain } };
    const y = { field: 'case', type: 'nominal' as const, sort: null, title: null, axis: { labelLimit: 0 } };
    return {
      title,
      width: 420,
      height: { step: 17 },
      data: { values: data },
      layer: [
        { mark: { type: 'rule' as const, color: '#555', strokeDash: [4, 3] }, encoding: { x: { datum: 1, type: 'quantitative' as const } } },
        {
          mark: { type: 'bar' as const, height: 11 },
          encoding: {
            y, x, x2: { field: 'x0' },
            color: { field: 'result', type: 'nominal' as const, title: 'result', scale: COLORS },
          },
        },
        {
          transform: [{ filter: 'datum.target != null' }],
          mark: { type: 'tick' as const, color: '#000', thickness: 2, size: 15 },
          encoding: { y, x: { field: 'target', type: 'quantitative' as const } },
        },
        {
          mark: { type: 'text' as const, align: 'left' as const, dx: 6, fontSize: 10 },
          encoding: { y, x: { field: 'labelX', type: 'quantitative' as const }, text: { field: 'label' } },
        },
      ],
    };
  };
  const panels = [];
  if (ratio.length > 0) {
    panels.push(panel('ours ÷ ip -batch, ops/s of the medians (log scale; bars from parity; black tick: target)', 'ratio (> 1: rtnetlink faster)', ratio));
  }
  if (limit.length > 0) {
    panels.push(panel('measured ÷ limit (log scale; black tick: the limit; ≤ 1 meets it)', 'measured ÷ limit', limit));
  }
  const commit = machine.commit === null ? '' : `, commit ${machine.commit.slice(0, 12)}`;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `rtnetlink ${machine.package.version} beside iproute2 ${machine.iproute2}${quick ? ' (--quick: not a measurement)' : ''}`,
      subtitle: `${machine.date.slice(0, 10)}${commit}; node ${machine.node}, kernel ${machine.kernel}, ${machine.cpus} × ${machine.cpuModel}, ` +
        `load ${machine.loadStart[0]?.toFixed(1) ?? '?'}–${machine.loadEnd[0]?.toFixed(1) ?? '?'}`,
      anchor: 'start',
    },
    background: 'white',
    padding: 12,
    config: { font: 'sans-serif', view: { stroke: null }, axis: { labelFontSize: 10 }, legend: { orient: 'top', direction: 'horizontal' } },
    vconcat: panels,
  } as TopLevelSpec;
}

/** Renders the chart of `rows` to an SVG document. */
export async function renderChart(rows: readonly Row[], machine: MachineInfo, quick: boolean): Promise<string> {
  // Loaded here, not at start-up: only a finished run draws a chart.
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vegaLite.compile(chartSpec(rows, machine, quick)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
