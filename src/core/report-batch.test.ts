/** The reports of one turn are written in one transaction; a failed commit retries each alone. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from './testing/scripted-framework.js';
import { ended, serviceUnderTest, SPEC, storedTask } from './testing/service-under-test.js';

const IDS = ['t1', 't2', 't3'];
const seed = IDS.map((id, i) => storedTask(id, 'RUNNING', `job-${i}`));

test('reports of one turn: written together, their changes told after the commit', async () => {
  const { service, store } = serviceUnderTest({ seed });
  await service.start();
  const seenAtFirstChange: string[] = [];
  service.events.once('change', () => {
    for (const id of IDS) seenAtFirstChange.push(store.getState(id)!);
  });
  for (const id of IDS) service.applyReport(id, ended('COMPLETE', 0));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(
    seenAtFirstChange,
    ['COMPLETE', 'COMPLETE', 'COMPLETE'],
    'the first change is told only once all three are committed',
  );
  await service.close();
});

test('a commit of reports that fails: nothing told, each report retried alone until it lands', async () => {
  const { service, store, faults, changes } = serviceUnderTest({ seed });
  await service.start();
  // The batch's commit fails, and so does each write alone until the store heals.
  faults.failWith('SQLITE_IOERR_FSYNC', ['commit', 'compareAndSet']);
  for (const id of IDS) service.applyReport(id, ended('EXECUTOR_ERROR', 7));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(
    IDS.map((id) => store.getState(id)),
    ['RUNNING', 'RUNNING', 'RUNNING'],
    'the failed commit kept none',
  );
  assert.equal(changes.length, 0, 'no change is told of a write that was rolled back');
  assert.equal(service.pendingWrites.size, 3, 'each report waits for the store on its own');
  faults.heal();
  await until(() => IDS.every((id) => store.getState(id) === 'EXECUTOR_ERROR'), 'the retries');
  assert.deepEqual(
    changes.map((c) => [c.id, c.to]),
    IDS.map((id) => [id, 'EXECUTOR_ERROR']),
  );
  await service.close();
});

test('a report is written before a move the service makes after it (order kept)', async () => {
  const { service, store } = serviceUnderTest({ seed: [storedTask('t1', 'RUNNING', 'job-1')] });
  await service.start();
  service.applyReport('t1', ended('COMPLETE', 0));
  // Read through the service in the same turn: the report is there already.
  assert.equal(service.getTask('t1').state, 'COMPLETE');
  assert.equal(store.getState('t1'), 'COMPLETE');
  await service.close();
});

test('job ids of one turn: one commit; a failed commit retries each until it lands', async () => {
  const { service, faults, store, framework } = serviceUnderTest({ submitConcurrency: 3 });
  await service.start();
  const tasks = await Promise.all([1, 2, 3].map(() => service.accept(SPEC)));
  await framework.submitted(3);
  faults.failWith('SQLITE_IOERR_FSYNC', ['commit', 'setJobId']);
  framework.submits.forEach((submit, i) => submit.job.resolve(`job-${i}`));
  await until(() => faults.failures >= 2, 'the failed commit and a failed retry');
  assert.deepEqual(
    tasks.map((t) => store.getTask(t.id)?.jobId),
    [null, null, null],
  );
  faults.heal();
  await until(
    () => tasks.every((t, i) => store.getTask(t.id)?.jobId === `job-${i}`),
    'the retried job ids',
  );
  assert.equal(framework.submits.length, 3, 'no task is submitted twice');
  await service.close();
});
