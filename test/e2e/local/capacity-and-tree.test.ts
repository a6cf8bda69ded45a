/**
 * Local framework specifics: tasks beyond the free cores wait QUEUED and start in submit order;
 * delete ends a task's whole process tree, background children and those that left its
 * session (each task has a cgroup of its own) included.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { markerRunning } from '../../contract/backend-contract.js';
import { getState, startTestServer, submitTask, waitForState } from '../../helpers/test-server.js';
import { setTimeout as sleep } from 'node:timers/promises';

test(
  'tasks beyond the free cores wait QUEUED and start in submit order',
  { timeout: 60_000 },
  async () => {
    const server = await startTestServer({ frameworkOptions: { cores: 1 } });
    const order = join(server.dir, 'order');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await submitTask(server, { user: 'u', cmd: `echo ${i} >> ${order}; sleep 0.2` }));
    }
    const waiting = await getState(server, ids[4]!);
    assert.equal(waiting.code, 'QUEUED', 'with one core, the fifth task waits');
    for (const id of ids) assert.equal((await waitForState(server, id)).code, 'COMPLETE');
    assert.equal(readFileSync(order, 'utf8'), '0\n1\n2\n3\n4\n');
  },
);

test('a task that asks for more memory than the machine has is refused with 400', async () => {
  const server = await startTestServer({ frameworkOptions: { memory: 1024 } });
  const response = await fetch(`${server.url}/v1/jobproxy/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'u', cmd: 'true', memory: 2048 }),
  });
  assert.equal(response.status, 400);
  const body = (await response.json()) as { code: string; message: string };
  assert.equal(body.code, 'EXCEEDS_CAPACITY');
  assert.match(body.message, /memory/);
});

test(
  'delete ends the whole process tree, background children included',
  { timeout: 60_000 },
  async () => {
    const server = await startTestServer();
    const marker = `jp-tree-${randomUUID()}`;
    // Two background shells and a foreground one, each carrying the marker in its command line.
    const cmd = `sh -c 'sleep 300; : ${marker}' & sh -c 'sleep 300; : ${marker}' & sh -c 'sleep 300; : ${marker}'`;
    const id = await submitTask(server, { user: 'u', cmd });
    await waitForState(server, id, (s) => s.code === 'RUNNING');
    const deadline = Date.now() + 10_000;
    while (!(await markerRunning(marker)) && Date.now() < deadline) await sleep(50);
    assert.ok(await markerRunning(marker), 'the task started its processes');
    const response = await fetch(`${server.url}/v1/jobproxy/delete/${id}`, { method: 'DELETE' });
    assert.equal(response.status, 204);
    assert.equal(await markerRunning(marker), false, 'no process of the task is left');
  },
);

test(
  'a child that left the session (setsid) and ignores SIGTERM ends with its task, on delete and on its own end',
  { timeout: 60_000 },
  async () => {
    const server = await startTestServer();
    for (const ending of ['delete', 'exit'] as const) {
      const marker = `jp-escape-${randomUUID()}`;
      const escapee = `setsid sh -c 'trap "" TERM; sleep 300; : ${marker}' &`;
      const cmd = ending === 'delete' ? `${escapee} sleep 300` : `${escapee} sleep 1`;
      const id = await submitTask(server, { user: 'u', cmd });
      const deadline = Date.now() + 10_000;
      while (!(await markerRunning(marker)) && Date.now() < deadline) await sleep(50);
      assert.ok(await markerRunning(marker), `the escapee started (${ending})`);
      if (ending === 'delete') {
        const response = await fetch(`${server.url}/v1/jobproxy/delete/${id}`, {
          method: 'DELETE',
        });
        assert.equal(response.status, 204);
      } else {
        assert.equal((await waitForState(server, id)).code, 'COMPLETE');
      }
      const gone = Date.now() + 3000;
      while ((await markerRunning(marker)) && Date.now() < gone) await sleep(50);
      assert.equal(await markerRunning(marker), false, `the escapee is gone (${ending})`);
    }
  },
);
