/**
 * Which outcomes TES staging has work for (TesStaging.finishes): only a TES task with outputs
 * that ran to its end; every other report is stored as it came, without the collection hook.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import type { TaskRecord } from '../model/task.js';
import { ended, SPEC, storedTask } from './testing/service-under-test.js';
import { TesStaging } from './tes-staging.js';

const staging = new TesStaging({
  workdir: '/nonexistent/work',
  stateDir: '/nonexistent/state',
  allowedRoots: [],
  log: pino({ level: 'silent' }),
});

function taskWith(outputs: number, state: TaskRecord['state'] = 'RUNNING'): TaskRecord {
  const tes = {
    inputs: [],
    outputs: Array.from({ length: outputs }, (_, i) => ({ path: `/o${i}` })),
  };
  return { ...storedTask('t1', state, 'job-1'), seq: 1, spec: { ...SPEC, extra: { tes } } };
}

test('a TES task with outputs that ran to its end has them collected', () => {
  assert.equal(staging.finishes(taskWith(1), ended('COMPLETE', 0)), true);
  assert.equal(staging.finishes(taskWith(2), ended('EXECUTOR_ERROR', 1)), true);
});

test('no outputs, no TES, no run to the end, or a cancel: nothing to collect', () => {
  assert.equal(staging.finishes(taskWith(0), ended('COMPLETE', 0)), false);
  const v1 = { ...storedTask('t2', 'RUNNING', 'job-2'), seq: 2 };
  assert.equal(staging.finishes(v1, ended('COMPLETE', 0)), false);
  assert.equal(staging.finishes(taskWith(1), ended('SYSTEM_ERROR', 0)), false);
  assert.equal(staging.finishes(taskWith(1, 'CANCELING'), ended('COMPLETE', 0)), false);
});
