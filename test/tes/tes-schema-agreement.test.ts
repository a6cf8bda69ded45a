/**
 * The TES task components the served document publishes and the server's validator
 * (parseTesTask) accept and refuse the same bodies, but for the rules only the validator can
 * check (after the schema), each of which the published form lets through.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { readTesOpenApi } from '../../src/api/openapi-routes.js';
import { buildTesOpenApi } from '../../src/api/tes/tes-openapi.js';
import { parseTesTask } from '../../src/model/validate-tes.js';

type Node = Record<string, unknown>;

const document = buildTesOpenApi(readTesOpenApi()) as { components: { schemas: Node } };
/** The published tesTask with every $ref replaced by its component (the schemas have no cycle). */
function inlined(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(inlined);
  if (typeof node !== 'object' || node === null) return node;
  const ref = (node as Node).$ref;
  if (typeof ref === 'string') {
    return inlined(document.components.schemas[ref.replace('#/components/schemas/', '')]);
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, inlined(value)]));
}
// OpenAPI's `example` and formats (int32, double) are annotations here.
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
const bySchema = ajv.compile(inlined(document.components.schemas.tesTask) as object);

const OPTIONS = { allowedRoots: ['/'], backendParameters: ['cputime'] };
const run = { image: 'alpine', command: ['true'] };
const task = (extra: Node = {}, executor: Node = {}) => ({
  executors: [{ ...run, ...executor }],
  ...extra,
});

const VALID: unknown[] = [
  task(),
  task({ name: 'n', description: 'd', tags: { a: 'b' } }),
  task(
    {},
    {
      workdir: '/w',
      stdin: '/i',
      stdout: '/o',
      stderr: '/e',
      env: { A_1: 'x' },
      ignore_error: true,
    },
  ),
  task({
    inputs: [
      { path: '/a', content: 'x' },
      { path: '/b', url: 'https://h/b', type: 'FILE' },
    ],
  }),
  task({ inputs: [{ path: '/c', url: 's3://bucket/key', streamable: true, name: 'n' }] }),
  task({
    outputs: [{ path: '/o/*.txt', path_prefix: '/o/', url: 'file:///r', type: 'DIRECTORY' }],
  }),
  task({ volumes: ['/v'] }),
  task({ resources: { cpu_cores: 2, ram_gb: 0.5, disk_gb: 0, preemptible: true, zones: ['z'] } }),
  task({ resources: { backend_parameters: { CPUTIME: '2h', Other: 'x' } } }),
  task({ id: 'x', state: 'COMPLETE', logs: [{ logs: [], outputs: [] }], creation_time: 't' }),
];

const INVALID: unknown[] = [
  [],
  'task',
  null,
  {},
  { executors: [] },
  task({ user: 'x' }),
  task({ name: 1 }),
  task({ name: 'x'.repeat(1025) }),
  task({}, { image: '' }),
  task({}, { image: ' ' }),
  task({}, { command: [] }),
  task({}, { command: 'echo' }),
  task({}, { command: ['a', 1] }),
  task({}, { command: ['a\u0000'] }),
  task({}, { workdir: 'relative' }),
  task({}, { stdout: '/a/../b' }),
  task({}, { env: { A: 1 } }),
  task({}, { env: 'A=1' }),
  task({}, { ignore_error: 'yes' }),
  task({}, { extra: 1 }),
  task({ inputs: [{ url: 'file:///a' }] }),
  task({ inputs: [{ path: '/a', content: 'x', type: 'LINK' }] }),
  task({ inputs: [{ path: '/a', content: 7 }] }),
  task({ inputs: 'x' }),
  task({ outputs: [{ path: '/o' }] }),
  task({ outputs: [{ url: 'file:///r' }] }),
  task({ volumes: ['v'] }),
  task({ tags: { a: 1 } }),
  task({ resources: { cpu_cores: 1.5 } }),
  task({ resources: { cpu_cores: 0 } }),
  task({ resources: { ram_gb: 0 } }),
  task({ resources: { disk_gb: -1 } }),
  task({ resources: { zones: 'z' } }),
  task({ resources: { gpus: 1 } }),
  task({ state: 'DONE' }),
  task({ logs: 'x' }),
];

/** What only the validator checks, each with a body that breaks only that rule. */
const RULE_ONLY: [string, unknown, object?][] = [
  ['a path outside the allowed roots', task({}, { workdir: '/etc' }), { allowedRoots: ['/work'] }],
  ['an input needs url unless content', task({ inputs: [{ path: '/a' }] })],
  ['a url used is not blank', task({ inputs: [{ path: '/a', url: ' ' }] })],
  ['a URL scheme JobProxy does not speak', task({ inputs: [{ path: '/a', url: 'gs://b/a' }] })],
  ['an output cannot go to http', task({ outputs: [{ path: '/o', url: 'https://h/o' }] })],
  ['an s3 bucket name', task({ inputs: [{ path: '/a', url: 's3://B_/a' }] })],
  [
    'a DIRECTORY input has no content',
    task({ inputs: [{ path: '/d', content: 'x', type: 'DIRECTORY' }] }),
  ],
  ['a wildcard output needs path_prefix', task({ outputs: [{ path: '/o/*', url: 'file:///r' }] })],
  [
    'an input url overlapping its path',
    task({ inputs: [{ path: '/data/a', url: 'file:///data' }] }),
  ],
  ['environment variable names', task({}, { env: { 'A-B': 'x' } })],
  ['the first argv entry is not empty', task({}, { command: ['', 'x'] })],
  [
    'a strict unsupported backend parameter',
    task({ resources: { backend_parameters: { VmSize: 'x' }, backend_parameters_strict: true } }),
  ],
  [
    'a cputime that is no duration',
    task({ resources: { backend_parameters: { cputime: 'soon' } } }),
  ],
];

function validatorAccepts(body: unknown, options: object = {}): boolean {
  try {
    parseTesTask(body, { ...OPTIONS, ...options });
    return true;
  } catch {
    return false;
  }
}

test('the published tesTask and the validator agree on every body of the corpus', () => {
  const disagreements: string[] = [];
  for (const [expected, bodies] of [
    [true, VALID],
    [false, INVALID],
  ] as const) {
    for (const body of bodies) {
      const validator = validatorAccepts(body);
      const schema = bySchema(body);
      if (validator !== expected || schema !== expected) {
        disagreements.push(`${JSON.stringify(body)}: validator ${validator}, schema ${schema}`);
      }
    }
  }
  assert.deepEqual(disagreements, []);
});

test('each rule only the validator checks is refused by it and passed by the published schema', () => {
  for (const [rule, body, options] of RULE_ONLY) {
    assert.equal(validatorAccepts(body, options), false, `validator: ${rule}`);
    assert.equal(bySchema(body), true, `schema: ${rule}`);
  }
});
