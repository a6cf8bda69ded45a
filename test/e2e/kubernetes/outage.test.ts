/**
 * The API server stopped for 30 s while tasks are submitted and running: tasks accepted meanwhile
 * wait QUEUED and are submitted once it is back, running ones are followed again, and every task
 * ends COMPLETE with its output — none lost, none with two Jobs. Stops and restarts the lab
 * cluster's kube-apiserver (scripts/kubernetes/start.sh starts again only what is not running).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { submitTask, waitForState, getState } from '../../helpers/test-server.js';
import { runLabScript } from '../../helpers/lab-script.js';
import { jobsOf, requireKubernetes, startKubernetesServer } from './kubernetes-helpers.js';
import { setTimeout as sleep } from 'node:timers/promises';

await requireKubernetes();
const PID_FILE = '/var/lib/k8s-lab/pids/kube-apiserver.pid';
const START = fileURLToPath(new URL('../../../../scripts/kubernetes/start.sh', import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopApiServer(): Promise<void> {
  const pid = Number(readFileSync(PID_FILE, 'utf8').trim());
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  assert.match(cmdline, /kube-apiserver/, 'the pid file names the API server');
  process.kill(pid, 'SIGTERM');
  while (alive(pid)) await sleep(100);
}

/** Starts the API server again (start.sh starts what is not running); tries up to 3 times. */
async function startApiServer(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runLabScript(START, 180_000);
    } catch (error) {
      // Test infrastructure, not JobProxy: say why, and try again.
      console.error(`attempt ${attempt}: ${(error as Error).message}`);
      if (attempt === 3) throw error;
      await sleep(5000);
    }
  }
}

test(
  'API server down for 30 s: every task submitted before and during it ends COMPLETE once',
  { timeout: 300_000 },
  async () => {
    const server = await startKubernetesServer({ frameworkOptions: { resyncInterval: 3 } });
    const task = (n: number) => ({ user: 'outage', cmd: `sleep 2; echo task-${n}` });
    const before = [];
    for (let n = 0; n < 3; n++) before.push(await submitTask(server, task(n)));
    for (const id of before) await waitForState(server, id, (s) => s.code === 'RUNNING', 60_000);

    await stopApiServer();
    const downSince = Date.now();
    const during: string[] = [];
    try {
      for (let n = 3; n < 8; n++) during.push(await submitTask(server, task(n)));
      await sleep(2000);
      for (const id of during) {
        const state = await getState(server, id);
        assert.equal(
          state.code,
          'QUEUED',
          `accepted while the API server is down: ${JSON.stringify(state)}`,
        );
        assert.match(String(state.description), /waiting to be submitted/);
      }
      await sleep(Math.max(0, 30_000 - (Date.now() - downSince)));
    } finally {
      await startApiServer();
    }

    const all = [...before, ...during];
    for (const [n, id] of all.entries()) {
      const state = await waitForState(server, id, undefined, 120_000);
      assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
      assert.equal(String(state.stdout).trim(), `task-${n}`);
      assert.equal((await jobsOf(id)).length, 1, `task ${id} has exactly one Job`);
    }
  },
);
