/** The batch frameworks describe every option with its default and help; settings are typed. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFrameworkHelp } from '../../cli/frameworks.js';
import { findFramework } from '../create-backend.js';
import { containerProblems, readBatchSettings } from './batch-options.js';
import { ConfigError, loadConfig } from '../../config/load-config.js';

test('slurm and gridengine: every option has a default and a help, and -h -f prints them all', () => {
  for (const name of ['slurm', 'gridengine']) {
    const framework = findFramework(name);
    const help = formatFrameworkHelp(name);
    for (const option of framework.options) {
      assert.notEqual(option.default, undefined, `${name}.${option.key} has a default`);
      assert.ok(option.help.length > 10, `${name}.${option.key} has a help`);
      const shown = option.default === '' ? 'no default' : `default ${String(option.default)}`;
      assert.ok(
        help.includes(`${name}.${option.key} (${shown})`),
        `${name}.${option.key} is printed`,
      );
    }
  }
  assert.ok(findFramework('slurm').options.some((o) => o.key === 'partition'));
  assert.ok(findFramework('gridengine').options.some((o) => o.key === 'queue'));
});

test('settings take their defaults and are checked', () => {
  const defaults = readBatchSettings({});
  assert.deepEqual(defaults, {
    extraOptions: [],
    submitRetryDeadline: 600,
    commandTimeout: 30,
    pollSeconds: 1,
    submitCommands: 4,
    arraySize: 100,
    containerCli: 'docker',
    runAs: 'nobody',
    userMap: '',
    bindCores: true,
  });
  const set = readBatchSettings({
    extraOptions: ' --qos=high  --time=5 ',
    arraySize: 5000,
    submitCommands: 0,
    containerCli: 'podman',
  });
  assert.deepEqual(set.extraOptions, ['--qos=high', '--time=5']);
  assert.equal(
    set.arraySize,
    1000,
    'arrays are capped at 1000 elements (Slurm MaxArraySize default 1001)',
  );
  assert.equal(set.submitCommands, 4, 'a non-positive number takes the default');
  assert.equal(set.containerCli, 'podman');
});

test('containers decides the CLI of batch jobs; containerCli only refines it', () => {
  assert.equal(readBatchSettings({}, 'host').containerCli, 'host');
  assert.equal(readBatchSettings({}, 'podman').containerCli, 'podman');
  assert.equal(readBatchSettings({}, 'auto').containerCli, 'docker');
  assert.equal(readBatchSettings({ containerCli: 'podman' }, 'auto').containerCli, 'podman');
  assert.equal(
    readBatchSettings({ containerCli: '/usr/bin/docker' }, 'docker').containerCli,
    '/usr/bin/docker',
  );
  assert.deepEqual(containerProblems('slurm', { containerCli: '/opt/bin/docker' }, 'docker'), []);
  assert.deepEqual(containerProblems('slurm', { containerCli: 'singularity' }, 'apptainer'), []);
  assert.deepEqual(containerProblems('slurm', { containerCli: 'host' }, 'host'), []);
  assert.equal(containerProblems('slurm', { containerCli: 'host' }, 'docker').length, 1);
});

test('a containerCli that contradicts containers is refused at load, naming both keys', () => {
  for (const framework of ['slurm', 'gridengine']) {
    assert.throws(
      () =>
        loadConfig({
          flags: { framework, containers: 'host', [`${framework}.containerCli`]: 'docker' },
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.includes(`${framework}.containerCli=docker`) &&
        error.message.includes('containers=host'),
    );
    const host = loadConfig({ flags: { framework, containers: 'host' } });
    assert.equal(host.frameworks[framework]!.containerCli, '', 'empty: containers decides');
  }
});
