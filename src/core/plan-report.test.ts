import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failedBeforeCancel, planReport } from './plan-report.js';
import { storedTask } from './testing/service-under-test.js';

const NOW = Date.parse('2026-01-01T00:01:00.000Z');

test('a finished task ignores every later report', () => {
  const done = { ...storedTask('t', 'COMPLETE', 'j'), seq: 1 };
  assert.deepEqual(
    planReport(done, { state: 'EXECUTOR_ERROR', exitCode: 1 }, { receivedAt: NOW }),
    {
      kind: 'ignore',
    },
  );
});

test('a failure received after the cancel, ending after it, is the kill: CANCELED', () => {
  const canceling = { ...storedTask('t', 'CANCELING', 'j'), seq: 1 };
  const plan = planReport(
    canceling,
    { state: 'EXECUTOR_ERROR', exitCode: 143, ended: new Date(NOW).toISOString() },
    { receivedAt: NOW, cancelingAt: NOW - 100 },
  );
  assert.equal(plan.kind === 'move' && plan.to, 'CANCELED');
});

test('a failure received before the cancel was recorded keeps its outcome', () => {
  assert.equal(
    failedBeforeCancel({ state: 'EXECUTOR_ERROR' }, { receivedAt: NOW - 1, cancelingAt: NOW }),
    true,
  );
});

test('a framework end within the clock slack of the cancel counts as the kill', () => {
  const ended = new Date(NOW - 900).toISOString();
  assert.equal(
    failedBeforeCancel(
      { state: 'EXECUTOR_ERROR', ended },
      { receivedAt: NOW + 10, cancelingAt: NOW },
    ),
    false,
  );
  const earlier = new Date(NOW - 1500).toISOString();
  assert.equal(
    failedBeforeCancel(
      { state: 'EXECUTOR_ERROR', ended: earlier },
      { receivedAt: NOW + 10, cancelingAt: NOW },
    ),
    true,
  );
});

test('a report never replaces a start time already stored', () => {
  const running = {
    ...storedTask('t', 'RUNNING', 'j'),
    seq: 1,
    started: '2026-01-01T00:00:00.000Z',
  };
  const plan = planReport(
    running,
    { state: 'RUNNING', started: '2026-01-01T00:00:05.000Z', description: 'x' },
    { receivedAt: NOW },
  );
  assert.deepEqual(plan, { kind: 'patch', patch: { description: 'x' } });
});
