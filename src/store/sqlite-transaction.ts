/** Transactions of the SQLite store: one prebuilt better-sqlite3 wrapper runs them all. */
import type Database from 'better-sqlite3';

/**
 * Runs `work` in one transaction — one commit, one fsync — and returns what it returned; the
 * writes inside (each a transaction of its own otherwise) become its savepoints. Nested in
 * another transaction, it is a savepoint of that one (better-sqlite3 decides at each call).
 */
export function transactionRunner(db: Database.Database): <T>(work: () => T) => T {
  // One wrapper for every call: db.transaction() builds several closures each time.
  const run = db.transaction((work: () => unknown) => work());
  return <T>(work: () => T): T => run(work) as T;
}
