/**
 * A two-step CWL workflow (cwl/workflow.cwl: upper-case a file, then count its bytes) through
 * cwl-tes 0.3.0 against a default-config `jobproxy serve`. cwl-tes hands files over as file://
 * URLs, so the workflow's input, temporary and output directories lie inside the server's allowed
 * root (its work directory). Fails when the venv is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startServeProcess } from './serve-process.js';
import { run, venvBin } from './venv.js';

const CWL = resolve(import.meta.dirname, '../../../../test/e2e/workflows/cwl');

test('cwl-tes runs a two-step CWL workflow to its end', async () => {
  const bin = venvBin('cwl');
  const server = await startServeProcess();
  const dir = join(server.workdir, 'cwl');
  for (const sub of ['out', 'tmp', 'tmpout']) mkdirSync(join(dir, sub), { recursive: true });
  chmodSync(dir, 0o777);
  writeFileSync(join(dir, 'in.txt'), 'hello cwl\n');
  const job = { text: { class: 'File', path: join(dir, 'in.txt') } };
  writeFileSync(join(dir, 'job.json'), JSON.stringify(job));
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
  const result = await run(`${bin}/cwl-tes`, args, { cwd: dir, timeoutMs: 600_000 });
  const why = `cwl-tes ${args.join(' ')}\n${result.output.slice(-6000)}\n--- server:\n${server.output().slice(-3000)}`;
  assert.equal(result.code, 0, why);
  assert.equal(readFileSync(join(dir, 'out/upper.txt'), 'utf8'), 'HELLO CWL\n', why);
  assert.equal(readFileSync(join(dir, 'out/count.txt'), 'utf8').trim(), '10', why);
});
