/**
 * TES on the real cluster: a task's executors run in order in one pod (init containers), its
 * inputs, volumes and output directories live in the task's own directory mounted into the pod,
 * exit codes are recorded per executor, ignore_error goes on, and cancel removes the Job and its
 * pod before the task is CANCELED.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { markerRunning } from '../../contract/backend-contract.js';
import { createTask, getTask, tes, waitForTes, type Json } from '../../tes/tes-client.js';
import {
  jobsOf,
  podsOf,
  requireKubernetes,
  startKubernetesServer,
  TEST_IMAGE,
} from './kubernetes-helpers.js';
import { setTimeout as sleep } from 'node:timers/promises';

await requireKubernetes();
const server = await startKubernetesServer();
// The owner's own area (made on its first TES task): the task's identity writes the results.
const results = join(server.config.workdir, 'users', 'anonymous', 'results');
const sh = (script: string, extra: Json = {}): Json => ({
  image: TEST_IMAGE,
  command: ['/bin/sh', '-c', script],
  ...extra,
});
const executorLogs = (task: Json): Json[] => (task.logs as Json[])[0]!.logs as Json[];

test('two executors share a volume, read an input, write stdout and wildcard outputs', async () => {
  const id = await createTask(server, {
    inputs: [{ path: '/data/in/greeting.txt', content: 'hello pod\n' }],
    volumes: ['/vol'],
    executors: [
      sh('cat in/greeting.txt > /vol/shared; echo first; echo warn >&2', {
        workdir: '/data',
        stdout: '/logs/first.out',
      }),
      sh(
        'tr a-z A-Z < /vol/shared > /data/out/upper.txt && wc -c < /data/out/upper.txt > /data/out/count.txt',
      ),
    ],
    outputs: [
      {
        path: '/data/out/*.txt',
        path_prefix: '/data/out/',
        url: pathToFileURL(join(results, 'a')).href,
      },
      { path: '/logs/first.out', url: pathToFileURL(join(results, 'first.out')).href },
    ],
  });
  const task = await waitForTes(server, id, 120_000);
  const log = (task.logs as Json[])[0]!;
  assert.equal(task.state, 'COMPLETE', JSON.stringify(log));
  assert.equal(readFileSync(join(results, 'a/upper.txt'), 'utf8'), 'HELLO POD\n');
  assert.equal(readFileSync(join(results, 'a/count.txt'), 'utf8').trim(), '10');
  assert.equal(readFileSync(join(results, 'first.out'), 'utf8'), 'first\n');
  assert.deepEqual(
    (log.outputs as Json[]).map((o) => [o.path, o.size_bytes]),
    [
      ['/data/out/count.txt', '3'],
      ['/data/out/upper.txt', '10'],
      ['/logs/first.out', '6'],
    ],
  );
  const logs = executorLogs(task);
  assert.deepEqual(
    logs.map((l) => l.exit_code),
    [0, 0],
  );
  assert.equal(logs[0]!.stdout, 'first\n');
  assert.equal(logs[0]!.stderr, 'warn\n');
});

test('an executor that exits 3 ends the task EXECUTOR_ERROR; the next one does not run', async () => {
  const id = await createTask(server, {
    volumes: ['/vol'],
    executors: [sh('echo failing >&2; exit 3'), sh('echo ran > /vol/second')],
  });
  const task = await waitForTes(server, id, 120_000);
  assert.equal(task.state, 'EXECUTOR_ERROR', JSON.stringify(task.logs));
  const logs = executorLogs(task);
  assert.equal(logs[0]!.exit_code, 3);
  assert.equal(logs[0]!.stderr, 'failing\n');
  assert.equal(logs.length, 1, 'only the executor that ran has a log');
});

test('ignore_error lets the next executor run and records both exit codes', async () => {
  const id = await createTask(server, {
    executors: [sh('exit 5', { ignore_error: true }), sh('echo after')],
  });
  const task = await waitForTes(server, id, 120_000);
  assert.equal(task.state, 'COMPLETE', JSON.stringify(task.logs));
  assert.deepEqual(
    executorLogs(task).map((l) => l.exit_code),
    [5, 0],
  );
  assert.equal(executorLogs(task)[1]!.stdout, 'after\n');
});

test('cancel of a running task removes its Job and pod, then it is CANCELED', async () => {
  const marker = `jp-k8s-cancel-${randomUUID()}`;
  const id = await createTask(server, { executors: [sh(`sleep 300; echo ${marker}`)] });
  let deadline = Date.now() + 60_000;
  while ((await getTask(server, id)).state !== 'RUNNING' && Date.now() < deadline) await sleep(100);
  deadline = Date.now() + 15_000;
  while (!(await markerRunning(marker)) && Date.now() < deadline) await sleep(100);
  assert.ok(await markerRunning(marker), 'the executor never ran on the node');
  const answer = await tes(server, 'POST', `/tasks/${id}:cancel`);
  assert.equal(answer.status, 200);
  const task = await waitForTes(server, id, 60_000);
  assert.equal(task.state, 'CANCELED');
  assert.deepEqual(await jobsOf(id), [], 'the Job is gone');
  assert.deepEqual(await podsOf(id), [], 'the pod is gone');
  assert.equal(await markerRunning(marker), false, 'the command was stopped');
});
