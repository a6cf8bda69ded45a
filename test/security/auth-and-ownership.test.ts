/**
 * Who may do what, over real HTTP: tokens are required once a token file is configured; a user
 * sees and touches only their own tasks (another's answers 404); an admin sees all; TES accepts
 * Basic auth with the same tokens; a token added while the server runs works without a restart;
 * every accepted, refused and deleted task leaves an audit line.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { createToken } from '../../src/auth/token-file.js';
import { DEFAULT_CONFIG } from '../../src/config/config.js';
import { startServer } from '../../src/server.js';
import { frameworkOptions, tempDir } from '../helpers/test-server.js';
import { setTimeout as sleep } from 'node:timers/promises';

const dir = tempDir();
const tokenFile = join(dir, 'tokens.json');
const aliceToken = createToken(tokenFile, 'alice', 'user');
const bobToken = createToken(tokenFile, 'bob', 'user');
const adminToken = createToken(tokenFile, 'root-admin', 'admin');
const logLines: Record<string, unknown>[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      logLines.push(JSON.parse(line));
    done();
  },
});
const server = await startServer(
  {
    ...DEFAULT_CONFIG,
    serveruri: 'http://127.0.0.1:0/',
    state: join(dir, 'state'),
    store: join(dir, 'jobproxy.db'),
    workdir: join(dir, 'work'),
    authTokens: tokenFile,
    frameworks: { local: frameworkOptions('local', { paused: true }) },
  },
  pino({ level: 'info' }, logSink),
);
test.after(() => server.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
async function call(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: object,
) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : undefined,
  };
}

test('no token, or an unknown one, is 401 with a challenge; ping stays open', async () => {
  const none = await call('GET', '/v1/jobproxy/state');
  assert.equal(none.status, 401);
  assert.equal(none.body.code, 'UNAUTHORIZED');
  assert.match(String(none.headers.get('www-authenticate')), /^Bearer/);
  assert.equal((await call('GET', '/v1/jobproxy/state', bearer('jp_nonsense'))).status, 401);
  assert.equal(
    (await call('POST', '/v1/jobproxy/submit', {}, { user: 'alice', cmd: 'true' })).status,
    401,
  );
  assert.equal((await call('GET', '/ga4gh/tes/v1/tasks')).status, 401);
  assert.equal((await fetch(`${server.url}/v1/jobproxy/ping`)).status, 200);
});

test('a user sees and touches only their own tasks; another user gets 404; an admin gets all', async () => {
  const submitted = await call('POST', '/v1/jobproxy/submit', bearer(aliceToken), {
    user: 'alice',
    cmd: 'true',
  });
  assert.equal(submitted.status, 200);
  const id = submitted.body.id as string;

  const forSomeoneElse = await call('POST', '/v1/jobproxy/submit', bearer(aliceToken), {
    user: 'bob',
    cmd: 'true',
  });
  assert.equal(forSomeoneElse.status, 403);
  assert.equal(forSomeoneElse.body.details[0].field, 'user');

  assert.equal((await call('GET', `/v1/jobproxy/state/${id}`, bearer(aliceToken))).status, 200);
  for (const [method, path] of [
    ['GET', `/v1/jobproxy/state/${id}`],
    ['DELETE', `/v1/jobproxy/delete/${id}`],
    ['GET', `/ga4gh/tes/v1/tasks/${id}`],
    ['POST', `/ga4gh/tes/v1/tasks/${id}:cancel`],
  ] as const) {
    const answer = await call(method, path, bearer(bobToken));
    assert.equal(answer.status, 404, `${method} ${path} as bob`);
    assert.equal(answer.body.code, 'TASK_NOT_FOUND');
  }
  const bobsList = await call('GET', '/v1/jobproxy/state', bearer(bobToken));
  assert.equal(
    bobsList.body.state.some((s: { id: string }) => s.id === id),
    false,
  );
  const bobsTes = await call('GET', '/ga4gh/tes/v1/tasks', bearer(bobToken));
  assert.equal(
    (bobsTes.body.tasks ?? []).some((t: { id: string }) => t.id === id),
    false,
  );

  const adminList = await call('GET', '/v1/jobproxy/state', bearer(adminToken));
  assert.ok(adminList.body.state.some((s: { id: string }) => s.id === id));
  const forAlice = await call('POST', '/v1/jobproxy/submit', bearer(adminToken), {
    user: 'alice',
    cmd: 'true',
  });
  assert.equal(forAlice.status, 200, 'an admin submits for others');
  assert.equal((await call('DELETE', `/v1/jobproxy/delete/${id}`, bearer(adminToken))).status, 204);
  assert.equal((await call('GET', `/v1/jobproxy/state/${id}`, bearer(aliceToken))).status, 404);
});

test('TES accepts Basic auth with the user name and token, and owns the task to that user', async () => {
  const basic = { authorization: `Basic ${Buffer.from(`alice:${aliceToken}`).toString('base64')}` };
  const created = await call('POST', '/ga4gh/tes/v1/tasks', basic, {
    executors: [{ image: 'busybox', command: ['true'] }],
  });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const wrongUser = {
    authorization: `Basic ${Buffer.from(`bob:${aliceToken}`).toString('base64')}`,
  };
  assert.equal(
    (await call('GET', `/ga4gh/tes/v1/tasks/${created.body.id}`, wrongUser)).status,
    401,
  );
  const state = await call('GET', `/v1/jobproxy/state/${created.body.id}`, bearer(aliceToken));
  assert.equal(state.body.user, 'alice');
  assert.equal(
    (await call('GET', `/v1/jobproxy/state/${created.body.id}`, bearer(bobToken))).status,
    404,
  );
});

test('/metrics is for admins when authentication is on', async () => {
  assert.equal((await call('GET', '/metrics', bearer(aliceToken))).status, 403);
  const response = await fetch(`${server.url}/metrics`, { headers: bearer(adminToken) });
  assert.equal(response.status, 200);
});

test('a token added while the server runs works without a restart', async () => {
  const carol = createToken(tokenFile, 'carol', 'user');
  const deadline = Date.now() + 10_000;
  let status = 0;
  while (Date.now() < deadline && status !== 200) {
    status = (await call('GET', '/v1/jobproxy/state', bearer(carol))).status;
    if (status !== 200) await sleep(200);
  }
  assert.equal(status, 200, 'the new token was picked up');
});

test('accepted, refused and deleted tasks each leave an audit line: who, what, from where, why', async () => {
  const audit = logLines.filter((line) => line.audit === true);
  const accepted = audit.find((l) => l.action === 'submit' && l.outcome === 'accepted');
  const refused = audit.find((l) => l.action === 'submit' && l.status === 403);
  const deleted = audit.find((l) => l.action === 'delete' && l.outcome === 'done');
  assert.ok(accepted && refused && deleted, JSON.stringify(audit));
  assert.equal(accepted.caller, 'alice');
  assert.match(String(accepted.task), /^[0-9a-f-]{36}$/);
  assert.equal(accepted.from, '127.0.0.1');
  assert.match(String(refused.reason), /a task's user must be you/);
  assert.equal(deleted.caller, 'root-admin');
});
