import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { JobProxyError } from '../errors.js';
import { inFieldOrder } from './problem-order.js';
import { compileContract, MAX_PROBLEMS } from './schema-problems.js';
import { parseTesTask } from './validate-tes.js';

const SCHEMA = Type.Object(
  {
    a: Type.String(),
    list: Type.Array(Type.Object({ x: Type.String(), y: Type.String() })),
    map: Type.Unsafe({ type: 'object', additionalProperties: { type: 'string' } }),
  },
  { additionalProperties: false, problemOrder: ['list', 'map', 'a'] },
);

test('problems follow problemOrder, list indexes, and the body order of unknown and map keys', () => {
  const body = { zz: 1, a: 1, list: [{ y: 1, x: 1 }, {}], map: { q: 1, b: 1 }, yy: 1 };
  const found = [
    { field: 'a', problem: 'p' },
    { field: 'map.b', problem: 'p' },
    { field: 'list[1].x', problem: 'p' },
    { field: 'yy', problem: 'p' },
    { field: 'list[0].y', problem: 'p' },
    { field: 'map.q', problem: 'p' },
    { field: 'list[0].x', problem: 'p' },
    { field: 'zz', problem: 'p' },
    { field: 'a', problem: 'a second problem of a field is left out' },
  ];
  assert.deepEqual(
    inFieldOrder(found, SCHEMA, body).map((p) => p.field),
    ['zz', 'yy', 'list[0].x', 'list[0].y', 'list[1].x', 'map.q', 'map.b', 'a'],
  );
  assert.equal(compileContract(SCHEMA)(body).length, 9);
});

test('past MAX_PROBLEMS problems one last problem says more were left out', () => {
  const many = { executors: Array.from({ length: MAX_PROBLEMS * 3 }, () => 1) };
  let details: { field: string; problem: string }[] = [];
  try {
    parseTesTask(many, { allowedRoots: ['/'], backendParameters: [] });
  } catch (error) {
    assert.ok(error instanceof JobProxyError);
    details = error.details!;
  }
  assert.equal(details.length, MAX_PROBLEMS + 1);
  assert.deepEqual(details[0], { field: 'executors[0]', problem: 'must be an object' });
  assert.deepEqual(details.at(-1), {
    field: 'task',
    problem: `has more problems: the first ${MAX_PROBLEMS} are listed`,
  });
});
