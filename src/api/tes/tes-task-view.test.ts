import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newTaskRecord } from '../../model/new-task.js';
import type { TaskRecord } from '../../model/task.js';
import { tesTaskView, type TesExecutorLog } from './tes-task-view.js';

const STARTED = '2026-12-01T10:00:00.000Z';
const ENDED = '2026-12-01T10:00:05.000Z';

/** A v1 task of `executors` commands, in `state`, with the given per-executor exit codes. */
function task(
  state: TaskRecord['state'],
  codes: (number | null)[],
  extra: Partial<TaskRecord> = {},
  ignoreError: boolean[] = [],
): TaskRecord {
  const spec = {
    user: 'u',
    origin: 'v1' as const,
    resources: {},
    executors: codes.map((_, i) => ({ command: ['true'], ignoreError: ignoreError[i] })),
  };
  const record = newTaskRecord('t', spec, 'local', []);
  return {
    ...record,
    seq: 1,
    state,
    results: codes.map((exitCode) => ({ exitCode })),
    ...extra,
  };
}

function entries(record: TaskRecord): TesExecutorLog[] | undefined {
  return tesTaskView(record, 'BASIC', () => []).logs?.[0]?.logs;
}

test('QUEUED has no TaskLog; INITIALIZING has one, without executor entries', () => {
  assert.equal(entries(task('QUEUED', [null])), undefined);
  assert.deepEqual(entries(task('INITIALIZING', [null])), []);
});

test('a running first executor has its entry: start_time, exit_code 0, no end_time', () => {
  assert.deepEqual(entries(task('RUNNING', [null, null], { started: STARTED })), [
    { exit_code: 0, start_time: STARTED },
  ]);
});

test('the next executor has an entry once the one before ended well or was allowed to fail', () => {
  const running = { started: STARTED };
  assert.deepEqual(
    entries(task('RUNNING', [0, null], running))?.map((e) => e.exit_code),
    [0, 0],
  );
  assert.deepEqual(
    entries(task('RUNNING', [5, null], running, [true]))?.map((e) => e.exit_code),
    [5, 0],
  );
});

test('an executor after a failing one never ran, and has no entry', () => {
  const done = { started: STARTED, ended: ENDED, exitCode: 3 };
  assert.deepEqual(
    entries(task('EXECUTOR_ERROR', [3, null], done))?.map((e) => e.exit_code),
    [3],
  );
});

test('canceled while it ran: the entry stays, ended, with the exit code known or -1', () => {
  const canceled = { started: STARTED, ended: ENDED };
  assert.deepEqual(entries(task('CANCELED', [null], canceled)), [
    { exit_code: -1, start_time: STARTED, end_time: ENDED },
  ]);
  assert.deepEqual(
    entries(task('CANCELED', [null], { ...canceled, exitCode: 143 }))?.map((e) => e.exit_code),
    [143],
  );
});

test('a SYSTEM_ERROR with no exit code (an image not pulled) shows no executor entry', () => {
  assert.deepEqual(entries(task('SYSTEM_ERROR', [null], { started: STARTED, ended: STARTED })), []);
});
