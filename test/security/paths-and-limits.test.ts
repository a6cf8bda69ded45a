/**
 * Paths a task names must lie inside the operator's allowed roots even through symbolic links;
 * per-user caps answer 429 with Retry-After under a burst while others are still served.
 */
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startTestServer, tempDir } from '../helpers/test-server.js';

async function submit(url: string, task: object) {
  const response = await fetch(`${url}/v1/jobproxy/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(task),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: await response.json(),
  };
}

test('a stdout path escaping the allowed root through a symlink is refused, naming stdout', async () => {
  const root = join(tempDir(), 'allowed');
  mkdirSync(root);
  symlinkSync('/etc', join(root, 'escape'));
  const server = await startTestServer({ allowedRoots: [root] });
  const escaping = await submit(server.url, {
    user: 'u',
    cmd: 'true',
    stdout: join(root, 'escape', 'evil'),
  });
  assert.equal(escaping.status, 400);
  assert.equal(escaping.body.details[0].field, 'stdout');
  assert.match(escaping.body.details[0].problem, /symbolic link/);
  const outside = await submit(server.url, { user: 'u', cmd: 'true', stderr: '/var/tmp/x' });
  assert.equal(outside.status, 400);
  assert.equal(outside.body.details[0].field, 'stderr');
  const inside = await submit(server.url, {
    user: 'u',
    cmd: 'true',
    stdout: join(root, 'out.txt'),
  });
  assert.equal(inside.status, 200, JSON.stringify(inside.body));
});

test('{user} in an allowed root gives each owner a root of their own', async () => {
  const base = tempDir();
  const server = await startTestServer({ allowedRoots: [join(base, '{user}')] });
  assert.equal(
    (await submit(server.url, { user: 'ann', cmd: 'true', stdout: join(base, 'ann', 'o') })).status,
    200,
  );
  const other = await submit(server.url, {
    user: 'ann',
    cmd: 'true',
    stdout: join(base, 'ben', 'o'),
  });
  assert.equal(other.status, 400);
});

test('the submit rate cap holds under a burst (429, Retry-After) and others are still served', async () => {
  const server = await startTestServer({ submitRate: 5, frameworkOptions: { paused: true } });
  const started = Date.now();
  const burst = await Promise.all(
    Array.from({ length: 40 }, () => submit(server.url, { user: 'greedy', cmd: 'true' })),
  );
  const seconds = (Date.now() - started) / 1000;
  const accepted = burst.filter((r) => r.status === 200).length;
  const limited = burst.filter((r) => r.status === 429);
  assert.ok(limited.length > 0, 'some of the burst is refused');
  // The burst allowance (twice the rate) plus what the rate refilled while the burst lasted.
  const allowed = 10 + Math.ceil(seconds * 5);
  assert.ok(
    accepted >= 10 && accepted <= allowed,
    `${accepted} accepted in ${seconds} s; expected 10 to ${allowed}`,
  );
  assert.equal(limited[0]!.retryAfter, '1');
  assert.equal(limited[0]!.body.code, 'TOO_MANY_REQUESTS');
  assert.equal(
    (await submit(server.url, { user: 'polite', cmd: 'true' })).status,
    200,
    'another user is served',
  );
  assert.equal((await fetch(`${server.url}/v1/jobproxy/ping`)).status, 200);
});

test('the cap on queued and running tasks per user answers 429', async () => {
  const server = await startTestServer({ maxActiveTasks: 2, frameworkOptions: { paused: true } });
  assert.equal((await submit(server.url, { user: 'u', cmd: 'true' })).status, 200);
  assert.equal((await submit(server.url, { user: 'u', cmd: 'true' })).status, 200);
  const third = await submit(server.url, { user: 'u', cmd: 'true' });
  assert.equal(third.status, 429);
  assert.match(third.body.message, /2 tasks queued or running/);
  assert.equal((await submit(server.url, { user: 'v', cmd: 'true' })).status, 200);
});
