/**
 * The dashboard's chart of tasks per state over the last hour, from the state history: one bucket
 * per minute holding the unfinished tasks in each state at the bucket's end, and the tasks that
 * finished within it (so finished tasks show as throughput, not as an ever-growing pile).
 */
import { isTerminal, type TaskState } from '../../model/states.js';
import type { StateEntry } from '../../store/store.js';

/** The chart as the overview answer carries it. */
export interface StateChart {
  start: string;
  bucketSeconds: number;
  /** Oldest first; a state absent from a bucket had no task. */
  buckets: Partial<Record<TaskState, number>>[];
}

/** The defaults: 60 buckets of one minute. */
export const CHART_BUCKETS = 60;
export const CHART_BUCKET_SECONDS = 60;

/**
 * Buckets the histories (ordered by task, then time, as StoreStats.stateChangesSince gives them)
 * over the `buckets × bucketSeconds` before `now`.
 */
export function buildStateChart(
  changes: readonly (StateEntry & { id: string })[],
  now: Date,
  buckets = CHART_BUCKETS,
  bucketSeconds = CHART_BUCKET_SECONDS,
): StateChart {
  const bucketMs = bucketSeconds * 1000;
  const startMs = now.getTime() - buckets * bucketMs;
  const counts: Partial<Record<TaskState, number>>[] = Array.from({ length: buckets }, () => ({}));
  for (const history of groupByTask(changes)) {
    let next = 0;
    let current: { state: TaskState; atMs: number } | undefined;
    for (let i = 0; i < buckets; i++) {
      const bucketStart = startMs + i * bucketMs;
      const bucketEnd = bucketStart + bucketMs;
      while (next < history.length && Date.parse(history[next]!.at) <= bucketEnd) {
        current = { state: history[next]!.state, atMs: Date.parse(history[next]!.at) };
        next++;
      }
      if (!current) continue;
      if (isTerminal(current.state) && current.atMs <= bucketStart) break;
      const bucket = counts[i]!;
      bucket[current.state] = (bucket[current.state] ?? 0) + 1;
    }
  }
  return { start: new Date(startMs).toISOString(), bucketSeconds, buckets: counts };
}

function groupByTask(changes: readonly (StateEntry & { id: string })[]): StateEntry[][] {
  const byTask = new Map<string, StateEntry[]>();
  for (const change of changes) {
    let history = byTask.get(change.id);
    if (!history) byTask.set(change.id, (history = []));
    history.push(change);
  }
  return [...byTask.values()];
}
