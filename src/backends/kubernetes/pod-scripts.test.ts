import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executorCommand, parseExecutorRecords, reportCommand } from './pod-scripts.js';

test('executor records: code and OOM count per executor, "-" for one that never ran', () => {
  assert.deepEqual(parseExecutorRecords('0 0;3 1;-;\n', 3), [
    { exitCode: 0, oomKilled: false },
    { exitCode: 3, oomKilled: true },
    null,
  ]);
  assert.deepEqual(parseExecutorRecords('garbage', 2), [null, null]);
});

test('argv and stdin are passed as arguments, never written into the script', () => {
  const argv = ['echo', '$HOME; `id`'];
  const command = executorCommand({ index: 0, ignoreError: false, pinOffset: 0 }, argv, '/in');
  assert.deepEqual(command.slice(0, 3), ['/.jobproxy/busybox', 'sh', '-c']);
  assert.deepEqual(command.slice(4), ['jobproxy', '/in', ...argv]);
  assert.doesNotMatch(command[3]!, /HOME|id`/);
});

test('cputime becomes ulimit -t; ignore_error does not stop the next executor', () => {
  const limited = executorCommand({ index: 1, ignoreError: true, cputimeSec: 2.5, pinOffset: 0 }, [
    'x',
  ])[3]!;
  assert.match(limited, /ulimit -t 3 /);
  assert.doesNotMatch(limited, /> \$D\/stop/);
  const strict = executorCommand({ index: 1, ignoreError: false, pinOffset: 0 }, ['x'])[3]!;
  assert.match(strict, /: > \$D\/stop/);
  assert.doesNotMatch(strict, /ulimit/);
});

test('only the last report step writes the records and exits with the last code', () => {
  assert.doesNotMatch(reportCommand(0, 2)[3]!, /termination-log/);
  const last = reportCommand(1, 2)[3]!;
  assert.match(last, /rc\.0/);
  assert.match(last, /rc\.1/);
  assert.match(last, /termination-log/);
});
