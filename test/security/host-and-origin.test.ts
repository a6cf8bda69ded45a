/**
 * DNS rebinding and cross-site requests (issue 11): a Host the server does not serve gets 421, a
 * state-changing request from a foreign Origin 403, both in the catalogue's shape; the names the
 * server serves (loopback, serveruri's host, allowedHosts) keep working.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startTestServer } from '../helpers/test-server.js';
import { assertErrorShape, fromInject } from '../api/error-shape.js';

const server = await startTestServer({
  allowedHosts: ['jobs.example.org', '*.cluster.example'],
  frameworkOptions: { paused: true },
});
const TASK = { user: 'alice', cmd: 'true' };

async function stateWithHost(host: string): Promise<ReturnType<typeof fromInject>> {
  const response = await server.app.inject({
    method: 'GET',
    url: '/v1/jobproxy/state',
    headers: { host },
  });
  return fromInject(response);
}

for (const host of [
  'attacker.example',
  'attacker.example:9999',
  'localhost.attacker.example',
  'cluster.example',
]) {
  test(`Host: ${host} → 421 MISDIRECTED_REQUEST`, async () => {
    const body = assertErrorShape(await stateWithHost(host), 421, 'MISDIRECTED_REQUEST');
    assert.match(body.message, /allowedHosts/);
  });
}

for (const host of [
  'localhost:9999',
  '127.0.0.1:9999',
  '127.0.0.2',
  '[::1]:9999',
  'LOCALHOST',
  'jobs.example.org',
  'a.cluster.example:80',
]) {
  test(`Host: ${host} is served`, async () => {
    assert.equal((await stateWithHost(host)).status, 200);
  });
}

/** One raw HTTP/1.x request on a socket; the whole answer as text. */
function rawRequest(text: string): Promise<string> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(text));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

test('an HTTP/1.0 request without a Host header is refused (421)', async () => {
  const answer = await rawRequest('GET /v1/jobproxy/state HTTP/1.0\r\n\r\n');
  assert.match(answer, /^HTTP\/1\.1 421 /);
  assert.match(answer, /"code":"MISDIRECTED_REQUEST"/);
});

for (const origin of [
  'http://attacker.example',
  'null',
  'http://localhost:8080',
  'https://localhost',
]) {
  test(`POST submit with Origin: ${origin} → 403 FORBIDDEN, nothing accepted`, async () => {
    const before = server.service.listSummaries({}).length;
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/jobproxy/submit',
      headers: { host: 'localhost', origin },
      payload: TASK,
    });
    const body = assertErrorShape(fromInject(response), 403, 'FORBIDDEN');
    assert.match(body.message, /origin/);
    assert.equal(server.service.listSummaries({}).length, before);
  });
}

test('DELETE with a foreign Origin → 403', async () => {
  const response = await server.app.inject({
    method: 'DELETE',
    url: '/v1/jobproxy/delete/x',
    headers: { host: 'localhost:9999', origin: 'http://evil.example:9999' },
  });
  assertErrorShape(fromInject(response), 403, 'FORBIDDEN');
});

test('the server’s own Origin may submit; a GET from a foreign Origin is only read', async () => {
  const own = await server.app.inject({
    method: 'POST',
    url: '/v1/jobproxy/submit',
    headers: { host: 'localhost:9999', origin: 'http://localhost:9999' },
    payload: TASK,
  });
  assert.equal(own.statusCode, 200, own.body);
  const read = await server.app.inject({
    method: 'GET',
    url: '/v1/jobproxy/ping',
    headers: { host: 'localhost', origin: 'http://attacker.example' },
  });
  assert.equal(read.statusCode, 200);
});

test('the real socket refuses a rebound name too', async () => {
  const answer = await rawRequest(
    'GET /v1/jobproxy/state HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n',
  );
  assert.match(answer, /^HTTP\/1\.1 421 /);
});

test('behind a TLS proxy, an Origin on an allowedHosts name is the server’s own', async () => {
  const response = await server.app.inject({
    method: 'POST',
    url: '/v1/jobproxy/submit',
    headers: { host: '127.0.0.1:9999', origin: 'https://jobs.example.org' },
    payload: TASK,
  });
  assert.equal(response.statusCode, 200, response.body);
  const local = await server.app.inject({
    method: 'POST',
    url: '/v1/jobproxy/submit',
    headers: { host: '127.0.0.1:9999', origin: 'http://127.0.0.1:8080' },
    payload: TASK,
  });
  assertErrorShape(fromInject(local), 403, 'FORBIDDEN');
});
