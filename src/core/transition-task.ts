/**
 * The one way a task's state changes: through the guard of src/model/states.ts, compare-and-set
 * on the state read, retried when another writer moved the task first. Times follow the move:
 * `started` on the first RUNNING (or end), `ended` on a terminal state.
 */
import { canTransition, isTerminal, type TaskState } from '../model/states.js';
import type { TaskRecord } from '../model/task.js';
import type { Store, TaskPatch } from '../store/store.js';
import type { TaskChange } from './task-service-types.js';

const CAS_RETRIES = 5;

export interface TransitionListeners {
  changed(change: TaskChange): void;
  /** Every retry lost to concurrent writers. */
  lost(): void;
}

/** Moves task `id` to `to` if the guard allows; returns the task as stored afterwards. */
export function transitionTask(
  store: Store,
  id: string,
  to: TaskState,
  patch: TaskPatch,
  listeners: TransitionListeners,
): TaskRecord | undefined {
  for (let attempt = 0; attempt < CAS_RETRIES; attempt++) {
    const current = store.getTask(id);
    if (!current) return undefined;
    if (!canTransition(current.state, to)) return current;
    const now = new Date().toISOString();
    const full: TaskPatch = { ...patch };
    if ((to === 'RUNNING' || isTerminal(to)) && !current.started && to !== 'CANCELED') {
      full.started = patch.started ?? now;
    }
    if (isTerminal(to)) full.ended = patch.ended ?? now;
    if (store.compareAndSet(id, current.state, to, full)) {
      listeners.changed({ id, user: current.spec.user, from: current.state, to });
      return store.getTask(id);
    }
  }
  listeners.lost();
  return store.getTask(id);
}
