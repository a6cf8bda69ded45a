/** The last-hour chart: unfinished tasks at each bucket's end, finished ones in their bucket. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildStateChart } from './state-chart.js';

const now = new Date('2024-05-01T12:00:00.000Z');
const at = (minutesAgo: number): string =>
  new Date(now.getTime() - minutesAgo * 60_000).toISOString();

test('a task is counted in its state at each minute, and once in the minute it ended', () => {
  const chart = buildStateChart(
    [
      { id: 'a', state: 'QUEUED', at: at(90) },
      { id: 'a', state: 'RUNNING', at: at(4.5) },
      { id: 'a', state: 'COMPLETE', at: at(2.5) },
      { id: 'b', state: 'QUEUED', at: at(1.5) },
    ],
    now,
    6,
    60,
  );
  assert.equal(chart.start, at(6));
  assert.deepEqual(chart.buckets, [
    { QUEUED: 1 }, // −6…−5: a waits (queued long before the chart starts)
    { RUNNING: 1 }, // −5…−4: a started at −4.5
    { RUNNING: 1 },
    { COMPLETE: 1 }, // −3…−2: a ended at −2.5
    { QUEUED: 1 }, // −2…−1: b arrived; a is no longer counted
    { QUEUED: 1 },
  ]);
});

test('a task that ended before the chart begins is not drawn', () => {
  const chart = buildStateChart(
    [
      { id: 'a', state: 'QUEUED', at: at(80) },
      { id: 'a', state: 'CANCELED', at: at(70) },
    ],
    now,
    3,
    60,
  );
  assert.deepEqual(chart.buckets, [{}, {}, {}]);
});
