import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyRequest } from 'fastify';
import { callerOf, visibleOwner } from './caller.js';

test('a request no access hook named has no rights (fail closed)', () => {
  const caller = callerOf({} as FastifyRequest);
  assert.equal(caller.admin, false);
  assert.equal(caller.user, undefined);
  // Sees no one's tasks: an owner no task can have.
  assert.equal(visibleOwner(caller), '\u0000');
});

test('a caller set by a hook is the caller', () => {
  const caller = callerOf({ caller: { user: 'bob', admin: false } } as FastifyRequest);
  assert.deepEqual(caller, { user: 'bob', admin: false });
});
