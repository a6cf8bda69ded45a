import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { unreachableProblem } from './reach-check.js';

test('a private directory on the way is named, with the fix; a passable chain is fine', () => {
  const top = mkdtempSync(join(tmpdir(), 'jp-reach-'));
  try {
    const work = join(top, 'a', 'work');
    mkdirSync(work, { recursive: true });
    chmodSync(join(top, 'a'), 0o755);
    chmodSync(top, 0o700);
    const anyone = { anyone: true as const, name: 'every task user' };
    const problem = unreachableProblem(work, anyone);
    assert.match(problem ?? '', new RegExp(`${top} \\(mode 700\\) is in the way`));
    assert.match(problem ?? '', /chmod o\+x/);
    chmodSync(top, 0o711);
    assert.equal(unreachableProblem(work, anyone), undefined);
    // Its owner passes a 0700 directory; a member of its group a 0710 one; others do not.
    chmodSync(top, 0o700);
    const { uid, gid } = statSync(top);
    assert.equal(unreachableProblem(work, { uid, gids: [], name: 'owner' }), undefined);
    chmodSync(top, 0o710);
    assert.equal(unreachableProblem(work, { uid: uid + 1, gids: [gid], name: 'g' }), undefined);
    assert.notEqual(unreachableProblem(work, { uid: uid + 1, gids: [], name: 'x' }), undefined);
  } finally {
    chmodSync(top, 0o700);
    rmSync(top, { recursive: true, force: true });
  }
});

test('a directory not made yet is no obstacle (the server makes it enterable)', () => {
  assert.equal(
    unreachableProblem('/nonexistent-jp/work', { anyone: true, name: 'any' }),
    undefined,
  );
});
