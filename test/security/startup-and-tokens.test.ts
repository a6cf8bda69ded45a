/**
 * The operator's side: a server asked to listen beyond loopback without a token store refuses to
 * start and says how to fix it; `jobproxy token create` prints a token once and stores its hash.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { hashToken } from '../../src/auth/token-file.js';
import { tempDir } from '../helpers/test-server.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function jobproxy(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
}

test('serve on 0.0.0.0 with no token store fails, saying how to fix it', () => {
  const dir = tempDir();
  const run = jobproxy(['serve', '-u', 'http://0.0.0.0:19555/', '--workdir', join(dir, 'work')]);
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /0\.0\.0\.0/);
  assert.match(run.stderr, /jobproxy token create/);
  assert.match(run.stderr, /auth\.tokens=/);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
});

test('token create prints the token once and the file keeps only its hash', () => {
  const file = join(tempDir(), 'tokens.json');
  const run = jobproxy(['token', 'create', 'alice', '--admin', '--file', file]);
  assert.equal(run.status, 0, run.stderr);
  const token = run.stdout.trim();
  assert.match(token, /^jp_[A-Za-z0-9_-]{40,}$/);
  const text = readFileSync(file, 'utf8');
  assert.equal(text.includes(token), false, 'the token itself is not stored');
  const stored = JSON.parse(text) as { tokens: { sha256: string; user: string; role: string }[] };
  assert.deepEqual(
    stored.tokens.map((t) => [t.sha256, t.user, t.role]),
    [[hashToken(token), 'alice', 'admin']],
  );
});
