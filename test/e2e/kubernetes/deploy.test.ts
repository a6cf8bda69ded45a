/**
 * deploy/kubernetes/ against the real API server: every manifest passes a server-side dry run
 * (admission and schema validation included), the config file it carries loads as a kubernetes
 * server's config, and the Role grants exactly jobs, pods and pods/log in its namespace (checked
 * with `kubectl auth can-i` as the service account, on a real copy in a namespace of its own).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAllYaml } from '@kubernetes/client-node';
import { loadConfig } from '../../../src/config/load-config.js';
import { tempDir } from '../../helpers/test-server.js';
import { KUBECONFIG_PATH, requireKubernetes } from './kubernetes-helpers.js';

await requireKubernetes();
const DEPLOY = fileURLToPath(new URL('../../../../deploy/kubernetes', import.meta.url));

function kubectl(args: string[], input?: string): string {
  try {
    return execFileSync('kubectl', ['--kubeconfig', KUBECONFIG_PATH, ...args], {
      encoding: 'utf8',
      input,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 60_000,
    });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string; stdout?: string };
    if (failure.code === 'ENOENT') throw new Error('kubectl is missing (Debian package kubectl)');
    // `auth can-i` answers "no" with exit 1.
    if (failure.stdout !== undefined && /^no\b/.test(failure.stdout)) return failure.stdout;
    throw new Error(`kubectl ${args.join(' ')} failed: ${failure.stderr ?? failure.message}`);
  }
}

function rendered(namespace: string): string {
  return kubectl(['kustomize', DEPLOY]).replaceAll(
    'namespace: jobproxy',
    `namespace: ${namespace}`,
  );
}

test('every manifest passes a server-side dry run', () => {
  const namespace = `jobproxy-dry-${randomBytes(3).toString('hex')}`;
  kubectl(['create', 'namespace', namespace]);
  try {
    const out = kubectl(['apply', '--dry-run=server', '-f', '-'], rendered(namespace));
    for (const kind of [
      'serviceaccount',
      'role',
      'rolebinding',
      'persistentvolumeclaim',
      'configmap',
      'deployment',
      'service',
    ]) {
      assert.match(out, new RegExp(`^${kind}[./].* \\(server dry run\\)$`, 'm'), out);
    }
  } finally {
    kubectl(['delete', 'namespace', namespace, '--wait=false']);
  }
});

test('the config in the ConfigMap loads as a kubernetes server config', () => {
  const objects = loadAllYaml(rendered('jobproxy')) as {
    kind: string;
    data?: Record<string, string>;
  }[];
  const configMap = objects.find((o) => o.kind === 'ConfigMap')!;
  const file = join(tempDir(), 'jobproxy.properties');
  writeFileSync(file, configMap.data!['jobproxy.properties']!);
  const config = loadConfig({ file });
  assert.equal(config.framework, 'kubernetes');
  assert.equal(config.frameworks.kubernetes?.namespace, '', 'the pod’s own namespace');
  assert.equal(
    config.authTokens,
    '/etc/jobproxy-tokens/tokens.json',
    'listening beyond loopback needs tokens',
  );
});

test('the Role grants jobs, pods and pods/log in its namespace, and nothing else', () => {
  const namespace = `jobproxy-rbac-${randomBytes(3).toString('hex')}`;
  kubectl(['create', 'namespace', namespace]);
  try {
    const rbac = loadAllYaml(rendered(namespace)).filter((o) =>
      ['ServiceAccount', 'Role', 'RoleBinding'].includes((o as { kind: string }).kind),
    );
    kubectl(['apply', '-f', '-'], rbac.map((o) => JSON.stringify(o)).join('\n'));
    const as = `system:serviceaccount:${namespace}:jobproxy`;
    const can = (verb: string, resource: string, where = namespace) =>
      kubectl(['auth', 'can-i', verb, resource, '-n', where, '--as', as]).trim();
    for (const [verb, resource] of [
      ['create', 'jobs.batch'],
      ['watch', 'jobs.batch'],
      ['delete', 'jobs.batch'],
      ['patch', 'jobs.batch'],
      ['list', 'pods'],
      ['watch', 'pods'],
      ['get', 'pods/log'],
    ] as const) {
      assert.equal(can(verb, resource), 'yes', `${verb} ${resource}`);
    }
    for (const [verb, resource] of [
      ['get', 'secrets'],
      ['create', 'pods'],
      ['create', 'pods/exec'],
      ['create', 'configmaps'],
    ] as const) {
      assert.equal(can(verb, resource), 'no', `${verb} ${resource} must be refused`);
    }
    assert.equal(can('create', 'jobs.batch', 'default'), 'no', 'no access beyond its namespace');
  } finally {
    kubectl(['delete', 'namespace', namespace, '--wait=false']);
  }
});
