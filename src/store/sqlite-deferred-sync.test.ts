import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './sqlite-open.js';
import { createDeferredSync } from './sqlite-deferred-sync.js';

function withDatabase(use: (db: ReturnType<typeof openDatabase>, path: string) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobproxy-store-'));
    const path = join(dir, 'jobproxy.db');
    const db = openDatabase(path);
    try {
      await use(db, path);
    } finally {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const synchronous = (db: ReturnType<typeof openDatabase>) =>
  db.pragma('synchronous', { simple: true });

test(
  'an unsynced transaction commits under NORMAL, and the connection is FULL again after it',
  withDatabase(async (db, path) => {
    const deferred = createDeferredSync(db, path);
    const seen = deferred.transactionUnsynced(() => synchronous(db));
    assert.equal(seen, 1, 'NORMAL (1) inside');
    assert.equal(synchronous(db), 2, 'FULL (2) after');
    assert.throws(() =>
      deferred.transactionUnsynced(() => {
        throw new Error('refused');
      }),
    );
    assert.equal(synchronous(db), 2, 'FULL again after a throw too');
    await deferred.syncToDisk();
    deferred.release();
  }),
);

test(
  'nested in a transaction, it is a savepoint of it and leaves the setting alone',
  withDatabase(async (db, path) => {
    const deferred = createDeferredSync(db, path);
    db.exec('CREATE TABLE t (x)');
    db.transaction(() => {
      deferred.transactionUnsynced(() => db.prepare('INSERT INTO t VALUES (1)').run());
      assert.equal(synchronous(db), 2);
    })();
    assert.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), 1);
    deferred.release();
  }),
);

test(
  'a sync after the store closed fails instead of reporting a write on disk',
  withDatabase(async (db, path) => {
    const deferred = createDeferredSync(db, path);
    db.close();
    await assert.rejects(deferred.syncToDisk(), /closed/);
    deferred.release();
  }),
);

test('a store in memory has no WAL: commits as usual, nothing to sync', async () => {
  const db = openDatabase(':memory:');
  const deferred = createDeferredSync(db, ':memory:');
  assert.equal(
    deferred.transactionUnsynced(() => 7),
    7,
  );
  await deferred.syncToDisk();
  db.close();
});
