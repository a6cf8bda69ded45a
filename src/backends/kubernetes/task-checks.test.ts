import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskSpec } from '../../model/task.js';
import { checkKubernetesTask } from './task-checks.js';

const spec = (executor: Partial<TaskSpec['executors'][number]>, origin: 'v1' | 'tes' = 'v1') =>
  ({
    user: 'alice',
    origin,
    executors: [{ command: ['true'], image: 'x:1', ...executor }],
    resources: {},
  }) as TaskSpec;
const mount = (host: string) => ({ mounts: [{ host, container: '/m', mode: 'ro' as const }] });

test('a claim is mounted only when listed; a host path only inside the allowed roots', () => {
  const roots = ['/srv/{user}'];
  assert.deepEqual(checkKubernetesTask(spec(mount('/pvc:data/alice')), roots, ['data']), []);
  assert.deepEqual(checkKubernetesTask(spec(mount('/srv/alice/in')), roots, []), []);
  const refused = [
    ...checkKubernetesTask(spec(mount('/pvc:other')), roots, ['data']),
    ...checkKubernetesTask(spec(mount('/pvc:data/../x')), roots, ['data']),
    ...checkKubernetesTask(spec(mount('/srv/bob')), roots, []),
  ];
  assert.deepEqual(
    refused.map((p) => p.field),
    Array(3).fill('container.mounts[0].mount.host'),
  );
  assert.match(refused[0]!.problem, /kubernetes\.allowedClaims/);
  assert.match(refused[2]!.problem, /outside the allowed roots/);
});

test('an executor without a command is refused naming the field of its API', () => {
  assert.equal(checkKubernetesTask(spec({ command: [] }), [], [])[0]!.field, 'container.cmd');
  assert.equal(
    checkKubernetesTask(spec({ command: [] }, 'tes'), [], [])[0]!.field,
    'executors[0].command',
  );
});
