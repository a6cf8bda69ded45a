/**
 * The default store: one SQLite file in WAL mode, made power-loss durable by explicit WAL syncs
 * off the event loop (sqlite-open.ts, sqlite-deferred-sync.ts), through better-sqlite3
 * (synchronous and fast). Its parts: reads (sqlite-task-reads.ts), writes (sqlite-task-writes.ts),
 * the state history and observability queries (sqlite-stats.ts).
 */
import { createDeferredSync, syncingWrites } from './sqlite-deferred-sync.js';
import { transactionRunner } from './sqlite-transaction.js';
import { createIdentityQueries } from './sqlite-identities.js';
import { openDatabase } from './sqlite-open.js';
import { createStatementCache } from './sqlite-statements.js';
import { createHistoryWriter, createStatsQueries } from './sqlite-stats.js';
import { createTaskReads } from './sqlite-task-reads.js';
import { createTaskInsert, createTaskWrites } from './sqlite-task-writes.js';
import type { Store } from './store.js';
import type { TaskRecord } from '../model/task.js';

/** The SQLite store, with what its tests may ask of it besides the Store interface. */
export type SqliteStore = Store & {
  /** How many prepared statements are cached now (bounded by MAX_CACHED_STATEMENTS). */
  preparedStatements(): number;
};

/** Opens (creating if needed) the SQLite store at `path`; ':memory:' for tests. */
export function openSqliteStore(path: string): SqliteStore {
  const db = openDatabase(path);
  const history = createHistoryWriter(db);
  const statements = createStatementCache(db);
  const insert = createTaskInsert(db, history);
  const transaction = transactionRunner(db);
  const { release, syncSoon, ...deferredSync } = createDeferredSync(db, path, transaction);
  // Every commit outside the group commit is synced soon, in the background.
  const writes = syncingWrites(
    db,
    {
      ...createTaskWrites(db, statements, history),
      insertTask: (task: Omit<TaskRecord, 'seq'>): TaskRecord => ({ ...task, seq: insert(task) }),
      transaction,
    },
    syncSoon,
  );
  return {
    ...createStatsQueries(db, path),
    ...createTaskReads(db, statements),
    ...writes,
    identities: createIdentityQueries(db),
    ...deferredSync,
    preparedStatements: () => statements.size,
    close() {
      db.close();
      release();
    },
  };
}
