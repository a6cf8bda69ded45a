/**
 * Per-user abuse limits on submit: at most `maxActiveTasks` queued or running at once, and at
 * most `submitRate` submits per second with bursts of twice that (a token bucket per user).
 * Over either: 429 with Retry-After. 0 turns a limit off.
 */
import { JobProxyError } from '../errors.js';

export interface SubmitLimitOptions {
  maxActiveTasks: number;
  submitRate: number;
  /** How many of the user's tasks are queued or running now. */
  countActive(user: string): number;
}

/** Buckets kept before full ones are dropped (user names are the client's to choose). */
const MAX_BUCKETS = 10_000;

interface Bucket {
  tokens: number;
  updated: number;
}

export class SubmitLimits {
  private readonly buckets = new Map<string, Bucket>();
  private readonly options: SubmitLimitOptions;

  constructor(options: SubmitLimitOptions) {
    this.options = options;
  }

  /** Throws TOO_MANY_REQUESTS when `user` may not submit now; otherwise takes one token. */
  check(user: string, now = Date.now()): void {
    const { maxActiveTasks, submitRate } = this.options;
    if (maxActiveTasks > 0 && this.options.countActive(user) >= maxActiveTasks) {
      throw new JobProxyError('TOO_MANY_REQUESTS', {
        problem: `${user} already has ${maxActiveTasks} tasks queued or running (the limit)`,
      });
    }
    if (submitRate <= 0) return;
    const burst = submitRate * 2;
    const bucket = this.buckets.get(user) ?? { tokens: burst, updated: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updated) / 1000) * submitRate);
    bucket.updated = now;
    if (!this.buckets.has(user) && this.buckets.size >= MAX_BUCKETS) this.dropFull(now, burst);
    this.buckets.set(user, bucket);
    if (bucket.tokens < 1) {
      throw new JobProxyError('TOO_MANY_REQUESTS', {
        problem: `${user} may submit ${submitRate} tasks per second`,
      });
    }
    bucket.tokens -= 1;
  }

  /** How many users have a bucket now. */
  get trackedUsers(): number {
    return this.buckets.size;
  }

  /** Forgets buckets that have refilled (a full bucket is what a new one would be). */
  private dropFull(now: number, burst: number): void {
    const rate = this.options.submitRate;
    for (const [user, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.updated) / 1000) * rate >= burst)
        this.buckets.delete(user);
    }
    // Every user submitted within the last seconds: the oldest go, still bounded.
    for (const user of this.buckets.keys()) {
      if (this.buckets.size < MAX_BUCKETS) break;
      this.buckets.delete(user);
    }
  }
}
