import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../store/sqlite-store.js';
import { storedTask } from './testing/service-under-test.js';
import { timedPatch, transitionTask } from './transition-task.js';
import type { TaskChange } from './task-service-types.js';

const NOW = '2026-01-01T00:00:10.000Z';

function listeners() {
  const changes: TaskChange[] = [];
  let lost = 0;
  return {
    changes,
    lost: () => lost,
    listeners: { changed: (c: TaskChange) => changes.push(c), lost: () => void lost++ },
  };
}

test('a refusal (QUEUED → SYSTEM_ERROR) and a cancel get an end but no start', () => {
  const queued = { ...storedTask('t', 'QUEUED', null), seq: 1 };
  assert.deepEqual(timedPatch(queued, 'SYSTEM_ERROR', {}, NOW), { ended: NOW });
  assert.deepEqual(timedPatch(queued, 'CANCELED', {}, NOW), { ended: NOW });
});

test('RUNNING, and an end of a task that ran, get a start when none is stored', () => {
  const queued = { ...storedTask('t', 'QUEUED', 'j'), seq: 1 };
  assert.deepEqual(timedPatch(queued, 'RUNNING', {}, NOW), { started: NOW });
  assert.deepEqual(timedPatch(queued, 'COMPLETE', {}, NOW), { started: NOW, ended: NOW });
});

test('a start seen after the framework’s end is moved back to the end', () => {
  const running = {
    ...storedTask('t', 'RUNNING', 'j'),
    seq: 1,
    started: '2026-01-01T00:00:10.053Z',
  };
  const patch = timedPatch(running, 'COMPLETE', { ended: NOW }, NOW);
  assert.equal(patch.started, NOW);
  assert.equal(patch.ended, NOW);
});

test('compare-and-set: one writer wins, the loser is told nothing changed', () => {
  const store = openSqliteStore(':memory:');
  store.insertTask(storedTask('t', 'RUNNING', 'j'));
  const a = listeners();
  const first = transitionTask(store, 't', 'CANCELING', {}, a.listeners);
  const second = transitionTask(store, 't', 'CANCELING', {}, a.listeners);
  assert.equal(first.changed, true);
  assert.equal(second.changed, false);
  assert.equal(a.changes.length, 1);
  assert.equal(transitionTask(store, 't', 'CANCELED', {}, a.listeners).changed, true);
  // Terminal: nothing moves it again.
  assert.equal(transitionTask(store, 't', 'COMPLETE', {}, a.listeners).changed, false);
  assert.equal(store.getTask('t')?.state, 'CANCELED');
  store.close();
});

test('a writer that keeps losing the race gives up after its retries and says so', () => {
  const store = openSqliteStore(':memory:');
  store.insertTask(storedTask('t', 'RUNNING', 'j'));
  const racing = { ...store, compareAndSet: () => false };
  const a = listeners();
  const result = transitionTask(racing, 't', 'COMPLETE', {}, a.listeners);
  assert.equal(result.changed, false);
  assert.equal(a.lost(), 1);
  store.close();
});
