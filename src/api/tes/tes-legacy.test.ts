import { test } from 'node:test';
import assert from 'node:assert/strict';
import { legacyServiceInfo, legacyTaskView } from './tes-legacy.js';

test('a task being canceled shows as CANCELED to py-tes 0.4.x, which has no CANCELING', () => {
  assert.equal(legacyTaskView({ id: 'a', state: 'CANCELING' }).state, 'CANCELED');
  for (const state of ['QUEUED', 'RUNNING', 'COMPLETE', 'CANCELED'] as const) {
    assert.equal(legacyTaskView({ id: 'a', state }).state, state);
  }
});

test('the old service-info keeps name, the description as doc, and storage', () => {
  const info = legacyServiceInfo({
    id: 'x',
    name: 'JobProxy',
    type: { group: 'org.ga4gh', artifact: 'tes', version: '1.1.0' },
    description: 'words',
    organization: { name: 'o', url: 'http://h/' },
    version: '1',
    storage: ['file:///data'],
    tesResources_backend_parameters: [],
  });
  assert.deepEqual(info, { name: 'JobProxy', doc: 'words', storage: ['file:///data'] });
});
