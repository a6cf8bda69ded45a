import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_CATALOGUE, invalidTask, JobProxyError } from './errors.js';

// Compiled to dist/src/errors.test.js; the page lives in the source tree.
const ERRORS_MD = new URL('../../docs/errors.md', import.meta.url);

/** The rows of the codes table in docs/errors.md: | `CODE` | status | `template` | when |. */
function documentedCodes(): Map<string, { status: number; template: string }> {
  const rows = new Map<string, { status: number; template: string }>();
  for (const line of readFileSync(ERRORS_MD, 'utf8').split('\n')) {
    const match = /^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|\s*`([^`]*)`\s*\|/.exec(line);
    if (!match) continue;
    assert.ok(!rows.has(match[1]!), `${match[1]} is documented twice`);
    rows.set(match[1]!, { status: Number(match[2]), template: match[3]! });
  }
  return rows;
}

test('docs/errors.md documents every catalogue code, with its status and message template', () => {
  const documented = documentedCodes();
  for (const [code, { status, message }] of Object.entries(ERROR_CATALOGUE)) {
    const row = documented.get(code);
    assert.ok(row, `${code} is missing from docs/errors.md`);
    assert.equal(row.status, status, `status of ${code} in docs/errors.md`);
    assert.equal(row.template, message, `message template of ${code} in docs/errors.md`);
  }
});

test('docs/errors.md documents no code the catalogue does not have', () => {
  for (const code of documentedCodes().keys()) {
    assert.ok(
      code in ERROR_CATALOGUE,
      `docs/errors.md documents ${code}, which src/errors.ts lacks`,
    );
  }
});

test('every catalogue status is an HTTP error status', () => {
  for (const [code, { status }] of Object.entries(ERROR_CATALOGUE)) {
    assert.ok(status >= 400 && status <= 599, `${code}: ${status}`);
  }
});

test('a JobProxyError fills the template and carries status and details', () => {
  const error = new JobProxyError('TASK_NOT_FOUND', { id: 'abc' });
  assert.equal(error.message, 'no task with id abc');
  assert.equal(error.status, 404);
  assert.equal(error.code, 'TASK_NOT_FOUND');
  assert.equal(error.details, undefined);
  const missing = new JobProxyError('EXCEEDS_CAPACITY', { field: 'cores' });
  assert.match(
    missing.message,
    /^cores asks for \{asked\}/,
    'an unfilled placeholder stays visible',
  );
});

test('invalidTask lists every problem in the message and the details', () => {
  const error = invalidTask([
    { field: 'user', problem: 'is required' },
    { field: 'container.ports[0].port.host', problem: 'must be a whole number from 1 to 65535' },
  ]);
  assert.equal(error.code, 'INVALID_TASK');
  assert.equal(error.status, 400);
  assert.equal(
    error.message,
    'the task is invalid: user: is required; container.ports[0].port.host: must be a whole number from 1 to 65535',
  );
  assert.equal(error.details?.length, 2);
});
