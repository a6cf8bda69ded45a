import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newTaskId } from './task-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('a task id is a version 7 UUID whose first 48 bits are the time in ms', () => {
  const now = Date.UTC(2026, 11, 2, 3, 0, 0, 123);
  const id = newTaskId(now);
  assert.match(id, UUID_V7);
  assert.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), now);
});

test('ids are distinct, and later ones sort after earlier ones', () => {
  const ids = Array.from({ length: 1000 }, (_, i) => newTaskId(1_700_000_000_000 + i));
  assert.equal(new Set(ids).size, ids.length, 'no id twice (the random buffer is refilled)');
  assert.deepEqual([...ids].sort(), ids, 'ordered by time');
  for (const id of ids) assert.match(id, UUID_V7);
});

test('ids made in the same millisecond differ in their random bits', () => {
  const ids = Array.from({ length: 300 }, () => newTaskId(1_700_000_000_000));
  assert.equal(new Set(ids).size, 300);
  // 74 random bits: the part after the time is never the same twice.
  assert.equal(new Set(ids.map((id) => id.slice(14))).size, 300);
});
