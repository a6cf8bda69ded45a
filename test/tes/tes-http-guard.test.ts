/**
 * TES http(s) inputs cannot be pointed at the server's own machine or the cloud metadata
 * service: loopback and link-local addresses are refused by default (checked on the address
 * connected to, redirects included), an operator may allow chosen ones, and a byte cap holds.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startTestServer } from '../helpers/test-server.js';
import { createTask, waitForTes, type Json } from './tes-client.js';

const files = createServer((request, response) => {
  if (request.url === '/big') return void response.end(Buffer.alloc(4096, 'x'));
  if (request.url?.startsWith('/to/')) {
    response.statusCode = 302;
    response.setHeader('location', `http://${request.url.slice(4)}/small`);
    return void response.end();
  }
  response.end('small\n');
});
await new Promise<void>((resolve) => files.listen(0, '0.0.0.0', resolve));
after(() => files.close());
const port = (files.address() as AddressInfo).port;

const byDefault = await startTestServer({ containers: 'host' });
const allowing = await startTestServer({
  containers: 'host',
  tesHttpAllow: ['127.0.0.1'],
  tesHttpMaxBytes: 1024,
});

async function stage(server: typeof byDefault, url: string): Promise<Json> {
  const work = join(server.dir, 'work');
  const id = await createTask(server, {
    inputs: [{ path: join(work, 'in.txt'), url }],
    executors: [{ image: 'alpine', command: ['cat', join(work, 'in.txt')] }],
  });
  return waitForTes(server, id);
}

function systemLogs(task: Json): string {
  return ((task.logs as Json[])[0]!.system_logs as string[]).join('\n');
}

test('by default loopback and link-local inputs are refused, naming the key that allows them', async () => {
  for (const url of [
    `http://127.0.0.1:${port}/small`,
    `http://localhost:${port}/small`,
    `http://[::1]:${port}/small`,
    'http://169.254.169.254/latest/meta-data/',
  ]) {
    const task = await stage(byDefault, url);
    assert.equal(task.state, 'SYSTEM_ERROR', url);
    assert.match(systemLogs(task), /loopback, link-local or unspecified.*tes\.httpAllow/, url);
  }
});

test('an allowed address is fetched; a redirect to a denied one is not; the byte cap holds', async () => {
  assert.equal((await stage(allowing, `http://127.0.0.1:${port}/small`)).state, 'COMPLETE');
  const redirected = await stage(allowing, `http://127.0.0.1:${port}/to/127.0.0.2:${port}`);
  assert.equal(redirected.state, 'SYSTEM_ERROR');
  assert.match(systemLogs(redirected), /127\.0\.0\.2 is a loopback/);
  const big = await stage(allowing, `http://127.0.0.1:${port}/big`);
  assert.equal(big.state, 'SYSTEM_ERROR');
  assert.match(systemLogs(big), /larger than the cap of 1024 bytes/);
});
