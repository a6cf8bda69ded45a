/**
 * Transactions whose fsync is deferred (Store.transactionUnsynced / syncToDisk): the commit runs
 * under `synchronous = NORMAL` — written to the WAL, no fsync — and the connection goes back to
 * FULL right after, so every other write keeps its own fsync. `syncToDisk` is the explicit WAL
 * fsync (wal-sync.ts). A store not in WAL mode (':memory:') commits as usual and has nothing to
 * sync.
 */
import type Database from 'better-sqlite3';
import type { Store } from './store.js';
import { transactionRunner } from './sqlite-transaction.js';
import { createWalSync } from './wal-sync.js';

type DeferredSync = Pick<Store, 'transactionUnsynced' | 'syncToDisk'> & {
  /** Lets go of the WAL file (after the store closed). */
  release(): void;
};

export function createDeferredSync(db: Database.Database, path: string): DeferredSync {
  const transaction = transactionRunner(db);
  if (db.pragma('journal_mode', { simple: true }) !== 'wal') {
    return {
      transactionUnsynced: transaction,
      syncToDisk: () => Promise.resolve(),
      release: () => undefined,
    };
  }
  // Not prepared statements: SQLite applies this pragma when it compiles it, not when it runs.
  const setSynchronous = (level: 'NORMAL' | 'FULL') => db.exec(`PRAGMA synchronous = ${level}`);
  const walSync = createWalSync(path);
  return {
    transactionUnsynced(work) {
      // Nested: a savepoint of the caller's transaction, which decides how it commits.
      if (db.inTransaction) return transaction(work);
      setSynchronous('NORMAL');
      try {
        return transaction(work);
      } finally {
        setSynchronous('FULL');
      }
    },
    syncToDisk: () => (db.open ? walSync.sync() : Promise.reject(new Error('the store is closed'))),
    release: () => void walSync.close(),
  };
}
