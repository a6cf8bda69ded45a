/**
 * launcher-process.ts acts as the launcher as soon as it is imported (IPC handlers; it exits
 * when its channel closes). Imported for a value by the server, it made a daemonised server
 * (`jobproxy -d`, which has an IPC channel to its parent) exit once the parent let go. Only
 * type imports of it are allowed anywhere.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const SRC = resolve(import.meta.dirname, '../../../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

test('nothing imports a value from launcher-process.ts', () => {
  const offenders = sourceFiles(SRC).filter((file) =>
    readFileSync(file, 'utf8')
      .split(/;\s*\n/)
      .some(
        (statement) =>
          /from '\.\/launcher-process\.js'/.test(statement) && !/^\s*import type /m.test(statement),
      ),
  );
  assert.deepEqual(offenders, []);
});
