/**
 * The one state machine of both APIs (TES state names):
 * QUEUED → INITIALIZING → RUNNING → COMPLETE | EXECUTOR_ERROR | SYSTEM_ERROR,
 * and from any unfinished state → CANCELING → CANCELED. Terminal states never change.
 */

export const TASK_STATES = [
  'QUEUED',
  'INITIALIZING',
  'RUNNING',
  'CANCELING',
  'COMPLETE',
  'EXECUTOR_ERROR',
  'SYSTEM_ERROR',
  'CANCELED',
] as const;

export type TaskState = (typeof TASK_STATES)[number];

export const TERMINAL_STATES: ReadonlySet<TaskState> = new Set([
  'COMPLETE',
  'EXECUTOR_ERROR',
  'SYSTEM_ERROR',
  'CANCELED',
]);

/** Progress order of the forward path; a task may skip ahead but never go back. */
const FORWARD_RANK: Partial<Record<TaskState, number>> = {
  QUEUED: 0,
  INITIALIZING: 1,
  RUNNING: 2,
};

export function isTerminal(state: TaskState): boolean {
  return TERMINAL_STATES.has(state);
}

export function isTaskState(value: string): value is TaskState {
  return (TASK_STATES as readonly string[]).includes(value);
}

/**
 * The guard every state change goes through. A late or repeated framework event that would move a
 * task backwards (RUNNING → QUEUED) or out of a terminal state is refused.
 * A CANCELING task may still end in a real outcome when it finished before the kill landed.
 */
export function canTransition(from: TaskState, to: TaskState): boolean {
  if (from === to || isTerminal(from)) return false;
  if (to === 'CANCELING') return true;
  if (from === 'CANCELING') return isTerminal(to);
  if (isTerminal(to)) return true;
  return (FORWARD_RANK[to] ?? -1) > (FORWARD_RANK[from] ?? Infinity);
}
