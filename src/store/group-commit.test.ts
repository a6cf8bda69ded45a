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

test('the store file runs WAL; its commits are synced by the WAL sync, not on the event loop', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobproxy-store-'));
  try {
    const db = openDatabase(join(dir, 'jobproxy.db'));
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('synchronous', { simple: true }), 1, '1 is NORMAL: no fsync per commit');
    db.close();
    const store = openSqliteStore(join(dir, 'jobproxy.db'));
    const group = new GroupCommit(
      (work) => store.transaction(work),
      undefined,
      () => store.durable(),
    );
    await group.run(() => store.insertTask(record('synced')));
    store.close();
    const reopened = openSqliteStore(join(dir, 'jobproxy.db'));
    assert.equal(reopened.getTask('synced')?.id, 'synced');
    reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a write is answered only once the disk has it; a failed sync fails the group', async () => {
  const store = openSqliteStore(':memory:');
  let finishSync: (error?: Error) => void = () => undefined;
  const durable = (): Promise<void> =>
    new Promise((resolve, reject) => {
      finishSync = (error) => (error ? reject(error) : resolve());
    });
  const group = new GroupCommit((work) => store.transaction(work), undefined, durable);
  let answered = false;
  const first = group.run(() => store.insertTask(record('a'))).then(() => (answered = true));
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(store.getTask('a')?.id, 'a', 'committed');
  assert.equal(answered, false, 'not answered before the sync');
  finishSync();
  await first;
  const second = group.run(() => store.insertTask(record('b')));
  await new Promise((resolve) => setImmediate(resolve));
  finishSync(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
  await assert.rejects(second, /EIO/);
  store.close();
});
