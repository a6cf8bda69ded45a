/** Cases both batch schedulers pass the same way (shared by the Slurm and Grid Engine specifics). */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { submitTask, waitForState, type TestServer } from '../../helpers/test-server.js';

/**
 * No word of a command reaches a shell: an array is argv, a string is one shell command.
 * `jobIdVariable`: the scheduler's job id in the job's environment (SLURM_JOB_ID, JOB_ID).
 */
export async function checkNoInjection(server: TestServer, jobIdVariable: string): Promise<void> {
  const marker = join(server.dir, 'injected');
  const words = [
    `'; touch ${marker}; '`,
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    `"; touch ${marker}"`,
    `$${jobIdVariable}`,
  ];
  const argv = await waitForState(
    server,
    await submitTask(server, { user: 'u', cmd: ['printf', '%s\\n', ...words] }),
  );
  assert.equal(argv.code, 'COMPLETE', JSON.stringify(argv));
  assert.equal(argv.stdout, words.map((w) => `${w}\n`).join(''));
  const shell = await waitForState(
    server,
    await submitTask(server, { user: 'u', cmd: `echo "job $${jobIdVariable}" | tr a-z A-Z` }),
  );
  assert.match(String(shell.stdout), /^JOB \d+\n$/);
  assert.equal(existsSync(marker), false, 'nothing inside an argument was run');
}

/** stdout and stderr go to the paths asked for, in directories the job had to have made. */
export async function checkOutputPaths(server: TestServer): Promise<void> {
  const out = join(server.config.workdir, 'new', 'dir', 'out.txt');
  const err = join(server.config.workdir, 'other dir', 'err.txt');
  const id = await submitTask(server, {
    user: 'u',
    cmd: 'echo to-out; echo to-err >&2',
    stdout: out,
    stderr: err,
  });
  const state = await waitForState(server, id);
  assert.equal(state.code, 'COMPLETE', JSON.stringify(state));
  assert.equal(readFileSync(out, 'utf8'), 'to-out\n');
  assert.equal(readFileSync(err, 'utf8'), 'to-err\n');
  assert.equal(state.stdout, 'to-out\n');
}
