/**
 * Kubernetes' own failures end a task SYSTEM_ERROR with its reason (and the pod that cannot run
 * is removed); a server that was down while its task ended records that end on restart; and a
 * server only ever follows and touches the Jobs of its own instance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getState, submitTask, tempDir, waitForState } from '../../helpers/test-server.js';
import {
  coreApi,
  jobsOf,
  NAMESPACE,
  podsOf,
  requireKubernetes,
  startKubernetesServer,
} from './kubernetes-helpers.js';
import { setTimeout as sleep } from 'node:timers/promises';

await requireKubernetes();

async function eventually(what: string, check: () => Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(200);
  }
}

test('an image the node does not have → SYSTEM_ERROR ErrImageNeverPull, and the Job is removed', async () => {
  const server = await startKubernetesServer();
  const id = await submitTask(server, {
    user: 'failures',
    container: { image: 'k8s-lab.local/not-there:1.0', cmd: 'true' },
  });
  const state = await waitForState(server, id, undefined, 60_000);
  assert.equal(state.code, 'SYSTEM_ERROR', JSON.stringify(state));
  assert.match(String(state.description), /^ErrImageNeverPull: .*not-there/);
  await eventually('the Job is gone', async () => (await jobsOf(id)).length === 0);
});

test('a pod no node fits → QUEUED, then SYSTEM_ERROR Unschedulable after the configured time', async () => {
  const server = await startKubernetesServer({
    frameworkOptions: { nodeSelector: 'jobproxy-test=nowhere', unschedulableTimeout: 3 },
  });
  const id = await submitTask(server, { user: 'failures', cmd: 'true' });
  const queued = await waitForState(
    server,
    id,
    (s) => /waiting for a node/.test(String(s.description)),
    30_000,
  );
  assert.equal(queued.code, 'QUEUED');
  const state = await waitForState(server, id, undefined, 60_000);
  assert.equal(state.code, 'SYSTEM_ERROR', JSON.stringify(state));
  assert.match(String(state.description), /^Unschedulable for \d+ s: .*node affinity\/selector/);
  await eventually('the Job is gone', async () => (await jobsOf(id)).length === 0);
});

test('an end while the server was down is recorded on restart; another instance’s Job is left alone', async () => {
  const dir = tempDir();
  const first = await startKubernetesServer({ dir });
  const other = await startKubernetesServer();
  const mine = await submitTask(first, { user: 'restart', cmd: 'sleep 2; echo ended-while-down' });
  const theirs = await submitTask(other, { user: 'restart', cmd: 'sleep 30' });
  await waitForState(first, mine, (s) => s.code === 'RUNNING', 60_000);
  await waitForState(other, theirs, (s) => s.code === 'RUNNING', 60_000);
  await first.close();
  await eventually(
    'the pod of the task ended',
    async () => (await jobsOf(mine))[0]?.status?.succeeded === 1,
  );
  const again = await startKubernetesServer({ dir });
  const state = await waitForState(again, mine, undefined, 60_000);
  assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
  assert.equal(String(state.stdout), 'ended-while-down\n');
  const listed = (await (await fetch(`${again.url}/v1/jobproxy/state`)).json()) as {
    state: { id: string }[];
  };
  assert.deepEqual(
    listed.state.map((s) => s.id),
    [mine],
    'the restarted server knows its own task only',
  );
  const job = (await jobsOf(theirs))[0];
  assert.ok(job && !job.metadata?.deletionTimestamp, 'the other instance’s Job is untouched');
  assert.equal(job.spec?.ttlSecondsAfterFinished, undefined);
  assert.equal((await getState(other, theirs)).code, 'RUNNING');
  await fetch(`${other.url}/v1/jobproxy/delete/${theirs}`, { method: 'DELETE' });
});

test('an evicted pod → SYSTEM_ERROR with Kubernetes’ reason', async () => {
  const server = await startKubernetesServer();
  const id = await submitTask(server, { user: 'failures', cmd: 'sleep 300' });
  await waitForState(server, id, (s) => s.code === 'RUNNING', 60_000);
  const pod = (await podsOf(id))[0]!;
  await coreApi().createNamespacedPodEviction({
    name: pod.metadata!.name!,
    namespace: NAMESPACE,
    body: { metadata: { name: pod.metadata!.name!, namespace: NAMESPACE } },
  });
  const state = await waitForState(server, id, undefined, 60_000);
  assert.equal(state.code, 'SYSTEM_ERROR', JSON.stringify(state));
  assert.match(String(state.description), /^EvictionByEvictionAPI: /);
});
