/**
 * The API clients' call limit against an API server that takes the request and never answers
 * (a network cut looks like this): the call is given up, and counted as no answer.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isTransient, messageOf } from './api-errors.js';
import { connect } from './kube-client.js';
import type { KubernetesSettings } from './kubernetes-options.js';

function kubeconfigFor(server: string, directory: string): string {
  const file = join(directory, 'kubeconfig');
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'silent', cluster: { server, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'c', context: { cluster: 'silent', user: 'u' } }],
      'current-context': 'c',
    }),
  );
  return file;
}

test('a call the API server never answers is given up after the limit, as a transient failure', async (t) => {
  const held: ServerResponse[] = [];
  const server = createServer((_request, response) => held.push(response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const directory = mkdtempSync(join(tmpdir(), 'kube-client-'));
  t.after(() => {
    server.closeAllConnections();
    server.close();
    rmSync(directory, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const settings = { kubeconfig: kubeconfigFor(url, directory), context: '' } as KubernetesSettings;

  const clients = connect(settings, 300);
  const started = Date.now();
  const failure = await clients.core.listNamespacedPod({ namespace: 'default' }).then(
    () => assert.fail('a call without an answer resolved'),
    (error: unknown) => error,
  );

  assert.equal(held.length, 1, 'the request reached the server');
  assert.ok(Date.now() - started < 10_000, 'the call was given up long before TCP would');
  assert.equal(isTransient(failure), true);
  assert.match(messageOf(failure), /no answer/);
  assert.equal(clients.server, url);
});
