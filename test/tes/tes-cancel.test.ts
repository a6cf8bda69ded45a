/**
 * TES cancel of a running task on the local framework: the answer is `{}`, the task ends CANCELED
 * and keeps its record, and the process is gone from /proc.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { getState, startTestServer } from '../helpers/test-server.js';
import { createTask, getTask, tes, waitForTes } from './tes-client.js';
import { setTimeout as sleep } from 'node:timers/promises';

/** Pids of live (not zombie) processes whose argv is exactly `argv`. */
function processesRunning(argv: string[]): number[] {
  const wanted = `${argv.join('\0')}\0`;
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8') !== wanted) continue;
      // PID 1 here reaps orphans late: a zombie has ended, it only waits to be collected.
      const state = readFileSync(`/proc/${name}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
      if (state !== 'Z') pids.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

test('cancel of a running sleep: CANCELED, record kept, process gone', async () => {
  assert.ok(existsSync('/proc/self/cmdline'), 'this test needs /proc (Linux) to see processes');
  const server = await startTestServer({ containers: 'host' });
  // An argument no other process has, so /proc tells this sleep apart.
  const argv = ['sleep', String(3000 + (process.pid % 1000))];
  const id = await createTask(server, { executors: [{ image: 'alpine', command: argv }] });
  await until(
    'the sleep runs',
    async () =>
      (await getTask(server, id, 'MINIMAL')).state === 'RUNNING' &&
      processesRunning(argv).length > 0,
  );

  const cancel = await tes(server, 'POST', `/tasks/${id}:cancel`);
  assert.deepEqual([cancel.status, cancel.body], [200, {}]);
  const task = await waitForTes(server, id);
  assert.equal(task.state, 'CANCELED');
  await until('the sleep is gone', () => processesRunning(argv).length === 0);

  // The record stays for both APIs; canceling again changes nothing.
  assert.equal((await getState(server, id)).code, 'CANCELED');
  const again = await tes(server, 'POST', `/tasks/${id}:cancel`);
  assert.deepEqual([again.status, again.body], [200, {}]);
  assert.equal((await getTask(server, id, 'MINIMAL')).state, 'CANCELED');
  const list = await tes(server, 'GET', '/tasks?state=CANCELED');
  assert.deepEqual(list.body.tasks, [{ id, state: 'CANCELED' }]);
});
