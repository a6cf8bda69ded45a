/**
 * The informers' stop against an API server played by a loopback HTTP server: a stop that comes
 * while a list is still answering leaves no watch open (an open one kept the test process alive
 * after a failed outage test), and a watch that fails to open is started again, never thrown.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BatchV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { JobWatch } from './job-watch.js';
import type { KubeClients } from './kube-client.js';

/** An API server whose lists answer when released, and which counts the watches open now. */
async function fakeApiServer() {
  const held: (() => void)[] = [];
  const openWatches = new Set<ServerResponse>();
  let watchesOpened = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://x');
    response.setHeader('content-type', 'application/json');
    if (url.searchParams.get('watch') === 'true') {
      watchesOpened++;
      openWatches.add(response);
      response.on('close', () => openWatches.delete(response));
      response.writeHead(200);
      response.write(''); // headers out; the watch stays open
      return;
    }
    held.push(() =>
      response.end(JSON.stringify({ kind: 'List', items: [], metadata: { resourceVersion: '7' } })),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    held,
    openWatches,
    opened: () => watchesOpened,
    release: () => held.splice(0).forEach((answer) => answer()),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

function clientsFor(server: string): KubeClients {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'fake', server, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'c', cluster: 'fake', user: 'u' }],
    currentContext: 'c',
  });
  return {
    config,
    batch: config.makeApiClient(BatchV1Api),
    core: config.makeApiClient(CoreV1Api),
    server,
  };
}

async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await sleep(10);
  assert.ok(condition(), what);
}

const newWatch = (clients: KubeClients) =>
  new JobWatch(clients, 'ns', 'app=x', () => undefined, pino({ level: 'silent' }));

test('watches open as usual, and stop() closes them', async () => {
  const api = await fakeApiServer();
  try {
    const watch = newWatch(clientsFor(api.url));
    watch.start();
    await until('both lists asked for', () => api.held.length === 2);
    api.release();
    await until('both watches open', () => api.openWatches.size === 2);
    assert.equal(watch.synced, true);
    await watch.stop();
    await until('no watch left open', () => api.openWatches.size === 0);
  } finally {
    await api.close();
  }
});

test('a stop while the lists are still answering leaves no watch open once they answer', async () => {
  const api = await fakeApiServer();
  try {
    const watch = newWatch(clientsFor(api.url));
    watch.start();
    await until('both lists asked for', () => api.held.length === 2);
    await watch.stop();
    api.release(); // the informers go on to watch: each is closed as soon as it opens
    await sleep(300);
    assert.equal(api.openWatches.size, 0, `${api.opened()} opened, none may stay`);
  } finally {
    await api.close();
  }
});

test('a watch that cannot even make its request is started again, not thrown', async () => {
  const api = await fakeApiServer();
  const clients = clientsFor(api.url);
  // As a failing credential plugin would: the request's options cannot be made, a few times.
  let failures = 0;
  const applyToFetchOptions = clients.config.applyToFetchOptions.bind(clients.config);
  clients.config.applyToFetchOptions = async (options) => {
    if (failures++ < 2) throw new Error('credential plugin failed');
    return applyToFetchOptions(options);
  };
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  process.on('unhandledRejection', onRejection);
  try {
    const watch = newWatch(clients);
    watch.start();
    await until('the lists asked for', () => api.held.length === 2);
    api.release();
    await until('both watches open in the end', () => api.openWatches.size === 2);
    assert.ok(failures >= 3, 'the failing opens were tried again');
    assert.deepEqual(rejections, []);
    await watch.stop();
  } finally {
    process.off('unhandledRejection', onRejection);
    await api.close();
  }
});
