import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { faultyStore } from '../core/testing/faulty-store.js';
import { storedTask } from '../core/testing/service-under-test.js';
import { guardStore } from './guarded-store.js';
import { openSqliteStore } from './sqlite-store.js';

function setUp() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const faults = faultyStore(openSqliteStore(':memory:'));
  return { faults, store: guardStore(faults, pino({ level: 'info' }, sink)), lines };
}

for (const [code, expected] of [
  ['SQLITE_FULL', 'STORE_FULL'],
  ['ENOSPC', 'STORE_FULL'],
  ['SQLITE_IOERR_WRITE', 'STORE_UNAVAILABLE'],
  ['SQLITE_READONLY_DBMOVED', 'STORE_UNAVAILABLE'],
  ['SQLITE_BUSY', 'STORE_UNAVAILABLE'],
  ['EACCES', 'STORE_UNAVAILABLE'],
] as const) {
  test(`${code} becomes ${expected}`, () => {
    const { faults, store } = setUp();
    faults.failWith(code);
    assert.throws(() => store.insertTask(storedTask('t', 'QUEUED', null)), { code: expected });
  });
}

test('a fault is logged once until a write works again, then once more', () => {
  const { faults, store, lines } = setUp();
  faults.failWith('SQLITE_IOERR_WRITE');
  for (let i = 0; i < 5; i++)
    assert.throws(() => store.insertTask(storedTask(`t${i}`, 'QUEUED', null)));
  // Reads working in between say nothing about writes.
  assert.equal(store.countTasks(), 0);
  assert.equal(store.health.faulty, true);
  faults.heal();
  store.insertTask(storedTask('ok', 'QUEUED', null));
  assert.equal(store.health.faulty, false);
  const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
  assert.equal(messages.filter((m) => m.startsWith('the task store failed')).length, 1);
  assert.equal(messages.filter((m) => m === 'the task store works again').length, 1);
});

test('an error that is no store fault (a bug) passes through unchanged', () => {
  const { store } = setUp();
  store.insertTask(storedTask('t', 'QUEUED', null));
  assert.throws(() => store.insertTask(storedTask('t', 'QUEUED', null)), {
    code: 'SQLITE_CONSTRAINT_UNIQUE',
  });
});

test('a write inside a transaction that then fails to commit does not end the fault', () => {
  const { faults, store, lines } = setUp();
  faults.failWith('SQLITE_IOERR_WRITE', ['commit']);
  for (let i = 0; i < 3; i++) {
    assert.throws(
      () => store.transaction(() => store.setJobId('none', 'j')),
      (error: unknown) => (error as { code?: string }).code === 'STORE_UNAVAILABLE',
    );
  }
  const messages = lines.map((line) => JSON.parse(line).msg as string);
  assert.deepEqual(messages, [
    'the task store failed; answering 503/507 and retrying writes until it works again',
  ]);
  assert.equal(store.health.faulty, true);
  faults.heal();
  store.transaction(() => store.setJobId('none', 'j'));
  assert.equal(store.health.faulty, true, 'a transaction that changed nothing proves nothing');
  store.insertTask(storedTask('t1', 'QUEUED', null));
  faults.failWith('SQLITE_IOERR_WRITE', ['commit']);
  assert.throws(() => store.transaction(() => store.setJobId('t1', 'j')));
  faults.heal();
  store.transaction(() => store.setJobId('t1', 'j'));
  assert.equal(store.health.faulty, false, 'a committed write ends the fault');
});

test('a failed fsync (syncToDisk) rejects as a store fault, logged once; a working one ends it', async () => {
  const { faults, store, lines } = setUp();
  faults.failWith('EIO', ['syncToDisk']);
  for (let i = 0; i < 2; i++) {
    await assert.rejects(store.syncToDisk(), { code: 'STORE_UNAVAILABLE' });
  }
  assert.equal(store.health.faulty, true);
  faults.heal();
  await store.syncToDisk();
  assert.equal(store.health.faulty, false);
  const messages = lines.map((line) => JSON.parse(line).msg as string);
  assert.deepEqual(messages, [
    'the task store failed; answering 503/507 and retrying writes until it works again',
    'the task store works again',
  ]);
});

test('an unsynced commit proves nothing about the disk: the fault lasts until a sync works', () => {
  const { faults, store } = setUp();
  faults.failWith('SQLITE_IOERR_WRITE');
  assert.throws(() => store.insertTask(storedTask('t0', 'QUEUED', null)));
  faults.heal();
  store.transactionUnsynced(() => store.insertTask(storedTask('t1', 'QUEUED', null)));
  assert.equal(store.health.faulty, true);
});
