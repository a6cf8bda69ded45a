/** The identity pool's records in the SQLite store: which uid each owner was given. */
import type Database from 'better-sqlite3';
import type { IdentityRecords } from './store.js';

export function createIdentityQueries(db: Database.Database): IdentityRecords {
  const byOwner = db.prepare('SELECT uid FROM identities WHERE owner = ?').pluck();
  const byUid = db.prepare('SELECT owner FROM identities WHERE uid = ?').pluck();
  const highest = db.prepare('SELECT max(uid) FROM identities WHERE uid BETWEEN ? AND ?').pluck();
  const insert = db.prepare(
    'INSERT OR IGNORE INTO identities (owner, uid, assigned) VALUES (?, ?, ?)',
  );
  return {
    uidOf: (owner) => (byOwner.get(owner) as number | undefined) ?? undefined,
    isAssigned: (uid) => byUid.get(uid) !== undefined,
    highestIn: (first, last) => (highest.get(first, last) as number | null) ?? undefined,
    assign: (owner, uid) => insert.run(owner, uid, new Date().toISOString()).changes === 1,
  };
}
