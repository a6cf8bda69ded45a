/** A task record as the local framework's tests need one: /bin/true, default outputs. */
import { join } from 'node:path';
import type { TaskRecord } from '../../../model/task.js';

/** Task `id` with its outputs in `<workdir>/tasks/<id>/`; `overrides` change any field. */
export function localTask(
  workdir: string,
  id: string,
  overrides: Partial<TaskRecord> & { resources?: TaskRecord['spec']['resources'] } = {},
): TaskRecord {
  const { resources = {}, ...fields } = overrides;
  const taskDir = join(workdir, 'tasks', id);
  return {
    id,
    seq: 1,
    spec: { user: 'u', origin: 'v1', executors: [{ command: ['/bin/true'] }], resources },
    framework: 'local',
    state: 'QUEUED',
    description: '',
    exitCode: null,
    jobId: id,
    created: new Date().toISOString(),
    started: null,
    ended: null,
    logPaths: [{ stdout: join(taskDir, 'stdout'), stderr: join(taskDir, 'stderr') }],
    results: [],
    systemLogs: [],
    ...fields,
  };
}
