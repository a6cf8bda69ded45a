/**
 * The v1 `State` of a task: the first implementation's fields (id, code, description, stdout,
 * stderr) plus exitCode, user, framework and times. Listings leave the output tails out.
 */
import { readTail } from '../core/output-tail.js';
import type { TaskRecord } from '../model/task.js';
import type { TaskSummary } from '../store/store.js';
import type { V1State } from './v1-answer-schemas.js';

/** The State answer, typed by its one schema (v1-answer-schemas.ts). */
export type { V1State } from './v1-answer-schemas.js';

/** The state of a listing row (no outputs). */
export function summaryToState(task: TaskSummary): V1State {
  const state: V1State = {
    id: task.id,
    code: task.state,
    description: task.description,
    user: task.user,
    framework: task.framework,
    created: task.created,
  };
  if (task.exitCode !== null) state.exitCode = task.exitCode;
  if (task.started) state.started = task.started;
  if (task.ended) state.ended = task.ended;
  return state;
}

/** The executor whose output a v1 answer shows: the one running now, or the last that ran. */
function currentExecutor(task: TaskRecord): number {
  const running = task.results.findIndex((r) => r.exitCode === null);
  return running === -1 ? task.logPaths.length - 1 : running;
}

/** The state of one task, with the last 64 KiB of its stdout and stderr. */
export function recordToState(task: TaskRecord): V1State {
  const { stdout, stderr, owner } = task.logPaths[currentExecutor(task)]!;
  const { id, code, description, ...rest } = summaryToState({
    ...task,
    user: task.spec.user,
    name: task.spec.name ?? null,
  });
  // Field order as the first implementation's XSD sequence: id, code, description, stdout, stderr.
  return {
    id,
    code,
    description,
    stdout: readTail(stdout, undefined, owner),
    stderr: readTail(stderr, undefined, owner),
    ...rest,
  };
}
