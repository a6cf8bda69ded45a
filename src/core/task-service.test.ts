/**
 * The task service's races and faults (issue 11), with an in-memory store and a scripted
 * framework: cancel during submit, double cancel and delete, a failure just before a cancel,
 * cancel during output collection, a report after close, store faults, a dying launcher.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobProxyError } from '../errors.js';
import type { JobReport } from '../backends/backend.js';
import { deferred, until } from './testing/scripted-framework.js';
import { ended, serviceUnderTest, SPEC, storedTask } from './testing/service-under-test.js';
import { setTimeout as sleep } from 'node:timers/promises';

test('cancel during submit: CANCELED at once, and the job the submit made is stopped', async () => {
  const { service, framework } = serviceUnderTest();
  await service.start();
  const task = await service.accept(SPEC);
  await framework.submitted(1);
  const canceled = await service.cancelTask(task.id);
  assert.equal(canceled.state, 'CANCELED');
  assert.equal(canceled.started, null, 'a task that never ran has no start time');
  framework.submits[0]!.job.resolve('job-1');
  await until(() => framework.cancels.length === 1, 'the cancel of job-1');
  assert.equal(framework.cancels[0]!.task.jobId, 'job-1');
  assert.equal(service.getTask(task.id).state, 'CANCELED');
  await service.close();
});

test('two cancels at once cancel the job once and record one change', async () => {
  const { service, framework, changes } = serviceUnderTest({
    seed: [storedTask('t1', 'RUNNING', 'job-1')],
  });
  await service.start();
  framework.holdCancels = true;
  const first = service.cancelTask('t1');
  const second = service.cancelTask('t1');
  await until(() => framework.cancels.length === 1);
  framework.cancels[0]!.done.resolve();
  const [a, b] = await Promise.all([first, second]);
  assert.equal(a.state, 'CANCELED');
  assert.equal(b.state, 'CANCELED');
  assert.equal(framework.cancels.length, 1, 'the framework was asked to cancel twice');
  assert.deepEqual(
    changes.map((c) => c.to),
    ['CANCELING', 'CANCELED'],
  );
  await service.close();
});

test('two deletes at once: one removes the task (and its files), the other is TASK_NOT_FOUND', async () => {
  const { service, framework } = serviceUnderTest({ seed: [storedTask('t1', 'RUNNING', 'job-1')] });
  await service.start();
  const deleted: string[] = [];
  service.events.on('deleted', (event: { id: string }) => deleted.push(event.id));
  const results = await Promise.allSettled([service.deleteTask('t1'), service.deleteTask('t1')]);
  assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  assert.equal((refused.reason as JobProxyError).code, 'TASK_NOT_FOUND');
  assert.deepEqual(deleted, ['t1']);
  assert.equal(framework.cancels.length, 1);
  await until(() => framework.removedFiles.length === 1, 'removeTaskFiles');
  assert.deepEqual(framework.removedFiles, ['t1']);
  await service.close();
});

test('a failure reported before the cancel keeps its real outcome', async () => {
  const { service, framework } = serviceUnderTest({ seed: [storedTask('t1', 'RUNNING', 'job-1')] });
  await service.start();
  framework.holdCancels = true;
  const cancel = service.cancelTask('t1');
  // The framework says the job failed 5 s before the cancel (a poll that came late).
  service.applyReport('t1', ended('EXECUTOR_ERROR', 3, new Date(Date.now() - 5000)));
  framework.cancels[0]!.done.resolve();
  const task = await cancel;
  assert.equal(task.state, 'EXECUTOR_ERROR');
  assert.equal(task.exitCode, 3);
  await service.close();
});

test('a failure that the kill caused (ended after the cancel) is CANCELED', async () => {
  const { service, framework } = serviceUnderTest({ seed: [storedTask('t1', 'RUNNING', 'job-1')] });
  await service.start();
  framework.holdCancels = true;
  const cancel = service.cancelTask('t1');
  service.applyReport('t1', ended('EXECUTOR_ERROR', 143));
  framework.cancels[0]!.done.resolve();
  const task = await cancel;
  assert.equal(task.state, 'CANCELED');
  await service.close();
});

test('cancel during output collection: the task had ended on its own and keeps its outcome', async () => {
  const collecting = deferred<JobReport>();
  const { service, framework } = serviceUnderTest({
    seed: [storedTask('t1', 'RUNNING', 'job-1')],
    hooks: { beforeFinish: () => collecting.promise },
  });
  await service.start();
  const report = ended('EXECUTOR_ERROR', 2);
  service.applyReport('t1', report);
  const answer = await service.cancelTask('t1');
  assert.equal(answer.state, 'RUNNING', 'the cancel must not start while the outcome is collected');
  assert.equal(framework.cancels.length, 0);
  collecting.resolve(report);
  await until(() => service.getTask('t1').state === 'EXECUTOR_ERROR', 'the real outcome');
  await service.close();
});

test('an outcome the hook has nothing to finish is stored with the turn, the hook not called', async () => {
  const asked: string[] = [];
  const { service } = serviceUnderTest({
    seed: [storedTask('t1', 'RUNNING', 'job-1'), storedTask('t2', 'RUNNING', 'job-2')],
    hooks: {
      beforeFinish: (task) => {
        asked.push(task.id);
        return deferred<JobReport>().promise; // never ends: a task waiting on it stays RUNNING
      },
      finishes: (task) => task.id === 't2',
    },
  });
  await service.start();
  service.applyReport('t1', ended('COMPLETE', 0));
  service.applyReport('t2', ended('COMPLETE', 0));
  assert.equal(service.getTask('t1').state, 'COMPLETE', 'stored without waiting for the hook');
  assert.equal(service.getTask('t2').state, 'RUNNING', 'waits for its outputs');
  assert.deepEqual(asked, ['t2']);
  await service.close();
});

test('a repeated or late report never rewrites a finished task (nor its times)', async () => {
  const { service } = serviceUnderTest({ seed: [storedTask('t1', 'RUNNING', 'job-1')] });
  await service.start();
  service.applyReport('t1', ended('COMPLETE', 0));
  const first = service.getTask('t1');
  service.applyReport('t1', {
    ...ended('COMPLETE', 0, new Date(Date.now() + 60_000)),
    started: '2000-01-01T00:00:00.000Z',
  });
  service.applyReport('t1', { state: 'RUNNING', started: '2000-01-01T00:00:00.000Z' });
  assert.deepEqual(service.getTask('t1'), first);
  await service.close();
});

test('an end heard before its start: ended is never before started', async () => {
  const { service } = serviceUnderTest({ seed: [storedTask('t1', 'QUEUED', 'job-1')] });
  await service.start();
  const late = new Date(Date.now() + 50).toISOString();
  service.applyReport('t1', { state: 'RUNNING', started: late });
  service.applyReport('t1', ended('COMPLETE', 0));
  const task = service.getTask('t1');
  assert.ok(
    Date.parse(task.ended!) >= Date.parse(task.started!),
    `${task.started} > ${task.ended}`,
  );
  await service.close();
});

test('a report after close changes nothing and throws nothing', async () => {
  const { service, store } = serviceUnderTest({ seed: [storedTask('t1', 'RUNNING', 'job-1')] });
  await service.start();
  await service.close();
  service.applyReport('t1', ended('COMPLETE', 0));
  assert.equal(store.getTask('t1')?.state, 'RUNNING');
});

test('a submit refusal is SYSTEM_ERROR with the reason and no start time', async () => {
  const { service, framework } = serviceUnderTest();
  await service.start();
  const task = await service.accept(SPEC);
  await framework.submitted(1);
  framework.submits[0]!.job.reject(new Error('the launcher process exited'));
  await until(() => service.getTask(task.id).state === 'SYSTEM_ERROR');
  const failed = service.getTask(task.id);
  assert.match(failed.description, /the launcher process exited/);
  assert.equal(failed.started, null);
  assert.ok(failed.ended);
  await service.close();
});

test('a cancel the dying framework cannot do ends SYSTEM_ERROR, not a crash', async () => {
  const { service, framework } = serviceUnderTest({ seed: [storedTask('t1', 'RUNNING', 'job-1')] });
  await service.start();
  framework.holdCancels = true;
  const cancel = service.cancelTask('t1');
  framework.cancels[0]!.done.reject(Object.assign(new Error('spawn EACCES'), { code: 'EACCES' }));
  const task = await cancel;
  assert.equal(task.state, 'SYSTEM_ERROR');
  assert.match(task.description, /cancel failed: spawn EACCES/);
  await service.close();
});

for (const [code, expected] of [
  ['SQLITE_FULL', 'STORE_FULL'],
  ['ENOSPC', 'STORE_FULL'],
  ['SQLITE_IOERR_WRITE', 'STORE_UNAVAILABLE'],
  ['EACCES', 'STORE_UNAVAILABLE'],
] as const) {
  test(`accept with the store failing ${code}: ${expected}, nothing accepted`, async () => {
    const { service, faults, store, framework } = serviceUnderTest();
    await service.start();
    faults.failWith(code);
    await assert.rejects(
      service.accept(SPEC),
      (error: unknown) => (error as JobProxyError).code === expected,
    );
    assert.equal(store.countTasks(), 0);
    assert.equal(framework.submits.length, 0);
    await service.close();
  });
}

test('accept whose disk sync fails (EIO): STORE_UNAVAILABLE, the committed record removed, nothing run', async () => {
  const { service, faults, store, framework } = serviceUnderTest();
  await service.start();
  faults.failWith('EIO', ['syncToDisk']);
  await assert.rejects(
    service.accept(SPEC),
    (error: unknown) => (error as JobProxyError).code === 'STORE_UNAVAILABLE',
  );
  assert.equal(store.countTasks(), 0, 'a submit answered 503 leaves no task to run later');
  assert.equal(framework.submits.length, 0);
  await service.close();
});

test('a task end the store could not write is retried until it is written', async () => {
  const { service, faults, store } = serviceUnderTest({
    seed: [storedTask('t1', 'RUNNING', 'job-1')],
  });
  await service.start();
  faults.failWith('SQLITE_IOERR_WRITE');
  assert.doesNotThrow(() => service.applyReport('t1', ended('EXECUTOR_ERROR', 4)));
  // Reports are written after the turn they arrived in, together.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(service.pendingWrites.size, 1);
  // A later report of the same task waits behind it (order per task).
  service.applyReport('t1', { state: 'RUNNING', description: 'late' });
  await sleep(30);
  assert.equal(store.getTask('t1')?.state, 'RUNNING');
  faults.heal();
  await until(() => store.getTask('t1')?.state === 'EXECUTOR_ERROR', 'the retried write');
  assert.equal(store.getTask('t1')?.exitCode, 4);
  assert.equal(service.pendingWrites.size, 0);
  await service.close();
});

test('a job id the store could not write (ENOSPC) is recorded once it can', async () => {
  const { service, faults, store, framework } = serviceUnderTest();
  await service.start();
  const task = await service.accept(SPEC);
  await framework.submitted(1);
  faults.failWith('ENOSPC', ['setJobId']);
  framework.submits[0]!.job.resolve('job-9');
  await until(() => faults.failures > 0, 'the failed write');
  assert.equal(store.getTask(task.id)?.jobId, null);
  faults.heal();
  await until(() => store.getTask(task.id)?.jobId === 'job-9', 'the retried job id');
  assert.equal(framework.submits.length, 1, 'the task must not be submitted twice');
  await service.close();
});

test('a cancel request while the store is read-only is refused (503), the task unchanged', async () => {
  const { service, faults, store, framework } = serviceUnderTest({
    seed: [storedTask('t1', 'RUNNING', 'job-1')],
  });
  await service.start();
  faults.failWith('SQLITE_READONLY');
  await assert.rejects(service.cancelTask('t1'), { code: 'STORE_UNAVAILABLE' });
  faults.heal();
  assert.equal(store.getTask('t1')?.state, 'RUNNING');
  assert.equal(framework.cancels.length, 0);
  await service.close();
});

test('recovery: a launch in flight (no job id) is submitted once; a task with a job is not', async () => {
  const { service, framework } = serviceUnderTest({
    seed: [storedTask('in-flight', 'QUEUED', null), storedTask('running', 'RUNNING', 'job-1')],
  });
  await service.start();
  await framework.submitted(1);
  await sleep(20);
  assert.deepEqual(
    framework.submits.map((s) => s.task.id),
    ['in-flight'],
  );
  framework.submits[0]!.job.resolve('job-2');
  await until(() => service.getTask('in-flight').jobId === 'job-2');
  await service.close();
});

test('recovery: a task left CANCELING is canceled once, even if a user cancels it again', async () => {
  const { service, framework } = serviceUnderTest({
    seed: [storedTask('t1', 'CANCELING', 'job-1')],
  });
  framework.holdCancels = true;
  await service.start();
  const again = service.cancelTask('t1');
  await until(() => framework.cancels.length >= 1);
  framework.cancels[0]!.done.resolve();
  assert.equal((await again).state, 'CANCELED');
  assert.equal(framework.cancels.length, 1);
  await service.close();
});
