/**
 * One source per contract: the v1 Task schema (src/model/v1-task-schema.ts) is what the server
 * validates with, what the OpenAPI document publishes and what docs/api.md's tables show. A field
 * added to that schema shows up in all three, and the document's tables equal the generated ones.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { fieldTable, withGeneratedTables } from '../../src/api/docs-tables.js';
import { buildV1OpenApi } from '../../src/api/openapi-v1.js';
import { publishRequestSchema } from '../../src/api/v1-schemas.js';
import { compileContract } from '../../src/model/schema-problems.js';
import { V1_TASK } from '../../src/model/v1-task-schema.js';

test('docs/api.md holds exactly the tables generated from the schema', () => {
  const document = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');
  assert.equal(
    document,
    withGeneratedTables(document),
    'run: node dist/src/api/docs-tables.js --write',
  );
});

test('the served Task schema is the validated one, published', () => {
  const served = buildV1OpenApi('test') as { components: { schemas: Record<string, unknown> } };
  assert.deepEqual(served.components.schemas.Task, publishRequestSchema(V1_TASK));
});

test('a field added to the schema is validated, published and documented', () => {
  const priority = Type.Integer({ minimum: 1, maximum: 9, description: 'how urgent the task is' });
  const extended = Type.Object(
    { ...V1_TASK.properties, priority: Type.Optional(priority) },
    { ...V1_TASK, properties: undefined, required: undefined },
  );
  const check = compileContract(extended);
  const base = { user: 'alice', cmd: 'true' };
  // Validation: the new field is known, its bounds hold, with its path.
  assert.deepEqual(check({ ...base, priority: 3 }), []);
  assert.deepEqual(
    check({ ...base, priority: 12 }).map((p) => p.field),
    ['priority'],
  );
  assert.deepEqual(compileContract(V1_TASK)({ ...base, priority: 3 }), [
    {
      field: 'priority',
      problem: `unknown field (known: ${Object.keys(V1_TASK.properties).join(', ')})`,
    },
  ]);
  // The published document: a nullable optional field, annotations gone.
  const published = publishRequestSchema(extended) as { properties: Record<string, unknown> };
  assert.deepEqual(published.properties.priority, {
    anyOf: [
      { type: 'integer', minimum: 1, maximum: 9, description: 'how urgent the task is' },
      { type: 'null' },
    ],
  });
  assert.ok(!JSON.stringify(published).includes('"problem'), 'no problem annotations published');
  // The docs table.
  assert.match(fieldTable(extended), /\| `priority` \| integer \| how urgent the task is \|/);
});

test('every problem at once, each with its field path and a plain message', () => {
  const check = compileContract(V1_TASK);
  const byField = (a: { field: string }, b: { field: string }) => a.field.localeCompare(b.field);
  const problems = check({
    user: 7,
    cmd: ['ls', 1],
    cores: 0,
    container: {
      image: 'x',
      ports: [{ port: { host: 0, container: 80 } }, { host: 1.5 }],
      shm: 1,
    },
  });
  assert.deepEqual(
    problems.sort(byField),
    [
      { field: 'user', problem: 'must be a string' },
      { field: 'cmd[1]', problem: 'must be a string' },
      { field: 'container.ports[0].port.host', problem: 'must be a whole number from 1 to 65535' },
      { field: 'container.ports[1].container', problem: 'is required' },
      { field: 'container.ports[1].host', problem: 'must be a whole number from 1 to 65535' },
      { field: 'container.shm', problem: 'unknown field (known: image, cmd, ports, mounts)' },
      { field: 'cores', problem: 'must be a number > 0' },
    ].sort(byField),
  );
});
