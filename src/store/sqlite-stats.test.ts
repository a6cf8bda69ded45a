/** The state history and observability queries of the SQLite store. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { newTaskRecord } from '../model/new-task.js';
import type { TaskRecord, TaskSpec } from '../model/task.js';
import { openSqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'jobproxy-stats-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function task(id: string, user = 'alice', framework = 'local'): Omit<TaskRecord, 'seq'> {
  const spec: TaskSpec = { user, origin: 'v1', executors: [{ command: ['true'] }], resources: {} };
  return newTaskRecord(id, spec, framework, [{ stdout: '/tmp/o', stderr: '/tmp/e' }]);
}

test('every accepted state change is recorded, a refused one is not', () => {
  const store = openSqliteStore(':memory:');
  after(() => store.close());
  store.insertTask(task('a'));
  assert.equal(store.compareAndSet('a', 'QUEUED', 'RUNNING'), true);
  assert.equal(store.compareAndSet('a', 'QUEUED', 'COMPLETE'), false);
  assert.equal(store.compareAndSet('a', 'RUNNING', 'COMPLETE', { exitCode: 0 }), true);
  assert.deepEqual(
    store.stateHistory('a').map((e) => e.state),
    ['QUEUED', 'RUNNING', 'COMPLETE'],
  );
  assert.deepEqual(store.stateHistory('unknown'), []);
  store.deleteTask('a');
  assert.deepEqual(store.stateHistory('a'), []);
});

test('counts by state and framework, for everyone or one owner', () => {
  const store = openSqliteStore(':memory:');
  after(() => store.close());
  store.insertTask(task('a', 'alice'));
  store.insertTask(task('b', 'bob'));
  store.insertTask(task('c', 'bob', 'slurm'));
  store.compareAndSet('b', 'QUEUED', 'RUNNING');
  const sorted = (rows: { state: string; framework: string; count: number }[]) =>
    rows.map((r) => `${r.state}/${r.framework}=${r.count}`).sort();
  assert.deepEqual(sorted(store.countByState()), [
    'QUEUED/local=1',
    'QUEUED/slurm=1',
    'RUNNING/local=1',
  ]);
  assert.deepEqual(sorted(store.countByState('bob')), ['QUEUED/slurm=1', 'RUNNING/local=1']);
});

test('changes since a time: recent and unfinished tasks, in task then time order', () => {
  const store = openSqliteStore(':memory:');
  after(() => store.close());
  store.insertTask(task('old-done'));
  store.compareAndSet('old-done', 'QUEUED', 'COMPLETE');
  store.insertTask(task('running'));
  store.compareAndSet('running', 'QUEUED', 'RUNNING');
  const future = new Date(Date.now() + 60_000).toISOString();
  // Nothing changed after `future`: only the unfinished task is still of interest.
  assert.deepEqual(
    store.stateChangesSince(future).map((c) => `${c.id} ${c.state}`),
    ['running QUEUED', 'running RUNNING'],
  );
  assert.equal(store.stateChangesSince(new Date(0).toISOString()).length, 4);
  assert.equal(store.stateChangesSince(new Date(0).toISOString(), 'nobody').length, 0);
});

test('a store from before the history gets its tasks backfilled; its size is its files', () => {
  const path = join(dir, 'old.db');
  const db = new Database(path);
  const first = new URL('./migrations/001-tasks.sql', import.meta.url);
  db.exec(readFileSync(first, 'utf8'));
  db.exec(`CREATE TABLE migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL);
    INSERT INTO migrations VALUES ('001-tasks.sql', '2024-01-01T00:00:00.000Z');
    INSERT INTO tasks (id, user, framework, origin, state, spec, log_paths, created, started, ended)
    VALUES ('t', 'alice', 'local', 'v1', 'COMPLETE', '{}', '[]',
            '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:01.000Z', '2024-01-01T00:00:05.000Z')`);
  db.close();
  const store = openSqliteStore(path);
  after(() => store.close());
  assert.deepEqual(store.stateHistory('t'), [
    { state: 'QUEUED', at: '2024-01-01T00:00:00.000Z' },
    { state: 'COMPLETE', at: '2024-01-01T00:00:05.000Z' },
  ]);
  assert.ok(store.fileBytes() > 0);
  const memory = openSqliteStore(':memory:');
  assert.equal(memory.fileBytes(), 0);
  memory.close();
});
