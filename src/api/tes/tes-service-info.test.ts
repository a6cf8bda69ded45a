import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceInfo, type ServiceInfoFacts } from './tes-service-info.js';

const FACTS: ServiceInfoFacts = {
  framework: 'local',
  containers: 'docker',
  allowedRoots: ['/work'],
  backendParameters: [],
  baseUrl: 'http://localhost:9999/',
};

test('storage lists what is switched on: the roots for file, s3:// for s3', () => {
  assert.deepEqual(serviceInfo(FACTS).storage, ['file:///work', 's3://']);
  assert.deepEqual(serviceInfo({ ...FACTS, schemes: ['http', 'https', 's3'] }).storage, ['s3://']);
  const fileOnly = serviceInfo({ ...FACTS, schemes: ['file'] });
  assert.deepEqual(fileOnly.storage, ['file:///work']);
  assert.match(
    fileOnly.description,
    /Inputs may be content, file:\/\/ URLs or absolute paths; outputs go to file:\/\/ URLs or absolute paths\./,
  );
});
