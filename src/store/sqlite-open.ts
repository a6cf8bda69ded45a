/**
 * Opening the SQLite file: WAL mode with `synchronous = NORMAL` — a commit is in the WAL (safe
 * from a crash of the process) when it returns, and power-loss durability comes from explicit
 * fdatasyncs of the WAL run off the event loop (sqlite-deferred-sync.ts, wal-sync.ts): a submit
 * is answered only after one, every other commit is followed by one. SQLite itself syncs around
 * each checkpoint. The numbered .sql migrations of ./migrations are applied at open.
 */
import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * SQLite's page cache per connection, KiB (`cache_size`). better-sqlite3 builds SQLite with 16 MiB,
 * which a store of a few ten thousand tasks fills and then holds for the server's life; rows are
 * read and appended in seq order, and the pages it misses are in the OS's file cache anyway.
 */
export const STORE_CACHE_KIB = 2048;

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Opens (creating if needed) the database at `path`; ':memory:' for tests. */
export function openDatabase(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma(`cache_size = -${STORE_CACHE_KIB}`);
  migrate(db);
  return db;
}

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
