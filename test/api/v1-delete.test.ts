/**
 * v1 delete (DESIGN.md §1): stops the task if it still runs — its whole process tree — then
 * removes it: 204, state/{id} 404, gone from the listing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { startTestServer, submitTask, waitForState } from '../helpers/test-server.js';
import { assertErrorShape, fromFetch } from './error-shape.js';
import { setTimeout as sleep } from 'node:timers/promises';

const server = await startTestServer();
const V1 = `${server.url}/v1/jobproxy`;

/** Pids of live processes whose command line contains `marker` (zombies have none). */
function processesWith(marker: string): number[] {
  assert.ok(existsSync('/proc/self/cmdline'), 'this test needs /proc (Linux) to find processes');
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

async function listedIds(): Promise<string[]> {
  const response = await fetch(`${V1}/state`);
  const body = (await response.json()) as { state: { id: string }[] };
  return body.state.map((s) => s.id);
}

async function assertGone(id: string): Promise<void> {
  const response = await fetch(`${V1}/state/${id}`);
  assertErrorShape(await fromFetch(response), 404, 'TASK_NOT_FOUND');
  assert.ok(!(await listedIds()).includes(id), 'a deleted task is not listed');
}

test('delete of a finished task answers 204, then state/{id} is 404 and the listing omits it', async () => {
  const id = await submitTask(server, { user: 'alice', cmd: 'echo bye' });
  await waitForState(server, id);
  assert.ok((await listedIds()).includes(id));
  const response = await fetch(`${V1}/delete/${id}`, { method: 'DELETE' });
  assert.equal(response.status, 204);
  assert.equal(await response.text(), '');
  await assertGone(id);
  const again = await fetch(`${V1}/delete/${id}`, { method: 'DELETE' });
  assert.equal(again.status, 404, 'a second delete finds nothing');
});

test('delete of a running task stops its whole process tree before answering 204', async () => {
  // A unique sleep length is the marker: it appears in the command line of sh and of sleep.
  const marker = `30.${randomInt(1e9, 1e10 - 1)}`;
  const id = await submitTask(server, {
    user: 'alice',
    cmd: `sleep ${marker} & sleep ${marker}; wait`,
  });
  await waitForState(server, id, (s) => s.code === 'RUNNING');
  const deadline = Date.now() + 10_000;
  while (processesWith(marker).length < 2 && Date.now() < deadline) {
    await sleep(50);
  }
  assert.ok(processesWith(marker).length >= 2, 'both sleeps started');
  const response = await fetch(`${V1}/delete/${id}`, { method: 'DELETE' });
  assert.equal(response.status, 204);
  assert.deepEqual(processesWith(marker), [], 'no process of the task is left');
  await assertGone(id);
});

test('delete sent with a text/plain or JSON content type and no body works (spec: consumes text/plain)', async () => {
  for (const type of ['text/plain', 'application/json']) {
    const id = await submitTask(server, { user: 'alice', cmd: 'true' });
    const response = await fetch(`${V1}/delete/${id}`, {
      method: 'DELETE',
      headers: { 'content-type': type },
    });
    assert.equal(response.status, 204, type);
    await assertGone(id);
  }
});
