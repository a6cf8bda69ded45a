/**
 * The engine not answering: with containers=docker a container task ends SYSTEM_ERROR naming the
 * socket (or waits for it with local.engineWait); with containers=auto the framework falls back
 * to host and refuses v1 container tasks; with containers=host their command runs on the host.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  getState,
  startTestServer,
  submitTask,
  tempDir,
  waitForState,
} from '../../helpers/test-server.js';
import { DOCKER_SOCKET, containerTask, eventually, requireDocker } from './docker-helpers.js';

await requireDocker();

test('containers=docker, engine missing → SYSTEM_ERROR naming the socket', async () => {
  const socket = join(tempDir(), 'missing.sock');
  const server = await startTestServer({
    containers: 'docker',
    frameworkOptions: { dockerSocket: socket },
  });
  assert.equal(server.service.containers, 'docker');
  const id = await submitTask(server, containerTask('echo never'));
  const state = await waitForState(server, id);
  assert.equal(state.code, 'SYSTEM_ERROR', JSON.stringify(state));
  assert.match(String(state.description), new RegExp(`${socket} does not answer`));
});

test('local.engineWait: the task waits for the engine, then runs', async () => {
  const socket = join(tempDir(), 'late.sock');
  const server = await startTestServer({
    containers: 'docker',
    frameworkOptions: { dockerSocket: socket, engineWait: 60 },
  });
  const id = await submitTask(server, containerTask('echo after-the-wait'));
  await waitForState(server, id, (s) =>
    /waiting for the container engine/.test(String(s.description)),
  );
  assert.notEqual((await getState(server, id)).code, 'SYSTEM_ERROR');
  // The engine "comes up": a proxy to the real dockerd appears on the configured socket.
  const proxy = await forwardSocket(socket, DOCKER_SOCKET);
  after(() => proxy.close());
  const state = await waitForState(server, id, undefined, 60_000);
  assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
  assert.equal(state.stdout, 'after-the-wait\n');
});

test('containers=auto with no engine → host: v1 container tasks are refused with 400', async () => {
  const server = await startTestServer({
    containers: 'auto',
    frameworkOptions: { dockerSocket: join(tempDir(), 'none.sock') },
  });
  assert.equal(server.service.containers, 'host');
  const response = await fetch(`${server.url}/v1/jobproxy/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(containerTask('echo x')),
  });
  assert.equal(response.status, 400);
  const body = (await response.json()) as { details?: { field: string }[] };
  assert.ok(
    body.details?.some((d) => d.field === 'container'),
    JSON.stringify(body),
  );
});

test('containers=host (explicit): the image is ignored and the command runs on the host', async () => {
  const server = await startTestServer({ containers: 'host' });
  assert.equal(server.service.containers, 'host');
  // Only on the host does this process see the server's own pid.
  const id = await submitTask(
    server,
    containerTask(`test -d /proc/${process.pid} && echo on-the-host`),
  );
  const state = await waitForState(server, id);
  assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
  assert.equal(state.stdout, 'on-the-host\n');
  const response = await fetch(`${server.url}/v1/jobproxy/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ user: 'u', container: { image: 'jobproxy-test/busybox:latest' } }),
  });
  assert.equal(response.status, 400);
  const body = (await response.json()) as { details?: { field: string }[] };
  assert.ok(
    body.details?.some((d) => d.field === 'container.cmd'),
    JSON.stringify(body),
  );
});

/** A unix socket at `path` that forwards every connection to `target`. */
async function forwardSocket(path: string, target: string): Promise<Server> {
  const server = createServer((client) => {
    const upstream = connect(target);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  await eventually('the proxy socket listens', async () => server.listening);
  return server;
}
