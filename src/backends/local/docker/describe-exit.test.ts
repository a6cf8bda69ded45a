import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEnd, finalReport } from './describe-exit.js';

test('the limit that killed a container is named', () => {
  assert.equal(
    describeEnd({ exitCode: 137, oomKilled: true }, { memoryMiB: 64 }),
    'killed: memory limit 64 MiB exceeded',
  );
  assert.equal(
    describeEnd({ exitCode: 152, oomKilled: false }, { cputimeSec: 2 }),
    'killed: cputime limit 2 s exceeded',
  );
  assert.equal(describeEnd({ exitCode: 137, oomKilled: false }, {}), 'killed by SIGKILL');
  assert.equal(describeEnd({ exitCode: 5, oomKilled: false }, {}), 'exited with code 5');
});

test('the task ends with the last executor that ran', () => {
  const ok = finalReport(
    [
      { exitCode: 3, oomKilled: false },
      { exitCode: 0, oomKilled: false },
    ],
    {},
  );
  assert.equal(ok.state, 'COMPLETE');
  assert.deepEqual(ok.executorExitCodes, [3, 0]);
  const failed = finalReport(
    [{ exitCode: 0, oomKilled: false }, { exitCode: 4, oomKilled: false }, null],
    {},
  );
  assert.equal(failed.state, 'EXECUTOR_ERROR');
  assert.equal(failed.exitCode, 4);
  assert.deepEqual(failed.executorExitCodes, [0, 4, null]);
  assert.equal(finalReport([null], {}).state, 'SYSTEM_ERROR');
});
