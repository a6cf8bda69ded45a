/**
 * Logs: every line about a request carries its request id (also sent back as x-request-id), and
 * -debug logs whole requests and answers with credentials redacted.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { buildStubServer } from '../dashboard/stub-service.js';

const SECRET = 'jp_secret-token-value-123';

function capture(): { lines: Record<string, unknown>[]; text: () => string; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const lines = (): Record<string, unknown>[] =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    get lines() {
      return lines();
    },
    text: () => chunks.join(''),
    stream,
  };
}

test('-debug logs requests and answers with the request id and no credentials', async () => {
  const logs = capture();
  const { app } = await buildStubServer({
    debug: true,
    log: pino({ level: 'debug' }, logs.stream),
  });
  const submitted = await app.inject({
    method: 'POST',
    url: '/v1/jobproxy/submit',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${SECRET}`,
      cookie: `session=${SECRET}`,
      'x-request-id': 'client-chosen-1',
    },
    payload: { user: 'alice', cmd: 'echo logged' },
  });
  assert.equal(submitted.statusCode, 200);
  assert.equal(submitted.headers['x-request-id'], 'client-chosen-1');

  const mine = logs.lines.filter((line) => line.reqId === 'client-chosen-1');
  const messages = mine.map((line) => line.msg);
  for (const expected of [
    'incoming request',
    'request',
    'audit: submit ok',
    'response',
    'request completed',
  ]) {
    assert.ok(
      messages.includes(expected),
      `no "${expected}" line with the request id: ${messages}`,
    );
  }
  const request = mine.find((line) => line.msg === 'request') as {
    headers: Record<string, string>;
    body: unknown;
  };
  assert.equal(request.headers.authorization, '[Redacted]');
  assert.equal(request.headers.cookie, '[Redacted]');
  assert.deepEqual(request.body, { user: 'alice', cmd: 'echo logged' });
  const response = mine.find((line) => line.msg === 'response') as { payload: string };
  assert.match(response.payload, /^[0-9a-f-]{36}$/);
  assert.ok(!logs.text().includes(SECRET), 'a credential reached the log');
});

test('a malformed x-request-id is replaced by a generated one', async () => {
  const logs = capture();
  const { app } = await buildStubServer({ log: pino({ level: 'info' }, logs.stream) });
  const answer = await app.inject({
    method: 'GET',
    url: '/v1/jobproxy/state/nope',
    headers: { 'x-request-id': 'has spaces and\nnewlines' },
  });
  assert.equal(answer.statusCode, 404);
  assert.match(String(answer.headers['x-request-id']), /^[0-9a-f-]{36}$/);
});
