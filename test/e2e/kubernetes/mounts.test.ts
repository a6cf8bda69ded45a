/**
 * Mounts on the real cluster: a host path inside the allowed roots becomes a hostPath volume, a
 * listed PersistentVolumeClaim (`/pvc:NAME/sub`) a claim volume with a sub path; ports, unlisted
 * claims and host paths outside the roots are refused with 400 naming the field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { submitTask, tempDir, waitForState } from '../../helpers/test-server.js';
import {
  coreApi,
  NAMESPACE,
  requireKubernetes,
  startKubernetesServer,
  TEST_IMAGE,
} from './kubernetes-helpers.js';

await requireKubernetes();
const roots = tempDir('jobproxy-k8s-roots-');
const claimDir = tempDir('jobproxy-k8s-pv-');
const suffix = randomBytes(3).toString('hex');
const claim = `jp-test-${suffix}`;
const core = coreApi();
const server = await startKubernetesServer({
  allowedRoots: [roots],
  frameworkOptions: { allowedClaims: claim },
});

async function submitStatus(body: object): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server.url}/v1/jobproxy/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

const containerTask = (cmd: string, mounts: object[]) => ({
  user: 'mounts',
  container: { image: TEST_IMAGE, cmd, mounts: mounts.map((mount) => ({ mount })) },
});

test('a host path inside the allowed roots is mounted read-write', async () => {
  const dir = join(roots, 'shared');
  mkdirSync(dir);
  chmodSync(dir, 0o777);
  const id = await submitTask(
    server,
    containerTask('echo from-pod > /m/out.txt', [{ host: dir, container: '/m', mode: 'rw' }]),
  );
  const state = await waitForState(server, id, undefined, 60_000);
  assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
  assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'from-pod\n');
});

test('a listed PersistentVolumeClaim is mounted with its sub path', async () => {
  mkdirSync(join(claimDir, 'sub'));
  chmodSync(join(claimDir, 'sub'), 0o777);
  await core.createPersistentVolume({
    body: {
      metadata: { name: claim },
      spec: {
        capacity: { storage: '10Mi' },
        accessModes: ['ReadWriteOnce'],
        storageClassName: '',
        persistentVolumeReclaimPolicy: 'Retain',
        hostPath: { path: claimDir },
      },
    },
  });
  try {
    await core.createNamespacedPersistentVolumeClaim({
      namespace: NAMESPACE,
      body: {
        metadata: { name: claim },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: '',
          volumeName: claim,
          resources: { requests: { storage: '10Mi' } },
        },
      },
    });
    const id = await submitTask(
      server,
      containerTask('echo on-claim > /d/file.txt', [
        { host: `/pvc:${claim}/sub`, container: '/d', mode: 'rw' },
      ]),
    );
    const state = await waitForState(server, id, undefined, 90_000);
    assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
    assert.equal(readFileSync(join(claimDir, 'sub', 'file.txt'), 'utf8'), 'on-claim\n');
  } finally {
    await core
      .deleteNamespacedPersistentVolumeClaim({ name: claim, namespace: NAMESPACE })
      .catch(() => undefined);
    await core.deletePersistentVolume({ name: claim }).catch(() => undefined);
  }
});

test('ports, an unlisted claim and a host path outside the roots are 400s naming the field', async () => {
  const ports = await submitStatus({
    user: 'mounts',
    container: { image: TEST_IMAGE, cmd: 'true', ports: { port: { host: 8080, container: 80 } } },
  });
  assert.equal(ports.status, 400);
  assert.match(ports.text, /container\.ports/);
  for (const host of ['/pvc:not-listed', '/etc']) {
    const answer = await submitStatus(
      containerTask('true', [{ host, container: '/m', mode: 'ro' }]),
    );
    assert.equal(answer.status, 400, answer.text);
    assert.match(answer.text, /container\.mounts\[0\]\.mount\.host/);
  }
});
