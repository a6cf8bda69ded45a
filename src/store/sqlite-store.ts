/**
 * The default store: one SQLite file in WAL mode with power-loss durability (sqlite-open.ts),
 * through better-sqlite3 (synchronous and fast). Its parts: reads (sqlite-task-reads.ts), writes
 * (sqlite-task-writes.ts), the state history and observability queries (sqlite-stats.ts).
 */
import { createDeferredSync } from './sqlite-deferred-sync.js';
import { transactionRunner } from './sqlite-transaction.js';
import { createIdentityQueries } from './sqlite-identities.js';
import { openDatabase } from './sqlite-open.js';
import { createStatementCache } from './sqlite-statements.js';
import { createHistoryWriter, createStatsQueries } from './sqlite-stats.js';
import { createTaskReads } from './sqlite-task-reads.js';
import { createTaskInsert, createTaskWrites } from './sqlite-task-writes.js';
import type { Store } from './store.js';

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
  const { release, ...deferredSync } = createDeferredSync(db, path);
  const transaction = transactionRunner(db);
  return {
    ...createStatsQueries(db, path),
    ...createTaskReads(db, statements),
    ...createTaskWrites(db, statements, history),
    identities: createIdentityQueries(db),
    insertTask: (task) => ({ ...task, seq: insert(task) }),
    transaction,
    ...deferredSync,
    preparedStatements: () => statements.size,
    close() {
      db.close();
      release();
    },
  };
}
