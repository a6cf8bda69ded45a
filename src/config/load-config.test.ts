import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FRAMEWORKS } from '../backends/create-backend.js';
import { DEFAULT_CONFIG, type Config } from './config.js';
import { ConfigError, envNameFor, loadConfig, redactConfig } from './load-config.js';

const LOCAL = FRAMEWORKS.find((f) => f.name === 'local')!;
const localDefault = (key: string): unknown => LOCAL.options.find((o) => o.key === key)!.default;

/** Writes a config file into a fresh temp dir, removed when the test ends. */
function writeConfig(t: TestContext, name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'jobproxy-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The ConfigError `fn` throws, for assertions on its message. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a ConfigError');
}

test('no input: the defaults, with the local framework options filled in', () => {
  const config = loadConfig({});
  const { frameworks, ...top } = config;
  assert.deepEqual(top, { ...DEFAULT_CONFIG, store: 'jobproxy-state/jobproxy.db' });
  assert.deepEqual(
    frameworks.local,
    Object.fromEntries(LOCAL.options.map((o) => [o.key, o.default])),
  );
});

test('the result is frozen all the way down', () => {
  const config = loadConfig({}) as Config;
  assert.ok(Object.isFrozen(config));
  assert.ok(Object.isFrozen(config.frameworks.local));
  assert.throws(() => {
    config.framework = 'other';
  }, TypeError);
  assert.throws(() => {
    config.frameworks.local.cores = 99;
  }, TypeError);
});

test('a properties file sets keys, coerced to the type of their default', (t) => {
  const file = writeConfig(
    t,
    'jobproxy.properties',
    '# first implementation style\nserveruri=http://localhost:9998/\ndebug: yes\n' +
      'bodyLimit 2048\nlocal.cores=1\nlocal.paused=true\nlog=INFO\n',
  );
  const config = loadConfig({ file });
  assert.equal(config.serveruri, 'http://localhost:9998/');
  assert.equal(config.debug, true);
  assert.equal(config.bodyLimit, 2048);
  assert.equal(config.log, 'info');
  assert.equal(config.frameworks.local.cores, 1);
  assert.equal(config.frameworks.local.paused, true);
  assert.equal(config.frameworks.local.killGrace, localDefault('killGrace'));
});

test('a JSON file sets keys, framework options as a nested object', (t) => {
  const file = writeConfig(
    t,
    'jobproxy.json',
    JSON.stringify({ framework: 'local', pollInterval: 250, local: { defaultCores: 2 } }),
  );
  const config = loadConfig({ file });
  assert.equal(config.pollIntervalMs, 250, 'the older key pollInterval is an alias');
  assert.equal(config.frameworks.local.defaultCores, 2);
});

test('JOBPROXY_* variables override the file, matched ignoring case and _', (t) => {
  const file = writeConfig(t, 'c.properties', 'log=warn\nlocal.defaultCores=2\n');
  const config = loadConfig({
    file,
    env: {
      JOBPROXY_LOG: 'error',
      JOBPROXY_LOCAL_DEFAULTCORES: '3',
      JOBPROXY_BODYLIMIT: '4096',
      JOBPROXY_SERVER: 'http://elsewhere:1', // the client's setting
      JOBPROXY_TOKEN: 'secret', // the client's setting
      JOBPROXY_STORE: '', // empty = unset
      PATH: '/usr/bin',
    },
  });
  assert.equal(config.log, 'error');
  assert.equal(config.frameworks.local.defaultCores, 3);
  assert.equal(config.bodyLimit, 4096);
  assert.equal(config.store, 'jobproxy-state/jobproxy.db');
});

test('flags override the environment; undefined flags are not set', () => {
  const config = loadConfig({
    env: { JOBPROXY_LOG: 'error', JOBPROXY_FRAMEWORK: 'local' },
    flags: { log: 'debug', framework: undefined, 'local.killGrace': '7' },
  });
  assert.equal(config.log, 'debug');
  assert.equal(config.framework, 'local');
  assert.equal(config.frameworks.local.killGrace, 7);
});

test('the store lives in the private state directory unless set itself', () => {
  assert.equal(loadConfig({ flags: { workdir: '/srv/jp' } }).store, 'jobproxy-state/jobproxy.db');
  assert.equal(loadConfig({ flags: { state: '/var/lib/jp' } }).store, '/var/lib/jp/jobproxy.db');
  const both = loadConfig({ flags: { state: '/var/lib/jp', store: '/db/jp.db' } });
  assert.equal(both.store, '/db/jp.db');
});

test('serveruri: http(s) only; without a port the scheme default applies', () => {
  assert.equal(
    loadConfig({ flags: { serveruri: 'https://example.org' } }).serveruri,
    'https://example.org/',
  );
  const error = configError(() => loadConfig({ flags: { serveruri: 'ftp://host:21/' } }));
  assert.match(
    error.message,
    /serveruri \(flag --serveruri\): expected an http:\/\/ or https:\/\/ URL/,
  );
  assert.match(error.message, /"ftp:\/\/host:21\/"/);
});

test('an unknown key names itself, the file and line, and suggests the near one', (t) => {
  const file = writeConfig(t, 'c.properties', '# x\nserveruir=http://localhost:1/\n');
  const error = configError(() => loadConfig({ file }));
  assert.match(error.message, /"serveruir" \(file .*c\.properties line 2\): unknown key/);
  assert.match(error.message, /did you mean "serveruri"\?/);
  assert.match(error.message, /local\.cores/); // the keys are listed
});

test("an unknown framework option lists that framework's options", () => {
  const error = configError(() => loadConfig({ flags: { 'local.corez': '1' } }));
  assert.match(
    error.message,
    /"local\.corez" \(flag -o local\.corez=…\): the local framework has no such option/,
  );
  assert.match(error.message, /local\.defaultCores/);
});

test('a bad number names the key, the variable and what is expected', () => {
  const error = configError(() => loadConfig({ env: { JOBPROXY_LOCAL_CORES: 'many' } }));
  assert.equal(
    error.message,
    'invalid configuration: local.cores (environment variable JOBPROXY_LOCAL_CORES): ' +
      'expected a number, got "many"',
  );
});

test('a bad JSON type is refused the same way', (t) => {
  const file = writeConfig(t, 'c.json', '{"debug":"perhaps","bodyLimit":-1}');
  const error = configError(() => loadConfig({ file }));
  assert.equal(error.problems.length, 2);
  assert.match(
    error.problems[0],
    /^debug \(file .*c\.json\): expected true or false, got "perhaps"$/,
  );
  assert.match(
    error.problems[1],
    /^bodyLimit \(file .*c\.json\): expected a whole number > 0, got -1$/,
  );
});

test('an unknown framework lists the frameworks, as a value or as a key prefix', () => {
  const names = FRAMEWORKS.map((f) => f.name).join(', ');
  const byValue = configError(() => loadConfig({ flags: { framework: 'slurmm' } }));
  assert.match(byValue.message, /framework \(flag --framework\): unknown framework "slurmm"/);
  assert.ok(byValue.message.includes(`the frameworks are: ${names}`));
  const byKey = configError(() => loadConfig({ env: { JOBPROXY_FRAMEWORK: 'nope' } }));
  assert.match(byKey.message, /environment variable JOBPROXY_FRAMEWORK/);
  const byPrefix = configError(() => loadConfig({ flags: { 'nomad.region': 'eu' } }));
  assert.match(byPrefix.message, /"nomad\.region" .*unknown framework "nomad"/);
});

test("a JOBPROXY_ variable naming no key: a near miss or a framework's is an error", () => {
  const typo = configError(() => loadConfig({ env: { JOBPROXY_SERVERURL: 'http://x:1/' } }));
  assert.equal(
    typo.message,
    'invalid configuration: environment variable JOBPROXY_SERVERURL names no config key ' +
      '(did you mean JOBPROXY_SERVERURI?)',
  );
  const option = configError(() => loadConfig({ env: { JOBPROXY_LOCAL_SPEED: 'fast' } }));
  assert.match(option.message, /JOBPROXY_LOCAL_SPEED: the local framework has no such option/);
  assert.match(option.message, /JOBPROXY_LOCAL_DEFAULTCORES/);
});

test("other JOBPROXY_ variables are not the server's and are skipped", () => {
  const config = loadConfig({
    env: { JOBPROXY_TEST_SERVICES: 'docker slurm', JOBPROXY_TASK_ID: 'abc', JOBPROXY_LOG: 'warn' },
  });
  assert.equal(config.log, 'warn');
});

test('allowedRoots: a JSON list, or comma-separated in a file or the environment', (t) => {
  const file = writeConfig(t, 'c.json', '{"allowedRoots":["/data","/scratch"]}');
  assert.deepEqual(loadConfig({ file }).allowedRoots, ['/data', '/scratch']);
  const env = loadConfig({ env: { JOBPROXY_ALLOWEDROOTS: '/a, /b,' } });
  assert.deepEqual(env.allowedRoots, ['/a', '/b']);
  assert.match(
    configError(() => loadConfig({ flags: { allowedRoots: 'relative/dir' } })).message,
    /allowedRoots \(flag --allowedRoots\): expected absolute paths/,
  );
  assert.deepEqual(DEFAULT_CONFIG.allowedRoots, []);
  assert.ok(!Object.isFrozen(DEFAULT_CONFIG.allowedRoots), 'the defaults were frozen too');
});

test('every problem is reported at once', (t) => {
  const file = writeConfig(t, 'c.properties', 'nope=1\nlocal.cores=x\n');
  const error = configError(() =>
    loadConfig({ file, env: { JOBPROXY_LOG: 'loud' }, flags: { pollInterval: '0' } }),
  );
  assert.equal(error.problems.length, 4);
  assert.match(error.message, /^invalid configuration:\n {2}- /);
});

test('a missing file is a ConfigError naming the path', () => {
  const error = configError(() => loadConfig({ file: '/nonexistent/jobproxy.properties' }));
  assert.match(error.message, /cannot read config file \/nonexistent\/jobproxy\.properties/);
});

test('a malformed JSON file is a ConfigError naming the path', (t) => {
  const file = writeConfig(t, 'c.json', '{"log": }');
  assert.match(configError(() => loadConfig({ file })).message, /c\.json is not valid JSON/);
});

test('Java log level names are understood', () => {
  assert.equal(loadConfig({ flags: { log: 'WARNING' } }).log, 'warn');
  assert.equal(loadConfig({ flags: { log: 'SEVERE' } }).log, 'error');
});

test('envNameFor spells the variable of a key', () => {
  assert.equal(envNameFor('local.defaultCores'), 'JOBPROXY_LOCAL_DEFAULTCORES');
  assert.equal(envNameFor('bodyLimit'), 'JOBPROXY_BODYLIMIT');
});

test('redactConfig masks keys naming a token, password or secret, at any depth', () => {
  const config = {
    ...loadConfig({}),
    adminToken: 'abc',
    frameworks: { slurm: { restPassword: 'pw', partition: 'debug' } },
  } as Config;
  const redacted = redactConfig(config);
  assert.equal(redacted.adminToken, '***');
  assert.deepEqual(redacted.frameworks, { slurm: { restPassword: '***', partition: 'debug' } });
  assert.equal(redacted.serveruri, DEFAULT_CONFIG.serveruri);
});

test('renamed keys load under their new names and their older aliases', (t) => {
  const file = writeConfig(
    t,
    'old.properties',
    'framework=slurm\npollInterval=300\nslurm.pollInterval=2\nslurm.submitConcurrency=3\n',
  );
  const old = loadConfig({ file });
  assert.equal(old.pollIntervalMs, 300);
  assert.equal(old.frameworks.slurm.pollSeconds, 2);
  assert.equal(old.frameworks.slurm.submitCommands, 3);
  assert.ok(!('pollInterval' in old.frameworks.slurm), 'an alias is stored under the new key');
  const fresh = loadConfig({
    env: { JOBPROXY_POLLINTERVALMS: '400', JOBPROXY_GRIDENGINE_POLLINTERVAL: '5' },
    flags: { framework: 'gridengine', 'gridengine.submitCommands': '6' },
  });
  assert.equal(fresh.pollIntervalMs, 400);
  assert.equal(fresh.frameworks.gridengine.pollSeconds, 5);
  assert.equal(fresh.frameworks.gridengine.submitCommands, 6);
  assert.throws(() => loadConfig({ flags: { pollIntervalMs: '0' } }), /pollIntervalMs/);
});
