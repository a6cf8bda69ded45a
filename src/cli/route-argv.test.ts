import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseArgv, routeArgv } from './route-argv.js';

test('normaliseArgv: the single-dash long options get two dashes', () => {
  assert.deepEqual(normaliseArgv(['-debug', '-log', 'INFO', '-log=WARN', '-d', '-f', 'local']), [
    '--debug',
    '--log',
    'INFO',
    '--log=WARN',
    '-d',
    '-f',
    'local',
  ]);
});

test('normaliseArgv: nothing after -- is touched', () => {
  assert.deepEqual(normaliseArgv(['submit', '--', 'grep', '-log', '-debug']), [
    'submit',
    '--',
    'grep',
    '-log',
    '-debug',
  ]);
});

test("routeArgv: the first implementation's server command line becomes serve", () => {
  assert.deepEqual(
    routeArgv(['-f', 'local', '-p', 'jp.properties', '-d', '-debug', '-log', 'INFO']),
    ['serve', '-f', 'local', '-p', 'jp.properties', '-d', '--debug', '--log', 'INFO'],
  );
});

test('routeArgv: -l lists, -h helps, -h -f NAME explains a framework', () => {
  assert.deepEqual(routeArgv(['-l']), ['frameworks']);
  assert.deepEqual(routeArgv(['-h']), ['--help']);
  assert.deepEqual(routeArgv([]), ['--help']);
  assert.deepEqual(routeArgv(['-h', '-f', 'slurm']), ['frameworks', 'slurm']);
  assert.deepEqual(routeArgv(['-f', 'slurm', '--help']), ['frameworks', 'slurm']);
  assert.deepEqual(routeArgv(['--framework=local', '-h']), ['frameworks', 'local']);
  assert.deepEqual(routeArgv(['serve', '-h', '-f', 'local']), ['frameworks', 'local']);
});

test('routeArgv: subcommands pass through, even after options taking a value', () => {
  assert.deepEqual(routeArgv(['state', '--json']), ['state', '--json']);
  assert.deepEqual(routeArgv(['serve', '-h']), ['serve', '-h']);
  assert.deepEqual(routeArgv(['submit', '--', 'ls', '-l']), ['submit', '--', 'ls', '-l']);
  assert.deepEqual(routeArgv(['-V']), ['-V']);
  // An operand that is no subcommand is left for commander to refuse by name.
  assert.deepEqual(routeArgv(['-f', 'local', 'bogus']), ['-f', 'local', 'bogus']);
});
