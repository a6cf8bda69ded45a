/**
 * The overview band: tasks per state (chips that filter the list), framework capacity in the
 * header, and an inline-SVG chart of tasks per state over the last hour.
 */
import type { FrameworkCapacity } from '../../../backends/backend.js';
import type { StateChart } from '../state-chart.js';
import { getJson } from './api.js';
import { byId, h, paintState, svg } from './dom.js';
import { formatMiB, formatTime } from './format.js';
import { STATES } from './task-list.js';

/** What GET /v1/jobproxy/overview answers. */
export interface OverviewAnswer {
  framework: string;
  counts: Record<string, number>;
  capacity?: FrameworkCapacity;
  chart: StateChart;
}

const WIDTH = 600;
const HEIGHT = 100;

/** Fetches and draws the overview; `onState` is called when a state chip is pressed. */
export async function loadOverview(onState: (state: string) => void): Promise<OverviewAnswer> {
  const overview = await getJson<OverviewAnswer>('/v1/jobproxy/overview');
  byId('framework').textContent = overview.framework;
  renderCapacity(overview.capacity);
  renderCounts(overview.counts, onState);
  renderChart(overview.chart);
  return overview;
}

function meter(label: string, used: number, total: number, text: string): HTMLElement {
  const fill = h('span', { class: 'meter-fill' });
  fill.style.width = `${total > 0 ? Math.min(100, (used / total) * 100) : 0}%`;
  return h(
    'span',
    { class: 'meter', title: `${label}: ${text}` },
    label,
    h('span', { class: 'meter-bar', role: 'img', 'aria-label': `${label} ${text}` }, fill),
    text,
  );
}

function renderCapacity(capacity: FrameworkCapacity | undefined): void {
  const parts: HTMLElement[] = [];
  if (capacity?.cores) {
    const { used, total } = capacity.cores;
    parts.push(meter('cores', used, total, `${+used.toFixed(2)} / ${total}`));
  }
  if (capacity?.memoryMiB) {
    const { used, total } = capacity.memoryMiB;
    parts.push(meter('memory', used, total, `${formatMiB(used)} / ${formatMiB(total)}`));
  }
  if (capacity?.running !== undefined) parts.push(h('span', {}, `running ${capacity.running}`));
  if (capacity?.queued !== undefined) parts.push(h('span', {}, `queued ${capacity.queued}`));
  byId('capacity').replaceChildren(...parts);
}

function renderCounts(counts: Record<string, number>, onState: (state: string) => void): void {
  const box = byId('counts');
  const pressed = box.querySelector('[aria-pressed="true"]')?.getAttribute('data-state');
  box.replaceChildren(
    ...STATES.map((state) => {
      const chip = h(
        'button',
        {
          type: 'button',
          class: 'count-chip',
          'data-state': state,
          'aria-pressed': String(state === pressed),
          title: `show only ${state} tasks`,
        },
        h('span', {}, state),
        h('strong', {}, counts[state] ?? 0),
      );
      paintState(chip, state, '--chip');
      chip.addEventListener('click', () => {
        for (const other of box.querySelectorAll('[aria-pressed]')) {
          if (other !== chip) other.setAttribute('aria-pressed', 'false');
        }
        chip.setAttribute('aria-pressed', String(chip.getAttribute('aria-pressed') !== 'true'));
        onState(state);
      });
      return chip;
    }),
  );
}

/** Stacked bars, one per bucket, in state order; a <title> on each bar says its numbers. */
function renderChart(chart: StateChart): void {
  const buckets = chart.buckets;
  const totals = buckets.map((b) => Object.values(b).reduce((sum, n) => sum + (n ?? 0), 0));
  const max = Math.max(1, ...totals);
  const slot = WIDTH / buckets.length;
  const plot = HEIGHT;
  const bars = buckets.map((bucket, i) => {
    const at = new Date(Date.parse(chart.start) + (i + 1) * chart.bucketSeconds * 1000);
    const label = STATES.filter((s) => bucket[s as keyof typeof bucket])
      .map((s) => `${s} ${bucket[s as keyof typeof bucket]}`)
      .join(', ');
    let y = plot;
    const rects = STATES.flatMap((state) => {
      const n = bucket[state as keyof typeof bucket] ?? 0;
      if (!n) return [];
      const height = (n / max) * (plot - 4);
      y -= height;
      const rect = svg('rect', { x: i * slot + 1, y, width: Math.max(1, slot - 2), height });
      rect.style.fill = `var(--${state})`;
      return [rect];
    });
    return svg(
      'g',
      {},
      svg('title', {}, `${formatTime(at.toISOString())}: ${label || 'none'}`),
      ...rects,
    );
  });
  // Bars stretch to the box (no aspect ratio); the labels are HTML so they do not.
  const baseline = svg('line', { x1: 0, y1: plot, x2: WIDTH, y2: plot, class: 'baseline' });
  const picture = svg(
    'svg',
    {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      preserveAspectRatio: 'none',
      role: 'img',
      'aria-label': `tasks per state per minute over the last hour; at most ${max} in a minute`,
    },
    baseline,
    ...bars,
  );
  const axis = h(
    'div',
    { class: 'axis' },
    h('span', {}, '−60 min'),
    h('span', {}, `highest bar: ${max} tasks`),
    h('span', {}, 'now'),
  );
  // The count chips beside the chart are its legend: same colours, stacked in their order.
  byId('chart').replaceChildren(picture, axis);
}
