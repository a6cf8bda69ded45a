/**
 * The default store: one SQLite file in WAL mode, made power-loss durable by an explicit WAL
 * fdatasync off the event loop (sqlite-open.ts, wal-sync.ts),
 * through better-sqlite3 (synchronous and fast). Its parts: reads (sqlite-task-reads.ts), writes
 * (sqlite-task-writes.ts), the state history and observability queries (sqlite-stats.ts).
 */
import type Database from 'better-sqlite3';
import { createIdentityQueries } from './sqlite-identities.js';
import { openDatabase } from './sqlite-open.js';
import { createStatementCache } from './sqlite-statements.js';
import { createHistoryWriter, createStatsQueries } from './sqlite-stats.js';
import { createTaskReads } from './sqlite-task-reads.js';
import { createTaskInsert, createTaskWrites } from './sqlite-task-writes.js';
import type { Store } from './store.js';
import { WalSync } from './wal-sync.js';

/** The SQLite store, with what its tests may ask of it besides the Store interface. */
export type SqliteStore = Store & {
  /** How many prepared statements are cached now (bounded by MAX_CACHED_STATEMENTS). */
  preparedStatements(): number;
};

/** The store's writes: each one, once committed outside a transaction, is synced soon. */
const WRITES = ['compareAndSet', 'patchIf', 'setJobId', 'deleteTask', 'deleteFinishedBefore'];

/** Opens (creating if needed) the SQLite store at `path`; ':memory:' for tests. */
export function openSqliteStore(path: string): SqliteStore {
  const db = openDatabase(path);
  const wal = path === ':memory:' ? undefined : new WalSync(path);
  const history = createHistoryWriter(db);
  const statements = createStatementCache(db);
  const insert = createTaskInsert(db, history);
  // A commit nobody waits on (a state write) is made durable soon, in the background.
  const committed = <T>(result: T): T => {
    if (!db.inTransaction) wal?.soon();
    return result;
  };
  const writes = createTaskWrites(db, statements, history);
  for (const name of WRITES as (keyof typeof writes)[]) {
    const write = writes[name] as (...args: unknown[]) => unknown;
    (writes as Record<string, unknown>)[name] = (...args: unknown[]) => committed(write(...args));
  }
  return {
    ...createStatsQueries(db, path),
    ...createTaskReads(db, statements),
    ...writes,
    identities: createIdentityQueries(db),
    insertTask: (task) => committed({ ...task, seq: insert(task) }),
    transaction: (work) => committed(runInTransaction(db, work)),
    durable: () => wal?.synced() ?? Promise.resolve(),
    preparedStatements: () => statements.size,
    close() {
      wal?.close();
      db.close();
    },
  };
}

/**
 * Runs `work` in one transaction — one commit — and returns what it returned; the
 * writes inside (each a transaction of its own otherwise) become its savepoints. Nested in
 * another transaction, it is a savepoint of that one.
 */
function runInTransaction<T>(db: Database.Database, work: () => T): T {
  return db.transaction(work)();
}
