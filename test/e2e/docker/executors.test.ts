/**
 * A task of several executors with images (as TES sends them): each runs in its own container,
 * in order, with its own output files; the first failure without ignoreError ends the task.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { TaskSpec } from '../../../src/model/task.js';
import { waitForState } from '../../helpers/test-server.js';
import {
  TEST_IMAGE,
  containersOf,
  eventually,
  requireDocker,
  startDockerServer,
} from './docker-helpers.js';

await requireDocker();
const server = await startDockerServer();

function spec(...scripts: [string, boolean?][]): TaskSpec {
  return {
    user: 'docker-test',
    origin: 'tes',
    resources: {},
    executors: scripts.map(([script, ignoreError]) => ({
      image: TEST_IMAGE,
      command: ['/bin/sh', '-c', script],
      ...(ignoreError ? { ignoreError } : {}),
    })),
  };
}

test('executors run in order, each in its own container; ignoreError goes on, a failure stops', async () => {
  const record = await server.service.accept(
    spec(['echo one; hostname; exit 3', true], ['echo two; hostname >&2; exit 4'], ['echo three']),
  );
  const state = await waitForState(server, record.id, undefined, 60_000);
  assert.equal(state.code, 'EXECUTOR_ERROR', JSON.stringify(state));
  assert.equal(state.exitCode, 4);
  const task = server.service.getTask(record.id);
  assert.deepEqual(
    task.results.map((r) => r.exitCode),
    [3, 4, null],
  );
  const [first, second, third] = task.logPaths;
  const [stdout0, host0] = readFileSync(first!.stdout, 'utf8').split('\n');
  assert.equal(stdout0, 'one');
  assert.equal(readFileSync(second!.stdout, 'utf8'), 'two\n');
  const host1 = readFileSync(second!.stderr, 'utf8').trim();
  assert.notEqual(host0, host1, 'both executors ran in one container');
  assert.equal(readFileSync(third!.stdout, 'utf8'), '', 'the executor after the failure ran');
  await eventually(
    'every container is removed',
    async () => (await containersOf(record.id)).length === 0,
  );
});

test('all executors succeeding → COMPLETE', async () => {
  const record = await server.service.accept(spec(['echo a'], ['echo b']));
  const state = await waitForState(server, record.id, undefined, 60_000);
  assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
  const task = server.service.getTask(record.id);
  assert.deepEqual(
    task.results.map((r) => r.exitCode),
    [0, 0],
  );
  assert.equal(readFileSync(task.logPaths[1]!.stdout, 'utf8'), 'b\n');
});
