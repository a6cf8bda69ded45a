import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandPattern, matchSegment } from './tes-glob.js';

test('POSIX pattern notation: *, ?, brackets, classes, escapes', () => {
  const cases: [string, string, boolean][] = [
    ['*.txt', 'a.txt', true],
    ['*.txt', 'a.txt.gz', false],
    ['?.txt', 'ab.txt', false],
    ['?.txt', 'a.txt', true],
    ['[abc].txt', 'b.txt', true],
    ['[a-c].txt', 'd.txt', false],
    ['[!a-c].txt', 'd.txt', true],
    ['[!a-c].txt', 'a.txt', false],
    ['[]x].txt', '].txt', true],
    ['[[:digit:]]*', '7up', true],
    ['[[:digit:]]*', 'up7', false],
    ['\\*.txt', '*.txt', true],
    ['\\*.txt', 'a.txt', false],
    ['[.txt', '[.txt', true],
    ['a(b)+c', 'a(b)+c', true],
    // A leading period must be matched explicitly.
    ['*', '.hidden', false],
    ['.*', '.hidden', true],
    ['?hidden', '.hidden', false],
  ];
  for (const [pattern, name, expected] of cases) {
    assert.equal(matchSegment(pattern, name), expected, `${pattern} vs ${name}`);
  }
});

test('expandPattern walks only the wildcard segments and returns existing paths, sorted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobproxy-glob-'));
  try {
    for (const path of ['a/1.txt', 'a/2.log', 'b/3.txt', 'b/sub/4.txt', 'c.txt']) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), path);
    }
    assert.deepEqual(await expandPattern(`${dir}/*/*.txt`), [
      join(dir, 'a/1.txt'),
      join(dir, 'b/3.txt'),
    ]);
    assert.deepEqual(await expandPattern(`${dir}/[ab]`), [join(dir, 'a'), join(dir, 'b')]);
    assert.deepEqual(await expandPattern(`${dir}/b/sub/*`), [join(dir, 'b/sub/4.txt')]);
    assert.deepEqual(await expandPattern(`${dir}/nothing/*`), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
