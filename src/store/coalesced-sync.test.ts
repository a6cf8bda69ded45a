import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoalescedSync } from './coalesced-sync.js';

/** A sync whose runs end when the test says: each run is a promise the test resolves or rejects. */
function manualSync() {
  const runs: { resolve(): void; reject(error: Error): void }[] = [];
  const syncs = new CoalescedSync(
    () =>
      new Promise<void>((resolve, reject) => {
        runs.push({ resolve, reject });
      }),
  );
  return { syncs, runs };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

test('one sync at a time; callers arriving while it runs share the next, not the running one', async () => {
  // The next starts one event-loop turn after the running one ended (two turns here: settle, start).
  const { syncs, runs } = manualSync();
  const heard: string[] = [];
  const first = syncs.sync().then(() => heard.push('first'));
  await turn();
  assert.equal(runs.length, 1);
  const second = syncs.sync().then(() => heard.push('second'));
  const third = syncs.sync().then(() => heard.push('third'));
  await turn();
  assert.equal(runs.length, 1, 'no second fsync while one runs');
  runs[0]!.resolve();
  await first;
  await turn();
  await turn();
  assert.deepEqual(heard, ['first'], 'the later callers wait for a sync that started after them');
  assert.equal(runs.length, 2, 'the shared next sync started once the first ended');
  runs[1]!.resolve();
  await Promise.all([second, third]);
  assert.deepEqual(heard, ['first', 'second', 'third']);
  assert.equal(runs.length, 2);
});

test('a failed sync rejects its callers only; the next one runs for the others', async () => {
  const { syncs, runs } = manualSync();
  const failing = syncs.sync();
  await turn();
  const later = syncs.sync();
  runs[0]!.reject(Object.assign(new Error('EIO'), { code: 'EIO' }));
  await assert.rejects(failing, /EIO/);
  await turn();
  await turn();
  runs[1]!.resolve();
  await later;
  assert.equal(runs.length, 2);
});

test('idle waits for the running and the queued sync, whatever their outcome', async () => {
  const { syncs, runs } = manualSync();
  void syncs.sync();
  await turn();
  syncs.sync().catch(() => undefined);
  let idle = false;
  const waiting = syncs.idle().then(() => (idle = true));
  runs[0]!.resolve();
  await turn();
  await turn();
  assert.equal(idle, false, 'the queued one still runs');
  runs[1]!.reject(new Error('EIO'));
  await waiting;
  assert.equal(idle, true);
  await syncs.idle();
});

test('a sync asked for when none runs starts at once', async () => {
  const { syncs, runs } = manualSync();
  const done = syncs.sync();
  await turn();
  assert.equal(runs.length, 1);
  runs[0]!.resolve();
  await done;
  const again = syncs.sync();
  await turn();
  assert.equal(runs.length, 2);
  runs[1]!.resolve();
  await again;
});

test('a caller in the turn the running sync ended joins the next one, which starts after that turn', async () => {
  const { syncs, runs } = manualSync();
  void syncs.sync();
  await turn();
  const queued = syncs.sync();
  runs[0]!.resolve();
  // As the group commit does: it commits when the running sync ends, then asks for a sync.
  await Promise.resolve();
  await Promise.resolve();
  const joining = syncs.sync();
  assert.equal(joining, queued, 'the same sync: it had not started yet');
  await turn();
  await turn();
  assert.equal(runs.length, 2);
  runs[1]!.resolve();
  await Promise.all([queued, joining]);
});
