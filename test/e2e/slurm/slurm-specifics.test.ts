/**
 * Slurm specifics against a real Slurm: quoting, refusals at submit, output paths, jobs that wait
 * or end while the server is down, a submit never made twice, submitting as the task's user, and
 * a container task through docker in the job script.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { checkNoInjection, checkOutputPaths } from './batch-cases.js';
import { getState, submitTask, tempDir, waitForState } from '../../helpers/test-server.js';
import { directBackend, taskRecord } from './direct-backend.js';
import { jobsNamed, requireSlurm, squeueStates, startSlurmServer } from './slurm-helpers.js';
import { setTimeout as sleep } from 'node:timers/promises';

requireSlurm();
const TIMEOUT = { timeout: 120_000 };

test(
  'no word of a command reaches a shell: an array is argv, a string is one shell command',
  TIMEOUT,
  async () => checkNoInjection(await startSlurmServer(), 'SLURM_JOB_ID'),
);

test(
  'a request Slurm can never satisfy ends SYSTEM_ERROR with its message, not pending forever',
  TIMEOUT,
  async () => {
    const server = await startSlurmServer();
    const id = await submitTask(server, { user: 'u', cmd: 'true', cores: 1000 });
    const state = await waitForState(server, id);
    assert.equal(state.code, 'SYSTEM_ERROR', JSON.stringify(state));
    assert.match(
      String(state.description),
      /More processors requested than permitted|node configuration is not available/,
    );
  },
);

test(
  'stdout and stderr go to the paths asked for, in directories made for them',
  TIMEOUT,
  async () => checkOutputPaths(await startSlurmServer()),
);

test(
  'jobs queued or running when the server stops, and ending while it is down, are recorded',
  TIMEOUT,
  async () => {
    const dir = tempDir();
    let server = await startSlurmServer({ dir });
    // Takes every CPU of the node, so the next task waits in Slurm's queue.
    const blocker = await submitTask(server, { user: 'u', cmd: 'sleep 4; echo blocker', cores: 8 });
    const waiting = await submitTask(server, { user: 'u', cmd: 'echo waited', cores: 8 });
    await waitForState(server, blocker, (s) => s.code === 'RUNNING');
    // Slurm says why it waits (a fresh job may show reason None for a moment).
    await waitForState(
      server,
      waiting,
      (s) =>
        s.code === 'QUEUED' &&
        /queued in slurm as job \S+ \((Resources|Priority)\)/.test(String(s.description)),
    );
    const waitingJob = server.service.getTask(waiting).jobId!;
    await server.close();
    // Both jobs end while no server runs.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && squeueStates([waitingJob]).get(waitingJob) !== 'COMPLETED')
      await sleep(500);
    server = await startSlurmServer({ dir });
    for (const [id, output] of [
      [blocker, 'blocker\n'],
      [waiting, 'waited\n'],
    ] as const) {
      const state = await waitForState(server, id);
      assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
      assert.equal(state.stdout, output);
    }
  },
);

test('delete of a task still waiting in the queue cancels its job', TIMEOUT, async () => {
  const server = await startSlurmServer();
  const blocker = await submitTask(server, { user: 'u', cmd: 'sleep 3', cores: 8 });
  const waiting = await submitTask(server, { user: 'u', cmd: 'echo never', cores: 8 });
  await waitForState(server, waiting, (s) => /queued in slurm as job/.test(String(s.description)));
  // The two tasks may have gone as one array job: the store has each one's own job id.
  const jobId = server.service.getTask(waiting).jobId;
  assert.ok(jobId, 'the waiting task has a job');
  const response = await fetch(`${server.url}/v1/jobproxy/delete/${waiting}`, { method: 'DELETE' });
  assert.equal(response.status, 204);
  // A cancelled pending array element leaves squeue at once; a plain job shows CANCELLED.
  const left = squeueStates([jobId]).get(jobId);
  assert.ok(left === undefined || left === 'CANCELLED', `job ${jobId} is ${left}`);
  assert.equal((await waitForState(server, blocker)).code, 'COMPLETE');
});

test('a submit whose answer was lost is found again, never made twice', TIMEOUT, async () => {
  const { backend, workdir } = await directBackend('slurm');
  try {
    const task = taskRecord(workdir, randomUUID(), 'sleep 2; echo once');
    const first = await backend.submit(task);
    // The service retries when it did not record the job id (a crash, a timeout): same job.
    assert.equal(await backend.submit(task), first);
    assert.deepEqual(jobsNamed(`jp-${task.id}`), [first]);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && squeueStates([first]).get(first) !== 'COMPLETED')
      await sleep(300);
    // After the job ran, the id it wrote itself answers too.
    assert.equal(await backend.submit(task), first);
    assert.deepEqual(jobsNamed(`jp-${task.id}`), [first]);
    assert.equal(readFileSync(task.logPaths[0]!.stdout, 'utf8'), 'once\n');
  } finally {
    await backend.close();
  }
});

test(
  'by default a root server submits jobs as nobody; runAs=owner submits as the owner',
  TIMEOUT,
  async () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const byDefault = await startSlurmServer({ dir, frameworkOptions: { runAs: 'nobody' } });
    const first = await waitForState(
      byDefault,
      await submitTask(byDefault, { user: 'alice', cmd: 'id -un' }),
    );
    assert.equal(first.code, 'COMPLETE', JSON.stringify(first));
    assert.equal(first.stdout, 'nobody\n');
    const dir2 = tempDir();
    chmodSync(dir2, 0o755);
    const asOwner = await startSlurmServer({ dir: dir2, frameworkOptions: { runAs: 'owner' } });
    const own = await waitForState(
      asOwner,
      await submitTask(asOwner, { user: 'nobody', cmd: 'id -un' }),
    );
    assert.equal(own.stdout, 'nobody\n');
    const unknown = await fetch(`${asOwner.url}/v1/jobproxy/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'no-such-user-here', cmd: 'true' }),
    });
    assert.equal(unknown.status, 400, 'an owner with no Unix user is refused at submit');
    const body = (await unknown.json()) as { details: { field: string; problem: string }[] };
    assert.equal(body.details[0]?.field, 'user');
    assert.match(body.details[0]!.problem, /no Unix user/);
  },
);

test('a container task runs through docker in the job script', TIMEOUT, async () => {
  const image = 'jobproxy-test/busybox:latest';
  try {
    execFileSync('docker', ['image', 'inspect', image], { stdio: 'ignore', timeout: 30_000 });
  } catch (error) {
    throw new Error(
      `dockerd or the image ${image} is missing (docker image inspect: ${(error as Error).message.split('\n')[0]}); ` +
        'start them with `bash scripts/docker/start.sh` (installs docker.io, starts dockerd, builds the image)',
    );
  }
  const server = await startSlurmServer();
  const id = await submitTask(server, {
    user: 'u',
    container: { image, cmd: 'echo "in $(cat /etc/hostname | wc -c) container"; exit 0' },
  });
  const state = await waitForState(server, id, undefined, 60_000);
  assert.equal(
    state.code,
    'COMPLETE',
    `${JSON.stringify(state)} (needs dockerd and ${image}: bash scripts/docker/start.sh)`,
  );
  assert.match(String(state.stdout), /^in \d+ container\n$/);
  const failing = await waitForState(
    server,
    await submitTask(server, { user: 'u', container: { image, cmd: 'exit 5' } }),
    undefined,
    60_000,
  );
  assert.equal(failing.code, 'EXECUTOR_ERROR');
  assert.equal(failing.exitCode, 5);
  assert.equal((await getState(server, id)).code, 'COMPLETE');
});

test(
  'a TES task runs its executors in order in one job, each with its own output',
  TIMEOUT,
  async () => {
    const image = 'jobproxy-test/busybox:latest';
    const server = await startSlurmServer();
    const response = await fetch(`${server.url}/ga4gh/tes/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        executors: [
          { image, command: ['echo', 'first'] },
          { image, command: ['sh', '-c', 'echo second; exit 4'], ignore_error: true },
          { image, command: ['echo', 'third'] },
        ],
      }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    const { id } = (await response.json()) as { id: string };
    let task: { state: string; logs?: { logs: { exit_code: number; stdout?: string }[] }[] } = {
      state: '',
    };
    const deadline = Date.now() + 90_000;
    while (
      Date.now() < deadline &&
      !['COMPLETE', 'EXECUTOR_ERROR', 'SYSTEM_ERROR', 'CANCELED'].includes(task.state)
    ) {
      await sleep(300);
      task = (await (
        await fetch(`${server.url}/ga4gh/tes/v1/tasks/${id}?view=FULL`)
      ).json()) as typeof task;
    }
    const logs = task.logs?.[0]?.logs ?? [];
    assert.deepEqual(
      logs.map((l) => [l.exit_code, l.stdout]),
      [
        [0, 'first\n'],
        [4, 'second\n'],
        [0, 'third\n'],
      ],
      JSON.stringify(task),
    );
  },
);
