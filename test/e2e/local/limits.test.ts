/**
 * The issue's own words for local limits: a `memory: 64` task that allocates 512 MiB ends
 * EXECUTOR_ERROR naming the memory limit (the kernel's OOM killer in the task's cgroup).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestServer, submitTask, waitForState } from '../../helpers/test-server.js';

test(
  'memory: 64 with 512 MiB allocated ends EXECUTOR_ERROR naming the memory limit',
  { timeout: 60_000 },
  async () => {
    const server = await startTestServer();
    const allocate =
      'const kept = []; for (let i = 0; i < 64; i++) kept.push(Buffer.alloc(8 << 20, 1));';
    const id = await submitTask(server, {
      user: 'u',
      memory: 64,
      cmd: [process.execPath, '-e', allocate],
    });
    const state = await waitForState(server, id);
    assert.equal(state.code, 'EXECUTOR_ERROR', JSON.stringify(state));
    assert.equal(state.description, 'killed: memory limit 64 MiB exceeded');
    assert.equal(state.exitCode, 137);
  },
);

test('the same allocation without a limit completes', { timeout: 60_000 }, async () => {
  const server = await startTestServer();
  const allocate =
    'const kept = []; for (let i = 0; i < 64; i++) kept.push(Buffer.alloc(8 << 20, 1));';
  const id = await submitTask(server, { user: 'u', cmd: [process.execPath, '-e', allocate] });
  const state = await waitForState(server, id);
  assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
});
