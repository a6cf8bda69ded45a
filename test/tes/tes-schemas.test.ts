/**
 * The contract's own footing: the checked-in schemas are what the pinned OpenAPI files say, the
 * YAML reader reads them, and the validator catches what it must (an extra field above all).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveSchemas, loadSchemas } from './derive-schemas.js';
import { checkSchema } from './schema-check.js';
import { checkAnswer } from './tes-client.js';

const { schemas } = loadSchemas();

test('tes-schemas.json is what the pinned YAML files derive to (no drift)', () => {
  assert.deepEqual(
    deriveSchemas(),
    loadSchemas(),
    'run `node dist/test/tes/derive-schemas.js --write` after changing docs/specs/*.yaml',
  );
  assert.deepEqual(schemas.tesOutputFileLog!.required, ['path', 'size_bytes', 'url']);
  assert.equal(schemas.tesOutputFileLog!.properties!.size_bytes!.type, 'string');
});

test('the validator refuses extra fields, wrong types, missing required fields and bad enums', () => {
  const task = { id: 't', state: 'COMPLETE', executors: [{ image: 'i', command: ['true'] }] };
  assert.deepEqual(checkSchema(task, 'tesTask', schemas), []);
  assert.deepEqual(checkSchema({ ...task, user: 'x' }, 'tesTask', schemas), [
    '$.user: is not a field of the schema',
  ]);
  assert.deepEqual(checkSchema({ ...task, state: 'DONE' }, 'tesTask', schemas), [
    '$.state: "DONE" is not one of UNKNOWN, QUEUED, INITIALIZING, RUNNING, PAUSED, COMPLETE, EXECUTOR_ERROR, SYSTEM_ERROR, CANCELED, PREEMPTED, CANCELING',
  ]);
  assert.deepEqual(checkSchema({ id: 't' }, 'tesTask', schemas), ['$.executors: is required']);
  assert.deepEqual(
    checkSchema({ id: 't' }, 'tesTask', schemas, { relaxed: new Set(['tesTask']) }),
    [],
  );
  const log = { url: 'file:///a', path: '/a', size_bytes: 3 };
  assert.deepEqual(checkSchema(log, 'tesOutputFileLog', schemas), [
    '$.size_bytes: is integer, must be string',
  ]);
  assert.deepEqual(checkSchema({ tags: { a: 1 }, executors: [] }, 'tesTask', schemas), [
    '$.tags.a: is integer, must be string',
  ]);
  assert.deepEqual(checkSchema({ extra: 1 }, 'tesCancelTaskResponse', schemas), [
    '$.extra: is not a field of the schema',
  ]);
  const info = {
    id: 'x',
    name: 'x',
    type: { group: 'org.ga4gh', artifact: 'wes', version: '1' },
    organization: { name: 'o', url: 'http://o' },
    version: '1',
    storage: [],
  };
  // allOf merges Service with the TES part: storage is known, and artifact must be "tes".
  assert.deepEqual(checkSchema(info, 'tesServiceInfo', schemas), [
    '$.type.artifact: "wes" is not one of tes',
  ]);
});

test('the client check catches a view that shows too much', () => {
  const minimal = { status: 200, body: { id: 't', state: 'QUEUED', name: 'n' } };
  assert.throws(() => checkAnswer('GET', '/tasks/t', minimal), /MINIMAL task t has name/);
  const basic = {
    status: 200,
    body: {
      id: 't',
      state: 'COMPLETE',
      executors: [],
      logs: [{ logs: [{ exit_code: 0, stdout: '' }], outputs: [] }],
    },
  };
  assert.throws(() => checkAnswer('GET', '/tasks/t?view=BASIC', basic), /stdout\/stderr/);
  assert.throws(
    () => checkAnswer('GET', '/tasks/t', { status: 404, body: { message: 'x' } }),
    /is required/,
  );
});
