/**
 * The store's durability (Store.transactionUnsynced / syncToDisk). The connection runs
 * `synchronous = NORMAL`: a commit is written to the WAL — safe from a crash of the process — and
 * returns without an fsync on the event loop. `syncToDisk` is the explicit fdatasync of the WAL
 * (wal-sync.ts), run in libuv threads and shared by every commit before it: whoever must not
 * answer before a write is on disk (a submit) waits for it, and every other commit asks for one
 * without waiting (`syncingWrites`), so it is on disk a moment later — never a disk flush on the
 * event loop, where with `synchronous = FULL` each state write of each task stalled the server.
 * A store not in WAL mode (':memory:') commits as usual and has nothing to sync.
 */
import type Database from 'better-sqlite3';
import type { Store } from './store.js';
import { createWalSync, type WalSync } from './wal-sync.js';

type DeferredSync = Pick<Store, 'transactionUnsynced' | 'syncToDisk'> & {
  /** Asks for a sync nobody waits on (failures are heard by the next caller that waits). */
  syncSoon(): void;
  /** Lets go of the WAL file (after the store closed). */
  release(): void;
};

const ignore = (): void => undefined;

export function createDeferredSync(
  db: Database.Database,
  path: string,
  /** The store's one transaction wrapper (sqlite-transaction.ts). */
  transaction: <T>(work: () => T) => T,
  makeWalSync: (dbPath: string) => WalSync = createWalSync,
): DeferredSync {
  if (db.pragma('journal_mode', { simple: true }) !== 'wal') {
    return {
      transactionUnsynced: transaction,
      syncToDisk: () => Promise.resolve(),
      syncSoon: ignore,
      release: ignore,
    };
  }
  const walSync = makeWalSync(path);
  return {
    // Every commit is unsynced now; the name says what the group commit relies on.
    transactionUnsynced: transaction,
    syncToDisk: () => (db.open ? walSync.sync() : Promise.reject(new Error('the store is closed'))),
    syncSoon: () => {
      if (db.open) walSync.sync().catch(ignore);
    },
    release: () => void walSync.close(),
  };
}

/**
 * `writes` whose every outermost commit (one not inside a caller's transaction) asks for a
 * sync soon: the writes of the group commit's transaction are synced when it commits.
 */
export function syncingWrites<T extends object>(
  db: Pick<Database.Database, 'inTransaction'>,
  writes: T,
  syncSoon: () => void,
): T {
  const wrapped = { ...writes } as Record<string, unknown>;
  for (const [name, write] of Object.entries(writes)) {
    if (typeof write !== 'function') continue;
    wrapped[name] = (...args: unknown[]): unknown => {
      const result: unknown = (write as (...a: unknown[]) => unknown)(...args);
      if (!db.inTransaction) syncSoon();
      return result;
    };
  }
  return wrapped as T;
}
