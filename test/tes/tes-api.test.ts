/**
 * The TES API's contract beyond running tasks: service-info, views, filters (the spec's tag truth
 * table), both APIs on one store, and errors. The framework is paused: tasks are accepted and
 * stored but none runs. Every answer is checked against the pinned schema by the TES client.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { getState, startTestServer, submitTask } from '../helpers/test-server.js';
import { createTask, getTask, tes, type Json } from './tes-client.js';

const server = await startTestServer({ containers: 'host', frameworkOptions: { paused: true } });
const work = server.config.workdir;
const executor = { image: 'alpine', command: ['echo', 'hi'] };

async function listIds(query: string): Promise<string[]> {
  const answer = await tes(server, 'GET', `/tasks?${query}`);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return (answer.body.tasks as Json[]).map((t) => t.id as string);
}

test('service-info says executors run on the host and where files may be', async () => {
  const answer = await tes(server, 'GET', '/service-info');
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body.type, { group: 'org.ga4gh', artifact: 'tes', version: '1.1.0' });
  assert.match(
    answer.body.description as string,
    /host processes: their image is ignored \(containers: host\)/,
  );
  assert.deepEqual(answer.body.storage, [pathToFileURL(work).href, 's3://']);
  assert.deepEqual(answer.body.tesResources_backend_parameters, ['cputime']);
});

test('views: MINIMAL by default, BASIC without content, FULL with everything', async () => {
  const id = await createTask(server, {
    name: 'views',
    description: 'a task to look at',
    inputs: [{ path: join(work, 'v/in.txt'), content: 'secret-ish content' }],
    outputs: [{ path: join(work, 'v/out.txt'), url: pathToFileURL(join(work, 'v/copy.txt')).href }],
    resources: {
      cpu_cores: 1,
      ram_gb: 0.5,
      preemptible: true,
      backend_parameters: { VmSize: 'big' },
    },
    executors: [executor],
    volumes: [join(work, 'v/vol')],
    tags: { kind: 'views' },
  });
  assert.deepEqual(await getTask(server, id, 'MINIMAL'), { id, state: 'QUEUED' });
  assert.deepEqual((await tes(server, 'GET', `/tasks/${id}`)).body, { id, state: 'QUEUED' });
  const basic = await getTask(server, id, 'BASIC');
  assert.deepEqual(basic.inputs, [{ path: join(work, 'v/in.txt') }]);
  // Unsupported backend parameters are neither stored nor returned (the spec), only warned about.
  assert.deepEqual(basic.resources, {
    cpu_cores: 1,
    ram_gb: 0.5,
    preemptible: true,
    backend_parameters: {},
  });
  assert.deepEqual(basic.executors, [executor]);
  assert.deepEqual(basic.tags, { kind: 'views' });
  assert.equal(basic.name, 'views');
  assert.equal(typeof basic.creation_time, 'string');
  const full = await getTask(server, id, 'full');
  assert.equal((full.inputs as Json[])[0]!.content, 'secret-ish content');
  assert.equal(full.logs, undefined, 'a task that has not started has no TaskLog yet');

  // Canceled before it ran: it ended, so it has a log; FULL shows the warning in system_logs.
  await tes(server, 'POST', `/tasks/${id}:cancel`);
  const canceled = await getTask(server, id, 'FULL');
  assert.equal(canceled.state, 'CANCELED');
  const log = (canceled.logs as Json[])[0]!;
  assert.match(
    (log.system_logs as string[]).join('\n'),
    /backend parameter "VmSize" is not supported/,
  );
  assert.equal((log.metadata as Json).framework, 'local');
});

test('filters: name_prefix, state, and tag_key/tag_value as the spec truth table', async () => {
  const tagged = async (tags: Json | undefined): Promise<string> =>
    createTask(server, { name: 'filter-task', executors: [executor], ...(tags ? { tags } : {}) });
  const barTask = await tagged({ foo: 'bar' });
  const batTask = await tagged({ foo: 'bat' });
  const emptyTask = await tagged({ foo: '' });
  const bothTask = await tagged({ foo: 'bar', baz: 'bat' });
  const untagged = await tagged(undefined);
  const filter = 'name_prefix=filter-&page_size=100';
  assert.deepEqual(await listIds(filter), [barTask, batTask, emptyTask, bothTask, untagged]);
  assert.deepEqual(await listIds(`${filter}&tag_key=foo&tag_value=bar`), [barTask, bothTask]);
  assert.deepEqual(await listIds(`${filter}&tag_key=foo`), [barTask, batTask, emptyTask, bothTask]);
  assert.deepEqual(await listIds(`${filter}&tag_key=foo&tag_value=`), [
    barTask,
    batTask,
    emptyTask,
    bothTask,
  ]);
  assert.deepEqual(await listIds(`${filter}&tag_key=foo&tag_value=bar&tag_key=baz&tag_value=bat`), [
    bothTask,
  ]);
  assert.deepEqual(await listIds(`${filter}&tag_key=baz&tag_key=foo&tag_value=bat&tag_value=bar`), [
    bothTask,
  ]);
  assert.deepEqual(await listIds('name_prefix=filter-x'), []);

  await tes(server, 'POST', `/tasks/${batTask}:cancel`);
  assert.deepEqual(await listIds(`${filter}&state=CANCELED`), [batTask]);
  assert.deepEqual(
    await listIds(`${filter}&state=PAUSED`),
    [],
    'a state JobProxy never uses matches nothing',
  );
  const full = await tes(server, 'GET', `/tasks?${filter}&tag_key=baz&view=FULL`);
  assert.deepEqual(
    (full.body.tasks as Json[]).map((t) => t.tags),
    [{ foo: 'bar', baz: 'bat' }],
  );
});

test('both APIs see one store: a v1 task in TES, a TES task in v1, v1 delete removes a TES task', async () => {
  const v1Id = await submitTask(server, {
    user: 'alice',
    cmd: 'echo from v1',
    cores: 0.5,
    memory: 512,
  });
  const shown = await getTask(server, v1Id, 'BASIC');
  assert.deepEqual(shown.executors, [
    { image: 'host', command: ['/bin/sh', '-c', 'echo from v1'] },
  ]);
  assert.deepEqual(shown.resources, { cpu_cores: 1, ram_gb: 0.5 });
  assert.ok((await listIds('page_size=2047')).includes(v1Id));

  const tesId = await createTask(server, { executors: [executor] });
  const state = await getState(server, tesId);
  assert.equal(state.code, 'QUEUED');
  assert.equal(state.user, 'anonymous');
  const deleted = await fetch(`${server.url}/v1/jobproxy/delete/${tesId}`, { method: 'DELETE' });
  assert.equal(deleted.status, 204);
  const gone = await tes(server, 'GET', `/tasks/${tesId}`);
  assert.equal(gone.status, 404);
});

test('errors: unknown id 404, invalid task 400 with every problem, bad parameters 400', async () => {
  const missing = await tes(server, 'GET', '/tasks/no-such-task?view=FULL');
  assert.deepEqual([missing.status, missing.body.code], [404, 'TASK_NOT_FOUND']);
  const cancelMissing = await tes(server, 'POST', '/tasks/no-such-task:cancel');
  assert.deepEqual([cancelMissing.status, cancelMissing.body.code], [404, 'TASK_NOT_FOUND']);

  const invalid = await tes(server, 'POST', '/tasks', {
    executors: [
      { image: 'alpine', command: [] },
      { command: ['x'], workdir: '/etc' },
    ],
    outputs: [{ path: join(work, 'o'), url: 'gs://bucket/o' }],
    resources: { backend_parameters: { VmSize: 'big' }, backend_parameters_strict: true },
  });
  assert.equal(invalid.status, 400);
  assert.equal(invalid.body.code, 'INVALID_TASK');
  assert.deepEqual(
    (invalid.body.details as Json[]).map((d) => d.field),
    [
      'executors[0].command',
      'executors[1].image',
      'executors[1].workdir',
      'outputs[0].url',
      'resources.backend_parameters.VmSize',
    ],
  );
  assert.match(
    invalid.body.message as string,
    /executors\[1\]\.workdir: must lie inside the allowed roots/,
  );

  for (const query of [
    'view=EVERYTHING',
    'state=DONE',
    'tag_value=x',
    'colour=red',
    'view=FULL&view=BASIC',
  ]) {
    const answer = await tes(server, 'GET', `/tasks?${query}`);
    assert.deepEqual([answer.status, answer.body.code], [400, 'INVALID_PARAMETER'], query);
  }
  const notJson = await fetch(`${server.url}/ga4gh/tes/v1/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{',
  });
  assert.equal(notJson.status, 400);
});
