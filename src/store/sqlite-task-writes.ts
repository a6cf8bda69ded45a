/**
 * The SQLite store's writes of tasks. A state write and its history row commit together; every
 * write here is its own transaction, or a savepoint of the caller's (Store.transaction).
 */
import type Database from 'better-sqlite3';
import { TERMINAL_STATES, type TaskState } from '../model/states.js';
import type { TaskRecord } from '../model/task.js';
import type { HistoryWriter } from './sqlite-stats.js';
import type { StatementCache } from './sqlite-statements.js';
import type { Store, TaskPatch } from './store.js';

const TERMINAL_LIST = [...TERMINAL_STATES].map((state) => `'${state}'`).join(', ');

/** Patch fields → columns; JSON columns are serialised. */
const PATCH_COLUMNS: Record<keyof TaskPatch, { column: string; json: boolean }> = {
  description: { column: 'description', json: false },
  exitCode: { column: 'exit_code', json: false },
  jobId: { column: 'job_id', json: false },
  started: { column: 'started', json: false },
  ended: { column: 'ended', json: false },
  results: { column: 'results', json: true },
  systemLogs: { column: 'system_logs', json: true },
};

type TaskWrites = Pick<
  Store,
  'compareAndSet' | 'patchIf' | 'setJobId' | 'deleteTask' | 'deleteFinishedBefore'
>;

export function createTaskWrites(
  db: Database.Database,
  statements: StatementCache,
  history: HistoryWriter,
): TaskWrites {
  const updateJobId = db.prepare('UPDATE tasks SET job_id = ? WHERE id = ? AND job_id IS NULL');
  const deleteRow = db.prepare('DELETE FROM tasks WHERE id = ?');
  const selectExpired = db.prepare(
    `SELECT id, user FROM tasks WHERE state IN (${TERMINAL_LIST})
       AND coalesce(ended, created) < ? ORDER BY seq LIMIT ?`,
  );
  const deleteExpired = db.transaction((before: string, limit: number) => {
    const rows = selectExpired.all(before, limit) as { id: string; user: string }[];
    for (const row of rows) deleteRow.run(row.id);
    return rows;
  });
  const updateWithHistory = db.transaction(
    (sql: string, params: unknown[], id: string, to: TaskState): boolean => {
      const changed = statements.get(sql).run(...params).changes === 1;
      if (changed) history.byId(id, to);
      return changed;
    },
  );
  return {
    compareAndSet(id, from, to, patch = {}) {
      const { sets, values } = patchAssignments(patch);
      const sql = `UPDATE tasks SET ${['state = ?', ...sets].join(', ')} WHERE id = ? AND state = ?`;
      return updateWithHistory(sql, [to, ...values, id, from], id, to);
    },
    patchIf(id, state, patch) {
      const { sets, values } = patchAssignments(patch);
      if (sets.length === 0) return false;
      const sql = `UPDATE tasks SET ${sets.join(', ')} WHERE id = ? AND state = ?`;
      return statements.get(sql).run(...values, id, state).changes === 1;
    },
    setJobId: (id, jobId) => updateJobId.run(jobId, id).changes === 1,
    deleteTask: (id) => deleteRow.run(id).changes === 1,
    deleteFinishedBefore: (before, limit) => deleteExpired(before, limit),
  };
}

/** A new task's row, its tags and its first history row, in one transaction (or savepoint). */
export function createTaskInsert(
  db: Database.Database,
  history: HistoryWriter,
): (task: Omit<TaskRecord, 'seq'>) => number {
  const insertTaskRow = db.prepare(`
    INSERT INTO tasks (id, user, framework, origin, name, state, description, exit_code, job_id,
                       spec, log_paths, results, system_logs, created, started, ended)
    VALUES (@id, @user, @framework, @origin, @name, @state, @description, @exitCode, @jobId,
            @spec, @logPaths, @results, @systemLogs, @created, @started, @ended)`);
  const insertTag = db.prepare('INSERT INTO task_tags (task_seq, key, value) VALUES (?, ?, ?)');
  return db.transaction((task: Omit<TaskRecord, 'seq'>): number => {
    const info = insertTaskRow.run({
      id: task.id,
      user: task.spec.user,
      framework: task.framework,
      origin: task.spec.origin,
      name: task.spec.name ?? null,
      state: task.state,
      description: task.description,
      exitCode: task.exitCode,
      jobId: task.jobId,
      spec: JSON.stringify(task.spec),
      logPaths: JSON.stringify(task.logPaths),
      results: JSON.stringify(task.results),
      systemLogs: JSON.stringify(task.systemLogs),
      created: task.created,
      started: task.started,
      ended: task.ended,
    });
    const seq = Number(info.lastInsertRowid);
    for (const [key, value] of Object.entries(task.spec.tags ?? {})) insertTag.run(seq, key, value);
    history.bySeq(seq, task.state, task.created);
    return seq;
  });
}

function patchAssignments(patch: TaskPatch): { sets: string[]; values: unknown[] } {
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [key, value] of Object.entries(patch) as [keyof TaskPatch, unknown][]) {
    if (value === undefined) continue;
    const { column, json } = PATCH_COLUMNS[key];
    sets.push(`${column} = ?`);
    values.push(json ? JSON.stringify(value) : value);
  }
  return { sets, values };
}
