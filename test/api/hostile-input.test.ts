/**
 * Hostile input against the v1 API (issue 2, DESIGN.md §6): every row of the table gets the right
 * 4xx in the one error shape, naming the problem, and the server keeps serving afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { DEFAULT_CONFIG } from '../../src/config/config.js';
import { startTestServer } from '../helpers/test-server.js';
import { assertErrorShape, fromInject, type RawAnswer } from './error-shape.js';
import { HTTP_ROWS } from './hostile-http-rows.js';
import { BODY_ROWS, SUBMIT, TEST_BODY_LIMIT } from './hostile-rows.js';
import { TASK_ROWS } from './hostile-task-rows.js';
import { TEXT_ROWS } from './hostile-text-rows.js';

// Paused: a row that wrongly succeeded would leave a queued task, never a running process.
// No engine at that socket: `containers: auto` resolves to host, so images cannot run.
const server = await startTestServer({
  bodyLimit: TEST_BODY_LIMIT,
  frameworkOptions: { paused: true, dockerSocket: '/nonexistent/jobproxy-test/docker.sock' },
});
const ROWS = [...BODY_ROWS, ...TASK_ROWS, ...HTTP_ROWS, ...TEXT_ROWS];

test('the table has at least 40 rows, each named once', () => {
  assert.ok(ROWS.length >= 40, `only ${ROWS.length} rows`);
  assert.equal(new Set(ROWS.map((row) => row.name)).size, ROWS.length);
});

for (const row of ROWS) {
  test(`${row.name} → ${row.status} ${row.code}`, async () => {
    const response = await server.app.inject({
      method: row.method,
      url: row.url,
      headers: row.headers,
      ...(row.body === undefined ? {} : { payload: row.body }),
    });
    const body = assertErrorShape(fromInject(response), row.status, row.code);
    const fields = (body.details ?? []).map((detail) => detail.field);
    assert.ok(
      body.message.includes(row.names) || fields.some((field) => field.includes(row.names)),
      `neither the message nor a details field names "${row.names}": ${response.body}`,
    );
    if (row.allow !== undefined) assert.equal(response.headers.allow, row.allow);
  });
}

test('every problem of a task is reported at once, each with its field', async () => {
  const response = await server.app.inject({
    method: 'POST',
    url: SUBMIT,
    headers: { 'content-type': 'application/json' },
    payload: { user: '', cmd: 'true', cores: -1, stdout: 'relative/out' },
  });
  const body = assertErrorShape(fromInject(response), 400, 'INVALID_TASK');
  assert.deepEqual(
    body.details?.map((detail) => detail.field),
    ['user', 'cores', 'stdout'],
  );
  for (const field of ['user', 'cores', 'stdout']) assert.ok(body.message.includes(field));
});

test('a chunked body over the cap (no Content-Length) is cut off with 413', async () => {
  const answer = await new Promise<RawAnswer>((resolve, reject) => {
    const req = request(new URL(`${server.url}${SUBMIT}`), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], text }),
      );
    });
    // The server may close the connection while we still write: only its answer matters.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.write(`{"user":"a","cmd":"${'x'.repeat(TEST_BODY_LIMIT)}`);
    req.end(`${'y'.repeat(TEST_BODY_LIMIT)}"}`);
  });
  assertErrorShape(answer, 413, 'BODY_TOO_LARGE');
});

test('the default body cap is 1 MiB', () => {
  assert.equal(DEFAULT_CONFIG.bodyLimit, 1024 * 1024);
});

test('after all of that the server still serves', async () => {
  const ping = await fetch(`${server.url}/v1/jobproxy/ping`);
  assert.equal(ping.status, 200);
  assert.match(await ping.text(), /^alive \(/);
  const submitted = await fetch(`${server.url}${SUBMIT}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'alice', cmd: 'echo still here' }),
  });
  const id = await submitted.text();
  assert.equal(submitted.status, 200, id);
  const state = await fetch(`${server.url}/v1/jobproxy/state/${id}`);
  assert.equal(state.status, 200);
  assert.equal(((await state.json()) as { id: string }).id, id);
});
