import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { TaskSpec } from '../../../model/task.js';
import { checkMountRoots, isInside } from './mount-roots.js';

const root = mkdtempSync(join(tmpdir(), 'jobproxy-roots-'));
after(() => rmSync(root, { recursive: true, force: true }));

function spec(...hosts: string[]): TaskSpec {
  return {
    user: 'u',
    origin: 'v1',
    resources: {},
    executors: [
      {
        image: 'i',
        command: [],
        mounts: hosts.map((host) => ({ host, container: '/m', mode: 'ro' as const })),
      },
    ],
  };
}

test('paths inside a root pass, even ones that do not exist yet', () => {
  mkdirSync(join(root, 'data'));
  assert.deepEqual(
    checkMountRoots(spec(root, join(root, 'data'), join(root, 'later/deeper')), [root]),
    [],
  );
});

test('paths outside every root are refused, each with its field', () => {
  const problems = checkMountRoots(spec(join(root, 'data'), '/etc', `${root}-sibling`), [root]);
  assert.deepEqual(
    problems.map((p) => p.field),
    ['container.mounts[1].mount.host', 'container.mounts[2].mount.host'],
  );
  assert.match(problems[0]!.problem, /outside the allowed roots/);
});

test('a symbolic link inside a root that leads outside is refused', () => {
  symlinkSync('/etc', join(root, 'escape'));
  assert.equal(checkMountRoots(spec(join(root, 'escape')), [root]).length, 1);
  assert.equal(checkMountRoots(spec(join(root, 'escape', 'passwd')), [root]).length, 1);
});

test('"/" as a root allows everything; prefixes are whole path segments', () => {
  assert.equal(isInside('/etc', '/'), true);
  assert.equal(isInside('/data2', '/data'), false);
  assert.equal(isInside('/data/x', '/data'), true);
});

test('the mounts of a TES task are the server own ones and not checked here', () => {
  assert.deepEqual(checkMountRoots({ ...spec('/etc'), origin: 'tes' }, [root]), []);
});
