/**
 * WalSync's rules, with a hand-driven fdatasync: no caller hears "synced" before a sync that
 * started after its call has finished; callers of one burst share syncs; a failed sync fails its
 * callers and the next one is tried again; closing waits for the sync in flight; the real sync
 * opens the WAL by name (a removed WAL is nothing to sync, a link in its place an error).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WalSync, syncWalFile, type SyncFile } from './wal-sync.js';

/** An fdatasync that finishes only when the test says so. */
function manualSync(): { sync: SyncFile; calls: number; finish(error?: Error): void } {
  const pending: ((error: NodeJS.ErrnoException | null) => void)[] = [];
  const state = {
    calls: 0,
    sync: ((_path, done) => {
      state.calls++;
      pending.push(done);
    }) as SyncFile,
    finish(error?: Error) {
      pending.shift()!(error ?? null);
    },
  };
  return state;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function track(promise: Promise<void>): { settled: string } {
  const seen = { settled: 'no' };
  promise.then(
    () => (seen.settled = 'resolved'),
    (error: Error) => (seen.settled = `rejected: ${error.message}`),
  );
  return seen;
}

test('a caller arriving during a sync waits for the next one; a burst shares it', async () => {
  const fake = manualSync();
  const wal = new WalSync('/nonexistent/db', fake.sync);
  const first = track(wal.synced());
  const second = track(wal.synced());
  const third = track(wal.synced());
  assert.equal(fake.calls, 1, 'one sync for the first caller');
  fake.finish();
  await tick();
  assert.equal(first.settled, 'resolved');
  assert.equal(second.settled, 'no', 'its commit may be after the running sync began');
  assert.equal(fake.calls, 2, 'the two that waited share the next sync');
  fake.finish();
  await tick();
  assert.equal(second.settled, 'resolved');
  assert.equal(third.settled, 'resolved');
  assert.equal(fake.calls, 2);
});

test('a failed sync fails its callers; the next caller gets a sync of its own', async () => {
  const fake = manualSync();
  const wal = new WalSync('/nonexistent/db', fake.sync);
  const failing = track(wal.synced());
  fake.finish(new Error('EIO: i/o error'));
  await tick();
  assert.equal(failing.settled, 'rejected: EIO: i/o error');
  const next = track(wal.synced());
  assert.equal(fake.calls, 2);
  fake.finish();
  await tick();
  assert.equal(next.settled, 'resolved');
});

test('close waits for the sync in flight; callers after it are answered at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobproxy-wal-'));
  try {
    writeFileSync(join(dir, 'db-wal'), '');
    const fake = manualSync();
    const wal = new WalSync(join(dir, 'db'), fake.sync);
    const during = track(wal.synced());
    const queued = track(wal.synced());
    wal.close();
    fake.finish();
    await tick();
    assert.equal(during.settled, 'resolved');
    assert.equal(queued.settled, 'resolved', 'the closed database synced it');
    assert.equal(fake.calls, 1, 'no sync once closed');
    const after = track(wal.synced());
    await tick();
    assert.equal(after.settled, 'resolved');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the real sync: a WAL is synced; a WAL SQLite removed has nothing to sync', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobproxy-wal-'));
  try {
    writeFileSync(join(dir, 'db-wal'), 'frames');
    const wal = new WalSync(join(dir, 'db'));
    await wal.synced();
    wal.close();
    await new Promise<void>((resolve, reject) =>
      syncWalFile(join(dir, 'gone-wal'), (error) => (error ? reject(error) : resolve())),
    );
    // A link in the WAL's place is refused (O_NOFOLLOW), never taken for a synced WAL.
    symlinkSync('/etc/hostname', join(dir, 'link-wal'));
    await assert.rejects(
      new Promise<void>((resolve, reject) =>
        syncWalFile(join(dir, 'link-wal'), (error) => (error ? reject(error) : resolve())),
      ),
      /ELOOP/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
