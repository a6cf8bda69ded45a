/**
 * The TES compatibility aliases for py-tes 0.4.x (snakemake-executor-plugin-tes, toil's TES batch
 * system), over HTTP on the local framework: `{url}/v1/tasks…` does what /ga4gh/tes/v1/tasks does,
 * every answer reads as py-tes 0.4.x's models (no field or state they lack), service-info has the
 * old shape, and authentication and ownership apply to each alias exactly as to its real route.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pino } from 'pino';
import { createToken } from '../../src/auth/token-file.js';
import { DEFAULT_CONFIG } from '../../src/config/config.js';
import { startServer } from '../../src/server.js';
import { frameworkOptions, startTestServer, tempDir } from '../helpers/test-server.js';
import { createTask, tes, type Json } from './tes-client.js';
import { pyTes04Problems } from './pytes-04-models.js';
import { setTimeout as sleep } from 'node:timers/promises';

const open = await startTestServer({ containers: 'host' });

/** A request as py-tes 0.4.x sends it: JSON content type always, Basic auth of None:None. */
async function pyTes(
  server: { url: string },
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  authorization = `Basic ${Buffer.from('None:None').toString('base64')}`,
): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${server.url}/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Json) : {} };
}

async function waitLegacy(id: string): Promise<Json> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { body } = await pyTes(open, 'GET', `/tasks/${id}?view=FULL`);
    assert.deepEqual(pyTes04Problems(body, 'Task'), [], JSON.stringify(body));
    if (['COMPLETE', 'EXECUTOR_ERROR', 'SYSTEM_ERROR', 'CANCELED'].includes(String(body.state))) {
      return body;
    }
    if (Date.now() > deadline)
      throw new Error(`task ${id} did not finish: ${JSON.stringify(body)}`);
    await sleep(50);
  }
}

test('GET /v1/tasks/service-info answers the old shape {name, doc, storage} and nothing else', async () => {
  const answer = await pyTes(open, 'GET', '/tasks/service-info');
  assert.equal(answer.status, 200);
  assert.deepEqual(Object.keys(answer.body).sort(), ['doc', 'name', 'storage']);
  assert.deepEqual(pyTes04Problems(answer.body, 'ServiceInfo'), []);
  assert.equal(answer.body.name, 'JobProxy');
  const current = await tes(open, 'GET', '/service-info');
  assert.deepEqual(answer.body.storage, current.body.storage, 'the same storage as service-info');
  assert.equal(answer.body.doc, current.body.description);
});

test('create, get (every view), list and cancel through /v1/tasks, read as py-tes 0.4.x reads', async () => {
  const created = await pyTes(open, 'POST', '/tasks', {
    name: 'legacy',
    executors: [{ image: 'alpine', command: ['/bin/sh', '-c', 'echo from-old-client'] }],
  });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  assert.deepEqual(pyTes04Problems(created.body, 'CreateTaskResponse'), []);
  const id = created.body.id as string;
  const done = await waitLegacy(id);
  assert.equal(done.state, 'COMPLETE');
  const entry = ((done.logs as Json[])[0]!.logs as Json[])[0]!;
  assert.equal(entry.stdout, 'from-old-client\n');
  for (const view of ['MINIMAL', 'BASIC', 'FULL']) {
    const got = await pyTes(open, 'GET', `/tasks/${id}?view=${view}`);
    assert.equal(got.status, 200);
    assert.deepEqual(pyTes04Problems(got.body, 'Task'), [], view);
    const real = await tes(open, 'GET', `/tasks/${id}?view=${view}`);
    assert.deepEqual(got.body, real.body, `${view}: the same task as the real route shows`);
  }
  const list = await pyTes(open, 'GET', '/tasks?view=BASIC&page_size=1');
  assert.equal(list.status, 200);
  assert.deepEqual(pyTes04Problems(list.body, 'ListTasksResponse'), []);
  assert.equal((list.body.tasks as Json[]).length, 1);
  const cancel = await pyTes(open, 'POST', `/tasks/${id}:cancel`);
  assert.deepEqual([cancel.status, cancel.body], [200, {}]);
  const missing = await pyTes(open, 'GET', '/tasks/no-such-task');
  assert.equal(missing.status, 404);
});

test('fields TES 1.1 added are left out where py-tes 0.4.x would choke on them', async () => {
  const dir = join(open.config.workdir, 'legacy-fields');
  const id = await createTask(open, {
    inputs: [{ path: join(dir, 'in.txt'), content: 'x', streamable: false }],
    outputs: [{ path: join(dir, 'o/*.txt'), path_prefix: join(dir, 'o/'), url: `file://${dir}/r` }],
    resources: { cpu_cores: 1, backend_parameters: { VmSize: 'big' } },
    executors: [
      { image: 'alpine', command: ['/bin/sh', '-c', `mkdir -p ${dir}/o`], ignore_error: true },
    ],
  });
  const real = await tes(open, 'GET', `/tasks/${id}?view=FULL`);
  assert.equal((real.body.executors as Json[])[0]!.ignore_error, true, 'the real route shows it');
  const done = await waitLegacy(id);
  assert.equal((done.executors as Json[])[0]!.ignore_error, undefined);
  assert.equal((done.outputs as Json[])[0]!.path_prefix, undefined);
  assert.equal((done.resources as Json).backend_parameters, undefined);
  assert.equal((done.resources as Json).cpu_cores, 1);
});

// --- authentication: the same answers on each alias as on its real route ---

const dir = tempDir();
const tokenFile = join(dir, 'tokens.json');
const alice = createToken(tokenFile, 'alice', 'user');
const bob = createToken(tokenFile, 'bob', 'user');
const guarded = await startServer(
  {
    ...DEFAULT_CONFIG,
    serveruri: 'http://127.0.0.1:0/',
    store: join(dir, 'jobproxy.db'),
    workdir: join(dir, 'work'),
    authTokens: tokenFile,
    frameworks: { local: frameworkOptions('local', { paused: true }) },
  },
  pino({ level: 'silent' }),
);
test.after(() => guarded.close());

async function status(path: string, method: string, authorization?: string): Promise<number> {
  const response = await fetch(`${guarded.url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(authorization ? { authorization } : {}),
    },
    body: method === 'POST' && path.endsWith('/tasks') ? JSON.stringify(TASK) : undefined,
  });
  await response.arrayBuffer();
  return response.status;
}

const TASK = { executors: [{ image: 'alpine', command: ['true'] }] };
const basic = (user: string, token: string) =>
  `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;

test('every alias answers each caller exactly as its real route does', async () => {
  const own = await fetch(`${guarded.url}/ga4gh/tes/v1/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${alice}` },
    body: JSON.stringify(TASK),
  });
  const id = ((await own.json()) as Json).id as string;
  const callers: [string, string | undefined][] = [
    ['nobody', undefined],
    ['an unknown token', 'Bearer jp_nonsense'],
    ["py-tes's None:None", basic('None', 'None')],
    ['alice (Bearer)', `Bearer ${alice}`],
    ['alice (Basic)', basic('alice', alice)],
    ['bob, not the owner', `Bearer ${bob}`],
  ];
  const operations: [string, string][] = [
    ['GET', '/tasks/service-info'],
    ['GET', '/tasks'],
    ['POST', '/tasks'],
    ['GET', `/tasks/${id}`],
    ['POST', `/tasks/${id}:cancel`],
  ];
  const rows: string[] = [];
  for (const [who, authorization] of callers) {
    for (const [method, path] of operations) {
      const realPath = path === '/tasks/service-info' ? '/service-info' : path;
      const real = await status(`/ga4gh/tes/v1${realPath}`, method, authorization);
      const alias = await status(`/v1${path}`, method, authorization);
      rows.push(`${who} ${method} ${path}: real ${real}, alias ${alias}`);
      assert.equal(alias, real, `${who} ${method} ${path}`);
    }
  }
  // The table means something: it holds refusals, acceptances and another owner's 404.
  const text = rows.join('\n');
  assert.match(text, /nobody GET \/tasks: real 401/);
  assert.match(text, /nobody GET \/tasks\/service-info: real 200/);
  assert.match(text, /alice \(Basic\) GET \/tasks: real 200/);
  assert.match(text, /bob, not the owner GET \/tasks\/[^:]+: real 404/);
});
