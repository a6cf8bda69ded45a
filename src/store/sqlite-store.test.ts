import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newTaskRecord } from '../model/new-task.js';
import type { TaskSpec } from '../model/task.js';
import { openSqliteStore } from './sqlite-store.js';

const SPEC: TaskSpec = {
  user: 'alice',
  origin: 'v1',
  executors: [{ command: ['true'] }],
  resources: {},
};

function withTask() {
  const store = openSqliteStore(':memory:');
  store.insertTask(newTaskRecord('t', SPEC, 'local', [{ stdout: '/o', stderr: '/e' }]));
  return store;
}

test('compareAndSet writes only from the state read, with its history row', () => {
  const store = withTask();
  assert.equal(store.compareAndSet('t', 'RUNNING', 'COMPLETE'), false);
  assert.equal(store.compareAndSet('t', 'QUEUED', 'RUNNING', { description: 'running' }), true);
  assert.equal(store.compareAndSet('t', 'QUEUED', 'SYSTEM_ERROR'), false);
  assert.equal(store.getTask('t')?.description, 'running');
  assert.deepEqual(
    store.stateHistory('t').map((e) => e.state),
    ['QUEUED', 'RUNNING'],
  );
  store.close();
});

test('patchIf writes only in the named state; setJobId only once', () => {
  const store = withTask();
  assert.equal(store.patchIf('t', 'RUNNING', { description: 'x' }), false);
  assert.equal(store.patchIf('t', 'QUEUED', { description: 'waiting' }), true);
  assert.equal(store.setJobId('t', 'j1'), true);
  assert.equal(store.setJobId('t', 'j2'), false);
  assert.equal(store.getTask('t')?.jobId, 'j1');
  store.close();
});

test('queries with different limits and tags share one prepared statement per shape', () => {
  const store = withTask();
  for (let limit = 1; limit <= 50; limit++) {
    store.listSummaries({ limit, tag: { key: `k${limit}`, value: `v${limit}` } });
  }
  assert.ok(store.preparedStatements() <= 16, `${store.preparedStatements()} statements cached`);
  store.close();
});

test('the statement cache stays bounded however many query shapes callers send', () => {
  const store = withTask();
  for (let count = 1; count <= 100; count++) {
    const tags = Array.from({ length: count }, (_, i) => ({ key: `k${i}` }));
    store.listSummaries({ tags });
  }
  assert.ok(store.preparedStatements() <= 64, `${store.preparedStatements()} statements cached`);
  store.close();
});
