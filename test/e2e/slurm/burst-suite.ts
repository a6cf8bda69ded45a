/**
 * A burst of tasks on a batch framework (shared by the Slurm and Grid Engine e2e tests): tasks
 * arriving together are submitted as array jobs, and each still ends as its own task — its output,
 * its exit code, its limits, its cancel — also across a server restart.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  getState,
  submitTask,
  tempDir,
  waitForState,
  type TestServer,
} from '../../helpers/test-server.js';
import { setTimeout as sleep } from 'node:timers/promises';

export interface BurstTarget {
  name: string;
  startServer(dir: string): Promise<TestServer>;
  /** The job id of a task, as the store has it. */
  jobIdOf(server: TestServer, taskId: string): string | null;
  /** The array (or plain) job id part of a job id ("42" of "42_3" or "42.3"). */
  arrayIdOf(jobId: string): string;
  /** True while the scheduler lists the job as queued or running. */
  isActive(jobId: string): boolean;
}

const TIMEOUT = { timeout: 180_000 };

export function burstSuite(target: BurstTarget): void {
  test(
    `${target.name}: a burst of tasks goes as array jobs, and each task ends as its own`,
    TIMEOUT,
    async () => {
      const server = await target.startServer(tempDir());
      const tasks = Array.from({ length: 24 }, (_, i) =>
        i % 6 === 5
          ? { cmd: `echo failing-${i}; exit 7`, want: 'EXECUTOR_ERROR' }
          : { cmd: ['echo', `task-${i}`], want: 'COMPLETE' },
      );
      const ids = await Promise.all(
        tasks.map((t) => submitTask(server, { user: 'u', cmd: t.cmd })),
      );
      for (const [i, id] of ids.entries()) {
        const state = await waitForState(server, id, undefined, 120_000);
        assert.equal(state.code, tasks[i]!.want, JSON.stringify(state));
        if (tasks[i]!.want === 'COMPLETE') assert.equal(state.stdout, `task-${i}\n`);
        else assert.equal(state.exitCode, 7);
      }
      const arrayIds = ids.map((id) => target.arrayIdOf(target.jobIdOf(server, id)!));
      const arrays = new Set(arrayIds);
      const largest = Math.max(...[...arrays].map((a) => arrayIds.filter((x) => x === a).length));
      // How the burst splits depends on how fast the submits arrive (a loaded machine spreads
      // them): fewer submits than tasks by a third, and one array of several, whatever the load.
      assert.ok(arrays.size <= (ids.length * 2) / 3, `24 tasks took ${arrays.size} submits`);
      assert.ok(largest >= 3, `the largest array holds ${largest} tasks`);
    },
  );

  test(`${target.name}: limits and cancel work on array elements`, TIMEOUT, async () => {
    const server = await target.startServer(tempDir());
    const hog = "a=$(head -c 314572800 /dev/zero | tr '\\000' x); sleep 60";
    const [hog1, hog2, sleeper1, sleeper2] = await Promise.all([
      submitTask(server, { user: 'u', cmd: hog, memory: 64 }),
      submitTask(server, { user: 'u', cmd: hog, memory: 64 }),
      submitTask(server, { user: 'u', cmd: 'sleep 300' }),
      submitTask(server, { user: 'u', cmd: 'sleep 2; echo slept' }),
    ]);
    for (const id of [hog1, hog2]) {
      const state = await waitForState(server, id, undefined, 120_000);
      assert.equal(state.code, 'EXECUTOR_ERROR', JSON.stringify(state));
      assert.match(String(state.description), /memory limit 64 MiB/);
    }
    await waitForState(server, sleeper1!, (s) => s.code === 'RUNNING', 60_000);
    const jobId = target.jobIdOf(server, sleeper1!)!;
    assert.equal(
      target.arrayIdOf(jobId),
      target.arrayIdOf(target.jobIdOf(server, sleeper2!)!),
      'the sleepers share an array',
    );
    const response = await fetch(`${server.url}/v1/jobproxy/delete/${sleeper1}`, {
      method: 'DELETE',
    });
    assert.equal(response.status, 204);
    assert.equal(target.isActive(jobId), false, `job ${jobId} is gone from the scheduler`);
    const other = await waitForState(server, sleeper2!, undefined, 60_000);
    assert.equal(other.code, 'COMPLETE', 'the other element of the array was not touched');
    assert.equal(other.stdout, 'slept\n');
  });

  test(
    `${target.name}: array elements queued, running and ending while the server is down are recorded`,
    TIMEOUT,
    async () => {
      const dir = tempDir();
      let server = await target.startServer(dir);
      const ids = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          submitTask(server, {
            user: 'u',
            cmd: `sleep ${1 + (i % 3)}; echo done-${i}; exit ${i % 4 === 3 ? 2 : 0}`,
          }),
        ),
      );
      await waitForState(server, ids[0]!, (s) => s.code === 'RUNNING', 60_000);
      const jobIds = ids.map((id) => target.jobIdOf(server, id));
      await server.close();
      const deadline = Date.now() + 90_000;
      while (
        Date.now() < deadline &&
        jobIds.some((jobId) => jobId !== null && target.isActive(jobId))
      )
        await sleep(500);
      server = await target.startServer(dir);
      for (const [i, id] of ids.entries()) {
        const state = await waitForState(server, id, undefined, 120_000);
        assert.equal(
          state.code,
          i % 4 === 3 ? 'EXECUTOR_ERROR' : 'COMPLETE',
          JSON.stringify(state),
        );
        assert.equal(state.stdout, `done-${i}\n`);
      }
      assert.equal((await getState(server, ids[3]!)).exitCode, 2);
    },
  );
}
