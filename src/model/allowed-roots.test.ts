import assert from 'node:assert/strict';
import { test } from 'node:test';
import { outsideRootsProblem, rootsFor } from './allowed-roots.js';

test('{user} stands for the owner; an owner that is no plain name gets no such root', () => {
  assert.deepEqual(rootsFor('alice', ['/data/{user}', '/shared']), ['/data/alice', '/shared']);
  for (const hostile of ['../bob', '..', '.', 'a/b', 'a\0b']) {
    assert.deepEqual(rootsFor(hostile, ['/data/{user}', '/shared']), ['/shared'], hostile);
  }
});

test("an owner named ../bob cannot reach bob's root through {user}", () => {
  const problem = outsideRootsProblem('/data/bob/x', '../bob', ['/data/{user}/jobs']);
  assert.match(problem ?? '', /outside the allowed roots/);
});
