import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SubmitLimits } from './submit-limits.js';

test('the rate buckets stay bounded however many user names clients invent', () => {
  const limits = new SubmitLimits({ maxActiveTasks: 0, submitRate: 1, countActive: () => 0 });
  let now = 0;
  for (let i = 0; i < 30_000; i++) limits.check(`user-${i}`, (now += 1));
  assert.ok(limits.trackedUsers <= 10_000, `${limits.trackedUsers} buckets`);
});

test('a user over the rate is still refused while others come and go', () => {
  const limits = new SubmitLimits({ maxActiveTasks: 0, submitRate: 1, countActive: () => 0 });
  limits.check('alice', 0);
  limits.check('alice', 0);
  assert.throws(() => limits.check('alice', 0), { code: 'TOO_MANY_REQUESTS' });
});
