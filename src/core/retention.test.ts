import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskEvent } from './task-service-types.js';
import { serviceUnderTest, storedTask } from './testing/service-under-test.js';

const DAY_MS = 86_400_000;

function endedDaysAgo(id: string, days: number) {
  const at = new Date(Date.now() - days * DAY_MS).toISOString();
  return { ...storedTask(id, 'COMPLETE', `job-${id}`), created: at, started: at, ended: at };
}

test('finished tasks older than the retention go, with their files; the rest stay', async () => {
  const oldRunning = {
    ...storedTask('old-running', 'RUNNING', 'j'),
    created: new Date(Date.now() - 90 * DAY_MS).toISOString(),
  };
  const { service, framework, store } = serviceUnderTest({
    retentionSec: 30 * 86_400,
    seed: [endedDaysAgo('old', 31), endedDaysAgo('recent', 29), oldRunning],
  });
  const deleted: string[] = [];
  service.events.on('deleted', (event: TaskEvent) => deleted.push(event.id));
  await service.start();
  assert.deepEqual(deleted, ['old']);
  assert.equal(store.getTask('old'), undefined);
  assert.ok(store.getTask('recent'));
  assert.ok(store.getTask('old-running'), 'an unfinished task is never removed');
  assert.deepEqual(framework.removedFiles, ['old']);
  await service.close();
});

test('retention 0 keeps every task', async () => {
  const { service, store } = serviceUnderTest({
    retentionSec: 0,
    seed: [endedDaysAgo('old', 3650)],
  });
  await service.start();
  assert.ok(store.getTask('old'));
  await service.close();
});

test('a sweep removes more than one batch', async () => {
  const seed = Array.from({ length: 1200 }, (_, i) => endedDaysAgo(`t${i}`, 40));
  const { service, store } = serviceUnderTest({ retentionSec: 86_400, seed });
  await service.start();
  assert.equal(store.countTasks(), 0);
  await service.close();
});

test('a store fault during a sweep is survived; the next sweep removes the tasks', async () => {
  const { service, store, faults } = serviceUnderTest({
    retentionSec: 86_400,
    seed: [endedDaysAgo('old', 2)],
  });
  faults.failWith('SQLITE_BUSY', ['deleteFinishedBefore']);
  await service.start();
  assert.ok(store.getTask('old'));
  faults.heal();
  assert.equal(service.retention.sweep(), 1);
  await service.close();
});
