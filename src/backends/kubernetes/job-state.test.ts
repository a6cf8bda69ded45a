import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { reportOf, type StateFacts } from './job-state.js';
import { CAPTURED } from './job-state-fixtures.js';

const facts = (over: Partial<StateFacts> = {}): StateFacts => ({
  resources: {},
  executorCount: 1,
  unschedulableTimeout: 300,
  now: new Date('2026-12-01T20:20:00Z'),
  ...over,
});
const captured = (name: string) => CAPTURED[name]!;
const reportFor = (name: string, over: Partial<StateFacts> = {}) =>
  reportOf(captured(name).job, captured(name).pod, facts(over));

test('a Succeeded pod whose executor exited 0 → COMPLETE with code 0 and times', () => {
  const report = reportFor('complete')!;
  assert.equal(report.state, 'COMPLETE');
  assert.equal(report.exitCode, 0);
  assert.deepEqual(report.executorExitCodes, [0]);
  assert.ok(report.started && report.ended);
});

test('a Failed pod whose executor exited 3 → EXECUTOR_ERROR with code 3', () => {
  const report = reportFor('exit3')!;
  assert.equal(report.state, 'EXECUTOR_ERROR');
  assert.equal(report.exitCode, 3);
  assert.equal(report.description, 'exited with code 3');
});

test('an executor container running while the pod is Pending (init) → RUNNING', () => {
  const report = reportFor('running')!;
  assert.equal(report.state, 'RUNNING');
  assert.ok(report.started);
});

test('an image that is not there → SYSTEM_ERROR with Kubernetes’ reason and message', () => {
  const report = reportFor('neverpull')!;
  assert.equal(report.state, 'SYSTEM_ERROR');
  assert.match(String(report.description), /^ErrImageNeverPull: .*k8s-lab\.local\/missing:1\.0/);
});

test('unschedulable: QUEUED within the configured time, SYSTEM_ERROR after it', () => {
  const pod = captured('unschedulable').pod!;
  const since = new Date(
    pod.status!.conditions!.find((c) => c.type === 'PodScheduled')!.lastTransitionTime!,
  );
  const early = reportOf(undefined, pod, facts({ now: new Date(since.getTime() + 10_000) }))!;
  assert.equal(early.state, 'QUEUED');
  assert.match(String(early.description), /waiting for a node: .*node affinity\/selector/);
  const late = reportOf(undefined, pod, facts({ now: new Date(since.getTime() + 400_000) }))!;
  assert.equal(late.state, 'SYSTEM_ERROR');
  assert.match(String(late.description), /^Unschedulable for 400 s: /);
});

test('the cputime rlimit (SIGKILL at the hard limit) → EXECUTOR_ERROR naming the limit', () => {
  const report = reportFor('cputime', { resources: { cputimeSec: 1 } })!;
  assert.equal(report.state, 'EXECUTOR_ERROR');
  assert.equal(report.exitCode, 137);
  assert.equal(report.description, 'killed: cputime limit 1 s exceeded');
});

test('an OOM-killed executor in a pod the kubelet left Pending → EXECUTOR_ERROR at once', () => {
  const report = reportFor('oom', { resources: { memoryMiB: 64 } })!;
  assert.equal(report.state, 'EXECUTOR_ERROR');
  assert.equal(report.exitCode, 137);
  assert.equal(report.description, 'killed: memory limit 64 MiB exceeded');
});

test('eviction (pod reason) and a lost node (phase Unknown) → SYSTEM_ERROR with the reason', () => {
  const base = captured('running').pod!;
  const evicted: V1Pod = {
    ...base,
    status: { ...base.status, phase: 'Failed', reason: 'Evicted', message: 'low on memory' },
  };
  assert.deepEqual(
    [
      reportOf(undefined, evicted, facts())!.state,
      reportOf(undefined, evicted, facts())!.description,
    ],
    ['SYSTEM_ERROR', 'Evicted: low on memory'],
  );
  const lost: V1Pod = { ...base, status: { ...base.status, phase: 'Unknown', reason: 'NodeLost' } };
  const report = reportOf(undefined, lost, facts())!;
  assert.equal(report.state, 'SYSTEM_ERROR');
  assert.match(String(report.description), /node lost.*NodeLost/);
});

test('a failed Job with no pod left → SYSTEM_ERROR naming the Job condition; nothing known → undefined', () => {
  const report = reportOf(captured('exit3').job, undefined, facts())!;
  assert.equal(report.state, 'SYSTEM_ERROR');
  assert.match(String(report.description), /BackoffLimitExceeded/);
  assert.equal(reportOf(undefined, undefined, facts()), undefined);
});
