/**
 * The default store: one SQLite file in WAL mode (better-sqlite3, synchronous and fast), with the
 * numbered .sql migrations of ./migrations applied at open. One function per query, SQL inline.
 */
import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TERMINAL_STATES, type TaskState } from '../model/states.js';
import type { TaskRecord } from '../model/task.js';
import { createIdentityQueries } from './sqlite-identities.js';
import { rowToRecord, rowToSummary, type TaskRow } from './sqlite-rows.js';
import { createHistoryWriter, createStatsQueries } from './sqlite-stats.js';
import type { Store, TaskPatch, TaskQuery } from './store.js';

const TERMINAL_LIST = [...TERMINAL_STATES].map((state) => `'${state}'`).join(', ');

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

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

/** Prepared statements kept for reuse. */
const MAX_CACHED_STATEMENTS = 64;

/** The SQLite store, with what its tests may ask of it besides the Store interface. */
export type SqliteStore = Store & {
  /** How many prepared statements are cached now (bounded by MAX_CACHED_STATEMENTS). */
  preparedStatements(): number;
};

const SUMMARY_COLUMNS =
  'seq, id, user, name, framework, state, description, exit_code, created, started, ended';

/** Applies every migration not yet applied, in file-name order, each in its own transaction. */
function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)');
  const applied = new Set(db.prepare('SELECT name FROM migrations').pluck().all() as string[]);
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  for (const file of files) {
    if (applied.has(file)) continue;
    const sql = readFileSync(join(MIGRATIONS_DIR, file), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO migrations (name, applied) VALUES (?, ?)').run(
        file,
        new Date().toISOString(),
      );
    })();
  }
}

/** WHERE clause and parameters of a query, in submit order. */
function whereClause(query: TaskQuery): { sql: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (query.user !== undefined) {
    conditions.push('user = ?');
    params.push(query.user);
  }
  if (query.states?.length) {
    conditions.push(`state IN (${query.states.map(() => '?').join(', ')})`);
    params.push(...query.states);
  }
  if (query.namePrefix) {
    // substr comparison, not LIKE: a prefix may contain % or _.
    conditions.push('substr(name, 1, ?) = ?');
    params.push(query.namePrefix.length, query.namePrefix);
  }
  for (const tag of [...(query.tag ? [query.tag] : []), ...(query.tags ?? [])]) {
    const valueCondition = tag.value === undefined ? '' : ' AND value = ?';
    conditions.push(`seq IN (SELECT task_seq FROM task_tags WHERE key = ?${valueCondition})`);
    params.push(tag.key, ...(tag.value === undefined ? [] : [tag.value]));
  }
  if (query.afterSeq !== undefined) {
    conditions.push('seq > ?');
    params.push(query.afterSeq);
  }
  const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
  // A parameter, not inlined: every limit shares one prepared statement.
  if (query.limit !== undefined) params.push(Math.floor(query.limit));
  const limit = query.limit !== undefined ? ' LIMIT ?' : '';
  return { sql: `${where} ORDER BY seq${limit}`, params };
}

/** Opens (creating if needed) the SQLite store at `path`; ':memory:' for tests. */
export function openSqliteStore(path: string): SqliteStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL survives a process crash (our durability case); only power loss can lose
  // the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  const history = createHistoryWriter(db);

  const insertTaskRow = db.prepare(`
    INSERT INTO tasks (id, user, framework, origin, name, state, description, exit_code, job_id,
                       spec, log_paths, results, system_logs, created, started, ended)
    VALUES (@id, @user, @framework, @origin, @name, @state, @description, @exitCode, @jobId,
            @spec, @logPaths, @results, @systemLogs, @created, @started, @ended)`);
  const insertTag = db.prepare('INSERT INTO task_tags (task_seq, key, value) VALUES (?, ?, ?)');
  const selectTask = db.prepare('SELECT * FROM tasks WHERE id = ?');
  const selectState = db.prepare('SELECT state FROM tasks WHERE id = ?').pluck();
  const updateJobId = db.prepare('UPDATE tasks SET job_id = ? WHERE id = ? AND job_id IS NULL');
  const countActive = db
    .prepare(
      "SELECT count(*) FROM tasks WHERE user = ? AND state IN ('QUEUED', 'INITIALIZING', 'RUNNING')",
    )
    .pluck();
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
  const countRows = db.prepare('SELECT count(*) FROM tasks').pluck();
  // Statements by SQL text, least recently used first; bounded (a query's shape varies with the
  // number of tag filters and patch columns a caller sends).
  const statements = new Map<string, Database.Statement>();
  const cached = (sql: string): Database.Statement => {
    let statement = statements.get(sql);
    if (statement) statements.delete(sql);
    else statement = db.prepare(sql);
    statements.set(sql, statement);
    if (statements.size > MAX_CACHED_STATEMENTS) {
      statements.delete(statements.keys().next().value!);
    }
    return statement;
  };

  const insertWithTags = db.transaction((task: Omit<TaskRecord, 'seq'>): number => {
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

  // A state write and its history row commit together.
  const updateWithHistory = db.transaction(
    (sql: string, params: unknown[], id: string, to: TaskState): boolean => {
      const changed = cached(sql).run(...params).changes === 1;
      if (changed) history.byId(id, to);
      return changed;
    },
  );

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

  return {
    ...createStatsQueries(db, path),
    identities: createIdentityQueries(db),
    insertTask(task) {
      const seq = insertWithTags(task);
      return { ...task, seq };
    },
    getTask(id) {
      const row = selectTask.get(id) as TaskRow | undefined;
      return row ? rowToRecord(row) : undefined;
    },
    getState(id) {
      return selectState.get(id) as TaskState | undefined;
    },
    listSummaries(query) {
      const { sql, params } = whereClause(query);
      const rows = cached(`SELECT ${SUMMARY_COLUMNS} FROM tasks${sql}`).all(...params) as TaskRow[];
      return rows.map(rowToSummary);
    },
    listTasks(query) {
      const { sql, params } = whereClause(query);
      const rows = cached(`SELECT * FROM tasks${sql}`).all(...params) as TaskRow[];
      return rows.map(rowToRecord);
    },
    compareAndSet(id, from, to, patch = {}) {
      const { sets, values } = patchAssignments(patch);
      const sql = `UPDATE tasks SET ${['state = ?', ...sets].join(', ')} WHERE id = ? AND state = ?`;
      return updateWithHistory(sql, [to, ...values, id, from], id, to);
    },
    patchIf(id, state, patch) {
      const { sets, values } = patchAssignments(patch);
      if (sets.length === 0) return false;
      const sql = `UPDATE tasks SET ${sets.join(', ')} WHERE id = ? AND state = ?`;
      return cached(sql).run(...values, id, state).changes === 1;
    },
    setJobId(id, jobId) {
      return updateJobId.run(jobId, id).changes === 1;
    },
    countActiveTasks(user) {
      return countActive.get(user) as number;
    },
    deleteTask(id) {
      return deleteRow.run(id).changes === 1;
    },
    deleteFinishedBefore(before, limit) {
      return deleteExpired(before, limit);
    },
    countTasks() {
      return countRows.get() as number;
    },
    preparedStatements: () => statements.size,
    close() {
      db.close();
    },
  };
}
