/** A framework that refuses submits: the task ends SYSTEM_ERROR and the error counter moves. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildStubServer } from '../dashboard/stub-service.js';
import { parsePrometheusText, sampleValue } from './prom-text.js';

test('a refused submit counts as a framework error', async () => {
  const { app, service } = await buildStubServer({
    submit: async () => {
      throw new Error('scheduler says no');
    },
  });
  const metrics = async () =>
    parsePrometheusText((await app.inject({ method: 'GET', url: '/metrics' })).body);
  const labels = { framework: 'stub', operation: 'submit' };
  assert.equal(sampleValue(await metrics(), 'jobproxy_framework_errors_total', labels), 0);
  const ended = new Promise<void>((resolve) =>
    service.events.on('change', (change: { to: string }) => {
      if (change.to === 'SYSTEM_ERROR') resolve();
    }),
  );
  const submitted = await app.inject({
    method: 'POST',
    url: '/v1/jobproxy/submit',
    headers: { 'content-type': 'application/json' },
    payload: { user: 'alice', cmd: 'true' },
  });
  assert.equal(submitted.statusCode, 200);
  await ended;
  const after = await metrics();
  assert.equal(sampleValue(after, 'jobproxy_framework_errors_total', labels), 1);
  assert.equal(
    sampleValue(after, 'jobproxy_tasks_ended_total', { framework: 'stub', state: 'SYSTEM_ERROR' }),
    1,
  );
});
