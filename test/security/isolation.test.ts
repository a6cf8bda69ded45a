/**
 * Every task acts as its owner (docs/security.md, "Identity and files"), tried as a hostile user
 * would, over real HTTP on a real root server with the default identity model (a pool uid per
 * owner): the server's state cannot be named, read or written by any request or task; staging
 * never changes its source; alice cannot read, list, overwrite or kill what is bob's; a link a
 * task plants is never followed by the server.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createToken } from '../../src/auth/token-file.js';
import { startTestServer, tempDir } from '../helpers/test-server.js';
import { setTimeout as sleep } from 'node:timers/promises';

// Before any test is registered: a test that ended would let the file's cleanup run early.
assert.equal(process.getuid?.(), 0, 'run these tests as root: only root can switch users');

// As an operator's /var/lib/jobproxy would be: enterable by the tasks' identities.
const dir = tempDir('jobproxy-isolation-');
chmodSync(dir, 0o711);
const work = join(dir, 'work');
const data = join(dir, 'data');
mkdirSync(join(data, 'x', 'sub'), { recursive: true, mode: 0o755 });
writeFileSync(join(data, 'x', 'keep.txt'), 'long-term storage\n');
chmodSync(data, 0o755);
const tokens = join(dir, 'tokens.json');
const aliceToken = createToken(tokens, 'alice', 'user');
const bobToken = createToken(tokens, 'bob', 'user');
const server = await startTestServer({
  dir,
  containers: 'host',
  authTokens: tokens,
  allowedRoots: [work, data],
  frameworkOptions: { runAs: 'pool', uidRange: '61000-61999' },
});
const storePath = join(dir, 'state', 'jobproxy.db');

type Json = Record<string, unknown>;

async function call(token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Json, text };
}

async function submitV1(token: string, user: string, cmd: string): Promise<string> {
  const response = await fetch(`${server.url}/v1/jobproxy/submit`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ user, cmd }),
  });
  const id = await response.text();
  assert.equal(response.status, 200, id);
  return id;
}

async function waitV1(token: string, id: string, until = isFinished): Promise<Json> {
  for (let i = 0; i < 300; i++) {
    const { body } = await call(token, 'GET', `/v1/jobproxy/state/${id}`);
    if (until(body)) return body;
    await sleep(100);
  }
  throw new Error(`task ${id} did not get there`);
}

function isFinished(state: Json): boolean {
  return ['COMPLETE', 'EXECUTOR_ERROR', 'SYSTEM_ERROR', 'CANCELED'].includes(String(state.code));
}

async function createTes(token: string, task: Json): Promise<{ status: number; body: Json }> {
  return call(token, 'POST', '/ga4gh/tes/v1/tasks', task);
}

async function waitTes(token: string, id: string): Promise<Json> {
  for (let i = 0; i < 300; i++) {
    const { body } = await call(token, 'GET', `/ga4gh/tes/v1/tasks/${id}?view=FULL`);
    if (['COMPLETE', 'EXECUTOR_ERROR', 'SYSTEM_ERROR', 'CANCELED'].includes(String(body.state)))
      return body;
    await sleep(100);
  }
  throw new Error(`TES task ${id} did not end`);
}

function systemLogs(task: Json): string {
  const logs = (task.logs as { system_logs?: string[] }[] | undefined) ?? [];
  return logs.flatMap((log) => log.system_logs ?? []).join('\n');
}

/** Bob's first task: a secret in its stdout, its uid, and the path of its stdout. */
const bob = await (async () => {
  const id = await submitV1(bobToken, 'bob', 'echo bob-secret; id -u');
  const state = await waitV1(bobToken, id);
  assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
  const uid = Number(String(state.stdout).trim().split('\n')[1]);
  return { id, uid, stdout: join(work, 'tasks', id, 'stdout') };
})();

test("the server's state is private: 0700, the store 0600, beyond every task's reach", async (t) => {
  assert.equal(statSync(join(dir, 'state')).mode & 0o777, 0o700);
  assert.equal(statSync(storePath).mode & 0o777, 0o600);
  const id = await submitV1(
    aliceToken,
    'alice',
    `cat ${storePath} > /dev/null 2>&1; echo "read=$?"; ls ${join(dir, 'state')} > /dev/null 2>&1; echo "list=$?"`,
  );
  const state = await waitV1(aliceToken, id);
  t.diagnostic(String(state.stdout));
  assert.match(String(state.stdout), /read=[1-9]/, 'a task cannot read the store');
  assert.match(String(state.stdout), /list=[1-9]/, 'a task cannot list the state directory');
});

test('a TES input cannot name the store: 400 naming the field, the store intact', async () => {
  const before = readFileSync(storePath);
  const answer = await createTes(aliceToken, {
    inputs: [{ path: storePath, content: 'junk' }],
    executors: [{ image: 'alpine', command: ['true'] }],
  });
  assert.equal(answer.status, 400, JSON.stringify(answer.body));
  assert.match(JSON.stringify(answer.body), /inputs\[0\]\.path/);
  assert.equal(
    readFileSync(storePath).subarray(0, 16).toString(),
    before.subarray(0, 16).toString(),
  );
  assert.equal((await call(aliceToken, 'GET', '/v1/jobproxy/state')).status, 200);
});

test('a configuration where private state overlaps a nameable path is refused, naming both keys', async () => {
  const other = tempDir();
  await assert.rejects(
    startTestServer({ dir: other, allowedRoots: [other] }),
    /state \(.*\) overlaps allowedRoots/,
  );
  const tokenInWork = join(other, 'work', 'tokens.json');
  mkdirSync(join(other, 'work'), { recursive: true });
  writeFileSync(tokenInWork, JSON.stringify({ tokens: [] }));
  await assert.rejects(
    startTestServer({ dir: other, authTokens: tokenInWork }),
    /authTokens \(.*\) overlaps workdir/,
  );
  await assert.rejects(
    startTestServer({ dir: other, store: join(other, 'work', 'jp.db') }),
    /store \(.*\) overlaps workdir/,
  );
});

test('a DIRECTORY input whose url and path overlap is refused naming both; the source is kept', async () => {
  const cases = [
    { url: `file://${join(data, 'x')}`, path: join(data, 'x') },
    { url: `file://${join(data, 'x', 'sub')}`, path: join(data, 'x') },
  ];
  for (const input of cases) {
    const answer = await createTes(aliceToken, {
      inputs: [{ ...input, type: 'DIRECTORY' }],
      executors: [{ image: 'alpine', command: ['true'] }],
    });
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.match(JSON.stringify(answer.body), /inputs\[0\]\.url.*overlaps inputs\[0\]\.path/);
  }
  assert.equal(readFileSync(join(data, 'x', 'keep.txt'), 'utf8'), 'long-term storage\n');
});

test("alice's TES input content cannot overwrite bob's output: the kernel refuses it", async () => {
  const answer = await createTes(aliceToken, {
    inputs: [{ path: bob.stdout, content: 'overwritten by alice' }],
    executors: [{ image: 'alpine', command: ['true'] }],
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const task = await waitTes(aliceToken, String(answer.body.id));
  assert.equal(task.state, 'SYSTEM_ERROR');
  assert.match(systemLogs(task), /EACCES|permission denied/i);
  assert.equal(readFileSync(bob.stdout, 'utf8').split('\n')[0], 'bob-secret');
});

test("alice's TES output url cannot write into bob's directory", async () => {
  const target = join(work, 'tasks', bob.id, 'stolen.txt');
  const answer = await createTes(aliceToken, {
    executors: [
      {
        image: 'alpine',
        command: ['/bin/sh', '-c', `echo x > ${join(work, 'users', 'alice', 'o.txt')}`],
      },
    ],
    outputs: [{ path: join(work, 'users', 'alice', 'o.txt'), url: `file://${target}` }],
    volumes: [join(work, 'users', 'alice')],
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const task = await waitTes(aliceToken, String(answer.body.id));
  assert.equal(task.state, 'SYSTEM_ERROR', JSON.stringify(task));
  assert.match(systemLogs(task), /EACCES|permission denied/i);
  assert.equal(existsSync(target), false, "nothing was written into bob's directory");
});

test("alice's task cannot read or list bob's files, nor kill bob's processes", async (t) => {
  const sleeper = await submitV1(bobToken, 'bob', 'exec sleep 60');
  await waitV1(bobToken, sleeper, (s) => s.code === 'RUNNING');
  let pid = '';
  for (let i = 0; i < 50 && !pid; i++) {
    try {
      pid = execFileSync('pgrep', ['-u', String(bob.uid), '-x', 'sleep'], { encoding: 'utf8' })
        .trim()
        .split('\n')[0]!;
    } catch {
      await sleep(100);
    }
  }
  assert.ok(pid, "bob's sleep is running");
  const id = await submitV1(
    aliceToken,
    'alice',
    [
      `cat ${bob.stdout} > /dev/null 2>&1; echo "read=$?"`,
      `ls ${join(work, 'tasks')} > /dev/null 2>&1; echo "list=$?"`,
      `ls ${join(work, 'tasks', bob.id)} > /dev/null 2>&1; echo "listbob=$?"`,
      `kill -9 ${pid} 2>/dev/null; echo "kill=$?"`,
      'id -u',
    ].join('; '),
  );
  const state = await waitV1(aliceToken, id);
  t.diagnostic(String(state.stdout));
  const out = String(state.stdout);
  assert.match(out, /read=[1-9]/);
  assert.match(out, /list=[1-9]/);
  assert.match(out, /listbob=[1-9]/);
  assert.match(out, /kill=[1-9]/);
  assert.notEqual(Number(out.trim().split('\n').at(-1)), bob.uid, 'alice and bob are two uids');
  assert.equal((await waitV1(bobToken, sleeper, () => true)).code, 'RUNNING', 'bob still runs');
  assert.equal((await call(bobToken, 'DELETE', `/v1/jobproxy/delete/${sleeper}`)).status, 204);
});

test('a link a task plants in place of its output is never followed by the server', async () => {
  const id = await submitV1(
    aliceToken,
    'alice',
    `echo mine; rm -f ./stdout ./stderr; ln -s /etc/shadow ./stdout; ln -s ${bob.stdout} ./stderr`,
  );
  const state = await waitV1(aliceToken, id);
  assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
  assert.doesNotMatch(String(state.stdout), /root:/, '/etc/shadow is not read');
  assert.doesNotMatch(String(state.stderr), /bob-secret/, "bob's file is not read");
  const tes = await call(aliceToken, 'GET', `/ga4gh/tes/v1/tasks/${id}?view=FULL`);
  assert.doesNotMatch(tes.text, /root:|bob-secret/);
});

test('with the defaults, the docs/tes.md example runs: inputs, volumes and outputs in the owner area', async () => {
  const area = join(work, 'users', 'alice');
  const w = join(area, 'shout');
  const answer = await createTes(aliceToken, {
    name: 'shout',
    inputs: [{ path: `${w}/in.txt`, content: 'hello tes\n' }],
    volumes: [`${area}/scratch`],
    executors: [
      {
        image: 'alpine',
        workdir: w,
        command: [
          '/bin/sh',
          '-c',
          `mkdir -p out && tr a-z A-Z < in.txt > out/upper.txt && touch ${area}/scratch/ok`,
        ],
      },
      { image: 'alpine', command: ['wc', '-c', `${w}/out/upper.txt`] },
    ],
    outputs: [{ path: `${w}/out/*.txt`, path_prefix: `${w}/out/`, url: `file://${area}/results` }],
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const task = await waitTes(aliceToken, String(answer.body.id));
  assert.equal(task.state, 'COMPLETE', JSON.stringify(task));
  assert.equal(readFileSync(join(area, 'results', 'upper.txt'), 'utf8'), 'HELLO TES\n');
  assert.ok(existsSync(join(area, 'scratch', 'ok')), 'the volume is writable by the executor');
  assert.equal(statSync(area).mode & 0o777, 0o700, "the owner's area is the owner's alone");
  assert.notEqual(statSync(area).uid, 0);
});

test("v1 delete removes the task's directory as its owner: a planted link is not followed", async () => {
  const id = await submitV1(
    aliceToken,
    'alice',
    `mkdir sub && echo x > sub/f && ln -s ${join(data, 'x')} ./link`,
  );
  assert.equal((await waitV1(aliceToken, id)).code, 'COMPLETE');
  const taskDir = join(work, 'tasks', id);
  assert.ok(existsSync(join(taskDir, 'link')));
  assert.equal((await call(aliceToken, 'DELETE', `/v1/jobproxy/delete/${id}`)).status, 204);
  for (let i = 0; i < 50 && existsSync(taskDir); i++) await sleep(100);
  assert.equal(existsSync(taskDir), false, 'the directory is gone');
  assert.equal(existsSync(join(dir, 'state', 'tasks', id)), false, 'its markers are gone');
  assert.equal(readFileSync(join(data, 'x', 'keep.txt'), 'utf8'), 'long-term storage\n');
});
