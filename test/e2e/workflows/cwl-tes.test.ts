/**
 * A two-step CWL workflow (cwl/workflow.cwl: upper-case a file, then count its bytes) through
 * cwl-tes 0.3.0 against `jobproxy serve` with the default configuration but one mapping: the
 * client runs as a Unix user of its own (jp-cwl) in a 0700 work directory, as a lab member
 * would, and its TES tasks (owner "anonymous": no tokens) run as that user (local.userMap), so
 * staging and executors reach its private files with its rights and nobody else's. cwl-tes hands
 * files over as file:// URLs, so the directories lie inside the server's allowed root (its work
 * directory). Fails when the venv is missing.
 */
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureUser } from '../../helpers/unix-users.js';
import { startServeProcess } from './serve-process.js';
import { run, venvBin } from './venv.js';

const CLIENT_USER = 'jp-cwl';
const CWL = resolve(import.meta.dirname, '../../../../test/e2e/workflows/cwl');

test('cwl-tes runs a two-step CWL workflow to its end', async () => {
  const bin = venvBin('cwl');
  const uid = ensureUser(CLIENT_USER);
  const server = await startServeProcess(['-o', `local.userMap=anonymous=${CLIENT_USER}`]);
  const dir = join(server.workdir, 'cwl');
  for (const sub of ['out', 'tmp', 'tmpout']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'in.txt'), 'hello cwl\n');
  const job = { text: { class: 'File', path: join(dir, 'in.txt') } };
  writeFileSync(join(dir, 'job.json'), JSON.stringify(job));
  // The client's own, private directory: nobody but jp-cwl (and root) can enter it.
  execFileSync('chown', ['-R', `${uid}:${uid}`, dir]);
  chmodSync(dir, 0o700);
  const args = [
    '--tes',
    server.url,
    '--outdir',
    join(dir, 'out'),
    '--tmpdir-prefix',
    `${join(dir, 'tmp')}/`,
    '--tmp-outdir-prefix',
    `${join(dir, 'tmpout')}/`,
    join(CWL, 'workflow.cwl'),
    join(dir, 'job.json'),
  ];
  const result = await run('runuser', ['-u', CLIENT_USER, '--', `${bin}/cwl-tes`, ...args], {
    cwd: dir,
    env: { HOME: dir },
    timeoutMs: 600_000,
  });
  const why = `cwl-tes ${args.join(' ')}\n${result.output.slice(-6000)}\n--- server:\n${server.output().slice(-3000)}`;
  assert.equal(result.code, 0, why);
  assert.equal(readFileSync(join(dir, 'out/upper.txt'), 'utf8'), 'HELLO CWL\n', why);
  assert.equal(readFileSync(join(dir, 'out/count.txt'), 'utf8').trim(), '10', why);
});
