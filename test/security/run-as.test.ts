/**
 * Execution identity: a server running as root never runs tasks as root by default — each owner
 * runs as a uid of its own from the pool, or as the Unix user mapped from the task's owner, with
 * that user's groups and a clean environment. Checked from inside the tasks themselves.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensureUser } from '../helpers/unix-users.js';
import { startTestServer, submitTask, tempDir, waitForState } from '../helpers/test-server.js';

const TASK_USER = 'jp-alice';

test('these tests need root (they switch users)', () => {
  assert.equal(
    process.getuid?.(),
    0,
    'run the tests as root: the server can only switch users as root',
  );
});

test('by default a root server runs each owner as a uid of its own from the pool, never root', async () => {
  const defaults = (await import('../../src/backends/local/local-framework.js')).LOCAL_FRAMEWORK
    .options;
  assert.equal(defaults.find((o) => o.key === 'runAs')?.default, 'pool', 'the default is pool');
  // frameworkOptions without runAs override: the product defaults.
  const server = await startTestServer({
    frameworkOptions: { runAs: 'pool', uidRange: '61000-61999' },
  });
  const uidOfTask = async (user: string): Promise<number> => {
    const state = await waitForState(server, await submitTask(server, { user, cmd: 'id -u' }));
    assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
    return Number(String(state.stdout).trim());
  };
  const alice = await uidOfTask('alice');
  const bob = await uidOfTask('bob');
  assert.ok(alice >= 61000 && alice <= 61999, `alice runs as ${alice}`);
  assert.ok(bob >= 61000 && bob <= 61999, `bob runs as ${bob}`);
  assert.notEqual(alice, bob, 'two owners never share a uid');
  assert.equal(await uidOfTask('alice'), alice, 'an owner keeps its uid');
});

test('a shared identity with authentication on is refused at start unless said explicitly', async () => {
  const tokens = join(tempDir(), 'tokens.json');
  writeFileSync(tokens, JSON.stringify({ tokens: [] }));
  await assert.rejects(
    startTestServer({ authTokens: tokens, frameworkOptions: { runAs: 'nobody' } }),
    /local\.runAs=nobody runs every owner's tasks as one Unix identity.*local\.sharedIdentity=true/s,
  );
  const server = await startTestServer({
    authTokens: tokens,
    frameworkOptions: { runAs: 'nobody', sharedIdentity: true },
  });
  assert.ok(server.url);
});

test('an owner mapped to root (uid 0) is refused at submit, naming user', async () => {
  const server = await startTestServer({
    frameworkOptions: { runAs: 'pool', userMap: 'eve=root' },
  });
  const response = await fetch(`${server.url}/v1/jobproxy/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'eve', cmd: 'id -u' }),
  });
  assert.equal(response.status, 400);
  const body = (await response.json()) as { details: { field: string; problem: string }[] };
  assert.equal(body.details[0]?.field, 'user');
  assert.match(body.details[0]!.problem, /root \(uid 0/);
});

test("a task of alice runs with alice's uid, her groups and a clean environment", async () => {
  const uid = ensureUser(TASK_USER);
  process.env.JP_SERVER_SECRET = 'must-not-leak';
  const server = await startTestServer({ frameworkOptions: { runAs: 'owner' } });
  const id = await submitTask(server, {
    user: TASK_USER,
    cmd: 'id -u; id -g; echo "home=$HOME user=$USER"; env | grep -c JP_SERVER_SECRET || true',
  });
  const state = await waitForState(server, id);
  delete process.env.JP_SERVER_SECRET;
  assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
  const [taskUid, taskGid, who, leaked] = String(state.stdout).trim().split('\n');
  assert.equal(Number(taskUid), uid, 'runs as alice');
  assert.notEqual(Number(taskUid), 0);
  assert.equal(
    Number(taskGid),
    Number(execFileSync('id', ['-g', TASK_USER], { encoding: 'utf8' })),
  );
  assert.match(String(who), new RegExp(`user=${TASK_USER}`));
  assert.equal(leaked, '0', "the server's environment does not reach the task");
});

test('an owner with no Unix user (runAs=owner) is refused at submit, naming user', async () => {
  const server = await startTestServer({ frameworkOptions: { runAs: 'owner' } });
  const response = await fetch(`${server.url}/v1/jobproxy/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'no-such-unix-user-xyz', cmd: 'true' }),
  });
  assert.equal(response.status, 400);
  const body = (await response.json()) as { details: { field: string; problem: string }[] };
  assert.equal(body.details[0]?.field, 'user');
  assert.match(body.details[0]!.problem, /no Unix user/);
});

test('local.userMap maps an owner to another Unix user', async () => {
  const uid = ensureUser(TASK_USER);
  const server = await startTestServer({
    frameworkOptions: { runAs: 'nobody', userMap: `portal=${TASK_USER}` },
  });
  const id = await submitTask(server, { user: 'portal', cmd: 'id -u' });
  const state = await waitForState(server, id);
  assert.equal(Number(String(state.stdout).trim()), uid);
});

test('a batch server whose job user cannot reach the work directory stops at start, with the fix', async () => {
  // tempDir() is a 0700 directory of root's: nobody (the batch default) cannot pass it.
  await assert.rejects(
    startTestServer({ framework: 'slurm', frameworkOptions: { runAs: 'nobody' } }),
    /tasks run as nobody, who cannot reach the work directory .*\(mode 700\) is in the way.*chmod o\+x/s,
  );
});
