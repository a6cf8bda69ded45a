/**
 * TES ListTasks paging: 1,000 tasks read 7 at a time while more are added come back each exactly
 * once, in submit order. The framework is paused, so tasks are accepted and stored but none runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../helpers/test-server.js';
import { createTask, tes, type Json } from './tes-client.js';

const server = await startTestServer({ containers: 'host', frameworkOptions: { paused: true } });
const cheap = (i: number): Json => ({
  name: `page-${i}`,
  executors: [{ image: 'alpine', command: ['true'] }],
});

/** Creates tasks `from`..`to`-1, a few requests at a time; resolves to their ids in submit order. */
async function createMany(from: number, to: number, parallel = 8): Promise<string[]> {
  const ids: string[] = [];
  for (let start = from; start < to; start += parallel) {
    const batch = Array.from({ length: Math.min(parallel, to - start) }, (_, k) =>
      createTask(server, cheap(start + k)),
    );
    ids.push(...(await Promise.all(batch)));
  }
  return ids;
}

async function readAllPages(path: string): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const query = token === undefined ? path : `${path}&page_token=${encodeURIComponent(token)}`;
    const answer = await tes(server, 'GET', query);
    assert.equal(answer.status, 200);
    const tasks = answer.body.tasks as Json[];
    assert.ok(tasks.length <= 7, `a page holds at most page_size tasks (got ${tasks.length})`);
    ids.push(...tasks.map((t) => t.id as string));
    token = answer.body.next_page_token as string | undefined;
    pages++;
  } while (token !== undefined);
  return { ids, pages };
}

test('1,000 tasks read with page_size=7 while tasks are added: each exactly once', async () => {
  const original = await createMany(0, 1000);
  const adding = createMany(1000, 1100, 2);
  const { ids, pages } = await readAllPages('/tasks?page_size=7');
  const added = await adding;

  assert.equal(new Set(ids).size, ids.length, 'no task is listed twice');
  const seen = new Set(ids);
  assert.deepEqual(
    original.filter((id) => !seen.has(id)),
    [],
    'every task that existed before paging began is listed',
  );
  // Requests in flight together are stored in either order: compare as sets where that matters.
  assert.deepEqual(
    [...ids.slice(0, 1000)].sort(),
    [...original].sort(),
    'the first 1,000 are the originals',
  );
  const known = new Set([...original, ...added]);
  assert.deepEqual(
    ids.filter((id) => !known.has(id)),
    [],
  );
  assert.ok(pages >= Math.ceil(1000 / 7), `${pages} pages`);

  // Read again once nothing is being added: all 1,100, and the first read was a prefix of it.
  const again = await readAllPages('/tasks?page_size=7&view=BASIC');
  assert.deepEqual([...again.ids].sort(), [...original, ...added].sort());
  assert.deepEqual(again.ids.slice(0, ids.length), ids, 'the order is stable: submit order');
});

test('page_size: default 256, at most 2047; a bad page_token is refused', async () => {
  const first = await tes(server, 'GET', '/tasks');
  assert.equal((first.body.tasks as Json[]).length, 256);
  assert.equal(typeof first.body.next_page_token, 'string');
  const largest = await tes(server, 'GET', '/tasks?page_size=2047');
  assert.equal(largest.status, 200);
  for (const size of ['0', '2048', '-1', '1.5', 'ten']) {
    const answer = await tes(server, 'GET', `/tasks?page_size=${size}`);
    assert.equal(answer.status, 400, `page_size=${size}`);
    assert.equal(answer.body.code, 'INVALID_PARAMETER');
    assert.match(answer.body.message as string, /page_size/);
  }
  for (const token of ['nonsense', 'c2VxOng', '%2F%2F']) {
    const answer = await tes(server, 'GET', `/tasks?page_token=${token}`);
    assert.equal(answer.status, 400, `page_token=${token}`);
    assert.match(answer.body.message as string, /page_token/);
  }
});
