import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './sqlite-open.js';
import { createDeferredSync, syncingWrites } from './sqlite-deferred-sync.js';
import { transactionRunner } from './sqlite-transaction.js';

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
  'every commit runs under NORMAL (no fsync on the event loop); syncToDisk is the WAL sync',
  withDatabase(async (db, path) => {
    const deferred = createDeferredSync(db, path, transactionRunner(db));
    assert.equal(synchronous(db), 1, 'NORMAL (1)');
    assert.equal(
      deferred.transactionUnsynced(() => synchronous(db)),
      1,
    );
    assert.throws(() =>
      deferred.transactionUnsynced(() => {
        throw new Error('refused');
      }),
    );
    await deferred.syncToDisk();
    deferred.release();
  }),
);

test(
  'a write committed outside a transaction asks for a sync; inside one, its commit does',
  withDatabase(async (db, path) => {
    let syncs = 0;
    const wal = { sync: () => (syncs++, Promise.resolve()), close: () => Promise.resolve() };
    const run = transactionRunner(db);
    const deferred = createDeferredSync(db, path, run, () => wal);
    db.exec('CREATE TABLE t (x)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const writes = syncingWrites(
      db,
      { put: (x: number) => insert.run(x).changes, transaction: run },
      () => deferred.syncSoon(),
    );
    assert.equal(writes.put(1), 1);
    assert.equal(syncs, 1, 'its own commit: synced soon');
    writes.transaction(() => {
      writes.put(2);
      writes.put(3);
      assert.equal(syncs, 1, 'not while the transaction is open');
    });
    assert.equal(syncs, 2, 'once for the transaction, at its commit');
    assert.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), 3);
    deferred.release();
  }),
);

test(
  'a sync after the store closed fails instead of reporting a write on disk',
  withDatabase(async (db, path) => {
    const deferred = createDeferredSync(db, path, transactionRunner(db));
    db.close();
    await assert.rejects(deferred.syncToDisk(), /closed/);
    deferred.release();
  }),
);

test('a store in memory has no WAL: commits as usual, nothing to sync', async () => {
  const db = openDatabase(':memory:');
  const deferred = createDeferredSync(db, ':memory:', transactionRunner(db));
  assert.equal(
    deferred.transactionUnsynced(() => 7),
    7,
  );
  await deferred.syncToDisk();
  db.close();
});
