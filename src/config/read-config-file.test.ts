import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonConfig, parseProperties } from './read-config-file.js';

const pairs = (entries: { key: string; value: unknown }[]): [string, unknown][] =>
  entries.map((e) => [e.key, e.value]);

test('properties: the separators, comments and blank lines java.util.Properties knows', () => {
  const text = [
    '# a comment',
    '! another comment',
    '',
    'serveruri=http://localhost:9998/',
    'framework : local',
    'log   debug',
    '  local.cores=2   ',
  ].join('\n');
  assert.deepEqual(pairs(parseProperties(text, 'x')), [
    ['serveruri', 'http://localhost:9998/'],
    ['framework', 'local'],
    ['log', 'debug'],
    ['local.cores', '2'],
  ]);
});

test('properties: continuation lines, escapes and an empty value', () => {
  const text = 'workdir=/tmp/\\\n    jobs\nkey\\=with\\:seps=a\\tb\\u0041\nempty=\r\nlast';
  assert.deepEqual(pairs(parseProperties(text, 'x')), [
    ['workdir', '/tmp/jobs'],
    ['key=with:seps', 'a\tbA'],
    ['empty', ''],
    ['last', ''],
  ]);
});

test('properties: each entry knows its file and line', () => {
  const entries = parseProperties('# c\n\nlog=info\n', '/etc/jp.properties');
  assert.equal(entries[0].source, 'file /etc/jp.properties line 3');
});

test('JSON: one level of objects becomes dotted framework keys', () => {
  const text = '{"serveruri":"http://h:1/","debug":true,"local":{"cores":2,"paused":false}}';
  assert.deepEqual(pairs(parseJsonConfig(text, 'x')), [
    ['serveruri', 'http://h:1/'],
    ['debug', true],
    ['local.cores', 2],
    ['local.paused', false],
  ]);
});

test('JSON: malformed text and a non-object are refused with the file name', () => {
  assert.throws(() => parseJsonConfig('{"a":', 'conf.json'), /conf\.json is not valid JSON/);
  assert.throws(() => parseJsonConfig('[1]', 'conf.json'), /conf\.json must hold one JSON object/);
});
