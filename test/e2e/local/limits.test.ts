/**
 * Local limits as the issue words them: a `memory: 64` task that allocates 512 MiB ends
 * EXECUTOR_ERROR naming the memory limit (the kernel's OOM killer in the task's cgroup); cputime
 * has a soft limit (SIGXCPU) and a hard one a second later (SIGKILL); a task within its limits
 * sees none of this.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestServer, submitTask, waitForState } from '../../helpers/test-server.js';

const WITHIN_LIMITS = { cores: 1, memory: 256, cputime: 10, cmd: 'echo within' };

test('a task within its limits completes with nothing but its own output', async () => {
  for (const runAs of ['root', 'nobody']) {
    const server = await startTestServer({ frameworkOptions: { runAs } });
    const state = await waitForState(
      server,
      await submitTask(server, { user: 'u', ...WITHIN_LIMITS }),
    );
    assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
    assert.equal(state.stdout, 'within\n');
    assert.equal(state.stderr, '', `nothing on stderr (runAs ${runAs})`);
  }
});

test(
  'a task that ignores SIGXCPU is killed at the hard cputime limit',
  { timeout: 60_000 },
  async () => {
    const server = await startTestServer();
    const id = await submitTask(server, {
      user: 'u',
      cputime: 2,
      cmd: "trap '' XCPU; while :; do :; done",
    });
    const state = await waitForState(server, id);
    assert.equal(state.code, 'EXECUTOR_ERROR', JSON.stringify(state));
    assert.equal(state.exitCode, 137, 'SIGKILL at the hard limit, one second after the soft one');
    assert.equal(state.description, 'killed: cputime limit 2 s exceeded');
  },
);

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
