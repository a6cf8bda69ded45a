import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskRecord } from '../../model/task.js';
import { buildJob, claimOf, cpuQuantity, jobNameOf } from './job-spec.js';
import { readKubernetesSettings } from './kubernetes-options.js';

const settings = readKubernetesSettings({
  defaultImage: 'k8s-lab.local/busybox:1.35',
  imagePullPolicy: 'Never',
  killGrace: 1,
  nodeSelector: 'disk=ssd',
  tolerations: '[{"key":"gpu","operator":"Exists"}]',
  serviceAccount: 'runner',
});

function task(fields: Partial<TaskRecord['spec']> = {}): TaskRecord {
  return {
    id: '0b3d8c1e-0000-4000-8000-000000000001',
    spec: {
      user: 'alice',
      origin: 'v1',
      executors: [{ command: ['echo', 'hi'] }],
      resources: {},
      ...fields,
    },
  } as TaskRecord;
}

test('one Job per task: labels, no Kubernetes retries, short grace, no TTL yet, never root', () => {
  const job = buildJob({ task: task(), settings, instance: 'jp-abc', uid: 61042 });
  assert.equal(job.metadata?.name, jobNameOf(task().id));
  assert.deepEqual(job.metadata?.labels?.['jobproxy.io/task'], task().id);
  assert.equal(job.metadata?.labels?.['jobproxy.io/instance'], 'jp-abc');
  assert.equal(job.spec?.backoffLimit, 0);
  assert.equal(job.spec?.ttlSecondsAfterFinished, undefined);
  const pod = job.spec!.template.spec!;
  assert.equal(job.spec?.template.metadata?.labels?.['jobproxy.io/task'], task().id);
  assert.equal(pod.restartPolicy, 'Never');
  assert.equal(pod.terminationGracePeriodSeconds, 1);
  assert.deepEqual(pod.securityContext, {
    runAsUser: 61042,
    runAsGroup: 61042,
    runAsNonRoot: true,
  });
  assert.equal(pod.automountServiceAccountToken, false);
  assert.equal(pod.serviceAccountName, 'runner');
  assert.deepEqual(pod.nodeSelector, { disk: 'ssd' });
  assert.deepEqual(pod.tolerations, [{ key: 'gpu', operator: 'Exists' }]);
  // The executor runs in the tools image: its own busybox runs the wrapper, no copy step.
  assert.deepEqual(
    pod.initContainers!.map((c) => [c.name, c.image, c.imagePullPolicy, c.command![0]]),
    [['exec-0', 'k8s-lab.local/busybox:1.35', 'Never', '/bin/busybox']],
  );
  assert.deepEqual(
    pod.containers.map((c) => c.name),
    ['stderr-0'],
  );
});

test('cores → cpu requests and limits, memory → a limit in MiB, on the executor containers', () => {
  const job = buildJob({
    task: task({ resources: { cores: 0.5, memoryMiB: 64 } }),
    settings,
    instance: 'i',
    uid: 61000,
  });
  const exec = job.spec!.template.spec!.initContainers![0]!;
  assert.deepEqual(exec.resources, {
    requests: { cpu: '500m', memory: '64Mi' },
    limits: { cpu: '500m', memory: '64Mi' },
  });
  assert.equal(cpuQuantity(2), '2');
});

test('executors run in order with their own image, workdir and env; host and claim mounts', () => {
  const job = buildJob({
    task: task({
      origin: 'tes',
      executors: [
        { command: ['a'], image: 'img:1', workdir: '/w', env: { K: 'v' } },
        {
          command: ['b'],
          mounts: [
            { host: '/srv/data', container: '/data', mode: 'ro' },
            { host: '/pvc:scratch/alice', container: '/scratch', mode: 'rw' },
          ],
        },
      ],
    }),
    settings,
    instance: 'i',
    uid: 61000,
  });
  const pod = job.spec!.template.spec!;
  const [tools, first, second] = pod.initContainers!;
  assert.deepEqual(tools!.command, ['/bin/busybox', 'cp', '/bin/busybox', '/.jobproxy/busybox']);
  assert.equal(first!.command![0], '/.jobproxy/busybox', 'another image runs the copied busybox');
  assert.deepEqual(
    [first!.name, first!.image, first!.workingDir, first!.env],
    ['exec-0', 'img:1', '/w', [{ name: 'K', value: 'v' }]],
  );
  assert.equal(second!.name, 'exec-1');
  assert.deepEqual(second!.volumeMounts!.slice(1), [
    { name: 'm0', mountPath: '/data', readOnly: true },
    { name: 'm1', mountPath: '/scratch', readOnly: false, subPath: 'alice' },
  ]);
  assert.deepEqual(pod.volumes!.slice(1), [
    { name: 'm0', hostPath: { path: '/srv/data' } },
    { name: 'm1', persistentVolumeClaim: { claimName: 'scratch' } },
  ]);
  assert.deepEqual(
    pod.containers.map((c) => c.name),
    ['stderr-0', 'stderr-1'],
  );
  assert.deepEqual(claimOf('/not/a/claim'), undefined);
});
