/**
 * The JobProxy v1 API as specs/jobproxy-api.md and DESIGN.md §1 describe it, over real HTTP on
 * the local framework: submit in JSON and XML (the first implementation's helloworld.xml as is),
 * answers by Accept, State fields and their order, listings, ping. Delete: v1-delete.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import {
  getState,
  startTestServer,
  submitTask,
  tempDir,
  waitForState,
} from '../helpers/test-server.js';

// Output paths must lie inside the allowed roots: this file's own directory is one.
const outputs = tempDir();
const server = await startTestServer({ allowedRoots: [outputs] });
const V1 = `${server.url}/v1/jobproxy`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
// A byte-for-byte copy of specs/jobproxy-original-helloworld.xml (the repository has no specs/).
const HELLO_WORLD = new URL(
  '../../../test/api/fixtures/jobproxy-original-helloworld.xml',
  import.meta.url,
);

async function submit(body: string, contentType: string, accept?: string): Promise<Response> {
  return fetch(`${V1}/submit`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(accept ? { accept } : {}) },
    body,
  });
}

/** Submits, checks the 200, and waits for the task to end. */
async function run(
  body: string,
  contentType = 'application/json',
): Promise<Record<string, unknown>> {
  const response = await submit(body, contentType);
  const id = await response.text();
  assert.equal(response.status, 200, id);
  return waitForState(server, id);
}

/** The element names directly under the root of a flat XML document, in order. */
function childOrder(xml: string, root: string): string[] {
  const inner = new RegExp(`<${root}>([\\s\\S]*)</${root}>`).exec(xml)?.[1] ?? '';
  return [...inner.matchAll(/<(\w+)>[\s\S]*?<\/\1>|<(\w+)\/>/g)].map((m) => m[1] ?? m[2]!);
}

test('submit JSON answers 200 text/plain with the new task id', async () => {
  const response = await submit(JSON.stringify({ user: 'alice', cmd: 'true' }), 'application/json');
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
  const id = await response.text();
  assert.match(id, UUID);
  assert.equal((await getState(server, id)).id, id);
});

test('submit with Accept: application/json answers {"id"}', async () => {
  const response = await submit(
    JSON.stringify({ user: 'alice', cmd: 'true' }),
    'application/json',
    'application/json',
  );
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  const body = (await response.json()) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body), ['id']);
  assert.match(String(body.id), UUID);
});

test('submit with Accept: application/xml or text/xml answers <id>…</id>', async () => {
  for (const accept of ['application/xml', 'text/xml']) {
    const response = await submit(
      JSON.stringify({ user: 'alice', cmd: 'true' }),
      'application/json',
      accept,
    );
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', new RegExp(`^${accept}`));
    const xml = await response.text();
    assert.equal(XMLValidator.validate(xml), true, xml);
    const id = /<id>([^<]+)<\/id>/.exec(xml)?.[1];
    assert.match(id ?? '', UUID, xml);
  }
});

test('helloworld.xml of the first implementation, sent as is, completes with Hello World!', async () => {
  const xml = readFileSync(HELLO_WORLD, 'utf8');
  assert.match(xml, /xsi:noNamespaceSchemaLocation/, 'the fixture is the original file');
  const state = await run(xml, 'application/xml');
  assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
  assert.match(String(state.stdout), /Hello World!/);
  assert.equal(state.user, 'jkrueger');
});

test('XML bodies are accepted as application/xml and as text/xml', async () => {
  for (const type of ['application/xml', 'text/xml']) {
    const state = await run(`<task><user>bob</user><cmd>echo via ${type}</cmd></task>`, type);
    assert.equal(state.code, 'COMPLETE');
    assert.equal(state.stdout, `via ${type}\n`);
  }
});

test('cmd as a string runs under /bin/sh -c', async () => {
  const state = await run(JSON.stringify({ user: 'alice', cmd: 'echo $((40 + 2)); echo second' }));
  assert.equal(state.stdout, '42\nsecond\n');
});

test('cmd as an array runs as argv without a shell: $HOME and ; stay literal', async () => {
  const state = await run(
    JSON.stringify({ user: 'alice', cmd: ['/bin/echo', '$HOME', 'a;b', '*'] }),
  );
  assert.equal(state.code, 'COMPLETE');
  assert.equal(state.stdout, '$HOME a;b *\n');
});

test('a non-zero exit is EXECUTOR_ERROR with the exit code', async () => {
  const state = await run(JSON.stringify({ user: 'alice', cmd: 'echo oops >&2; exit 3' }));
  assert.equal(state.code, 'EXECUTOR_ERROR');
  assert.equal(state.exitCode, 3);
  assert.match(String(state.description), /3/);
  assert.equal(state.stderr, 'oops\n');
});

test('stdout and stderr paths receive the output, and state shows it', async () => {
  const stdout = join(outputs, 'out.txt');
  const stderr = join(outputs, 'err.txt');
  const state = await run(
    JSON.stringify({ user: 'alice', cmd: 'echo out; echo err >&2', stdout, stderr }),
  );
  assert.equal(readFileSync(stdout, 'utf8'), 'out\n');
  assert.equal(readFileSync(stderr, 'utf8'), 'err\n');
  assert.equal(state.stdout, 'out\n');
  assert.equal(state.stderr, 'err\n');
});

test('memory and cputime with units are accepted', async () => {
  const state = await run(
    JSON.stringify({ user: 'alice', cmd: 'true', memory: '512M', cputime: '90s' }),
  );
  assert.equal(state.code, 'COMPLETE');
});

test('GET state/{id} answers a JSON State with every field', async () => {
  const state = await run(JSON.stringify({ user: 'carol', cmd: 'echo hi' }));
  assert.deepEqual(Object.keys(state).slice(0, 5), [
    'id',
    'code',
    'description',
    'stdout',
    'stderr',
  ]);
  assert.equal(state.code, 'COMPLETE');
  assert.equal(state.exitCode, 0);
  assert.equal(state.user, 'carol');
  assert.equal(state.framework, 'local');
  for (const time of ['created', 'started', 'ended'])
    assert.match(String(state[time]), RFC3339, time);
});

test('GET state/{id} answers XML by Accept, fields in the XSD order id, code, description, stdout, stderr', async () => {
  const { id } = await run(JSON.stringify({ user: 'carol', cmd: "printf '<a & b>'" }));
  const response = await fetch(`${V1}/state/${String(id)}`, {
    headers: { accept: 'application/xml' },
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/xml/);
  const xml = await response.text();
  assert.equal(XMLValidator.validate(xml), true, xml);
  assert.deepEqual(childOrder(xml, 'state').slice(0, 5), [
    'id',
    'code',
    'description',
    'stdout',
    'stderr',
  ]);
  assert.match(xml, /<stdout>&lt;a &amp; b&gt;<\/stdout>/);
  assert.match(xml, /<code>COMPLETE<\/code>/);
});

test('GET state lists tasks as JSON by default, without outputs', async () => {
  const id = await submitTask(server, { user: 'dave', cmd: 'echo listed' });
  await waitForState(server, id);
  const response = await fetch(`${V1}/state`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  const body = (await response.json()) as { state: Record<string, unknown>[] };
  assert.deepEqual(Object.keys(body), ['state']);
  const mine = body.state.find((s) => s.id === id);
  assert.ok(mine, 'the task is listed');
  assert.equal(mine.code, 'COMPLETE');
  for (const state of body.state) {
    assert.ok(
      !('stdout' in state) && !('stderr' in state),
      `a listing has no outputs: ${JSON.stringify(state)}`,
    );
  }
});

test('GET state answers <states><state>… when Accept prefers XML', async () => {
  const id = await submitTask(server, { user: 'dave', cmd: 'true' });
  const response = await fetch(`${V1}/state`, {
    headers: { accept: 'text/html;q=0.5, application/xml' },
  });
  assert.equal(response.status, 200);
  const xml = await response.text();
  assert.equal(XMLValidator.validate(xml), true, xml);
  assert.match(xml, /^<\?xml[^>]*\?>\s*<states><state><id>/);
  assert.ok(xml.includes(`<id>${id}</id>`));
  assert.ok(!xml.includes('<stdout>'), 'a listing has no outputs');
});

test('ping answers alive with a timestamp in the first implementation format', async () => {
  const response = await fetch(`${V1}/ping`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
  assert.match(await response.text(), /^alive \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\)$/);
});
