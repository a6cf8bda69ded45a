/**
 * `/metrics` on a real server: the exposition passes a strict text-format reader, and the task
 * counters, histograms, gauges and HTTP latency move as tasks run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestServer, submitTask, waitForState } from '../helpers/test-server.js';
import { parsePrometheusText, sampleValue, type Family } from './prom-text.js';

const server = await startTestServer();

async function scrape(): Promise<Map<string, Family>> {
  const response = await fetch(`${server.url}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

const local = { framework: 'local' };

test('the counters move as tasks run', async () => {
  const before = await scrape();
  for (const name of [
    'jobproxy_tasks',
    'jobproxy_tasks_submitted_total',
    'jobproxy_tasks_ended_total',
    'jobproxy_task_queued_seconds',
    'jobproxy_task_running_seconds',
    'jobproxy_http_request_duration_seconds',
    'jobproxy_framework_errors_total',
    'jobproxy_store_bytes',
    'jobproxy_framework_cores',
  ]) {
    assert.ok(before.has(name), `${name} is missing`);
  }
  const ok = await submitTask(server, { user: 'alice', cmd: 'echo fine' });
  const bad = await submitTask(server, { user: 'alice', cmd: 'exit 3' });
  await waitForState(server, ok);
  await waitForState(server, bad);
  const after = await scrape();
  const moved = (name: string, labels: Record<string, string> = {}): number =>
    sampleValue(after, name, labels) - sampleValue(before, name, labels);

  assert.equal(moved('jobproxy_tasks_submitted_total', { ...local, origin: 'v1' }), 2);
  assert.equal(moved('jobproxy_tasks_ended_total', { ...local, state: 'COMPLETE' }), 1);
  assert.equal(moved('jobproxy_tasks_ended_total', { ...local, state: 'EXECUTOR_ERROR' }), 1);
  assert.equal(moved('jobproxy_task_queued_seconds_count', local), 2);
  assert.equal(moved('jobproxy_task_running_seconds_count', { ...local, state: 'COMPLETE' }), 1);
  assert.equal(sampleValue(after, 'jobproxy_tasks', { ...local, state: 'COMPLETE' }), 1);
  assert.equal(sampleValue(after, 'jobproxy_tasks', { ...local, state: 'EXECUTOR_ERROR' }), 1);
  assert.equal(sampleValue(after, 'jobproxy_tasks', { ...local, state: 'RUNNING' }), 0);
  const submits = { method: 'POST', route: '/v1/jobproxy/submit', status_code: '200' };
  assert.equal(moved('jobproxy_http_request_duration_seconds_count', submits), 2);
  assert.ok(sampleValue(after, 'jobproxy_store_bytes') > 0);
  assert.ok(sampleValue(after, 'jobproxy_framework_cores', { ...local, kind: 'total' }) > 0);
});

test('latency is labelled by route pattern, never by task id', async () => {
  const id = await submitTask(server, { user: 'bob', cmd: 'true' });
  await waitForState(server, id);
  await fetch(`${server.url}/no/such/path`);
  const families = await scrape();
  const routes = families
    .get('jobproxy_http_request_duration_seconds')!
    .samples.map((s) => s.labels.route);
  assert.ok(routes.includes('/v1/jobproxy/state/:id'));
  assert.ok(routes.includes('unmatched'));
  assert.ok(!routes.some((route) => route?.includes(id)));
});
