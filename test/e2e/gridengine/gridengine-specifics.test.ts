/**
 * Grid Engine specifics against a real cell: quoting, refusals at submit (-w e), output paths, jobs
 * that wait or end while the server is down, a queued job cancelled, and a submit never made twice.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { checkNoInjection, checkOutputPaths } from '../slurm/batch-cases.js';
import { submitTask, tempDir, waitForState } from '../../helpers/test-server.js';
import { expandTaskRange } from '../../../src/backends/gridengine/gridengine-parsers.js';
import { directBackend, taskRecord } from '../slurm/direct-backend.js';
import {
  queuedJobIds,
  requireGridEngine,
  sge,
  startGridEngineServer,
} from './gridengine-helpers.js';
import { setTimeout as sleep } from 'node:timers/promises';

requireGridEngine();
const TIMEOUT = { timeout: 120_000 };

/** Job ids Grid Engine knows under this job name: queued or running, then finished. */
function jobsNamed(name: string): string[] {
  const ids = new Set<string>();
  for (const command of ['qstat', 'qacct']) {
    try {
      const out = sge(command, ['-j', name]);
      for (const match of out.matchAll(/^(?:job_number:|jobnumber)\s+(\d+)/gm)) ids.add(match[1]!);
    } catch {
      // Not known there.
    }
  }
  return [...ids];
}

test(
  'no word of a command reaches a shell: an array is argv, a string is one shell command',
  TIMEOUT,
  async () => checkNoInjection(await startGridEngineServer(), 'JOB_ID'),
);

test(
  'a request no queue can satisfy ends SYSTEM_ERROR with the message of qsub -w e',
  TIMEOUT,
  async () => {
    const server = await startGridEngineServer();
    const id = await submitTask(server, { user: 'u', cmd: 'true', cores: 1000 });
    const state = await waitForState(server, id);
    assert.equal(state.code, 'SYSTEM_ERROR', JSON.stringify(state));
    assert.match(String(state.description), /no suitable queues/);
  },
);

test(
  'stdout and stderr go to the paths asked for, in directories made for them',
  TIMEOUT,
  async () => checkOutputPaths(await startGridEngineServer()),
);

test('cores ask the parallel environment for that many slots', TIMEOUT, async () => {
  const server = await startGridEngineServer();
  const id = await submitTask(server, { user: 'u', cmd: 'echo "$NSLOTS $PE"', cores: 3 });
  const state = await waitForState(server, id);
  assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
  assert.equal(state.stdout, '3 smp\n');
});

test(
  'jobs queued or running when the server stops, and ending while it is down, are recorded',
  TIMEOUT,
  async () => {
    const dir = tempDir();
    let server = await startGridEngineServer({ dir });
    // Takes every slot of all.q, so the next task waits in the queue.
    const blocker = await submitTask(server, { user: 'u', cmd: 'sleep 4; echo blocker', cores: 8 });
    const waiting = await submitTask(server, { user: 'u', cmd: 'echo waited', cores: 8 });
    await waitForState(server, blocker, (s) => s.code === 'RUNNING');
    await waitForState(
      server,
      waiting,
      (s) => s.code === 'QUEUED' && /queued in gridengine as job \d+/.test(String(s.description)),
    );
    const waitingJob = server.service.getTask(waiting).jobId!;
    await server.close();
    // Both jobs end while no server runs.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && isQueued(waitingJob)) await sleep(500);
    server = await startGridEngineServer({ dir });
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

test('delete of a task still waiting in the queue removes its job', TIMEOUT, async () => {
  const server = await startGridEngineServer();
  const blocker = await submitTask(server, { user: 'u', cmd: 'sleep 3', cores: 8 });
  const waiting = await submitTask(server, { user: 'u', cmd: 'echo never', cores: 8 });
  await waitForState(server, waiting, (s) =>
    /queued in gridengine as job/.test(String(s.description)),
  );
  // The two tasks may have gone as one array job: the store has each one's own job id.
  const jobId = server.service.getTask(waiting).jobId;
  assert.ok(jobId, 'the waiting task has a job');
  const response = await fetch(`${server.url}/v1/jobproxy/delete/${waiting}`, { method: 'DELETE' });
  assert.equal(response.status, 204);
  assert.equal(isQueued(jobId), false, 'the job left the queue');
  assert.equal((await waitForState(server, blocker)).code, 'COMPLETE');
});

test('a submit whose answer was lost is found again, never made twice', TIMEOUT, async () => {
  const { backend, workdir } = await directBackend('gridengine');
  try {
    const task = taskRecord(workdir, randomUUID(), 'sleep 2; echo once');
    const first = await backend.submit(task);
    assert.equal(await backend.submit(task), first);
    assert.deepEqual(jobsNamed(`jp-${task.id}`), [first]);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && queuedJobIds().has(first)) await sleep(300);
    assert.equal(await backend.submit(task), first);
    assert.deepEqual(jobsNamed(`jp-${task.id}`), [first]);
    assert.equal(readFileSync(task.logPaths[0]!.stdout, 'utf8'), 'once\n');
  } finally {
    await backend.close();
  }
});

/** True while qstat lists the job, or the array (of an element id "42.3"): enough for these tests. */
function isQueued(jobId: string): boolean {
  return queuedJobIds().has(jobId.split('.')[0]!) && elementListed(jobId);
}

/** An element "42.3" is listed unless qstat shows its array without that index. */
function elementListed(jobId: string): boolean {
  const [job, element] = jobId.split('.');
  if (element === undefined) return true;
  const out = sge('qstat', ['-u', '*', '-xml']);
  return out.split('<job_list').some((entry) => {
    if (!entry.includes(`<JB_job_number>${job}</JB_job_number>`)) return false;
    const tasks = /<tasks>([^<]*)<\/tasks>/.exec(entry)?.[1];
    return tasks === undefined || expandTaskRange(tasks).includes(Number(element));
  });
}
