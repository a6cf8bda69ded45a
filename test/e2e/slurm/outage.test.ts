/**
 * slurmctld stopped for 30 s while tasks are submitted: the tasks stay QUEUED (submits are retried),
 * a task that was running keeps its state, and once slurmctld is back every task ends correctly,
 * none lost and none submitted twice.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { runLabScript } from '../../helpers/lab-script.js';
import { getState, submitTask, waitForState } from '../../helpers/test-server.js';
import { requireSlurm, startSlurmServer, submissionsOf } from './slurm-helpers.js';
import { setTimeout as sleep } from 'node:timers/promises';

requireSlurm();
const START_SCRIPT = fileURLToPath(new URL('../../../../scripts/slurm/start.sh', import.meta.url));
const PID_FILE = '/run/slurm/slurmctld.pid';
const OUTAGE_MS = 30_000;

function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Stops the slurmctld named in its pid file (checked to be slurmctld) and waits until it is gone. */
async function stopSlurmctld(): Promise<void> {
  const pid = Number(readFileSync(PID_FILE, 'utf8').trim());
  assert.equal(
    readFileSync(`/proc/${pid}/comm`, 'utf8').trim(),
    'slurmctld',
    `${PID_FILE} names slurmctld`,
  );
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 20_000;
  while (isRunning(pid) && Date.now() < deadline) await sleep(100);
  assert.equal(isRunning(pid), false, 'slurmctld stopped');
}

function startSlurmctld(): Promise<void> {
  return runLabScript(START_SCRIPT, 120_000);
}

test(
  'tasks submitted while slurmctld is down for 30 s all end once it is back, none lost or doubled',
  { timeout: 300_000 },
  async () => {
    const server = await startSlurmServer();
    const running = await submitTask(server, { user: 'u', cmd: 'sleep 6; echo ran-through' });
    await waitForState(server, running, (s) => s.code === 'RUNNING', 60_000);
    const ids: string[] = [];
    try {
      await stopSlurmctld();
      const down = Date.now();
      for (let i = 0; i < 6; i++)
        ids.push(await submitTask(server, { user: 'u', cmd: `echo task-${i}` }));
      while (Date.now() - down < OUTAGE_MS) {
        await sleep(2000);
        for (const id of [running, ...ids]) {
          const state = await getState(server, id);
          assert.ok(
            ['QUEUED', 'RUNNING'].includes(String(state.code)),
            `during the outage: ${JSON.stringify(state)}`,
          );
        }
      }
      const waiting = await getState(server, ids[0]!);
      assert.equal(waiting.code, 'QUEUED');
      assert.match(
        String(waiting.description),
        /waiting to be submitted: .*(contact slurm controller|no answer)/,
      );
    } finally {
      await startSlurmctld();
    }
    const survived = await waitForState(server, running, undefined, 120_000);
    assert.equal(survived.code, 'COMPLETE', JSON.stringify(survived));
    assert.equal(survived.stdout, 'ran-through\n');
    for (const [i, id] of ids.entries()) {
      const state = await waitForState(server, id, undefined, 120_000);
      assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
      assert.equal(state.stdout, `task-${i}\n`);
      assert.equal(
        submissionsOf(server.config.workdir, id),
        1,
        `task ${i} was submitted exactly once`,
      );
    }
  },
);
