/**
 * A client that opens an event stream and never reads (issue 11): the server buffers at most the
 * limit for it, then drops it, and keeps serving everyone else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { buildServer } from '../../src/api/build-server.js';
import { hostPolicy } from '../../src/api/host-check.js';
import { serviceUnderTest, storedTask } from '../../src/core/testing/service-under-test.js';
import { setTimeout as sleep } from 'node:timers/promises';

test('a stream whose client does not read is dropped past its buffer limit', async (t) => {
  const { service } = serviceUnderTest({ seed: [storedTask('t1', 'RUNNING', 'job-1')] });
  const warnings: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        warnings.push(String((JSON.parse(line) as { msg: string }).msg));
      }
      done();
    },
  });
  const app = await buildServer({
    service,
    log: pino({ level: 'warn' }, sink),
    bodyLimit: 1024 * 1024,
    debug: false,
    authentication: 'none',
    hosts: hostPolicy('http://127.0.0.1:0/', []),
    eventBufferLimit: 64 * 1024,
  });
  await service.start();
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(async () => {
    await app.close();
    await service.close();
  });
  const { port } = app.server.address() as { port: number };
  const socket = connect(port, '127.0.0.1');
  socket.write('GET /v1/jobproxy/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  socket.pause();
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  await sleep(100);
  // Each change is one event of some hundred bytes; the kernel's socket buffers take megabytes.
  for (let i = 0; i < 200_000 && !warnings.some((w) => w.startsWith('event stream dropped')); i++) {
    service.events.emit('change', { id: 't1', user: 'alice', from: 'QUEUED', to: 'RUNNING' });
    if (i % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  assert.ok(
    warnings.some((w) => w.startsWith('event stream dropped')),
    'the slow stream was never dropped',
  );
  socket.resume();
  const deadline = Date.now() + 5000;
  while (!closed && Date.now() < deadline) await sleep(20);
  assert.ok(closed, 'the dropped client’s connection stays open');
  const ping = await fetch(`http://127.0.0.1:${port}/v1/jobproxy/ping`);
  assert.equal(ping.status, 200);
});
