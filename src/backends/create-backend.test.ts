import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FRAMEWORKS, findFramework, UnknownFrameworkError } from './create-backend.js';

test('every framework definition loads its implementation on demand', async () => {
  for (const framework of FRAMEWORKS) {
    const create = await framework.load();
    assert.equal(typeof create, 'function', `${framework.name}: load() gives a constructor`);
  }
  assert.throws(() => findFramework('pbs'), UnknownFrameworkError);
});
