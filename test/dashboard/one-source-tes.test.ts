/**
 * One source for the TES task: the schema of src/model/tes-task-schema.ts is what the server
 * validates POST /ga4gh/tes/v1/tasks with, what the served TES OpenAPI document publishes as its
 * request components and what docs/tes.md's tables show. GA4GH owns the contract, so the published
 * form is held to the pinned spec: every spec field there, with the spec's type; ours only adds
 * limits, in keywords OpenAPI 3.0 (the spec's version) knows.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { withGeneratedTables } from '../../src/api/docs-tables.js';
import { readTesOpenApi } from '../../src/api/openapi-routes.js';
import { TES_DOC_TABLES, tesFieldTable } from '../../src/api/tes/tes-docs-tables.js';
import { namedSchemas, publishedTesComponents } from '../../src/api/tes/tes-openapi.js';
import { compileContract } from '../../src/model/schema-problems.js';
import { TES_EXECUTOR, TES_TASK } from '../../src/model/tes-task-schema.js';
import { buildStubServer } from './stub-service.js';

type Node = Record<string, unknown>;

const REQUEST_COMPONENTS = ['tesTask', 'tesExecutor', 'tesInput', 'tesOutput', 'tesResources'];
/** The keywords a published component may use beyond the spec's: limits (and their patterns). */
const LIMITS = ['maxLength', 'minItems', 'allOf', 'pattern', 'minimum', 'maximum', 'not'];
/** The Schema Object of OpenAPI 3.0 (the pinned spec's version), the keywords we use of it. */
const OPENAPI_30 = new Set([
  ...LIMITS,
  ...['type', 'properties', 'required', 'items', 'additionalProperties', 'enum', '$ref'],
  ...['description', 'example', 'format', 'default', 'readOnly'],
]);

const { schemas: pinned } = readTesOpenApi().components as { schemas: Record<string, Node> };
const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

async function servedDocument(): Promise<{ components: { schemas: Record<string, Node> } }> {
  const { app } = await buildStubServer();
  const answer = await app.inject({ method: 'GET', url: '/ga4gh/tes/v1/openapi.json' });
  return answer.json();
}

/** Problems of `ours` against the spec's `spec` at `at`: a field missing, another type, more. */
function incompatibilities(spec: Node, ours: Node, at: string): string[] {
  if (spec.$ref !== undefined) return ours.$ref === spec.$ref ? [] : [`${at}: not ${spec.$ref}`];
  const found: string[] = [];
  if (ours.type !== spec.type)
    found.push(`${at}: type ${String(ours.type)}, spec ${String(spec.type)}`);
  if (spec.enum && JSON.stringify(ours.enum) !== JSON.stringify(spec.enum))
    found.push(`${at}: enum`);
  for (const required of (spec.required ?? []) as string[]) {
    if (!((ours.required ?? []) as string[]).includes(required))
      found.push(`${at}.${required}: not required`);
  }
  const oursProperties = (ours.properties ?? {}) as Record<string, Node>;
  for (const [key, property] of Object.entries((spec.properties ?? {}) as Record<string, Node>)) {
    const mine = oursProperties[key];
    if (mine === undefined) found.push(`${at}.${key}: missing`);
    else found.push(...incompatibilities(property, mine, `${at}.${key}`));
  }
  for (const key of Object.keys(oursProperties)) {
    if (!isNode(spec.properties) || !(key in spec.properties))
      found.push(`${at}.${key}: not in the spec`);
  }
  for (const key of ['items', 'additionalProperties'] as const) {
    if (isNode(spec[key]))
      found.push(...incompatibilities(spec[key], (ours[key] ?? {}) as Node, `${at}.${key}`));
  }
  // A description where the spec has none says more, and limits nothing.
  const extra = Object.keys(ours).filter(
    (key) => !(key in spec) && !LIMITS.includes(key) && key !== 'description',
  );
  // additionalProperties: false is a limit too.
  if (extra.some((key) => key !== 'additionalProperties' || ours[key] !== false)) {
    found.push(`${at}: adds ${extra.join(', ')}`);
  }
  return found;
}

/** Every key of `node` (deep) that OpenAPI 3.0's Schema Object does not know. */
function unknownKeywords(node: unknown, at: string): string[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => unknownKeywords(item, `${at}[${i}]`));
  if (!isNode(node)) return [];
  return Object.entries(node).flatMap(([key, value]) => {
    if (!OPENAPI_30.has(key)) return [`${at}.${key}`];
    if (key === 'properties') {
      return Object.entries(value as Node).flatMap(([name, p]) =>
        unknownKeywords(p, `${at}.${name}`),
      );
    }
    return key === 'enum' || key === 'example' || key === 'default'
      ? []
      : unknownKeywords(value, `${at}.${key}`);
  });
}

test('docs/tes.md holds exactly the tables generated from the TES task schema', () => {
  const document = readFileSync(new URL('../../../docs/tes.md', import.meta.url), 'utf8');
  assert.equal(
    document,
    withGeneratedTables(document, TES_DOC_TABLES),
    'run: node dist/src/api/docs-tables.js --write',
  );
});

test('the served TES document is the pinned spec with the validated schema published in place of its request components', async () => {
  const served = await servedDocument();
  const published = publishedTesComponents(pinned);
  assert.deepEqual(Object.keys(published).sort(), [...REQUEST_COMPONENTS].sort());
  for (const name of REQUEST_COMPONENTS) {
    assert.deepEqual(served.components.schemas[name], published[name], name);
  }
  assert.ok(!JSON.stringify(served).includes('"problem'), 'no problem annotations published');
  assert.ok(!JSON.stringify(served).includes('"publishAs'), 'no publishAs annotations');
  // Everything else is the pinned document as it is.
  const rest = (document: { components: { schemas: Record<string, Node> } }) => {
    const copy = structuredClone(document);
    for (const name of REQUEST_COMPONENTS) delete copy.components.schemas[name];
    return copy;
  };
  assert.deepEqual(rest(served), rest(readTesOpenApi() as typeof served));
});

test("the published components are compatible with the pinned spec's: its fields and types, our limits", async () => {
  const served = await servedDocument();
  const found = REQUEST_COMPONENTS.flatMap((name) => [
    ...incompatibilities(pinned[name]!, served.components.schemas[name]!, name),
    ...unknownKeywords(served.components.schemas[name], name),
  ]);
  assert.deepEqual(found, []);
  // The components we refer to but leave as pinned hold what our schema validates.
  const named = namedSchemas(TES_TASK);
  for (const name of ['tesState', 'tesFileType']) {
    assert.deepEqual(named[name]!.enum, pinned[name]!.enum, name);
  }
  // The check would see a field gone, a type changed or a field added.
  const task = served.components.schemas.tesTask!;
  const properties = { ...(task.properties as Node) };
  delete properties.tags;
  assert.deepEqual(incompatibilities(pinned.tesTask!, { ...task, properties }, 'tesTask'), [
    'tesTask.tags: missing',
  ]);
  const retyped = {
    ...(task.properties as Node),
    name: { type: 'integer' },
    x: { type: 'string' },
  };
  assert.deepEqual(
    incompatibilities(pinned.tesTask!, { ...task, properties: retyped }, 'tesTask'),
    ['tesTask.name: type integer, spec string', 'tesTask.x: not in the spec'],
  );
});

test('a field added to the schema is validated, published and documented', () => {
  const priority = Type.Integer({ minimum: 1, maximum: 9, description: 'how urgent it is' });
  const executor = Type.Object(
    { ...TES_EXECUTOR.properties, priority: Type.Optional(priority) },
    { ...TES_EXECUTOR, properties: undefined, required: undefined },
  );
  const task = Type.Object(
    { ...TES_TASK.properties, executors: Type.Array(executor, TES_TASK.properties.executors) },
    { ...TES_TASK, properties: undefined, required: undefined },
  );
  const body = (value: unknown) => ({
    executors: [{ image: 'i', command: ['x'], priority: value }],
  });
  // Validation: the new field is known, its bounds hold, with its path.
  const check = compileContract(task);
  assert.deepEqual(check(body(3)), []);
  assert.deepEqual(check(body(12)), [{ field: 'executors[0].priority', problem: 'must be <= 9' }]);
  assert.deepEqual(
    compileContract(TES_TASK)(body(3)).map((p) => p.field),
    ['executors[0].priority'],
  );
  // Published, in the executor's component.
  const published = publishedTesComponents(pinned, task);
  assert.deepEqual((published.tesExecutor!.properties as Node).priority, {
    type: 'integer',
    minimum: 1,
    maximum: 9,
    description: 'how urgent it is',
  });
  assert.deepEqual((published.tesTask!.properties as Node).executors, {
    ...((publishedTesComponents(pinned).tesTask!.properties as Node).executors as Node),
  });
  // Documented.
  assert.match(
    tesFieldTable(executor),
    /\| `priority` \| whole number \| ≥ 1, ≤ 9 \| how urgent it is \|/,
  );
});
