/**
 * Cases of the GA4GH TES compliance suite (1.1.0) as tests of our own, over HTTP on the local
 * framework: a task read (FULL) right after create shows its TaskLog from INITIALIZING on and the
 * first executor's ExecutorLog from the moment it starts, every answer valid against the pinned
 * schema (tes-client.ts); and the documents listed as public are served, YAML included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startTestServer } from '../helpers/test-server.js';
import { buildTesOpenApi } from '../../src/api/tes/tes-openapi.js';
import { parse as parseYaml } from 'yaml';
import { createTask, getTask, tes, waitForTes, type Json } from './tes-client.js';
import { setTimeout as sleep } from 'node:timers/promises';

const server = await startTestServer({ containers: 'host' });

/** The first ExecutorLog of the first TaskLog, or undefined. */
function firstExecutorLog(task: Json): Json | undefined {
  const logs = task.logs as Json[] | undefined;
  return (logs?.[0]?.logs as Json[] | undefined)?.[0];
}

/** Reads the task (FULL) until `until` holds; every read is schema-checked by the client. */
async function readUntil(id: string, until: (task: Json) => boolean): Promise<Json[]> {
  const reads: Json[] = [];
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const task = await getTask(server, id, 'FULL');
    reads.push(task);
    if (until(task)) return reads;
    await sleep(20);
  }
  throw new Error(`task ${id}: condition not reached; last ${JSON.stringify(reads.at(-1))}`);
}

test('read FULL right after create: logs[0] from INITIALIZING, logs[0].logs[0] once the executor runs', async () => {
  const id = await createTask(server, {
    executors: [{ image: 'alpine', command: ['/bin/sh', '-c', 'echo started; sleep 30'] }],
  });
  const reads = await readUntil(id, (task) => task.state === 'RUNNING');
  for (const task of reads) {
    const state = String(task.state);
    if (state !== 'QUEUED') assert.ok(task.logs, `${state} without a TaskLog`);
  }
  const running = reads.at(-1)!;
  const entry = firstExecutorLog(running);
  assert.ok(entry, `RUNNING without an ExecutorLog: ${JSON.stringify(running.logs)}`);
  assert.equal(entry.exit_code, 0, 'exit_code is required; 0 while it runs');
  assert.equal(typeof entry.start_time, 'string', 'it started with the task');
  assert.equal(entry.end_time, undefined, 'it has not ended');
  // Its output is there while it runs.
  const later = await readUntil(id, (task) => firstExecutorLog(task)?.stdout === 'started\n');
  assert.equal(firstExecutorLog(later.at(-1)!)!.exit_code, 0);

  // Canceled while it ran: the entry stays, now ended, its exit unknown unless told.
  await tes(server, 'POST', `/tasks/${id}:cancel`);
  const canceled = await waitForTes(server, id);
  assert.equal(canceled.state, 'CANCELED');
  const after = firstExecutorLog(canceled);
  assert.ok(after, 'the executor that ran keeps its log entry');
  assert.equal(typeof after.end_time, 'string');
  assert.equal(typeof after.exit_code, 'number');
});

test('the second executor gets no entry while the first runs; both have one at the end', async () => {
  const id = await createTask(server, {
    executors: [
      { image: 'alpine', command: ['/bin/sh', '-c', 'sleep 1'] },
      { image: 'alpine', command: ['/bin/sh', '-c', 'echo second'] },
    ],
  });
  const reads = await readUntil(id, (task) => task.state === 'RUNNING');
  const entries = (reads.at(-1)!.logs as Json[])[0]!.logs as Json[];
  assert.equal(entries.length, 1, 'only the first executor has started');
  const done = await waitForTes(server, id);
  assert.equal(done.state, 'COMPLETE');
  const all = (done.logs as Json[])[0]!.logs as Json[];
  assert.deepEqual(
    all.map((e) => e.exit_code),
    [0, 0],
  );
  assert.equal(all[1]!.stdout, 'second\n');
});

test('an executor that never ran (its image cannot be pulled) has no entry', async () => {
  const image = await startTestServer();
  const id = await createTask(image, {
    executors: [{ image: 'jobproxy-test/no-such-image:0', command: ['true'] }],
  });
  const task = await waitForTes(image, id);
  assert.equal(task.state, 'SYSTEM_ERROR');
  assert.ok(task.logs, 'it has a TaskLog: it left the queue');
  assert.deepEqual((task.logs as Json[])[0]!.logs, [], JSON.stringify(task.logs));
});

test('BASIC shows the executor entries without their output', async () => {
  const id = await createTask(server, {
    executors: [{ image: 'alpine', command: ['/bin/sh', '-c', 'sleep 30'] }],
  });
  const reads = await readUntil(id, (task) => firstExecutorLog(task) !== undefined);
  assert.ok(reads.length >= 1);
  const basic = await tes(server, 'GET', `/tasks/${id}?view=BASIC`);
  const entry = firstExecutorLog(basic.body);
  assert.ok(entry && !('stdout' in entry), JSON.stringify(basic.body.logs));
  await tes(server, 'POST', `/tasks/${id}:cancel`);
  await waitForTes(server, id);
});

test('/ga4gh/tes/v1/openapi.yaml (listed as public) serves the same document as openapi.json', async () => {
  const [yaml, json] = await Promise.all([
    fetch(`${server.url}/ga4gh/tes/v1/openapi.yaml`),
    fetch(`${server.url}/ga4gh/tes/v1/openapi.json`),
  ]);
  assert.equal(yaml.status, 200);
  assert.match(yaml.headers.get('content-type') ?? '', /^application\/yaml/);
  const document = (await json.json()) as Json;
  assert.deepEqual(parseYaml(await yaml.text()), document);
  const pinned = JSON.parse(
    readFileSync(new URL('../../../docs/specs/tes-1.1.openapi.json', import.meta.url), 'utf8'),
  ) as Json;
  // The pinned spec, with the task components the server validates with (tes-openapi.ts).
  assert.deepEqual(document, buildTesOpenApi(pinned as Record<string, unknown>));
});
