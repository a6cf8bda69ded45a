/**
 * Being told instead of polling: the SSE stream delivers a task's RUNNING then COMPLETE (and
 * deletes), `?id=` starts with the task's current state, and `state/{id}?wait=` answers with the
 * new state once it changes — or with the current one when the wait ends.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestServer, submitTask, waitForState } from '../helpers/test-server.js';
import { openSse, type SseEvent } from './sse-client.js';

const server = await startTestServer();
const V1 = `${server.url}/v1/jobproxy`;

const of = (id: string) => (event: SseEvent) => event.data.id === id;

async function stateWithWait(id: string, wait: string): Promise<Response> {
  return fetch(`${V1}/state/${id}?wait=${wait}`, { headers: { accept: 'application/json' } });
}

test('an SSE client receives QUEUED, RUNNING then COMPLETE for a submitted task', async () => {
  const stream = await openSse(`${V1}/events`);
  assert.equal(stream.status, 200);
  assert.match(stream.contentType, /^text\/event-stream/);
  const id = await submitTask(server, { user: 'alice', cmd: 'sleep 0.3; echo done' });
  const moves: string[] = [];
  for (;;) {
    const event = await stream.next(of(id));
    assert.equal(event.name, 'state');
    moves.push(`${event.data.from}→${event.data.to}`);
    if (event.data.to === 'COMPLETE') {
      const task = event.data.task as Record<string, unknown>;
      assert.equal(task.code, 'COMPLETE');
      assert.equal(task.exitCode, 0);
      break;
    }
  }
  assert.deepEqual(moves, ['null→QUEUED', 'QUEUED→RUNNING', 'RUNNING→COMPLETE']);
  stream.close();
});

test('?id= streams one task, starting with its state now; a delete is an event', async () => {
  const id = await submitTask(server, { user: 'bob', cmd: 'sleep 30' });
  await waitForState(server, id, (s) => s.code === 'RUNNING');
  const stream = await openSse(`${V1}/events?id=${id}`);
  const first = await stream.next();
  assert.deepEqual(
    [first.name, first.data.id, first.data.from, first.data.to],
    ['state', id, null, 'RUNNING'],
  );
  // Another task's events must not come through this stream.
  const other = await submitTask(server, { user: 'bob', cmd: 'true' });
  await waitForState(server, other);
  const deleted = await fetch(`${V1}/delete/${id}`, { method: 'DELETE' });
  assert.equal(deleted.status, 204);
  const rest: string[] = [];
  for (let i = 0; i < 3; i++) {
    const event = await stream.next();
    rest.push(`${event.name} ${event.data.id} ${event.data.to ?? ''}`.trim());
  }
  assert.deepEqual(rest, [`state ${id} CANCELING`, `state ${id} CANCELED`, `deleted ${id}`]);
  stream.close();
});

test('an unknown task or a bad id is refused before any stream starts', async () => {
  const unknown = await fetch(`${V1}/events?id=no-such-task`);
  assert.equal(unknown.status, 404);
  assert.equal(((await unknown.json()) as { code: string }).code, 'TASK_NOT_FOUND');
  const empty = await fetch(`${V1}/events?id=`);
  assert.equal(empty.status, 400);
  assert.equal(((await empty.json()) as { code: string }).code, 'INVALID_PARAMETER');
});

test('?wait= answers with the new state when the task changes', async () => {
  const id = await submitTask(server, { user: 'carol', cmd: 'sleep 1; echo waited' });
  await waitForState(server, id, (s) => s.code === 'RUNNING');
  const answer = await stateWithWait(id, '45s');
  assert.equal(answer.status, 200);
  const state = (await answer.json()) as Record<string, unknown>;
  assert.equal(state.code, 'COMPLETE');
  assert.equal(state.stdout, 'waited\n');
});

test('?wait= on a finished task answers at once; a short wait answers the current state', async () => {
  const done = await submitTask(server, { user: 'carol', cmd: 'exit 4' });
  await waitForState(server, done);
  const finished = (await (await stateWithWait(done, '50s')).json()) as Record<string, unknown>;
  assert.equal(finished.code, 'EXECUTOR_ERROR');
  const running = await submitTask(server, { user: 'carol', cmd: 'sleep 30' });
  await waitForState(server, running, (s) => s.code === 'RUNNING');
  const still = (await (await stateWithWait(running, '200ms')).json()) as Record<string, unknown>;
  assert.equal(still.code, 'RUNNING');
  await fetch(`${V1}/delete/${running}`, { method: 'DELETE' });
});

test('a bad wait is a 400 naming wait; an unknown task with a wait is a 404', async () => {
  const id = await submitTask(server, { user: 'dave', cmd: 'true' });
  for (const wait of ['soon', '-5s', '10parsecs', '']) {
    const answer = await stateWithWait(id, wait);
    assert.equal(answer.status, 400, `wait=${wait}`);
    const body = (await answer.json()) as { code: string; details: { field: string }[] };
    assert.equal(body.code, 'INVALID_PARAMETER');
    assert.equal(body.details[0]!.field, 'wait');
  }
  const unknown = await stateWithWait('no-such-task', '5s');
  assert.equal(unknown.status, 404);
});
