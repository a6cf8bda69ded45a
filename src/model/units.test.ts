import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDurationSec, parseMemoryMiB } from './units.js';

test('memory strings with a unit are MiB', () => {
  const cases: [string, number][] = [
    ['512M', 512],
    ['512MB', 512],
    ['512MiB', 512],
    ['512m', 512],
    ['2G', 2048],
    ['1.5G', 1536],
    ['2gib', 2048],
    ['1T', 1024 * 1024],
    ['1024K', 1],
    ['1024', 1024],
    [' 64 M ', 64],
  ];
  for (const [text, mib] of cases) assert.equal(parseMemoryMiB(text), mib, text);
});

test('cputime strings with a unit are seconds', () => {
  const cases: [string, number][] = [
    ['90s', 90],
    ['90', 90],
    ['90sec', 90],
    ['2m', 120],
    ['2min', 120],
    ['2h', 7200],
    ['1.5h', 5400],
    ['1d', 86400],
    ['2H', 7200],
  ];
  for (const [text, seconds] of cases) assert.equal(parseDurationSec(text), seconds, text);
});

test('text that is no amount with a known unit parses to undefined', () => {
  for (const text of ['', 'M', 'abc', '12X', '-5M', '1e3', 'NaN', 'Infinity', '5 G B', '0x10']) {
    assert.equal(parseMemoryMiB(text), undefined, `memory ${JSON.stringify(text)}`);
    assert.equal(parseDurationSec(text), undefined, `cputime ${JSON.stringify(text)}`);
  }
  assert.equal(parseDurationSec('2G'), undefined, 'a memory unit is no time');
  assert.equal(parseMemoryMiB('2h'), undefined, 'a time unit is no memory');
});
