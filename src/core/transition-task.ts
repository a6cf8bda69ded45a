/**
 * The one way a task's state changes: through the guard of src/model/states.ts, compare-and-set
 * on the state read, retried when another writer moved the task first. Times follow the move:
 * `started` on the first RUNNING or when a task ends having run (COMPLETE, EXECUTOR_ERROR) — a
 * task refused, failed by the system before it ran, or canceled gets none of its own; `ended` on
 * a terminal state, never before `started`.
 */
import { canTransition, isTerminal, type TaskState } from '../model/states.js';
import type { TaskRecord } from '../model/task.js';
import type { Store, TaskPatch } from '../store/store.js';
import type { TaskChange } from './task-service-types.js';

const CAS_RETRIES = 5;

/** States whose entry means the command ran, so a task that has no start time gets one. */
const RAN: ReadonlySet<TaskState> = new Set(['RUNNING', 'COMPLETE', 'EXECUTOR_ERROR']);

export interface TransitionListeners {
  changed(change: TaskChange): void;
  /** Every retry lost to concurrent writers. */
  lost(): void;
}

/** The task as stored after a move, and whether this call made it. */
export interface TransitionResult {
  task: TaskRecord | undefined;
  changed: boolean;
}

/**
 * The patch a move writes, with its times. The framework's end and the server's sighting of the
 * start come from different clocks and moments (a start heard after the end was read): the start
 * is then moved back to the end, so `ended` is never before `started`.
 */
export function timedPatch(
  current: TaskRecord,
  to: TaskState,
  patch: TaskPatch,
  now = new Date().toISOString(),
): TaskPatch {
  const full: TaskPatch = { ...patch };
  if (full.started === undefined && !current.started && RAN.has(to)) full.started = now;
  if (isTerminal(to)) {
    full.ended = patch.ended ?? now;
    const started = full.started ?? current.started;
    if (started && Date.parse(started) > Date.parse(full.ended)) full.started = full.ended;
  }
  return full;
}

/**
 * What a caller may already hold: `current`, the task as it read it just now (in this same
 * synchronous step, so the first compare-and-set needs no read of its own); `readBack: false`
 * when it does not need the stored task after the move.
 */
export interface TransitionKnown {
  current?: TaskRecord;
  readBack?: boolean;
}

/** Moves task `id` to `to` if the guard allows. */
export function transitionTask(
  store: Store,
  id: string,
  to: TaskState,
  patch: TaskPatch,
  listeners: TransitionListeners,
  known: TransitionKnown = {},
): TransitionResult {
  for (let attempt = 0; attempt < CAS_RETRIES; attempt++) {
    const current = attempt === 0 && known.current ? known.current : store.getTask(id);
    if (!current) return { task: undefined, changed: false };
    if (!canTransition(current.state, to)) return { task: current, changed: false };
    const full = timedPatch(current, to, patch);
    if (store.compareAndSet(id, current.state, to, full)) {
      const times = {
        created: current.created,
        started: full.started ?? current.started,
        ended: full.ended ?? current.ended,
      };
      listeners.changed({ id, user: current.spec.user, from: current.state, to, times });
      return { task: known.readBack === false ? undefined : store.getTask(id), changed: true };
    }
  }
  listeners.lost();
  return { task: store.getTask(id), changed: false };
}
