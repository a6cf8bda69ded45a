/**
 * The identity pool: for deployments without a Unix account per user, each task owner gets a uid
 * of its own from a range the operator reserves (`local.uidRange=61000-61999`), recorded in the
 * store so it never changes and two owners never share one. A uid that already belongs to an
 * account of this machine is skipped; uid 0 can never be in the range.
 */
import { execFileSync } from 'node:child_process';
import type { IdentityRecords } from '../store/store.js';

export interface UidRange {
  first: number;
  last: number;
}

/** The highest uid the kernel gives out ((uid_t)-1 means "no change"). */
const MAX_UID = 2 ** 32 - 2;

/** "61000-61999" → {first: 61000, last: 61999}, or why it is not a range of non-root uids. */
export function parseUidRange(text: string): UidRange | { problem: string } {
  const match = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(text);
  if (!match)
    return { problem: `expected FIRST-LAST (e.g. 61000-61999), got ${JSON.stringify(text)}` };
  const first = Number(match[1]);
  const last = Number(match[2]);
  if (first < 1) return { problem: 'uid 0 is root: the range must start at 1 or above' };
  if (last < first) return { problem: `${last} is below ${first}` };
  if (last > MAX_UID) return { problem: `${last} is above the highest uid (${MAX_UID})` };
  return { first, last };
}

/** True when an account of this machine (NSS included) has the uid. */
export function uidHasAccount(uid: number): boolean {
  try {
    execFileSync('getent', ['passwd', String(uid)], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false; // exit 2: no such uid
  }
}

/** Owners whose uid is kept in memory (a bound: a store of many owners is read as needed). */
const REMEMBERED_OWNERS = 10_000;

export class IdentityPool {
  /**
   * Uids read from the store: a uid once given never changes (nor is given back), and only this
   * server writes them, so what was read stays true; each submit asked the store twice before.
   */
  private readonly remembered = new Map<string, number>();

  constructor(
    readonly range: UidRange,
    private readonly records: IdentityRecords,
    private readonly hasAccount: (uid: number) => boolean = uidHasAccount,
  ) {}

  /** The owner's uid, given out now if it has none; a problem when the range is used up. */
  uidFor(owner: string): number | { problem: string } {
    const remembered = this.remembered.get(owner);
    if (remembered !== undefined) return remembered;
    const known = this.records.uidOf(owner);
    if (known !== undefined) return this.remember(owner, known);
    const { first, last } = this.range;
    const start = (this.records.highestIn(first, last) ?? first - 1) + 1;
    // From after the last one given out, then from the start of the range: each uid once.
    for (let i = 0; i <= last - first; i++) {
      const uid = first + ((start - first + i) % (last - first + 1));
      if (this.records.isAssigned(uid) || this.hasAccount(uid)) continue;
      if (this.records.assign(owner, uid)) return this.remember(owner, uid);
      const raced = this.records.uidOf(owner);
      if (raced !== undefined) return this.remember(owner, raced);
    }
    return {
      problem: `the identity pool (uids ${first}-${last}) is used up: widen local.uidRange`,
    };
  }

  private remember(owner: string, uid: number): number {
    if (this.remembered.size >= REMEMBERED_OWNERS) this.remembered.clear();
    this.remembered.set(owner, uid);
    return uid;
  }
}
