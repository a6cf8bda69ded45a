/** The SQLite store's reads of tasks: one task, its state, listings, counts. */
import type Database from 'better-sqlite3';
import type { TaskState } from '../model/states.js';
import { rowToRecord, rowToSummary, type TaskRow } from './sqlite-rows.js';
import type { StatementCache } from './sqlite-statements.js';
import type { Store, TaskQuery } from './store.js';

const SUMMARY_COLUMNS =
  'seq, id, user, name, framework, state, description, exit_code, created, started, ended';

type TaskReads = Pick<
  Store,
  'getTask' | 'getState' | 'listSummaries' | 'listTasks' | 'countActiveTasks' | 'countTasks'
>;

export function createTaskReads(db: Database.Database, statements: StatementCache): TaskReads {
  const selectTask = db.prepare('SELECT * FROM tasks WHERE id = ?');
  const selectState = db.prepare('SELECT state FROM tasks WHERE id = ?').pluck();
  const countActive = db
    .prepare(
      "SELECT count(*) FROM tasks WHERE user = ? AND state IN ('QUEUED', 'INITIALIZING', 'RUNNING')",
    )
    .pluck();
  const countRows = db.prepare('SELECT count(*) FROM tasks').pluck();
  return {
    getTask(id) {
      const row = selectTask.get(id) as TaskRow | undefined;
      return row ? rowToRecord(row) : undefined;
    },
    getState: (id) => selectState.get(id) as TaskState | undefined,
    listSummaries(query) {
      const { sql, params } = whereClause(query);
      const rows = statements.get(`SELECT ${SUMMARY_COLUMNS} FROM tasks${sql}`).all(...params);
      return (rows as TaskRow[]).map(rowToSummary);
    },
    listTasks(query) {
      const { sql, params } = whereClause(query);
      const rows = statements.get(`SELECT * FROM tasks${sql}`).all(...params) as TaskRow[];
      return rows.map(rowToRecord);
    },
    countActiveTasks: (user) => countActive.get(user) as number,
    countTasks: () => countRows.get() as number,
  };
}

/** WHERE clause and parameters of a query, in submit order. */
export function whereClause(query: TaskQuery): { sql: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const where = (condition: string, ...values: unknown[]): void => {
    conditions.push(condition);
    params.push(...values);
  };
  if (query.user !== undefined) where('user = ?', query.user);
  if (query.states?.length) {
    where(`state IN (${query.states.map(() => '?').join(', ')})`, ...query.states);
  }
  // substr comparison, not LIKE: a prefix may contain % or _.
  if (query.namePrefix) where('substr(name, 1, ?) = ?', query.namePrefix.length, query.namePrefix);
  for (const tag of [...(query.tag ? [query.tag] : []), ...(query.tags ?? [])]) {
    const valueCondition = tag.value === undefined ? '' : ' AND value = ?';
    const values = tag.value === undefined ? [] : [tag.value];
    where(
      `seq IN (SELECT task_seq FROM task_tags WHERE key = ?${valueCondition})`,
      tag.key,
      ...values,
    );
  }
  if (query.afterSeq !== undefined) where('seq > ?', query.afterSeq);
  const clause = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
  // A parameter, not inlined: every limit shares one prepared statement.
  if (query.limit !== undefined) params.push(Math.floor(query.limit));
  const limit = query.limit !== undefined ? ' LIMIT ?' : '';
  return { sql: `${clause} ORDER BY seq${limit}`, params };
}
