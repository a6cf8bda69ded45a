/**
 * TES with executors in their image (the local framework through dockerd): the task's paths are
 * paths inside the container, its files live in a host directory of its own that is bind-mounted
 * there, and outputs are collected from it — never through a link a container planted.
 * Needs dockerd and the test image (scripts/docker/start.sh); fails, naming them, without.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { requireDocker, startDockerServer, TEST_IMAGE } from '../e2e/docker/docker-helpers.js';
import { createTask, tes, waitForTes, type Json } from './tes-client.js';

await requireDocker();
const server = await startDockerServer();
const results = join(server.config.workdir, 'results');
const sh = (script: string, extra: Json = {}): Json => ({
  image: TEST_IMAGE,
  command: ['/bin/sh', '-c', script],
  ...extra,
});

test('service-info says images run through docker', async () => {
  const info = await tes(server, 'GET', '/service-info');
  assert.match(info.body.description as string, /Executors run in their image through docker/);
});

test('inputs, volumes, stdout and wildcard outputs at container paths', async () => {
  const id = await createTask(server, {
    inputs: [{ path: '/data/in/greeting.txt', content: 'hello container\n' }],
    volumes: ['/vol'],
    executors: [
      sh('cat in/greeting.txt > /vol/shared; echo first', {
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
  assert.equal(readFileSync(join(results, 'a/upper.txt'), 'utf8'), 'HELLO CONTAINER\n');
  assert.equal(readFileSync(join(results, 'a/count.txt'), 'utf8').trim(), '16');
  assert.equal(readFileSync(join(results, 'first.out'), 'utf8'), 'first\n');
  assert.deepEqual(
    (log.outputs as Json[]).map((o) => [o.path, o.size_bytes]),
    [
      ['/data/out/count.txt', '3'],
      ['/data/out/upper.txt', '16'],
      ['/logs/first.out', '6'],
    ],
  );
  assert.deepEqual(
    (log.logs as Json[]).map((l) => l.exit_code),
    [0, 0],
  );
  assert.equal(
    (task.executors as Json[])[0]!.stdout,
    '/logs/first.out',
    'the client’s path is shown',
  );
});

test('an output that is a link planted by the container is not followed out of the task', async () => {
  const id = await createTask(server, {
    executors: [
      sh('echo real > /out/real.txt && ln -s /etc/hostname /out/planted.txt', {
        image: TEST_IMAGE,
      }),
    ],
    outputs: [
      { path: '/out/*.txt', path_prefix: '/out/', url: pathToFileURL(join(results, 'b')).href },
    ],
  });
  const task = await waitForTes(server, id, 120_000);
  assert.equal(task.state, 'SYSTEM_ERROR');
  const systemLogs = ((task.logs as Json[])[0]!.system_logs as string[]).join('\n');
  assert.match(systemLogs, /outputs\[0\]\.path: .*planted\.txt leads outside the allowed roots/);
});

test('an executor that exits 3 in its container: EXECUTOR_ERROR with exit_code 3', async () => {
  const id = await createTask(server, { executors: [sh('exit 3')] });
  const task = await waitForTes(server, id, 120_000);
  assert.equal(task.state, 'EXECUTOR_ERROR');
  assert.equal(((task.logs as Json[])[0]!.logs as Json[])[0]!.exit_code, 3);
});
