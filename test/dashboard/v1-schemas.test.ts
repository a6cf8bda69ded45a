/**
 * The Task schema published in the v1 OpenAPI document (derived from the one the server validates
 * with: nulls admitted, problem annotations dropped) and the server's validator (parseV1Task)
 * accept and refuse the same bodies, and the server's real answers match the answer schemas of
 * the same document.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { VALIDATOR_ONLY_RULES } from '../../src/api/v1-schemas.js';
import { parseV1Task } from '../../src/model/validate-v1.js';
import { startTestServer, submitTask, waitForState } from '../helpers/test-server.js';
import { createSchemaChecker } from './schema-check.js';

const checker = await createSchemaChecker();
after(() => checker.close());

const base = { user: 'alice', cmd: 'echo hi' };
const withContainer = (container: unknown) => ({ user: 'alice', container });
const image = { image: 'alpine:3.20' };

const VALID: unknown[] = [
  base,
  { user: ' x ', cmd: ['/bin/echo', 'hi', ''] },
  { user: 'u'.repeat(256), cmd: 'true' },
  withContainer(image),
  withContainer({ ...image, cmd: 'echo in a container' }),
  withContainer({ ...image, cmd: ['echo', 'argv'] }),
  { ...base, container: image },
  { ...base, cores: 0.5, memory: 512, cputime: 90 },
  ...['512M', '2G', '1.5gib', ' 3 kb ', '1024', '1T'].map((memory) => ({ ...base, memory })),
  ...['90s', '2h', '1.5min', '10 sec', '3d', '45'].map((cputime) => ({ ...base, cputime })),
  { ...base, stdout: '/tmp/out', stderr: '/var/log/a..b/x.err' },
  withContainer({ ...image, ports: { port: { host: 8080, container: 80 } } }),
  withContainer({
    ...image,
    ports: [{ port: { host: 1, container: 2 } }, { host: 3, container: 4 }],
  }),
  withContainer({ ...image, ports: { port: [{ host: 1, container: 65535 }] } }),
  withContainer({ ...image, ports: '' }),
  withContainer({ ...image, ports: [] }),
  withContainer({ ...image, mounts: { mount: { host: '/data', container: '/data', mode: 'ro' } } }),
  withContainer({ ...image, mounts: [{ host: '/a', container: '/b' }] }),
  withContainer({ ...image, mounts: '' }),
  // Jackson (the first implementation's clients) sends every absent field as null.
  {
    user: 'alice',
    cmd: ['/bin/echo hello world'],
    container: null,
    cores: null,
    memory: null,
    cputime: null,
    stdout: null,
    stderr: null,
  },
  withContainer({ ...image, cmd: null, ports: null, mounts: null }),
  { ...base, container: { ...image, cmd: null } },
  withContainer({ ...image, mounts: [{ mount: { host: '/a', container: '/b', mode: null } }] }),
  withContainer({ ...image, mounts: { host: '/a', container: '/b', mode: null } }),
];

const INVALID: unknown[] = [
  {},
  [],
  'a string',
  null,
  { user: 'alice' },
  { cmd: 'echo' },
  { ...base, user: '' },
  { ...base, user: '   ' },
  { ...base, user: 'u'.repeat(257) },
  { ...base, user: 5 },
  { ...base, user: 'a\u0000b' },
  { ...base, cmd: '' },
  { ...base, cmd: ' \n ' },
  { ...base, cmd: [] },
  { ...base, cmd: [1] },
  { ...base, cmd: {} },
  { ...base, cmd: ['echo', 'a\u0000'] },
  { ...base, foo: 1 },
  withContainer('alpine'),
  withContainer({}),
  withContainer({ image: '' }),
  withContainer({ ...image, extra: 1 }),
  withContainer({ ...image, cmd: [] }),
  { user: 'alice', cmd: null },
  { user: 'alice', cmd: null, container: null },
  { user: null, cmd: 'echo' },
  withContainer({ image: null }),
  { ...base, cmd: [null] },
  withContainer({ ...image, ports: [null] }),
  withContainer({ ...image, ports: { port: null } }),
  { ...base, container: { ...image, cmd: 'twice' } },
  ...[0, -1, '2', true, 1e13].map((cores) => ({ ...base, cores })),
  ...[0, '0M', '0.0G', '512X', 'M', '-5M', '1e3M', -1, '12 34'].map((memory) => ({
    ...base,
    memory,
  })),
  ...['0s', '5 parsecs', '1y', false].map((cputime) => ({ ...base, cputime })),
  ...['relative/path', '/a/../b', '/..', '', 5, '/a\u0000'].map((stdout) => ({ ...base, stdout })),
  ...[
    { port: { host: 0, container: 80 } },
    { port: { host: '80', container: 80 } },
    { host: 1.5, container: 2 },
    { port: { host: 1, container: 2 }, extra: 1 },
    [''],
    { port: { host: 1 } },
    'abc',
    { host: 1, container: 2, port: 3 },
    {},
  ].map((ports) => withContainer({ ...image, ports })),
  ...[
    { mount: { host: 'relative', container: '/c' } },
    { host: '/a', container: '/b', mode: 'rx' },
    { mount: { host: '/a' } },
    [{ host: '/a/../etc', container: '/b' }],
  ].map((mounts) => withContainer({ ...image, mounts })),
];

function validatorAccepts(body: unknown): boolean {
  try {
    parseV1Task(body);
    return true;
  } catch {
    return false;
  }
}

test('the Task schema and the validator agree on every body of the corpus', async () => {
  const disagreements: string[] = [];
  for (const [expected, bodies] of [
    [true, VALID],
    [false, INVALID],
  ] as const) {
    for (const body of bodies) {
      const byValidator = validatorAccepts(body);
      const complaint = await checker.check('Task', body);
      const bySchema = complaint === undefined;
      if (byValidator !== expected || bySchema !== expected) {
        disagreements.push(
          `${JSON.stringify(body)}: expected ${expected ? 'valid' : 'invalid'}, validator ${byValidator}, schema ${bySchema}${complaint ? ` (${complaint})` : ''}`,
        );
      }
    }
  }
  assert.deepEqual(disagreements, []);
});

test('each rule only the validator checks is refused by it and passed by the schema', async () => {
  for (const { rule, example } of VALIDATOR_ONLY_RULES) {
    const body = { ...base, ...example };
    assert.equal(validatorAccepts(body), false, `validator, ${rule}`);
    assert.equal(await checker.check('Task', body), undefined, `schema, ${rule}`);
  }
});

test("the server's answers match the answer schemas", async () => {
  const server = await startTestServer();
  const v1 = `${server.url}/v1/jobproxy`;
  const json = async (path: string, init: RequestInit = {}): Promise<unknown> => {
    const response = await fetch(`${v1}${path}`, {
      ...init,
      headers: { accept: 'application/json', ...init.headers },
    });
    return response.json();
  };
  const submitted = await json('/submit', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'alice', cmd: 'echo hi; exit 2' }),
  });
  const running = await submitTask(server, { user: 'bob', cmd: 'sleep 30' });
  const id = (submitted as { id: string }).id;
  await waitForState(server, id);
  await waitForState(server, running, (s) => s.code === 'RUNNING');
  const answers: [string, unknown][] = [
    ['SubmitAnswer', submitted],
    ['State', await json(`/state/${id}`)],
    ['State', await json(`/state/${running}`)],
    ['States', await json('/state')],
    ['Detail', await json(`/detail/${id}`)],
    ['Overview', await json('/overview')],
    ['State', await json(`/cancel/${running}`, { method: 'POST' })],
    ['Error', await json('/state/no-such-task')],
    ['Error', await json(`/state/${id}?wait=soon`)],
  ];
  for (const [schema, value] of answers) {
    assert.equal(
      await checker.check(schema, value),
      undefined,
      `${schema}: ${JSON.stringify(value)}`,
    );
  }
});
