// ECharts with only what the console draws (bars, lines and pies), so the figures page stays small.
// aria: each chart gets a Chinese description of its data as its label, for screen readers
// (the browser tests read the figures from it too).
import * as echarts from 'echarts/core'
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, LineChart, PieChart, AriaComponent, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export { echarts }

// rows: [{label, value}]; or, with series ([{prop, label, stack, type}]), a bar (or, with type
// 'line', a line) per series for each row, series sharing a stack drawn one on another
export function chartOption(kind, title, rows, series) {
  if (series) return seriesOption(title, rows, series)
  const aria = { enabled: true, label: { description: `${title}：${rows.map(r => `${r.label} ${r.value}`).join('，')}` } }
  if (kind === 'pie') {
    return {
      aria,
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [{ type: 'pie', radius: ['35%', '65%'], data: rows.map(r => ({ name: r.label, value: r.value })) }],
    }
  }
  return {
    aria,
    tooltip: { trigger: 'axis' },
    grid: { left: 40, right: 16, top: 16, bottom: 40 },
    xAxis: { type: 'category', data: rows.map(r => r.label), axisLabel: { interval: 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', data: rows.map(r => r.value), itemStyle: { color: '#1d5fbf' }, label: { show: true, position: 'top' } }],
  }
}

function seriesOption(title, rows, series) {
  const said = rows.map(r => `${r.label} ${series.map(s => `${s.label} ${r[s.prop] ?? '—'}`).join(' ')}`)
  return {
    aria: { enabled: true, label: { description: `${title}：${said.join('，')}` } },
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0 },
    grid: { left: 40, right: 16, top: 16, bottom: 56 },
    xAxis: { type: 'category', data: rows.map(r => r.label) },
    yAxis: { type: 'value', minInterval: 1 },
    series: series.map(s => ({ type: s.type || 'bar', name: s.label, stack: s.stack, data: rows.map(r => r[s.prop]) })),
  }
}
