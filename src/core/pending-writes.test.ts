import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { PendingWrites } from './pending-writes.js';
import { storeError } from './testing/faulty-store.js';
import { until } from './testing/scripted-framework.js';

const log = pino({ level: 'silent' });

test('a write the store refuses is retried, and later writes of the task wait behind it', async () => {
  const writes = new PendingWrites({ log, retryMs: 5 });
  const done: string[] = [];
  let broken = true;
  assert.equal(
    writes.run('t', 'first', () => {
      if (broken) throw storeError('SQLITE_FULL');
      done.push('first');
    }),
    false,
  );
  assert.equal(
    writes.run('t', 'second', () => void done.push('second')),
    false,
  );
  assert.equal(
    writes.run('other', 'other', () => void done.push('other')),
    true,
  );
  assert.equal(writes.size, 2);
  broken = false;
  await until(() => writes.size === 0, 'the retries');
  assert.deepEqual(done, ['other', 'first', 'second']);
  writes.close();
});

test('a write that fails with a bug is logged and dropped, not retried forever', () => {
  const writes = new PendingWrites({ log, retryMs: 5 });
  assert.equal(
    writes.run('t', 'buggy', () => {
      throw new TypeError('x is undefined');
    }),
    true,
  );
  assert.equal(writes.size, 0);
  writes.close();
});
