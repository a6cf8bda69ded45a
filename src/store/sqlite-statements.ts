/**
 * Prepared statements by SQL text, least recently used first, bounded: a query's shape varies
 * with the number of tag filters and patch columns a caller sends.
 */
import type Database from 'better-sqlite3';

/** Prepared statements kept for reuse. */
export const MAX_CACHED_STATEMENTS = 64;

export interface StatementCache {
  /** The statement for `sql`, prepared once while it stays among the most recently used. */
  get(sql: string): Database.Statement;
  readonly size: number;
}

export function createStatementCache(db: Database.Database): StatementCache {
  const statements = new Map<string, Database.Statement>();
  return {
    get(sql) {
      let statement = statements.get(sql);
      if (statement) statements.delete(sql);
      else statement = db.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > MAX_CACHED_STATEMENTS) {
        statements.delete(statements.keys().next().value!);
      }
      return statement;
    },
    get size() {
      return statements.size;
    },
  };
}
