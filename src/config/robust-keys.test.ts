/** The keys of issue 11: allowedHosts and retention, from every layer, checked. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './load-config.js';

test('allowedHosts: a comma-separated list from the environment, lower-cased', () => {
  const config = loadConfig({
    env: { JOBPROXY_ALLOWEDHOSTS: 'Jobs.Example.org, *.cluster.example' },
  });
  assert.deepEqual(config.allowedHosts, ['jobs.example.org', '*.cluster.example']);
});

test('allowedHosts: a name with a path or a scheme is refused, naming the key', () => {
  assert.throws(
    () => loadConfig({ flags: { allowedHosts: 'http://evil/x' } }),
    (error: unknown) => error instanceof ConfigError && /allowedHosts/.test(error.message),
  );
});

test('retention: 30d by default; a duration with a unit or 0 is accepted', () => {
  assert.equal(loadConfig({}).retention, '30d');
  assert.equal(loadConfig({ flags: { retention: '12h' } }).retention, '12h');
  assert.equal(loadConfig({ flags: { retention: 0 } }).retention, '0');
});

test('retention: no duration is a config error naming the key', () => {
  assert.throws(
    () => loadConfig({ flags: { retention: 'forever' } }),
    (error: unknown) => error instanceof ConfigError && /retention/.test(error.message),
  );
});
