import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newTaskRecord } from '../model/new-task.js';
import type { TaskSpec } from '../model/task.js';
import { JobProxyError } from '../errors.js';
import { faultyStore } from '../core/testing/faulty-store.js';
import { GroupCommit } from './group-commit.js';
import { storeFault } from './store-faults.js';
import { openDatabase } from './sqlite-open.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

const SPEC: TaskSpec = {
  user: 'alice',
  origin: 'v1',
  executors: [{ command: ['true'] }],
  resources: {},
};

function record(id: string) {
  return newTaskRecord(id, SPEC, 'local', [{ stdout: '/o', stderr: '/e' }]);
}

/**
 * A group commit over `store` that commits only when told (`commitNow`), counting its outermost
 * transactions (commits); faults come out as the guarded store gives them to the API.
 */
function manualGroup(store: Store) {
  let commits = 0;
  let depth = 0;
  let pending: (() => void) | undefined;
  const group = new GroupCommit(
    (work) => {
      if (depth === 0) commits++;
      depth++;
      try {
        return store.transaction(work);
      } catch (error) {
        throw storeFault(error) ?? error;
      } finally {
        depth--;
      }
    },
    (commit) => (pending = commit),
  );
  return { group, commits: () => commits, commitNow: () => pending?.() };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

test('a group of three: one commit, each answered only after it, in the order asked', async () => {
  const store = openSqliteStore(':memory:');
  const { group, commits, commitNow } = manualGroup(store);
  const answered: string[] = [];
  const writes = ['a', 'b', 'c'].map((id) =>
    group.run(() => store.insertTask(record(id))).then((task) => answered.push(task.id)),
  );
  await turn();
  assert.deepEqual(answered, [], 'nothing is answered before the commit');
  assert.equal(store.countTasks(), 0, 'nothing is written before the commit');
  assert.equal(group.waiting, 3);
  commitNow();
  await Promise.all(writes);
  assert.equal(commits(), 1, 'one transaction for the group');
  assert.deepEqual(answered, ['a', 'b', 'c']);
  assert.deepEqual(
    store.listSummaries({}).map((s) => [s.id, s.seq]),
    [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ],
  );
  store.close();
});

test('a group of one commits and answers on its own', async () => {
  const store = openSqliteStore(':memory:');
  const group = new GroupCommit((work) => store.transaction(work));
  const task = await group.run(() => store.insertTask(record('only')));
  assert.equal(task.id, 'only');
  assert.equal(store.getState('only'), 'QUEUED');
  store.close();
});

test('a commit that fails mid-group fails every write of it with the store error; none is kept', async () => {
  const raw = openSqliteStore(':memory:');
  const faults = faultyStore(raw);
  const { group, commitNow } = manualGroup(faults);
  const writes = ['a', 'b', 'c'].map((id) => group.run(() => faults.insertTask(record(id))));
  faults.failWith('SQLITE_IOERR_FSYNC', ['commit']);
  commitNow();
  for (const write of writes) {
    await assert.rejects(write, (error: unknown) => {
      assert.ok(error instanceof JobProxyError);
      assert.equal(error.code, 'STORE_UNAVAILABLE');
      assert.match(error.message, /SQLITE_IOERR_FSYNC/);
      return true;
    });
  }
  assert.equal(raw.countTasks(), 0, 'a failed commit keeps none of the group');
  faults.heal();
  const next = group.run(() => faults.insertTask(record('d')));
  commitNow();
  assert.equal((await next).id, 'd', 'the next group commits again');
  raw.close();
});

test('a store fault in one write of the group fails the whole group', async () => {
  const raw = openSqliteStore(':memory:');
  const faults = faultyStore(raw);
  const { group, commitNow } = manualGroup(faults);
  const first = group.run(() => faults.insertTask(record('a')));
  const second = group.run(() => {
    faults.failWith('SQLITE_FULL', ['insertTask']);
    return faults.insertTask(record('b'));
  });
  commitNow();
  await assert.rejects(first, (e: unknown) => (e as JobProxyError).code === 'STORE_FULL');
  await assert.rejects(second, (e: unknown) => (e as JobProxyError).code === 'STORE_FULL');
  assert.equal(raw.countTasks(), 0);
  raw.close();
});

test('a write refused for its own reason fails alone; the rest of the group commits', async () => {
  const store = openSqliteStore(':memory:');
  const { group, commitNow } = manualGroup(store);
  const a = group.run(() => store.insertTask(record('a')));
  const refused = group.run(() => {
    store.insertTask(record('half-written'));
    throw new Error('over the limit');
  });
  const c = group.run(() => store.insertTask(record('c')));
  commitNow();
  assert.equal((await a).id, 'a');
  await assert.rejects(refused, /over the limit/);
  assert.equal((await c).id, 'c');
  assert.deepEqual(
    store.listSummaries({}).map((s) => s.id),
    ['a', 'c'],
    'the refused write is rolled back alone',
  );
  store.close();
});

test('the store file runs WAL with synchronous = NORMAL: no fsync inside a commit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobproxy-store-'));
  try {
    const db = openDatabase(join(dir, 'jobproxy.db'));
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('synchronous', { simple: true }), 1, '1 is NORMAL');
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A group commit with a deferred sync the test ends by hand, over a real SQLite store. */
function deferredGroup(store: Store) {
  const syncs: { resolve(): void; reject(error: unknown): void }[] = [];
  let pending: (() => void) | undefined;
  const group = new GroupCommit(
    (work) => store.transaction(work),
    (commit) => (pending = commit),
    {
      transaction: (work) => store.transactionUnsynced(work),
      sync: () => new Promise<void>((resolve, reject) => syncs.push({ resolve, reject })),
    },
  );
  return { group, syncs, commitNow: () => pending?.() };
}

test('deferred sync: the group commits, and is answered only after the fsync that follows', async () => {
  const store = openSqliteStore(':memory:');
  const { group, syncs, commitNow } = deferredGroup(store);
  const answered: string[] = [];
  const writes = ['a', 'b'].map((id) =>
    group.run(() => store.insertTask(record(id))).then((task) => answered.push(task.id)),
  );
  commitNow();
  assert.equal(store.countTasks(), 2, 'committed');
  assert.equal(syncs.length, 1, 'one fsync for the group');
  await turn();
  assert.deepEqual(answered, [], 'not answered before the fsync');
  syncs[0]!.resolve();
  await Promise.all(writes);
  assert.deepEqual(answered, ['a', 'b']);
  store.close();
});

test('deferred sync that fails: the group is undone and every write of it fails', async () => {
  const store = openSqliteStore(':memory:');
  const { group, syncs, commitNow } = deferredGroup(store);
  const undo = (task: { id: string }) => void store.deleteTask(task.id);
  const writes = ['a', 'b'].map((id) => group.run(() => store.insertTask(record(id)), undo));
  commitNow();
  const fault = new JobProxyError('STORE_UNAVAILABLE', { problem: 'EIO: fsync failed' });
  syncs[0]!.reject(fault);
  for (const write of writes) await assert.rejects(write, (e: unknown) => e === fault);
  assert.equal(store.countTasks(), 0, 'a write not known to be on disk is not kept');
  store.close();
});

test('close waits for the fsync of every committed group before it resolves', async () => {
  const store = openSqliteStore(':memory:');
  const { group, syncs } = deferredGroup(store);
  const write = group.run(() => store.insertTask(record('a')));
  let closed = false;
  const closing = group.close().then(() => (closed = true));
  assert.equal(syncs.length, 1, 'close commits what waited');
  await turn();
  assert.equal(closed, false);
  syncs[0]!.resolve();
  await closing;
  assert.equal((await write).id, 'a');
  store.close();
});

test('on disk: the store syncs its WAL for an unsynced commit; a new connection runs NORMAL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobproxy-store-'));
  try {
    const store = openSqliteStore(join(dir, 'jobproxy.db'));
    store.transactionUnsynced(() => store.insertTask(record('a')));
    await store.syncToDisk();
    store.close();
    const db = openDatabase(join(dir, 'jobproxy.db'));
    assert.equal(db.pragma('synchronous', { simple: true }), 1, 'a new connection runs NORMAL');
    assert.equal(db.prepare('SELECT count(*) FROM tasks').pluck().get(), 1);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('deferred sync: writes that arrive while a group syncs commit together once it ends', async () => {
  const store = openSqliteStore(':memory:');
  let commits = 0;
  const syncs: { resolve(): void }[] = [];
  let pending: (() => void) | undefined;
  const group = new GroupCommit(
    (work) => store.transaction(work),
    (commit) => (pending = commit),
    {
      transaction: (work) => {
        commits++;
        return store.transactionUnsynced(work);
      },
      sync: () => new Promise<void>((resolve) => syncs.push({ resolve })),
    },
  );
  const first = group.run(() => store.insertTask(record('a')));
  pending!();
  pending = undefined;
  const later = ['b', 'c'].map((id) => group.run(() => store.insertTask(record(id))));
  await turn();
  assert.equal(pending, undefined, 'no commit scheduled for this turn: the disk is busy');
  assert.equal(commits, 1);
  syncs[0]!.resolve();
  await first;
  await turn();
  assert.equal(commits, 2, 'b and c committed in one transaction when the fsync ended');
  assert.equal(syncs.length, 2, 'and their own fsync started');
  syncs[1]!.resolve();
  assert.deepEqual(
    (await Promise.all(later)).map((t) => t.id),
    ['b', 'c'],
  );
  store.close();
});
