/** Rows of the tasks table and what they become: a TaskRecord, or a listing's TaskSummary. */
import type { TaskState } from '../model/states.js';
import type { TaskRecord } from '../model/task.js';
import type { TaskSummary } from './store.js';

export interface TaskRow {
  seq: number;
  id: string;
  user: string;
  framework: string;
  origin: string;
  name: string | null;
  state: string;
  description: string;
  exit_code: number | null;
  job_id: string | null;
  spec: string;
  log_paths: string;
  results: string;
  system_logs: string;
  created: string;
  started: string | null;
  ended: string | null;
}

export function rowToRecord(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    seq: row.seq,
    spec: JSON.parse(row.spec),
    framework: row.framework,
    state: row.state as TaskState,
    description: row.description,
    exitCode: row.exit_code,
    jobId: row.job_id,
    created: row.created,
    started: row.started,
    ended: row.ended,
    logPaths: JSON.parse(row.log_paths),
    results: JSON.parse(row.results),
    systemLogs: JSON.parse(row.system_logs),
  };
}

export function rowToSummary(row: TaskRow): TaskSummary {
  return {
    id: row.id,
    seq: row.seq,
    user: row.user,
    name: row.name,
    framework: row.framework,
    state: row.state as TaskState,
    description: row.description,
    exitCode: row.exit_code,
    created: row.created,
    started: row.started,
    ended: row.ended,
  };
}
