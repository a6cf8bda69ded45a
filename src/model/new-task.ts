/** A task as it is first stored: QUEUED, accepted, nothing run yet. */
import type { TaskRecord, TaskSpec } from './task.js';

/** The record of a task just accepted, before the store gives it its `seq`. */
export function newTaskRecord(
  id: string,
  spec: TaskSpec,
  framework: string,
  logPaths: TaskRecord['logPaths'],
): Omit<TaskRecord, 'seq'> {
  return {
    id,
    spec,
    framework,
    state: 'QUEUED',
    description: 'accepted',
    exitCode: null,
    jobId: null,
    created: new Date().toISOString(),
    started: null,
    ended: null,
    logPaths,
    results: spec.executors.map(() => ({ exitCode: null })),
    systemLogs: [],
  };
}
