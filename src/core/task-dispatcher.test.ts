/**
 * The dispatcher alone (scripted framework, in-memory store): submit order, the in-flight limit,
 * a framework that cannot be reached (retry, task stays QUEUED), a store that cannot be read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { RetryableSubmitError } from '../backends/backend.js';
import { guardStore } from '../store/guarded-store.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { TaskDispatcher } from './task-dispatcher.js';
import type { TaskHooks } from './task-service-types.js';
import { faultyStore } from './testing/faulty-store.js';
import { scriptedFramework, until } from './testing/scripted-framework.js';
import { storedTask } from './testing/service-under-test.js';
import { setTimeout as sleep } from 'node:timers/promises';

function setUp(submitConcurrency = 1, hooks?: TaskHooks) {
  const raw = openSqliteStore(':memory:');
  for (const id of ['a', 'b', 'c']) raw.insertTask(storedTask(id, 'QUEUED', null));
  const faults = faultyStore(raw);
  const log = pino({ level: 'silent' });
  const store = guardStore(faults, log);
  const framework = scriptedFramework({ submitConcurrency });
  const moves: { id: string; to: string }[] = [];
  const dispatcher = new TaskDispatcher(
    {
      store,
      backend: framework,
      hooks,
      log,
      moveTo: (id, to) => moves.push({ id, to }),
      later: (_id, _label, write) => write(),
      failedCall: () => undefined,
    },
    { readRetryMs: 5 },
  );
  return { raw, faults, framework, dispatcher, moves };
}

test('tasks go to the framework in order, one at a time by default', async () => {
  const { framework, dispatcher, raw } = setUp();
  for (const id of ['a', 'b', 'c']) dispatcher.push(id);
  await framework.submitted(1);
  await sleep(10);
  assert.equal(framework.submits.length, 1);
  framework.submits[0]!.job.resolve('j-a');
  await framework.submitted(2);
  framework.submits[1]!.job.resolve('j-b');
  await framework.submitted(3);
  framework.submits[2]!.job.resolve('j-c');
  assert.deepEqual(
    framework.submits.map((s) => s.task.id),
    ['a', 'b', 'c'],
  );
  await until(() => raw.getTask('c')?.jobId === 'j-c');
  await dispatcher.close();
});

test('submitConcurrency submits in flight at once', async () => {
  const { framework, dispatcher } = setUp(3);
  for (const id of ['a', 'b', 'c']) dispatcher.push(id);
  await framework.submitted(3);
  for (const submit of framework.submits) submit.job.resolve(`j-${submit.task.id}`);
  await dispatcher.close();
});

test('a framework that cannot be reached keeps the task QUEUED and tries again', async () => {
  const { framework, dispatcher, raw, moves } = setUp();
  dispatcher.push('a');
  await framework.submitted(1);
  framework.submits[0]!.job.reject(new RetryableSubmitError('slurmctld is down', 10));
  await framework.submitted(2);
  assert.match(raw.getTask('a')?.description ?? '', /waiting to be submitted: slurmctld is down/);
  assert.equal(raw.getTask('a')?.state, 'QUEUED');
  assert.deepEqual(moves, []);
  framework.submits[1]!.job.resolve('j-a');
  await until(() => raw.getTask('a')?.jobId === 'j-a');
  await dispatcher.close();
});

test('a task whose record cannot be read now (store fault) is tried again, not dropped', async () => {
  const { framework, dispatcher, faults } = setUp();
  faults.failWith('SQLITE_IOERR_READ', ['getTask']);
  dispatcher.push('a');
  await sleep(20);
  assert.equal(framework.submits.length, 0);
  faults.heal();
  await framework.submitted(1);
  framework.submits[0]!.job.resolve('j-a');
  await dispatcher.close();
});

test('after close nothing more is submitted', async () => {
  const { framework, dispatcher } = setUp();
  await dispatcher.close();
  dispatcher.push('a');
  await sleep(10);
  assert.equal(framework.submits.length, 0);
});

test('a slow preparation (a TES download) holds its own task only, never the submit slot', async () => {
  let release!: () => void;
  const slow = new Promise<void>((resolve) => (release = resolve));
  const prepared: string[] = [];
  const { framework, dispatcher } = setUp(1, {
    beforeSubmit: async (task) => {
      if (task.id === 'a') await slow;
      prepared.push(task.id);
    },
  });
  for (const id of ['a', 'b', 'c']) dispatcher.push(id);
  await framework.submitted(1);
  assert.equal(framework.submits[0]!.task.id, 'b', 'b goes first while a is still staging');
  framework.submits[0]!.job.resolve('j-b');
  await framework.submitted(2);
  assert.equal(framework.submits[1]!.task.id, 'c');
  framework.submits[1]!.job.resolve('j-c');
  release();
  await framework.submitted(3);
  assert.equal(framework.submits[2]!.task.id, 'a');
  framework.submits[2]!.job.resolve('j-a');
  assert.deepEqual(prepared.sort(), ['a', 'b', 'c']);
  await dispatcher.close();
});

test('a submit retried later does not prepare (stage) its task again', async () => {
  let preparations = 0;
  const { framework, dispatcher } = setUp(1, {
    beforeSubmit: async () => {
      preparations++;
    },
  });
  dispatcher.push('a');
  await framework.submitted(1);
  framework.submits[0]!.job.reject(new RetryableSubmitError('down', 5));
  await framework.submitted(2);
  framework.submits[1]!.job.resolve('j-a');
  assert.equal(preparations, 1);
  await dispatcher.close();
});

test('a task pushed with its record is not read back while nothing waits before it', async () => {
  const { framework, dispatcher, raw, faults } = setUp();
  const record = raw.getTask('a')!;
  faults.failWith('SQLITE_IOERR_READ', ['getTask']);
  dispatcher.push('a', record);
  await framework.submitted(1);
  assert.equal(framework.submits[0]!.task.id, 'a');
  faults.heal();
  framework.submits[0]!.job.resolve('j-a');
  await dispatcher.close();
});

test('a task pushed with its record behind waiting ones keeps its place in the order', async () => {
  const { framework, dispatcher, raw } = setUp();
  const ids = Array.from({ length: 30 }, (_, i) => `t${String(i).padStart(2, '0')}`);
  for (const id of ids) raw.insertTask(storedTask(id, 'QUEUED', null));
  for (const id of ids.slice(0, -1)) dispatcher.push(id);
  const last = ids.at(-1)!;
  dispatcher.push(last, raw.getTask(last)!);
  for (let n = 1; n <= ids.length; n++) {
    await framework.submitted(n);
    framework.submits[n - 1]!.job.resolve(`j-${n}`);
  }
  assert.deepEqual(
    framework.submits.map((s) => s.task.id),
    ids,
  );
  await dispatcher.close();
});

test('a task the hooks have nothing to prepare for is not handed to beforeSubmit', async () => {
  const prepared: string[] = [];
  const { framework, dispatcher } = setUp(3, {
    beforeSubmit: async (task) => {
      prepared.push(task.id);
    },
    prepares: (task) => task.id === 'b',
  });
  for (const id of ['a', 'b', 'c']) dispatcher.push(id);
  await framework.submitted(3);
  for (const submit of framework.submits) submit.job.resolve(`j-${submit.task.id}`);
  assert.deepEqual(prepared, ['b']);
  await dispatcher.close();
});

test('a task canceled between its commit and its hand-over is not submitted from its record', async () => {
  const { framework, dispatcher, raw } = setUp();
  const stale = raw.getTask('a')!;
  assert.equal(raw.compareAndSet('a', 'QUEUED', 'CANCELED'), true);
  dispatcher.push('a', stale);
  dispatcher.push('b', raw.getTask('b')!);
  await framework.submitted(1);
  await sleep(10);
  assert.deepEqual(
    framework.submits.map((s) => s.task.id),
    ['b'],
  );
  framework.submits[0]!.job.resolve('j-b');
  await dispatcher.close();
});

test('a store that cannot say a new task is still QUEUED: its record is not used, it is read later', async () => {
  const { framework, dispatcher, raw, faults } = setUp();
  const stale = raw.getTask('a')!;
  faults.failWith('SQLITE_IOERR_READ', ['getState', 'getTask']);
  dispatcher.push('a', stale);
  await sleep(20);
  assert.equal(framework.submits.length, 0, 'not submitted from the record while unsure');
  assert.equal(raw.compareAndSet('a', 'QUEUED', 'CANCELED'), true);
  faults.heal();
  dispatcher.push('b');
  await framework.submitted(1);
  await sleep(20);
  // Read back once the store works: the cancel made meanwhile is seen, so only b goes.
  assert.deepEqual(
    framework.submits.map((s) => s.task.id),
    ['b'],
  );
  framework.submits[0]!.job.resolve('j-b');
  await dispatcher.close();
});
