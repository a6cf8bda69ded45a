/**
 * The SQLite store's state history and observability queries (StoreStats): the history is written
 * beside every state write of sqlite-store.ts; the rest only reads. One function per query.
 */
import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { TERMINAL_STATES, type TaskState } from '../model/states.js';
import type { StateCount, StateEntry, StoreStats } from './store.js';

const TERMINAL_LIST = [...TERMINAL_STATES].map((s) => `'${s}'`).join(', ');

/** Writes one history row: `state` entered now by the task with this seq or id. */
export interface HistoryWriter {
  bySeq(seq: number, state: TaskState, at?: string): void;
  byId(id: string, state: TaskState): void;
}

/** The history writer; call it inside the transaction of the state write it records. */
export function createHistoryWriter(db: Database.Database): HistoryWriter {
  const insertBySeq = db.prepare('INSERT INTO task_states (task_seq, state, at) VALUES (?, ?, ?)');
  const insertById = db.prepare(
    'INSERT INTO task_states (task_seq, state, at) SELECT seq, ?, ? FROM tasks WHERE id = ?',
  );
  return {
    bySeq(seq, state, at = new Date().toISOString()) {
      insertBySeq.run(seq, state, at);
    },
    byId(id, state) {
      insertById.run(state, new Date().toISOString(), id);
    },
  };
}

/** Size of a file, 0 when it does not exist (no WAL yet). */
function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The StoreStats queries of the database at `path` (':memory:' has no file). */
export function createStatsQueries(db: Database.Database, path: string): StoreStats {
  const selectHistory = db.prepare(`
    SELECT h.state, h.at FROM task_states h JOIN tasks t ON t.seq = h.task_seq
    WHERE t.id = ? ORDER BY h.at, h.rowid`);
  const countAll = db.prepare(
    'SELECT state, framework, count(*) AS count FROM tasks GROUP BY state, framework',
  );
  const countOfUser = db.prepare(
    'SELECT state, framework, count(*) AS count FROM tasks WHERE user = ? GROUP BY state, framework',
  );
  // Tasks still unfinished (however old their last change) plus those that changed since.
  const relevant = `(t.state NOT IN (${TERMINAL_LIST})
      OR t.seq IN (SELECT task_seq FROM task_states WHERE at >= @since))`;
  const changesAll = db.prepare(`
    SELECT t.id, h.state, h.at FROM task_states h JOIN tasks t ON t.seq = h.task_seq
    WHERE ${relevant} ORDER BY h.task_seq, h.at, h.rowid`);
  const changesOfUser = db.prepare(`
    SELECT t.id, h.state, h.at FROM task_states h JOIN tasks t ON t.seq = h.task_seq
    WHERE t.user = @user AND ${relevant} ORDER BY h.task_seq, h.at, h.rowid`);

  return {
    stateHistory(id) {
      return selectHistory.all(id) as StateEntry[];
    },
    countByState(user) {
      return (user === undefined ? countAll.all() : countOfUser.all(user)) as StateCount[];
    },
    stateChangesSince(since, user) {
      const rows =
        user === undefined ? changesAll.all({ since }) : changesOfUser.all({ since, user });
      return rows as (StateEntry & { id: string })[];
    },
    fileBytes() {
      if (path === ':memory:') return 0;
      return sizeOf(path) + sizeOf(`${path}-wal`);
    },
  };
}
