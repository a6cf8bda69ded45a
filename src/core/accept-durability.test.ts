/**
 * A submit is answered only once its task is on disk: the service's group commit waits for the
 * store's shared fsync (Store.syncToDisk), and a task whose fsync failed is neither kept nor
 * handed to the framework.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobProxyError } from '../errors.js';
import type { Store } from '../store/store.js';
import { SPEC, serviceUnderTest } from './testing/service-under-test.js';
import { deferred, type Deferred } from './testing/scripted-framework.js';

/** A service whose store's fsyncs wait until the test settles each one. */
function serviceWithHeldSyncs() {
  const syncs: Deferred<void>[] = [];
  const control = { holding: true };
  const {
    service,
    framework,
    store: raw,
  } = serviceUnderTest({
    wrapStore: (store: Store): Store => ({
      ...store,
      syncToDisk: () => {
        if (!control.holding) return Promise.resolve();
        const sync = deferred<void>();
        syncs.push(sync);
        return sync.promise;
      },
    }),
  });
  /** Lets every fsync through from now on, and those held so far. */
  const release = () => {
    control.holding = false;
    for (const sync of syncs) sync.resolve();
  };
  return { service, framework, raw, syncs, release };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

test('accept resolves only after the fsync that follows its commit; then the framework gets it', async () => {
  const { service, framework, raw, syncs, release } = serviceWithHeldSyncs();
  await service.start();
  let answered = false;
  const accepted = service.accept(SPEC).then((task) => ((answered = true), task));
  await turn();
  assert.equal(raw.countTasks(), 1, 'committed');
  assert.equal(syncs.length, 1, 'one fsync asked for');
  await turn();
  assert.equal(answered, false, 'not answered before the fsync');
  assert.equal(framework.submits.length, 0, 'not handed over before the fsync');
  syncs[0]!.resolve();
  const task = await accepted;
  await framework.submitted(1);
  assert.equal(framework.submits[0]!.task.id, task.id);
  framework.submits[0]!.job.resolve('job-1');
  release();
  await service.close();
});

test('a failed fsync: the submit fails STORE_UNAVAILABLE, its task is removed, nothing is run', async () => {
  const { service, framework, raw, syncs, release } = serviceWithHeldSyncs();
  await service.start();
  const accepted = service.accept(SPEC);
  await turn();
  assert.equal(raw.countTasks(), 1);
  syncs[0]!.reject(Object.assign(new Error('fdatasync failed'), { code: 'EIO' }));
  await assert.rejects(accepted, (error: unknown) => {
    assert.ok(error instanceof JobProxyError);
    assert.equal(error.code, 'STORE_UNAVAILABLE');
    return true;
  });
  assert.equal(raw.countTasks(), 0, 'a task not known to be on disk is not kept');
  await turn();
  assert.equal(framework.submits.length, 0);
  release();
  await service.close();
});
