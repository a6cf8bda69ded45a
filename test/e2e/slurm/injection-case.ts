/**
 * The quoting case both batch schedulers pass: no word of a command reaches a shell — an array is
 * argv, a string is one shell command (shared by the Slurm and Grid Engine specifics).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { submitTask, waitForState, type TestServer } from '../../helpers/test-server.js';

/** `jobIdVariable`: the scheduler's job id in the job's environment (SLURM_JOB_ID, JOB_ID). */
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
