/**
 * removeIfEmpty decides, from rmdir alone, whether a task left processes behind. Ordinary
 * directories stand in for cgroups here: a file in one refuses rmdir (ENOTEMPTY) as a process in a
 * cgroup does (EBUSY). The real cgroups are covered by the local framework's e2e tests.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { removeIfEmpty, type TaskCgroup } from './cgroups.js';

const root = mkdtempSync(join(tmpdir(), 'jobproxy-cgroups-'));
after(() => rmSync(root, { recursive: true, force: true }));

function dirs(...names: string[]): string[] {
  return names.map((name) => {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  });
}

test('empty cgroups are removed and nothing is left to kill', () => {
  const [freezer, memory] = dirs('a/freezer', 'a/memory');
  const cgroup: TaskCgroup = {
    version: 'v1',
    dirs: [freezer!, memory!],
    freezerDir: freezer,
    memoryDir: memory,
  };
  assert.equal(removeIfEmpty(cgroup), undefined);
  assert.equal(existsSync(freezer!), false);
  assert.equal(existsSync(memory!), false);
});

test('a cgroup that still holds something is kept, with only what is left of it', () => {
  const [freezer, memory] = dirs('b/freezer', 'b/memory');
  writeFileSync(join(freezer!, 'busy'), '');
  const cgroup: TaskCgroup = {
    version: 'v1',
    dirs: [freezer!, memory!],
    freezerDir: freezer,
    memoryDir: memory,
  };
  assert.deepEqual(removeIfEmpty(cgroup), { version: 'v1', dirs: [freezer], freezerDir: freezer });
  assert.equal(existsSync(memory!), false);
});

test('a cgroup already gone counts as removed; no cgroup leaves nothing', () => {
  const cgroup: TaskCgroup = { version: 'v2', dirs: [join(root, 'never-made')] };
  assert.equal(removeIfEmpty(cgroup), undefined);
  assert.equal(removeIfEmpty(undefined), undefined);
});
